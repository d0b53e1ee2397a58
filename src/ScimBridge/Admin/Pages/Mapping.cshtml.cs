using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using ScimBridge.Monday;
using ScimBridge.Push;

namespace ScimBridge.Admin.Pages;

/// <summary>The mapping as configured. The page says whether tokens are set, never what they are.</summary>
public sealed class MappingModel(IOptions<MondayMappingOptions> mapping, IOptions<MondayOptions> target, IOptions<PushOptions> push) : PageModel
{
    public MondayMappingOptions Mapping => mapping.Value;
    public MondayOptions Target => target.Value;
    public PushOptions Push => push.Value;

    public void OnGet()
    {
    }
}
