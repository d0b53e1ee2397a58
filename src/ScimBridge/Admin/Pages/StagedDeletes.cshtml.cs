using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ScimBridge.Data;
using ScimBridge.Hr;
using ScimBridge.Push;

namespace ScimBridge.Admin.Pages;

/// <summary>
/// Disables and deletes the deletion guard holds: approve or reject each, or all at once. Deciding for all needs the
/// count the admin saw, so holds that arrived since the page was loaded are never approved unseen.
/// </summary>
public sealed class StagedDeletesModel(StagedDeletes push, TimeProvider time, ScimBridgeDbContext db) : PageModel
{
    /// <summary>HR terminations the mass-termination guard holds (decided on the HR Held page).</summary>
    public int HrHeld { get; private set; }

    public IReadOnlyList<StagedDelete> Staged { get; private set; } = [];
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);

    [BindProperty(SupportsGet = true)]
    public string? Rejected { get; set; }

    public string? Error { get; private set; }

    public Task OnGetAsync(int? page, CancellationToken cancellationToken) => LoadAsync(page, cancellationToken);

    public async Task<IActionResult> OnPostApproveAsync(string? resourceType, string? id, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow();
        return await DecideAsync(async () =>
        {
            var count = await push.ApproveAsync(Required(resourceType), Required(id), AdminApi.ActorName(HttpContext), cancellationToken);
            return count == 0 ? throw NotHeld(resourceType, id) : ProgressModel.Redirect(this, since, $"Approved deprovisioning of {resourceType} {id}");
        }, cancellationToken);
    }

    public async Task<IActionResult> OnPostRejectAsync(string? resourceType, string? id, CancellationToken cancellationToken) =>
        await DecideAsync(async () =>
        {
            var count = await push.RejectAsync(Required(resourceType), Required(id), AdminApi.ActorName(HttpContext), cancellationToken);
            return count == 0 ? throw NotHeld(resourceType, id) : RedirectToPage(new { rejected = "1" });
        }, cancellationToken);

    public async Task<IActionResult> OnPostApproveAllAsync(int? seen, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow();
        return await DecideAsync(async () =>
        {
            await RequireSeenAsync(seen, cancellationToken);
            var count = await push.ApproveAsync(null, null, AdminApi.ActorName(HttpContext), cancellationToken);
            return ProgressModel.Redirect(this, since, $"Approved all {count} staged deletes");
        }, cancellationToken);
    }

    public async Task<IActionResult> OnPostRejectAllAsync(int? seen, CancellationToken cancellationToken) =>
        await DecideAsync(async () =>
        {
            await RequireSeenAsync(seen, cancellationToken);
            var count = await push.RejectAsync(null, null, AdminApi.ActorName(HttpContext), cancellationToken);
            return RedirectToPage(new { rejected = count.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }, cancellationToken);

    private async Task<IActionResult> DecideAsync(Func<Task<IActionResult>> decide, CancellationToken cancellationToken)
    {
        try
        {
            return await decide();
        }
        catch (AdminException ex)
        {
            Error = ex.Detail ?? ex.Title;
            Response.StatusCode = ex.Status;
            await LoadAsync(1, cancellationToken);
            return Page();
        }
    }

    private async Task RequireSeenAsync(int? seen, CancellationToken cancellationToken)
    {
        var now = await push.CountAsync(cancellationToken);
        if (seen != now)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "The list changed",
                $"There are now {ConsoleFormat.Count(now, "staged delete")}, not the {seen} you saw. Review the list again before deciding for all of them.");
        }
    }

    private static AdminException NotHeld(string? resourceType, string? id) =>
        AdminException.NotFound($"No staged delete for {resourceType} {id}: someone may have decided on it already.");

    private static string Required(string? value) =>
        string.IsNullOrWhiteSpace(value) ? throw AdminException.Invalid("id", "Say which staged delete: its type and id.") : value;

    private async Task LoadAsync(int? page, CancellationToken cancellationToken)
    {
        Paging = ConsolePaging.For(page, await push.CountAsync(cancellationToken));
        Staged = await push.ListAsync(Paging.Skip, Paging.PageSize, cancellationToken);
        HrHeld = await HrQueries.HeldCountAsync(db, cancellationToken);
    }
}
