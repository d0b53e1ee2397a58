using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ScimBridge.Admin.Pages;

public sealed class DashboardModel(DashboardQuery query) : PageModel
{
    public Dashboard Dashboard { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Dashboard = await query.GetAsync(cancellationToken);
}
