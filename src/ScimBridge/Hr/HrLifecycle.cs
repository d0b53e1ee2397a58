using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
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
public sealed class HrLifecycle(PushStore store, HrSignal signal, TimeProvider time)
{
    /// <summary>
    /// Schedules a termination. A termination of the same worker still pending is superseded by this one (the newer
    /// date wins, as HR systems send corrections); a worker already terminated is a conflict.
    /// </summary>
    public async Task<HrEventRecord> TerminateAsync(ResolvedWorker worker, EffectiveInstant effective, string? reason, HrActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(effective);
        ArgumentNullException.ThrowIfNull(actor);
        var recorded = await store.WriteAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var state = await db.HrWorkers.AsNoTracking().FirstOrDefaultAsync(w => w.UserId == worker.UserId, cancellationToken);
            if (state is { Status: not HrWorkerStatuses.Active })
            {
                throw HrException.Conflict(
                    $"Worker {worker.UserName} is already terminated (termination {state.TerminationId}); rehire or rescind that termination first.");
            }
            var now = time.GetUtcNow();
            var pending = await db.HrEvents
                .Where(e => e.UserId == worker.UserId && e.Kind == HrEventKinds.Terminate && HrEventStates.Pending.Contains(e.State))
                .ToListAsync(cancellationToken);
            var note = effective.Note;
            foreach (var old in pending)
            {
                old.State = HrEventStates.Superseded;
                old.ClosedAt = now;
                old.ClosedBy = actor.Name;
            }
            if (pending.Count > 0)
            {
                var replaced = $"Replaces termination {string.Join(", ", pending.Select(p => p.Id))} (was due {pending[0].EffectiveLocal} {pending[0].TimeZone}).";
                note = note is null ? replaced : $"{note} {replaced}";
            }
            var record = NewEvent(HrEventKinds.Terminate, worker, effective, reason, actor, now, note, details: null);
            db.HrEvents.Add(record);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return record;
        }, cancellationToken);
        WakeIfDue(recorded);
        return recorded;
    }

    /// <summary>
    /// Schedules a rehire: the same monday.com account is reactivated and its teams restored from the termination's
    /// snapshot. Refused (409) for a worker who is not terminated; a termination still pending is rescinded instead.
    /// </summary>
    public async Task<HrEventRecord> RehireAsync(ResolvedWorker worker, EffectiveInstant effective, string? reason, HrActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(effective);
        ArgumentNullException.ThrowIfNull(actor);
        var recorded = await store.WriteAsync(async db =>
        {
            var state = await db.HrWorkers.AsNoTracking().FirstOrDefaultAsync(w => w.UserId == worker.UserId, cancellationToken);
            if (state is null or { Status: HrWorkerStatuses.Active })
            {
                var pending = await db.HrEvents.Where(e => e.UserId == worker.UserId && e.Kind == HrEventKinds.Terminate && HrEventStates.Pending.Contains(e.State))
                    .Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken);
                throw HrException.Conflict(pending is { } id
                    ? $"Worker {worker.UserName} has not been terminated yet (termination {id} is pending): rescind it instead of rehiring."
                    : $"Worker {worker.UserName} has no termination in force: there is nothing to rehire from.");
            }
            if (await db.HrEvents.AnyAsync(e => e.UserId == worker.UserId && e.Kind == HrEventKinds.Rehire && HrEventStates.Pending.Contains(e.State), cancellationToken))
            {
                throw HrException.Conflict($"Worker {worker.UserName} already has a rehire pending.");
            }
            var record = NewEvent(HrEventKinds.Rehire, worker, effective, reason, actor, time.GetUtcNow(), effective.Note, details: null);
            db.HrEvents.Add(record);
            await db.SaveChangesAsync(cancellationToken);
            return record;
        }, cancellationToken);
        WakeIfDue(recorded);
        return recorded;
    }

    /// <summary>Schedules a move: title, department, manager or seat type change on the inbound user, and so in monday.com.</summary>
    public async Task<HrEventRecord> MoveAsync(ResolvedWorker worker, MoveChanges changes, EffectiveInstant effective, string? reason, HrActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(effective);
        ArgumentNullException.ThrowIfNull(actor);
        if (changes.IsEmpty)
        {
            throw HrException.Invalid("title", "A move changes at least one of title, department, manager or seatType.");
        }
        var recorded = await store.WriteAsync(async db =>
        {
            var record = NewEvent(HrEventKinds.Move, worker, effective, reason, actor, time.GetUtcNow(), effective.Note,
                JsonSerializer.Serialize(changes, JsonSerializerOptions.Web));
            db.HrEvents.Add(record);
            await db.SaveChangesAsync(cancellationToken);
            return record;
        }, cancellationToken);
        WakeIfDue(recorded);
        return recorded;
    }

    public Task<HrEventRecord?> GetAsync(long id, CancellationToken cancellationToken) =>
        store.ReadAsync(db => db.HrEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken), cancellationToken);

    /// <summary>
    /// Rescinds an event: a pending one is closed as Rescinded; a fired termination is undone (every step it already ran
    /// is reversed: the user reactivated and its teams restored) and then closed as Rescinded. Anything else is a 409.
    /// </summary>
    public Task<HrEventRecord> RescindAsync(long eventId, string? reason, HrActor actor, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Rescinds the worker's pending termination, or the one in force; 409 when there is none.</summary>
    public Task<HrEventRecord> RescindWorkerAsync(ResolvedWorker worker, string? reason, HrActor actor, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Lets terminations held by the mass-termination guard fire (one, or all held when <paramref name="eventId"/> is null).</summary>
    public Task<int> ApproveAsync(long? eventId, string admin, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Refuses held terminations: closed as Rescinded by the admin, nothing sent to monday.com.</summary>
    public Task<int> RejectAsync(long? eventId, string admin, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>
    /// An admin ends an HR termination's precedence for one worker: the identity provider's data decides again (the
    /// user is pushed as the IdP has it), the pending leaver steps stop. The termination stays in history.
    /// </summary>
    public Task OverrideAsync(string userId, string admin, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

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

    private void WakeIfDue(HrEventRecord recorded)
    {
        if (recorded.EffectiveAt <= time.GetUtcNow())
        {
            signal.Pulse();
        }
    }
}

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
