using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Hr;

/// <summary>Wakes the HR scheduler when an event that is already due was recorded in this process.</summary>
public sealed class HrSignal : WakeSignal;

/// <summary>
/// The HR lifecycle's commands. Recording an event only schedules it (the HR scheduler fires it when due, exactly once);
/// rescind, approval and the admin override act on what is scheduled or already in force. Every command checks what it
/// is applied to and refuses (4xx <see cref="HrException"/>) rather than guess.
/// </summary>
public sealed class HrLifecycle(
    PushStore store, HrSignal signal, TimeProvider time, IServiceScopeFactory scopes, PushSignal pushSignal, IOptions<PushOptions> push)
{
    /// <summary>
    /// Schedules a termination. A termination of the same worker still pending is superseded by this one (the newer
    /// date wins, as HR systems send corrections); a worker already terminated is a conflict.
    /// </summary>
    public async Task<HrEventRecord> TerminateAsync(ResolvedWorker worker, EffectiveInstant effective, string? reason, HrActor actor, CancellationToken cancellationToken) =>
        (await RecordAsync([new PlannedEvent(HrEventKinds.Terminate, worker, effective, reason)], actor, cancellationToken))[0];

    /// <summary>
    /// Schedules a rehire: the same monday.com account is reactivated and its teams restored from the termination's
    /// snapshot. Refused (409) for a worker who is not terminated; a termination still pending is rescinded instead.
    /// </summary>
    public async Task<HrEventRecord> RehireAsync(ResolvedWorker worker, EffectiveInstant effective, string? reason, HrActor actor, CancellationToken cancellationToken) =>
        (await RecordAsync([new PlannedEvent(HrEventKinds.Rehire, worker, effective, reason)], actor, cancellationToken))[0];

    /// <summary>Schedules a move: title, department, manager or seat type change on the inbound user, and so in monday.com.</summary>
    public async Task<HrEventRecord> MoveAsync(ResolvedWorker worker, MoveChanges changes, EffectiveInstant effective, string? reason, HrActor actor, CancellationToken cancellationToken) =>
        (await RecordAsync([new PlannedEvent(HrEventKinds.Move, worker, effective, reason, changes)], actor, cancellationToken))[0];

    /// <summary>
    /// Records several events in one transaction, in order, each checked as the single-event commands check it (and
    /// against the ones before it): all are recorded or none (the first refusal is thrown, with its position).
    /// A roster row, a roster in all-or-nothing mode, or a bulk upload's terminations.
    /// </summary>
    public async Task<IReadOnlyList<HrEventRecord>> RecordAsync(IReadOnlyList<PlannedEvent> events, HrActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(actor);
        if (events.Count == 0)
        {
            return [];
        }
        var recorded = await store.WriteAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            var added = new List<HrEventRecord>();
            for (var i = 0; i < events.Count; i++)
            {
                try
                {
                    added.Add(await PlanAsync(db, events[i], actor, now, added, cancellationToken));
                }
                catch (HrException ex) when (events.Count > 1)
                {
                    throw new HrException(ex.Status, ex.Title, $"Event {i + 1} of {events.Count} ({events[i].Kind} of {events[i].Worker.UserName}): {ex.Detail}", ex.Field);
                }
            }
            db.HrEvents.AddRange(added);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return added;
        }, cancellationToken);
        if (recorded.Any(r => r.EffectiveAt <= time.GetUtcNow()))
        {
            signal.Pulse();
        }
        return recorded;
    }

    private static async Task<HrEventRecord> PlanAsync(ScimBridgeDbContext db, PlannedEvent planned, HrActor actor, DateTimeOffset now,
        List<HrEventRecord> earlier, CancellationToken cancellationToken)
    {
        var worker = planned.Worker ?? throw new ArgumentException("An event names its worker.", nameof(planned));
        var effective = planned.Effective ?? throw new ArgumentException("An event has its effective instant.", nameof(planned));
        var status = await db.HrWorkers.Where(w => w.UserId == worker.UserId).Select(w => new { w.Status, w.TerminationId }).FirstOrDefaultAsync(cancellationToken);
        var pendingTerminations = await db.HrEvents
            .Where(e => e.UserId == worker.UserId && e.Kind == HrEventKinds.Terminate && HrEventStates.Pending.Contains(e.State))
            .ToListAsync(cancellationToken);
        var terminatedInBatch = earlier.Any(e => e.UserId == worker.UserId && e.Kind == HrEventKinds.Terminate);
        string? note = effective.Note;
        string? details = null;
        switch (planned.Kind)
        {
            case HrEventKinds.Terminate:
                if (status is { Status: not HrWorkerStatuses.Active })
                {
                    throw HrException.Conflict(
                        $"Worker {worker.UserName} is already terminated (termination {status.TerminationId}); rehire or rescind that termination first.");
                }
                if (terminatedInBatch)
                {
                    throw HrException.Conflict($"Worker {worker.UserName} is terminated twice in one request.");
                }
                foreach (var old in pendingTerminations)
                {
                    old.State = HrEventStates.Superseded;
                    old.ClosedAt = now;
                    old.ClosedBy = actor.Name;
                }
                if (pendingTerminations.Count > 0)
                {
                    var first = pendingTerminations[0];
                    var replaced = $"Replaces termination {string.Join(", ", pendingTerminations.Select(p => p.Id))} (was due {first.EffectiveLocal} {first.TimeZone}).";
                    note = note is null ? replaced : $"{note} {replaced}";
                }
                break;
            case HrEventKinds.Rehire:
                if (status is null or { Status: HrWorkerStatuses.Active })
                {
                    throw HrException.Conflict(pendingTerminations.Count > 0 || terminatedInBatch
                        ? $"Worker {worker.UserName} has not been terminated yet (a termination is pending): rescind it instead of rehiring."
                        : $"Worker {worker.UserName} has no termination in force: there is nothing to rehire from.");
                }
                if (await db.HrEvents.AnyAsync(e => e.UserId == worker.UserId && e.Kind == HrEventKinds.Rehire && HrEventStates.Pending.Contains(e.State), cancellationToken)
                    || earlier.Any(e => e.UserId == worker.UserId && e.Kind == HrEventKinds.Rehire))
                {
                    throw HrException.Conflict($"Worker {worker.UserName} already has a rehire pending.");
                }
                break;
            case HrEventKinds.Move:
                if (planned.Move is not { IsEmpty: false } move)
                {
                    throw HrException.Invalid("title", "A move changes at least one of title, department, manager or seatType.");
                }
                details = JsonSerializer.Serialize(move, JsonSerializerOptions.Web);
                break;
            default:
                throw new ArgumentException($"Unknown HR event kind '{planned.Kind}'.", nameof(planned));
        }
        return NewEvent(planned.Kind, worker, effective, planned.Reason, actor, now, note, details);
    }

    public Task<HrEventRecord?> GetAsync(long id, CancellationToken cancellationToken) =>
        store.ReadAsync(db => db.HrEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken), cancellationToken);

    /// <summary>
    /// Rescinds an event: a pending one is closed as Rescinded; a fired termination is undone (every step it already ran
    /// is reversed: the user reactivated and its teams restored) and then closed as Rescinded. Anything else is a 409.
    /// </summary>
    public async Task<HrEventRecord> RescindAsync(long eventId, string? reason, HrActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var undone = await RetryAsync(() => store.WriteAsync(db => RescindOnceAsync(db, eventId, reason, actor, cancellationToken), cancellationToken));
        if (undone is { } restore)
        {
            // After the commit that won: the groups the snapshot had, in the bridge (the IdP may have taken the user out).
            await HrRestore.MembershipsAsync(scopes, restore.UserId, restore.Snapshot, actor.Name, cancellationToken);
            pushSignal.Pulse();
        }
        return await GetAsync(eventId, cancellationToken) ?? throw HrException.NotFound($"HR event {eventId} not found.");
    }

    private async Task<Undone?> RescindOnceAsync(ScimBridgeDbContext db, long eventId, string? reason, HrActor actor, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        var e = await db.HrEvents.FirstOrDefaultAsync(e => e.Id == eventId, cancellationToken)
            ?? throw HrException.NotFound($"HR event {eventId} not found.");
        var why = string.IsNullOrWhiteSpace(reason) ? "" : $": {reason.Trim()}";
        Undone? undone = null;
        string message;
        List<PropertyChange> changes = [HrLog.Change("state", e.State, HrEventStates.Rescinded)];
        if (HrEventStates.Pending.Contains(e.State))
        {
            message = $"{e.Kind} {e.Id} rescinded by {actor.Name} before it fired{why}. Nothing was sent to monday.com for it.";
        }
        else if (e is { State: HrEventStates.Fired, Kind: HrEventKinds.Terminate })
        {
            var worker = await db.HrWorkers.FirstOrDefaultAsync(w => w.UserId == e.UserId, cancellationToken);
            if (worker is null || worker.TerminationId != e.Id || worker.Status == HrWorkerStatuses.Active)
            {
                throw HrException.Conflict(
                    $"Termination {e.Id} is no longer in force (the worker was rehired, or an admin overrode it): there is nothing to undo.");
            }
            var deleted = worker.Deleted;
            var removed = worker.RemovedFromTeams;
            undone = new Undone(e.UserId, worker.Memberships);
            changes.AddRange(HrScheduler.Reinstate(worker, now));
            var snapshot = HrMembership.Parse(worker.Memberships).Select(m => m.Id).ToList();
            var teams = await db.Groups.Where(g => snapshot.Contains(g.Id)).Select(g => g.Id).ToListAsync(cancellationToken);
            await HrQueue.QueueAsync(db, ResourceKinds.User, [e.UserId], actor.Name, now, cancellationToken);
            await HrQueue.QueueAsync(db, ResourceKinds.Group, teams, actor.Name, now, cancellationToken);
            message = $"Termination {e.Id} rescinded by {actor.Name} after it fired{why}: undone, the user is pushed active again"
                + (removed || teams.Count > 0 ? $" and back in {ConsoleFormat.Count(teams.Count, "team")} from the snapshot" : "") + ".";
            if (deleted)
            {
                message += " The leaver pipeline had already deleted the monday.com user: that cannot be undone exactly, the push creates a new account.";
            }
        }
        else if (e.State == HrEventStates.Fired)
        {
            throw HrException.Conflict($"HR event {e.Id} is a {e.Kind} that already fired: it cannot be rescinded; record the opposite change instead.");
        }
        else
        {
            throw HrException.Conflict($"HR event {e.Id} is already {e.State}: there is nothing to rescind.");
        }
        e.State = HrEventStates.Rescinded;
        e.ClosedAt = now;
        e.ClosedBy = actor.Name;
        e.LeaseOwner = null;
        e.LeaseUntil = null;
        e.Note = e.Note is null ? message : $"{e.Note} {message}";
        db.LogEntries.Add(HrLog.Entry(e.Id, e.UserId, e.UserName, LogActions.HrRescind, LogStatuses.Success, message, now, Instance,
            actor.Name, changes, actor.Source == HrSources.Console ? Initiators.Admin : Initiators.Hr));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return undone;
    }

    private sealed record Undone(string UserId, string? Snapshot);

    /// <summary>Rescinds the worker's pending termination, or the one in force; 409 when there is none.</summary>
    public async Task<HrEventRecord> RescindWorkerAsync(ResolvedWorker worker, string? reason, HrActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var id = await store.ReadAsync(async db =>
            await db.HrEvents.Where(e => e.UserId == worker.UserId && e.Kind == HrEventKinds.Terminate && HrEventStates.Pending.Contains(e.State))
                .OrderByDescending(e => e.Id).Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken)
            ?? await db.HrWorkers.Where(w => w.UserId == worker.UserId && w.Status != HrWorkerStatuses.Active)
                .Select(w => w.TerminationId).FirstOrDefaultAsync(cancellationToken), cancellationToken);
        return id is { } termination
            ? await RescindAsync(termination, reason, actor, cancellationToken)
            : throw HrException.Conflict($"Worker {worker.UserName} has no termination pending or in force: there is nothing to rescind.");
    }

    /// <summary>Lets terminations held by the mass-termination guard fire (one, or all held when <paramref name="eventId"/> is null).</summary>
    public async Task<int> ApproveAsync(long? eventId, string admin, CancellationToken cancellationToken)
    {
        var approved = await DecideAsync(eventId, admin, "approved", (e, now) =>
        {
            e.State = HrEventStates.Scheduled;
            e.Approved = true;
            var message = $"Approved by {admin}: fires without the mass-termination guard (it was held: {e.Error})";
            e.Error = null;
            e.Note = e.Note is null ? message : $"{e.Note} {message}";
            return (LogActions.HrApprove, message);
        }, cancellationToken);
        if (approved > 0)
        {
            signal.Pulse();
        }
        return approved;
    }

    /// <summary>Refuses held terminations: closed as Rescinded by the admin, nothing sent to monday.com.</summary>
    public Task<int> RejectAsync(long? eventId, string admin, CancellationToken cancellationToken) =>
        DecideAsync(eventId, admin, "rejected", (e, now) =>
        {
            e.State = HrEventStates.Rescinded;
            e.ClosedAt = now;
            e.ClosedBy = admin;
            var message = $"Rejected by {admin}: held by the mass-termination guard ({e.Error}), never fired; nothing was sent to monday.com.";
            e.Note = e.Note is null ? message : $"{e.Note} {message}";
            return (LogActions.HrReject, message);
        }, cancellationToken);

    private Task<int> DecideAsync(long? eventId, string admin, string verb, Func<HrEventRecord, DateTimeOffset, (string Action, string Message)> decide,
        CancellationToken cancellationToken) =>
        RetryAsync(() => store.WriteAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            if (eventId is { } id)
            {
                var state = await db.HrEvents.Where(e => e.Id == id).Select(e => new { e.State, e.Kind }).FirstOrDefaultAsync(cancellationToken)
                    ?? throw HrException.NotFound($"HR event {id} not found.");
                if (state.State != HrEventStates.Held)
                {
                    throw HrException.Conflict($"HR event {id} is {state.State}, not held by the mass-termination guard: only held terminations are {verb}.");
                }
            }
            var held = await db.HrEvents.Where(e => e.State == HrEventStates.Held && (eventId == null || e.Id == eventId))
                .OrderBy(e => e.Id).ToListAsync(cancellationToken);
            foreach (var e in held)
            {
                var before = e.State;
                var (action, message) = decide(e, now);
                db.LogEntries.Add(HrLog.Entry(e.Id, e.UserId, e.UserName, action, LogStatuses.Success, message, now, Instance, admin,
                    [HrLog.Change("state", before, e.State)], Initiators.Admin));
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return held.Count;
        }, cancellationToken));

    /// <summary>
    /// An admin ends an HR termination's precedence for one worker: the identity provider's data decides again (the
    /// user is pushed as the IdP has it), the pending leaver steps stop. The termination stays in history.
    /// </summary>
    public async Task OverrideAsync(string userId, string admin, CancellationToken cancellationToken)
    {
        await RetryAsync(() => store.WriteAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            var worker = await db.HrWorkers.FirstOrDefaultAsync(w => w.UserId == userId, cancellationToken)
                ?? throw HrException.NotFound($"User {userId} has no HR termination: there is nothing to override.");
            if (worker.Status == HrWorkerStatuses.Active)
            {
                throw HrException.Conflict($"User {userId} has no HR termination in force: there is nothing to override.");
            }
            var snapshot = HrMembership.Parse(worker.Memberships).Select(m => m.Id).ToList();
            var removed = worker.RemovedFromTeams;
            var termination = worker.TerminationId;
            var step = worker.Step;
            var changes = HrScheduler.Reinstate(worker, now);
            await Queue(db, ResourceKinds.User, [userId], admin, now, cancellationToken);
            if (removed)
            {
                await Queue(db, ResourceKinds.Group, snapshot, admin, now, cancellationToken);
            }
            var userName = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken);
            var message = $"{admin} overrode HR termination {termination}: the identity provider's data decides again (the user is pushed as it has it)"
                + (step is null ? "." : $"; the pending leaver step {step} and those after it are stopped.");
            db.LogEntries.Add(HrLog.Entry(termination ?? 0, userId, userName, LogActions.HrOverride, LogStatuses.Success, message, now, Instance, admin,
                changes, Initiators.Admin));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }, cancellationToken));
        pushSignal.Pulse();
    }

    private string Instance => push.Value.InstanceId;

    private static Task<int> Queue(ScimBridgeDbContext db, string resourceType, IReadOnlyCollection<string> ids, string admin, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        ids.Count == 0
            ? Task.FromResult(0)
            : db.PushStates.Where(p => p.ResourceType == resourceType && ids.Contains(p.ResourceId))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.ChangeSeq, p => p.ChangeSeq + 1)
                    .SetProperty(p => p.DueAt, now)
                    .SetProperty(p => p.InitiatorType, Initiators.Admin)
                    .SetProperty(p => p.Initiator, admin), cancellationToken);

    /// <summary>A scheduler or another command changed the rows meanwhile: read them again (the new state decides).</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 20 * attempt)));
            }
        }
    }

    private static HrEventRecord NewEvent(string kind, ResolvedWorker worker, EffectiveInstant effective, string? reason, HrActor actor,
        DateTimeOffset now, string? note, string? details) => new()
        {
            Kind = kind,
            State = HrEventStates.Scheduled,
            UserId = worker.UserId,
            UserName = worker.UserName,
            EmployeeNumber = worker.EmployeeNumber,
            MatchedBy = worker.MatchedBy,
            EffectiveAt = effective.Past ? now : effective.At,
            EffectiveLocal = effective.Local,
            TimeZone = effective.TimeZone,
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            Note = note,
            Details = details,
            Source = actor.Source,
            Actor = actor.Name,
            ClientRequestId = actor.ClientRequestId,
            BatchId = actor.BatchId,
            CreatedAt = now,
        };

}

/// <summary>One event to record: a termination, a rehire, or a move with its <see cref="Move"/> changes.</summary>
public sealed record PlannedEvent(string Kind, ResolvedWorker Worker, EffectiveInstant Effective, string? Reason, MoveChanges? Move = null);

/// <summary>Queues users or teams for a push on behalf of HR, so the provisioning log names the initiator Hr.</summary>
public static class HrQueue
{
    public static Task<int> QueueAsync(ScimBridgeDbContext db, string resourceType, IReadOnlyCollection<string> ids, string actor,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return ids.Count == 0
            ? Task.FromResult(0)
            : db.PushStates.Where(p => p.ResourceType == resourceType && ids.Contains(p.ResourceId))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.ChangeSeq, p => p.ChangeSeq + 1)
                    .SetProperty(p => p.DueAt, now)
                    .SetProperty(p => p.InitiatorType, Initiators.Hr)
                    .SetProperty(p => p.Initiator, actor), cancellationToken);
    }
}
