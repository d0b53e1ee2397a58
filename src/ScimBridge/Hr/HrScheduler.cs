using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.Scim;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Hr;

/// <summary>
/// Fires due HR events exactly once (on any instance) and runs the leaver pipeline's steps when they are due:
/// snapshot → deactivate → (hold) → remove from teams → (delete).
/// </summary>
/// <remarks>
/// Due events are claimed with one conditional UPDATE (a lease; FOR UPDATE SKIP LOCKED on PostgreSQL), as the push
/// claims its queue. Each event is then applied in one transaction that only commits while this instance still holds
/// the lease and the event is still Scheduled (concurrency tokens): two instances never both fire one, a rescind that
/// won the race is never overwritten, and a crash leaves the event claimable once its lease expires.
/// </remarks>
public sealed partial class HrScheduler(
    PushStore store,
    IServiceScopeFactory scopes,
    HrGuard guard,
    LeaverPipeline leavers,
    PushSignal pushSignal,
    TimeProvider time,
    IOptions<HrOptions> options,
    IOptions<PushOptions> push,
    ILogger<HrScheduler> logger)
{
    private string Owner => push.Value.InstanceId;

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    /// <summary>One pass: fire what is due, run due leaver steps. Returns how many events and steps it handled.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken) => (await PassAsync(cancellationToken)).Handled;

    /// <summary>One pass; <c>More</c> when a claim came back full, so the caller goes on at once.</summary>
    internal async Task<(int Handled, bool More)> PassAsync(CancellationToken cancellationToken)
    {
        var batch = options.Value.BatchSize;
        var handled = 0;
        var events = await ClaimEventsAsync(batch, cancellationToken);
        // Terminations due together (a mass leaver date) fire in one transaction: one commit, not one per event.
        var fired = await FireTerminationsAsync(events, cancellationToken);
        handled += fired.Count;
        foreach (var id in events.Where(e => !fired.Contains(e)))
        {
            try
            {
                handled += await FireAsync(id, cancellationToken) ? 1 : 0;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Its lease runs out and it is claimed again; the others go on.
                LogFireFailed(logger, e, id);
            }
        }
        var workers = await leavers.ClaimAsync(batch, cancellationToken);
        if (workers.Count > 1 && await leavers.RunManyAsync(workers, cancellationToken) is { } together)
        {
            return (handled + together, events.Count == batch || workers.Count == batch);
        }
        foreach (var userId in workers)
        {
            try
            {
                handled += await leavers.RunAsync(userId, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogStepFailed(logger, e, userId);
            }
        }
        return (handled, events.Count == batch || workers.Count == batch);
    }

    /// <summary>At start-up: leases this instance held before a crash are taken back at once instead of expiring.</summary>
    public Task<int> ReleaseLeasesAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
            await db.HrEvents.Where(e => e.LeaseOwner == Owner)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseOwner, (string?)null).SetProperty(e => e.LeaseUntil, (DateTimeOffset?)null), cancellationToken)
            + await db.HrWorkers.Where(w => w.LeaseOwner == Owner)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseOwner, (string?)null).SetProperty(w => w.LeaseUntil, (DateTimeOffset?)null), cancellationToken),
            cancellationToken);

    private Task<List<long>> ClaimEventsAsync(int max, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var sql = $"""
                UPDATE "HrEvents" SET "LeaseOwner" = @owner, "LeaseUntil" = @until
                WHERE "Id" IN (
                    SELECT "Id" FROM "HrEvents"
                    WHERE "State" = @scheduled AND "EffectiveAt" <= @now
                      AND ("LeaseUntil" IS NULL OR "LeaseUntil" < @now)
                      AND ("BatchId" IS NULL OR NOT EXISTS (
                          SELECT 1 FROM "HrJobs" j WHERE j."Id" = "HrEvents"."BatchId"
                            AND (j."Status" = @queued OR (j."Status" = @running AND j."LeaseUntil" >= @now))))
                    ORDER BY "EffectiveAt", "Id"
                    LIMIT @max{(db.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "")})
                RETURNING "Id"
                """;
            await using var command = await HrSql.CommandAsync(db, sql, cancellationToken,
                ("owner", Owner), ("until", (now + Lease).UtcTicks), ("now", now.UtcTicks), ("max", max), ("scheduled", HrEventStates.Scheduled),
                ("queued", HrJobStatuses.Queued), ("running", HrJobStatuses.Running));
            var claimed = new List<long>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(reader.GetInt64(0));
            }
            claimed.Sort();
            return claimed;
        }, cancellationToken);

    private async Task<bool> FireAsync(long id, CancellationToken cancellationToken)
    {
        var kind = await store.ReadAsync(db => db.HrEvents.Where(e => e.Id == id && e.LeaseOwner == Owner && e.State == HrEventStates.Scheduled)
            .Select(e => e.Kind).FirstOrDefaultAsync(cancellationToken), cancellationToken);
        return kind switch
        {
            HrEventKinds.Terminate => await TerminateAsync(id, cancellationToken),
            HrEventKinds.Rehire => await RehireAsync(id, cancellationToken),
            HrEventKinds.Move => await MoveAsync(id, cancellationToken),
            null => false,
            _ => await ConcludeAsync(id, (db, e, now) => Fail(db, e, now, $"Unknown HR event kind '{e.Kind}'."), cancellationToken),
        };
    }

    /// <summary>
    /// Fires the claimed terminations in one transaction, each checked and logged as alone (the guard's counts see the
    /// ones before it, saved in the same transaction). Any conflict (a rescind got there first) rolls the batch back and
    /// leaves every event to the one-at-a-time path. Returns the events it settled.
    /// </summary>
    private async Task<HashSet<long>> FireTerminationsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count < 2)
        {
            return [];
        }
        try
        {
            return await store.WriteAsync(async db =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var now = time.GetUtcNow();
                var events = await db.HrEvents
                    .Where(e => ids.Contains(e.Id) && e.LeaseOwner == Owner && e.State == HrEventStates.Scheduled && e.Kind == HrEventKinds.Terminate)
                    .OrderBy(e => e.Id).ToListAsync(cancellationToken);
                var userIds = events.Select(e => e.UserId).ToList();
                var names = await db.Users.Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.UserName })
                    .ToDictionaryAsync(u => u.Id, u => u.UserName, StringComparer.Ordinal, cancellationToken);
                var workers = await db.HrWorkers.Where(w => userIds.Contains(w.UserId)).ToDictionaryAsync(w => w.UserId, StringComparer.Ordinal, cancellationToken);
                foreach (var e in events)
                {
                    if (guard.Applies(e))
                    {
                        // The guard counts what is saved: the ones fired before this one go first.
                        await db.SaveChangesAsync(cancellationToken);
                    }
                    await ApplyTerminationAsync(db, e, now, names.GetValueOrDefault(e.UserId), workers.GetValueOrDefault(e.UserId), cancellationToken);
                    e.LeaseOwner = null;
                    e.LeaseUntil = null;
                }
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return events.Select(e => e.Id).ToHashSet();
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A rescind got there first, or one event broke: each goes alone, where its failure is its own.
            return [];
        }
    }

    private Task<bool> TerminateAsync(long id, CancellationToken cancellationToken) =>
        ConcludeAsync(id, async (db, termination, now) => await ApplyTerminationAsync(db, termination, now,
            await db.Users.Where(u => u.Id == termination.UserId).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken),
            await db.HrWorkers.FirstOrDefaultAsync(w => w.UserId == termination.UserId, cancellationToken),
            cancellationToken), cancellationToken);

    /// <summary>Fires one termination; <paramref name="userName"/> null when the user is gone, <paramref name="worker"/> null when HR never saw it.</summary>
    private async Task ApplyTerminationAsync(ScimBridgeDbContext db, HrEventRecord termination, DateTimeOffset now, string? userName, HrWorkerRecord? worker,
        CancellationToken cancellationToken)
    {
        if (userName is null)
        {
            Fail(db, termination, now, "The user was deleted before the termination fired: there is nobody left to terminate.");
            return;
        }
        if (await guard.HoldReasonAsync(db, termination, now, cancellationToken) is { } reason)
        {
            termination.State = HrEventStates.Held;
            termination.Error = reason;
            db.LogEntries.Add(HrLog.Entry(termination.Id, termination.UserId, userName, LogActions.HrHeld, LogStatuses.Warning, reason, now, Owner,
                termination.Actor));
            return;
        }
        if (worker is { Status: not HrWorkerStatuses.Active })
        {
            Fail(db, termination, now, $"The worker is already terminated (termination {worker.TerminationId}).");
            return;
        }
        if (worker is null)
        {
            worker = new HrWorkerRecord { UserId = termination.UserId, Status = HrWorkerStatuses.Leaving };
            db.HrWorkers.Add(worker);
        }
        worker.Status = HrWorkerStatuses.Leaving;
        worker.TerminationId = termination.Id;
        worker.Step = LeaverSteps.Snapshot;
        worker.StepDueAt = now;
        worker.Memberships = null;
        worker.SnapshotAt = null;
        worker.Deactivated = false;
        worker.RemovedFromTeams = false;
        worker.Deleted = false;
        worker.DeactivateSeq = null;
        worker.EffectiveAt = termination.EffectiveAt;
        worker.DeactivatedAt = null;
        worker.UpdatedAt = now;
        termination.State = HrEventStates.Fired;
        termination.FiredAt = now;
        termination.Error = null;
        var late = now - termination.EffectiveAt;
        var message = $"Termination {termination.Id} fired (effective {termination.EffectiveLocal} {termination.TimeZone}, {Format(termination.EffectiveAt)})"
            + (late > TimeSpan.FromMinutes(1) ? $", {late.TotalMinutes:0} min after its effective time" : "")
            + (termination.Reason is { } why ? $". Reason: {why}" : "")
            + ". The leaver pipeline starts: snapshot, deactivate, remove from teams.";
        db.LogEntries.Add(HrLog.Entry(termination.Id, termination.UserId, userName, LogActions.HrTerminate, LogStatuses.Success, message, now, Owner,
            termination.Actor, [HrLog.Change("hrStatus", HrWorkerStatuses.Active, HrWorkerStatuses.Leaving)]));
    }

    private async Task<bool> RehireAsync(long id, CancellationToken cancellationToken)
    {
        var (rehire, worker, active) = await store.ReadAsync(async db => (
            await db.HrEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken),
            await db.HrWorkers.AsNoTracking().FirstOrDefaultAsync(w => db.HrEvents.Any(e => e.Id == id && e.UserId == w.UserId), cancellationToken),
            await db.Users.Where(u => db.HrEvents.Any(e => e.Id == id && e.UserId == u.Id)).Select(u => (bool?)u.Active).FirstOrDefaultAsync(cancellationToken)),
            cancellationToken);
        if (rehire is null)
        {
            return false;
        }
        if (active is null || worker is null or { Status: HrWorkerStatuses.Active })
        {
            var why = active is null
                ? "The user was deleted before the rehire fired."
                : "The worker is no longer terminated (the termination was rescinded or an admin overrode it): there is nothing to rehire from.";
            return await ConcludeAsync(id, (db, e, now) => Fail(db, e, now, why), cancellationToken);
        }
        // Effects in the bridge first, as HR: both are idempotent, so a crash before the commit below only repeats them.
        var hr = new ChangeActor(rehire.Actor, null, Initiators.Hr);
        if (active == false)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<UserService>()
                .PatchAsync(rehire.UserId, Replace(("active", JsonValue.Create(true))), null, hr, cancellationToken);
        }
        var teams = await HrRestore.MembershipsAsync(scopes, rehire.UserId, worker.Memberships, rehire.Actor, cancellationToken);
        var rehired = await ConcludeAsync(id, async (db, e, now) =>
        {
            var current = await db.HrWorkers.FirstOrDefaultAsync(w => w.UserId == e.UserId, cancellationToken);
            if (current is null or { Status: HrWorkerStatuses.Active })
            {
                Fail(db, e, now, "The worker is no longer terminated (the termination was rescinded or an admin overrode it).");
                return;
            }
            var deleted = current.Deleted;
            var inMonday = await db.PushStates.AnyAsync(p => p.ResourceType == ResourceKinds.User && p.ResourceId == e.UserId && p.MondayId != null, cancellationToken);
            var changes = Reinstate(current, now);
            await HrQueue.QueueAsync(db, ResourceKinds.User, [e.UserId], e.Actor, now, cancellationToken);
            await HrQueue.QueueAsync(db, ResourceKinds.Group, teams, e.Actor, now, cancellationToken);
            e.State = HrEventStates.Fired;
            e.FiredAt = now;
            var note = deleted
                ? "The leaver pipeline had deleted the monday.com user: the push creates a new account (the old one's history is not carried over)."
                : inMonday ? "The same monday.com account is reactivated." : "The user is not in monday.com: the push provisions it as for any active user.";
            e.Note = e.Note is null ? note : $"{e.Note} {note}";
            var message = $"Rehired: HR precedence ends, the user is pushed active{(active == false ? " (set active in the bridge)" : "")}"
                + (teams.Count > 0 ? $" and back in {ConsoleFormat.Count(teams.Count, "team")} from the termination's snapshot" : "") + $". {note}";
            db.LogEntries.Add(HrLog.Entry(e.Id, e.UserId, e.UserName, LogActions.HrRehire, LogStatuses.Success, message, now, Owner, e.Actor, changes));
        }, cancellationToken);
        pushSignal.Pulse();
        return rehired;
    }

    private async Task<bool> MoveAsync(long id, CancellationToken cancellationToken)
    {
        var move = await store.ReadAsync(db => db.HrEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, cancellationToken), cancellationToken);
        if (move is null)
        {
            return false;
        }
        var changes = JsonSerializer.Deserialize<MoveChanges>(move.Details ?? "{}", JsonSerializerOptions.Web) ?? new MoveChanges(null, null, null, null);
        var operations = new List<PatchOperation>();
        void Set(string path, JsonNode? value, string? text)
        {
            if (text is not null)
            {
                operations.Add(text.Length == 0 ? new PatchOperation(PatchOperationType.Remove, path, null) : new PatchOperation(PatchOperationType.Replace, path, value));
            }
        }
        Set("title", JsonValue.Create(changes.Title), changes.Title);
        Set($"{SchemaUrns.EnterpriseUser}:department", JsonValue.Create(changes.Department), changes.Department);
        Set($"{SchemaUrns.EnterpriseUser}:manager", new JsonObject { ["value"] = changes.Manager }, changes.Manager);
        Set("userType", JsonValue.Create(changes.SeatType), changes.SeatType);
        string? error = null;
        if (operations.Count > 0)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<UserService>()
                    .PatchAsync(move.UserId, new PatchRequest(operations), null, new ChangeActor(move.Actor, null, Initiators.Hr), cancellationToken);
            }
            catch (ScimException e) when (e.Status == StatusCodes.Status404NotFound)
            {
                error = "The user was deleted before the move fired.";
            }
            catch (ScimException e)
            {
                error = $"The move could not be applied to the user: {e.Detail}";
            }
        }
        return await ConcludeAsync(id, (db, e, now) =>
        {
            if (error is not null)
            {
                Fail(db, e, now, error);
                return Task.CompletedTask;
            }
            e.State = HrEventStates.Fired;
            e.FiredAt = now;
            var properties = new List<PropertyChange>();
            if (changes.Title is not null) properties.Add(HrLog.Change("title", null, changes.Title));
            if (changes.Department is not null) properties.Add(HrLog.Change("department", null, changes.Department));
            if (changes.Manager is not null) properties.Add(HrLog.Change("manager", null, changes.Manager));
            if (changes.SeatType is not null) properties.Add(HrLog.Change("userType", null, changes.SeatType));
            db.LogEntries.Add(HrLog.Entry(e.Id, e.UserId, e.UserName, LogActions.HrMove, LogStatuses.Success,
                $"Moved: {string.Join(", ", properties.Select(p => $"{p.Name} → {(string.IsNullOrEmpty(p.New) ? "(cleared)" : p.New)}"))}; the push carries it to monday.com.",
                now, Owner, e.Actor, properties));
            return Task.CompletedTask;
        }, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="apply"/> to the event in one transaction, and commits only while this instance still
    /// holds its lease and it is still Scheduled (the concurrency tokens): false when it lost the event meanwhile.
    /// </summary>
    private Task<bool> ConcludeAsync(long id, Func<ScimBridgeDbContext, HrEventRecord, DateTimeOffset, Task> apply, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            var e = await db.HrEvents.FirstOrDefaultAsync(e => e.Id == id && e.LeaseOwner == Owner && e.State == HrEventStates.Scheduled, cancellationToken);
            if (e is null)
            {
                return false;
            }
            await apply(db, e, now);
            e.LeaseOwner = null;
            e.LeaseUntil = null;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // A rescind, or another instance after this lease expired, got there first: theirs stands.
                return false;
            }
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);

    private void Fail(ScimBridgeDbContext db, HrEventRecord e, DateTimeOffset now, string error)
    {
        e.State = HrEventStates.Failed;
        e.Error = error;
        e.ClosedAt = now;
        e.ClosedBy = "bridge";
        db.LogEntries.Add(HrLog.Entry(e.Id, e.UserId, e.UserName, e.Kind switch
        {
            HrEventKinds.Terminate => LogActions.HrTerminate,
            HrEventKinds.Rehire => LogActions.HrRehire,
            _ => LogActions.HrMove,
        }, LogStatuses.Failure, error, now, Owner, e.Actor));
    }

    private Task<bool> ConcludeAsync(long id, Action<ScimBridgeDbContext, HrEventRecord, DateTimeOffset> apply, CancellationToken cancellationToken) =>
        ConcludeAsync(id, (db, e, now) =>
        {
            apply(db, e, now);
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>Ends a termination's hold on the worker: HR precedence off, pending steps stopped. Returns what changed.</summary>
    internal static List<PropertyChange> Reinstate(HrWorkerRecord worker, DateTimeOffset now)
    {
        var changes = new List<PropertyChange> { HrLog.Change("hrStatus", worker.Status, HrWorkerStatuses.Active) };
        if (worker.Deactivated)
        {
            changes.Add(HrLog.Change("active", false, true));
        }
        if (worker.RemovedFromTeams)
        {
            changes.Add(HrLog.Change("removedFromTeams", true, false));
        }
        if (worker.Deleted)
        {
            changes.Add(HrLog.Change("deleted", true, false));
        }
        worker.Status = HrWorkerStatuses.Active;
        worker.Step = null;
        worker.StepDueAt = null;
        worker.Deactivated = false;
        worker.RemovedFromTeams = false;
        worker.Deleted = false;
        worker.LeaseOwner = null;
        worker.LeaseUntil = null;
        worker.UpdatedAt = now;
        return changes;
    }

    private static PatchRequest Replace(params (string Path, JsonNode? Value)[] values) =>
        new([.. values.Select(v => new PatchOperation(PatchOperationType.Replace, v.Path, v.Value))]);

    private static string Format(DateTimeOffset at) => at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Error, Message = "Firing HR event {EventId} failed; it is tried again once its lease expires.")]
    private static partial void LogFireFailed(ILogger logger, Exception exception, long eventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A leaver step of user {UserId} failed; it is tried again once its lease expires.")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string userId);
}

