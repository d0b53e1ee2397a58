using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Hr;

namespace ScimBridge.Admin.Pages.Hr;

/// <summary>
/// Pending HR events: terminations scheduled or held, soonest first and grouped by (UTC) day, each with a Rescind;
/// below them the pending rehires and moves. The admin API's filters (date range, source, name or employee number).
/// </summary>
public sealed class PendingModel(ScimBridgeDbContext db, HrLifecycle lifecycle) : HrPageModel
{
    public const int OtherRows = 50;
    public static readonly string[] FilterFields = ["from", "to", "source", "q"];

    public HrAdminEventPage? Terminations { get; private set; }
    public HrAdminEventPage? Others { get; private set; }
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    /// <summary>Rescinds a pending event as the admin (Source Console) and shows the list again with the same filter.</summary>
    public async Task<IActionResult> OnPostRescindAsync(long? id, CancellationToken cancellationToken)
    {
        if (id is not { } eventId)
        {
            Fail(StatusCodes.Status400BadRequest, "Say which event to rescind.");
        }
        else
        {
            var ran = await RunAsync(async () =>
            {
                var rescinded = await lifecycle.RescindAsync(eventId, null, Actor, cancellationToken);
                return string.Create(CultureInfo.InvariantCulture, $"Rescinded the {rescinded.Kind.ToLowerInvariant()} of {rescinded.UserName ?? rescinded.UserId} (event {rescinded.Id}).");
            });
            if (ran)
            {
                return ConsoleRedirect.Back(this);
            }
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var filter = HrEventFilter.Parse(new HrEventListQuery(null, null, Query("source"), Query("q"), null, Query("from"), Query("to"), null, null));
            var terminations = filter with { Kinds = [HrEventKinds.Terminate], PageSize = ConsolePaging.DefaultPageSize };
            var page = Query("page") is { } p && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
            var total = await HrQueries.Filtered(db, terminations with { States = HrEventStates.Pending }).CountAsync(cancellationToken);
            Paging = ConsolePaging.For(page, total);
            Terminations = await HrQueries.PendingAsync(db, terminations with { Page = Paging.Page }, cancellationToken);
            Others = await HrQueries.PendingAsync(db, filter with { Kinds = [HrEventKinds.Rehire, HrEventKinds.Move], PageSize = OtherRows }, cancellationToken);
        }
        catch (AdminException ex)
        {
            Fail(ex.Status, ex.Detail ?? ex.Title);
        }
    }

    public Dictionary<string, string> FilterRoute() => Route(FilterFields);
}
