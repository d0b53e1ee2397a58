using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Hr;

namespace ScimBridge.Admin.Pages.Hr;

/// <summary>
/// One worker: HR status, the termination in force, the leaver step, the membership snapshot and every event; and the
/// admin's commands: terminate (now or at a date, Source Console), rescind, and the override of a termination's
/// precedence (after a confirmation step, without script).
/// </summary>
public sealed class WorkerModel(ScimBridgeDbContext db, HrLifecycle lifecycle, WorkerDirectory directory, IOptions<HrOptions> options, TimeProvider time)
    : HrPageModel
{
    public HrAdminWorker? Worker { get; private set; }
    public bool ConfirmOverride { get; private set; }
    public string DefaultTimeZone => options.Value.DefaultTimeZone;

    public async Task<IActionResult> OnGetAsync(string userId, string? confirm, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(userId, cancellationToken))
        {
            return NotFound();
        }
        ConfirmOverride = confirm == "override" && Worker!.Terminated;
        return Page();
    }

    /// <summary>"Let the identity provider decide again": ends the termination's precedence for this worker.</summary>
    public async Task<IActionResult> OnPostOverrideAsync(string userId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(userId, cancellationToken))
        {
            return NotFound();
        }
        var ran = await RunAsync(async () =>
        {
            await lifecycle.OverrideAsync(userId, AdminApi.ActorName(HttpContext), cancellationToken);
            return $"Overridden: the identity provider decides {Worker!.UserName ?? userId}'s account again; the pending leaver steps stopped.";
        });
        return ran ? RedirectToPage(new { userId }) : await ReloadAsync(userId, cancellationToken);
    }

    /// <summary>Schedules a termination as the admin: now (<paramref name="now"/>), or at the date and time given in the zone given (or the worker's).</summary>
    public async Task<IActionResult> OnPostTerminateAsync(string userId, bool? now, string? effective, string? timeZone, string? reason,
        CancellationToken cancellationToken)
    {
        var worker = await directory.FindByIdAsync(userId, cancellationToken);
        if (worker is null)
        {
            return await LoadAsync(userId, cancellationToken) ? await FailedAsync(StatusCodes.Status404NotFound, "The inbound user no longer exists: there is nobody to terminate.", userId, cancellationToken) : NotFound();
        }
        var ran = await RunAsync(async () =>
        {
            if (now != true && string.IsNullOrWhiteSpace(effective))
            {
                throw HrException.Invalid("effective", "Give the effective date (and time), or use Terminate now.");
            }
            var zone = WorkerDirectory.ZoneFor(timeZone, worker, options.Value);
            var at = EffectiveTime.Resolve(now == true ? null : effective, zone, options.Value.TerminationTime, time.GetUtcNow());
            var recorded = await lifecycle.TerminateAsync(worker, at, reason, Actor, cancellationToken);
            return now == true
                ? $"Terminated {worker.UserName} now (termination {recorded.Id})."
                : $"Scheduled the termination of {worker.UserName} for {at.Describe()} (termination {recorded.Id}).{(recorded.Note is { } note ? " " + note : "")}";
        });
        return ran ? RedirectToPage(new { userId }) : await ReloadAsync(userId, cancellationToken);
    }

    /// <summary>Rescinds the worker's pending termination or the one in force (an event of this worker only).</summary>
    public async Task<IActionResult> OnPostRescindAsync(string userId, long? id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(userId, cancellationToken))
        {
            return NotFound();
        }
        if (id is not { } eventId || Worker!.Events.All(e => e.Id != eventId) && Worker.Termination?.Id != eventId)
        {
            return await FailedAsync(StatusCodes.Status400BadRequest, "Say which of this worker's events to rescind.", userId, cancellationToken);
        }
        var ran = await RunAsync(async () =>
        {
            var rescinded = await lifecycle.RescindAsync(eventId, null, Actor, cancellationToken);
            return $"Rescinded the {rescinded.Kind.ToLowerInvariant()} {rescinded.Id}.";
        });
        return ran ? RedirectToPage(new { userId }) : await ReloadAsync(userId, cancellationToken);
    }

    private async Task<IActionResult> FailedAsync(int status, string message, string userId, CancellationToken cancellationToken)
    {
        Fail(status, message);
        return await ReloadAsync(userId, cancellationToken);
    }

    private async Task<IActionResult> ReloadAsync(string userId, CancellationToken cancellationToken) =>
        await LoadAsync(userId, cancellationToken) ? Page() : NotFound();

    private async Task<bool> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        Worker = string.IsNullOrEmpty(userId) || userId.Length > 256 ? null : await HrQueries.WorkerAsync(db, userId, cancellationToken);
        return Worker is not null;
    }
}