/// <summary>
/// Runs <see cref="HrScheduler.TickAsync"/> every <c>Hr:TickSeconds</c>, and at once when <see cref="HrSignal"/> pulses.
/// Off when <c>Hr:Enabled</c> is false; a failed pass is logged and the next one comes as usual.
/// </summary>
public sealed partial class HrTicker(HrScheduler scheduler, HrSignal signal, IOptions<HrOptions> options, StoreHealth storeHealth, ILogger<HrTicker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            LogDisabled(logger);
            return;
        }
        await Task.Yield();
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await scheduler.ReleaseLeasesAsync(stoppingToken);
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                storeHealth.Record(e);
                LogFailed(logger, e, attempt);
                await Delay(TimeSpan.FromSeconds(Math.Min(30, attempt)), stoppingToken);
            }
        }
        var every = TimeSpan.FromSeconds(o.TickSeconds);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (_, more) = await scheduler.PassAsync(stoppingToken);
                failures = 0;
                if (!more)
                {
                    await signal.WaitAsync(every, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                storeHealth.Record(e);
                LogFailed(logger, e, failures);
                await Delay(TimeSpan.FromMilliseconds(Math.Min(every.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(failures, 10)))), stoppingToken);
            }
        }
    }

    private static async Task Delay(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The HR scheduler is off on this instance (Hr:Enabled=false): HR events are recorded, none fire.")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The HR scheduler's pass failed (failure {Failures} in a row); it tries again.")]
    private static partial void LogFailed(ILogger logger, Exception exception, int failures);
}
