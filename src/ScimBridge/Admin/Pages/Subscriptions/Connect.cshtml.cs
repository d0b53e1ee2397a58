using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Monday;
using ScimBridge.Monday;

namespace ScimBridge.Admin.Pages.Subscriptions;

/// <summary>
/// "Connect monday.com" for the subscription mirror: which credential it uses, what that credential may do, and the
/// OAuth connect (a plain POST here: 302 to monday's authorize URL), reconnect and disconnect.
/// </summary>
public sealed class ConnectModel(MondayOAuth oauth, IOptionsMonitor<MondayOptions> monday) : PageModel
{
    public MondayOAuthOptions OAuth => oauth.Options;
    public MondayOAuthConnection? Connection { get; private set; }
    public bool PersonalToken { get; private set; }
    public MondayOAuthOutcome? Outcome { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The scopes the credential in use has; null for a personal token (it acts with its user's own rights).</summary>
    public IReadOnlySet<string>? Granted => Connection?.Scopes;
    public IReadOnlyList<string> MissingForMirror => Granted is { } g ? [.. MondayScopes.Mirror.Where(s => !g.Contains(s))] : [];
    public IReadOnlyList<string> MissingForReclamation => Granted is { } g && !g.Contains(MondayScopes.UsersWrite) ? [MondayScopes.UsersWrite] : [];
    public string RedirectUri => oauth.RedirectUri(Request);

    /// <summary>The authorize URL's origin: the connect form's redirect goes there, so the page's CSP form-action must allow it.</summary>
    public string? AuthorizeOrigin =>
        OAuth.Configured && Uri.TryCreate(OAuth.AuthorizeUrl, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;

    public async Task OnGetAsync(string? outcome, CancellationToken cancellationToken)
    {
        Outcome = oauth.UnprotectOutcome(outcome);
        await LoadAsync(cancellationToken);
    }

    /// <summary>Connect (or reconnect): off to monday.com to approve the scopes.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!OAuth.Configured)
        {
            Error = "Connect monday.com needs an OAuth app: set Monday:OAuth:ClientId and Monday:OAuth:ClientSecret first.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync(cancellationToken);
            return Page();
        }
        return Redirect(oauth.Begin(HttpContext));
    }

    public async Task<IActionResult> OnPostDisconnectAsync(CancellationToken cancellationToken)
    {
        var removed = await oauth.DisconnectAsync(AdminApi.ActorName(HttpContext), cancellationToken);
        var outcome = new MondayOAuthOutcome(true, removed
            ? "Disconnected: the OAuth token was deleted from the bridge. To cut it off at monday.com as well, uninstall the app there."
            : "monday.com was not connected with OAuth; nothing to disconnect.");
        return RedirectToPage(new { outcome = oauth.ProtectOutcome(outcome) });
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Connection = await oauth.GetConnectionAsync(cancellationToken);
        PersonalToken = monday.CurrentValue.ApiToken is { Length: > 0 };
    }
}
