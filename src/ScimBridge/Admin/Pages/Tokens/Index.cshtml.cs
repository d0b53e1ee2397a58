using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ScimBridge.Auth;
using ScimBridge.Data;

namespace ScimBridge.Admin.Pages;

public sealed class TokensModel(TokenService tokens) : PageModel
{
    public IReadOnlyList<TokenInfo> Tokens { get; private set; } = [];
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);

    /// <summary>Set only on the page the create form redirects to: the one time the secret is shown (TempData is read once).</summary>
    public CreatedToken? Created => CreatedToken is { } token && CreatedName is { } name && CreatedScope is { } scope ? new CreatedToken(name, token, scope) : null;

    [TempData] public string? CreatedName { get; set; }
    [TempData] public string? CreatedToken { get; set; }
    [TempData] public string? CreatedScope { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Revoked { get; set; }

    public string? Error { get; private set; }

    public async Task OnGetAsync(int? page, CancellationToken cancellationToken) => await LoadAsync(page, cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? name, string? scope, CancellationToken cancellationToken)
    {
        try
        {
            var created = await tokens.CreateAsync(name ?? "", scope ?? TokenScopes.Scim, cancellationToken);
            (CreatedName, CreatedToken, CreatedScope) = (created.Name, created.Token, created.Scope);
            return RedirectToPage();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            Error = ex.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        await LoadAsync(1, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(int? page, CancellationToken cancellationToken)
    {
        // Active tokens first, then the newest.
        var all = (await tokens.ListAsync(cancellationToken)).OrderBy(t => t.RevokedAt is not null).ThenByDescending(t => t.CreatedAt).ToList();
        Paging = ConsolePaging.For(page, all.Count);
        Tokens = Paging.Apply(all).ToList();
    }
}
