using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using ScimBridge.Data;
using ScimBridge.Hr;

namespace ScimBridge.Admin.Pages.Hr;

/// <summary>
/// Terminations the mass-termination guard holds: approve (they fire) or reject (closed, nothing sent) each, or all at
/// once. Deciding for all needs the count the admin saw, so terminations held since the page was loaded are never decided unseen.
/// </summary>
public sealed class HeldModel(ScimBridgeDbContext db, HrLifecycle lifecycle) : HrPageModel
{
    public HrAdminEventPage? Held { get; private set; }
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);

    public Task OnGetAsync(int? page, CancellationToken cancellationToken) => LoadAsync(page, cancellationToken);

    public Task<IActionResult> OnPostApproveAsync(long? id, CancellationToken cancellationToken) =>
        DecideAsync(id, approve: true, cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(long? id, CancellationToken cancellationToken) =>
        DecideAsync(id, approve: false, cancellationToken);

    public Task<IActionResult> OnPostApproveAllAsync(int? seen, CancellationToken cancellationToken) =>
        DecideAllAsync(seen, approve: true, cancellationToken);

    public Task<IActionResult> OnPostRejectAllAsync(int? seen, CancellationToken cancellationToken) =>
        DecideAllAsync(seen, approve: false, cancellationToken);

    private async Task<IActionResult> DecideAsync(long? id, bool approve, CancellationToken cancellationToken)
    {
        if (id is not { } eventId)
        {
            Fail(StatusCodes.Status400BadRequest, "Say which held termination.");
        }
        else
        {
            var ran = await RunAsync(async () =>
            {
                var held = await lifecycle.GetAsync(eventId, cancellationToken);
                if (held is not { State: HrEventStates.Held })
                {
                    throw new AdminException(held is null ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, "Not held",
                        $"Termination {eventId} is not held (any more): someone may have decided on it already.");
                }
                var admin = AdminApi.ActorName(HttpContext);
                var count = approve
                    ? await lifecycle.ApproveAsync(eventId, admin, cancellationToken)
                    : await lifecycle.RejectAsync(eventId, admin, cancellationToken);
                return count == 0
                    ? throw new AdminException(StatusCodes.Status409Conflict, "Not held", $"Termination {eventId} is no longer held: someone may have decided on it already.")
                    : approve
                        ? $"Approved the termination of {held.UserName ?? held.UserId}: it fires now (or at its effective time)."
                        : $"Rejected the termination of {held.UserName ?? held.UserId}: nothing is sent to monday.com.";
            });
            if (ran)
            {
                return RedirectToPage();
            }
        }
        await LoadAsync(1, cancellationToken);
        return Page();
    }

    private async Task<IActionResult> DecideAllAsync(int? seen, bool approve, CancellationToken cancellationToken)
    {
        var ran = await RunAsync(async () =>
        {
            var now = await HrQueries.HeldCountAsync(db, cancellationToken);
            if (seen != now)
            {
                throw new AdminException(StatusCodes.Status409Conflict, "The list changed",
                    $"There are now {ConsoleFormat.Count(now, "held termination")}, not the {seen} you saw. Review the list again before deciding for all of them.");
            }
            var admin = AdminApi.ActorName(HttpContext);
            var count = approve ? await lifecycle.ApproveAsync(null, admin, cancellationToken) : await lifecycle.RejectAsync(null, admin, cancellationToken);
            return string.Create(CultureInfo.InvariantCulture, $"{(approve ? "Approved" : "Rejected")} {ConsoleFormat.Count(count, "held termination")}.");
        });
        if (ran)
        {
            return RedirectToPage();
        }
        await LoadAsync(1, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(int? page, CancellationToken cancellationToken)
    {
        Paging = ConsolePaging.For(page, await HrQueries.HeldCountAsync(db, cancellationToken));
        Held = await HrQueries.HeldAsync(db, Paging.Page, Paging.PageSize, cancellationToken);
    }
}
