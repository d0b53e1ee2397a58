using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ScimBridge.Admin.Pages;

public sealed class AccountsModel(AdminAccounts accounts, TimeProvider time) : PageModel
{
    public IReadOnlyList<AdminAccountInfo> Accounts { get; private set; } = [];
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);
    public DateTimeOffset Now { get; } = time.GetUtcNow();

    [BindProperty(SupportsGet = true)]
    public string? Unlocked { get; set; }

    public async Task OnGetAsync(int? page, CancellationToken cancellationToken)
    {
        var all = await accounts.ListAsync(cancellationToken);
        Paging = ConsolePaging.For(page, all.Count);
        Accounts = Paging.Apply(all).ToList();
    }

    public async Task<IActionResult> OnPostAsync(string? name, CancellationToken cancellationToken) =>
        await accounts.UnlockAsync(name ?? "", cancellationToken) ? RedirectToPage("/Accounts", new { unlocked = name }) : NotFound();
}
