using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ScimBridge.Auth;

namespace ScimBridge.Admin.Pages;

/// <summary>A confirmation step before revoking, without script: GET asks, POST (with antiforgery) does it.</summary>
public sealed class RevokeTokenModel(TokenService tokens) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Name { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        (await tokens.ListAsync(cancellationToken)).Any(t => t.Name == Name && t.RevokedAt is null) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken) =>
        await tokens.RevokeAsync(Name, cancellationToken) ? RedirectToPage("/Tokens/Index", new { revoked = Name }) : NotFound();
}
