using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using ScimBridge.Monday;
using ScimBridge.Push;

namespace ScimBridge.Admin.Pages;

/// <summary>The mapping as configured, every rule with its values. The page says whether tokens are set, never what they are.</summary>
public sealed class MappingModel(IOptions<MondayMappingOptions> mapping, IOptions<MondayOptions> target, IOptions<PushOptions> push) : PageModel
{
    public MondayMappingOptions Mapping => mapping.Value;
    public MondayOptions Target => target.Value;
    public PushOptions Push => push.Value;

    /// <summary>The monday attributes no rule sends: monday keeps whatever it has.</summary>
    public IEnumerable<string> Unmapped =>
        MondayMappingOptions.Targets.Where(t => !Mapping.Attributes.Any(r => string.Equals(r.Target, t, StringComparison.OrdinalIgnoreCase)));

    /// <summary>What a rule does, in words, with its values ("SCIM userName, lower-cased").</summary>
    public static string Describe(MondayAttributeRule rule) => rule.Transform switch
    {
        MondayTransform.Constant => $"Always “{rule.Value}”",
        MondayTransform.Lowercase => $"SCIM {rule.Source}, lower-cased",
        MondayTransform.Lookup => $"SCIM {rule.Source}, looked up in its table; "
            + (rule.Value is null ? "nothing is sent for a value not in it" : $"“{rule.Value}” for a value not in it"),
        MondayTransform.FirstNonEmpty => $"The first non-empty of SCIM {string.Join(", ", rule.Sources ?? [])}",
        _ => $"SCIM {rule.Source}, as it is",
    };

    public static string Durations(IEnumerable<TimeSpan> values) => string.Join(", then ", values.Select(v => ConsoleFormat.Duration(v)));

    public void OnGet()
    {
    }
}
