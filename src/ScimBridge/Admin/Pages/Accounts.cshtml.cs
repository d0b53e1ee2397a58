using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ScimBridge.Admin.Pages;

/// <summary>
/// The console's admins: create one, disable or enable one, reset a password (a new random one, shown once) and lift a
/// lockout. Each change is in the provisioning log under the admin who made it, and every form redirects when it
/// succeeds, so a reload never repeats it.
/// </summary>
public sealed class AccountsModel(AdminAccounts accounts, TimeProvider time) : PageModel
{
    public IReadOnlyList<AdminAccountInfo> Accounts { get; private set; } = [];
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);
    public DateTimeOffset Now { get; } = time.GetUtcNow();
    public string Me => AdminApi.ActorName(HttpContext);

    [BindProperty(SupportsGet = true)]
    public string? Unlocked { get; set; }

    [TempData] public string? Done { get; set; }

    /// <summary>A password the bridge made up (a new account without one, or a reset), for the one page that shows it.</summary>
    [TempData] public string? NewPassword { get; set; }
    [TempData] public string? NewPasswordFor { get; set; }

    public string? Error { get; private set; }
    public string? NewName { get; private set; }

    public Task OnGetAsync(int? page, CancellationToken cancellationToken) => LoadAsync(page, cancellationToken);

    public async Task<IActionResult> OnPostAsync(string? name, CancellationToken cancellationToken) =>
        await accounts.UnlockAsync(name ?? "", cancellationToken) ? RedirectToPage("/Accounts", new { unlocked = name }) : NotFound();

    /// <summary>A new admin with the password given, or a random one shown once when none is.</summary>
    public Task<IActionResult> OnPostCreateAsync(string? userName, string? password, CancellationToken cancellationToken)
    {
        NewName = userName;
        return ActAsync(async () =>
        {
            var generated = string.IsNullOrEmpty(password);
            var chosen = generated ? AdminPasswords.Generate() : password!;
            var created = await accounts.CreateAsync(userName ?? "", chosen, Me, cancellationToken);
            if (generated)
            {
                (NewPassword, NewPasswordFor) = (chosen, created.UserName);
            }
            return $"Created the admin account “{created.UserName}”.";
        }, cancellationToken);
    }

    public Task<IActionResult> OnPostDisableAsync(string? name, CancellationToken cancellationToken) =>
        ActAsync(async () => await accounts.DisableAsync(name ?? "", Me, cancellationToken)
            ? $"Disabled “{name}”: it cannot sign in, and its sessions ended."
            : throw AdminException.NotFound($"No admin account named '{name}'."), cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(string? name, CancellationToken cancellationToken) =>
        ActAsync(async () => await accounts.EnableAsync(name ?? "", Me, cancellationToken)
            ? $"Enabled “{name}”: it can sign in again with its password."
            : throw AdminException.NotFound($"No admin account named '{name}'."), cancellationToken);

    public Task<IActionResult> OnPostResetAsync(string? name, CancellationToken cancellationToken) =>
        ActAsync(async () =>
        {
            var password = await accounts.ResetPasswordAsync(name ?? "", Me, cancellationToken)
                ?? throw AdminException.NotFound($"No admin account named '{name}'.");
            (NewPassword, NewPasswordFor) = (password, name);
            return $"Reset the password of “{name}”: its sessions ended.";
        }, cancellationToken);

    /// <summary>Runs a change and redirects, or shows the page again with the reason it was refused.</summary>
    private async Task<IActionResult> ActAsync(Func<Task<string>> change, CancellationToken cancellationToken)
    {
        try
        {
            Done = await change();
            return RedirectToPage("/Accounts");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or AdminException)
        {
            (Done, NewPassword, NewPasswordFor) = (null, null, null);
            Error = ex is AdminException refused ? refused.Detail ?? refused.Title : ex.Message;
            Response.StatusCode = ex switch
            {
                AdminException { Status: var status } => status,
                InvalidOperationException => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status400BadRequest,
            };
            await LoadAsync(1, cancellationToken);
            return Page();
        }
    }

    private async Task LoadAsync(int? page, CancellationToken cancellationToken)
    {
        var all = await accounts.ListAsync(cancellationToken);
        Paging = ConsolePaging.For(page, all.Count);
        Accounts = Paging.Apply(all).ToList();
    }
}
