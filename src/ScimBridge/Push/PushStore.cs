using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimBridge.Data;
using ScimBridge.Monday;

namespace ScimBridge.Push;

/// <summary>What one push came to, for <see cref="PushStore.FinishAsync(IReadOnlyList{PushResult}, CancellationToken)"/>.</summary>
public sealed record PushResult(ClaimedResource Claimed, PushSnapshot Snapshot, PushOutcome Outcome, double DurationMs);

/// <summary>A resource this instance holds the lease on, and the change counter it had when it was claimed.</summary>
public sealed record ClaimedResource(string ResourceType, string ResourceId, long ChangeSeq)
{
    /// <summary>The batch (claim, or admin operation) the push belongs to, for the provisioning log.</summary>
    public string CycleId { get; init; } = NewCycleId();

    public static string NewCycleId() => Guid.CreateVersion7().ToString("N");
}

/// <summary>What the worker reads for a claimed resource: its push state, the newest pending change, and the resource now.</summary>
public sealed record PushSnapshot(
    PushStateRecord State,
    long? PendingChangeId,
    string? UserData,
    string? GroupDisplayName,
    IReadOnlyList<string> GroupUserMembers,
    int GroupOtherMembers)
{
    /// <summary>The userName or group name in the bridge (the last one pushed when it was deleted).</summary>
    public string? SourceName { get; init; }
    public int PendingChanges { get; init; }
    public DateTimeOffset? FirstPendingAt { get; init; }
    /// <summary>An HR termination in force for this user (see <c>HrWorkers</c>), null when none.</summary>
    public HrHold? Hr { get; init; }
}

/// <summary>What an HR termination asks of the push: keep the user deactivated, or delete it (the leaver pipeline's last step).</summary>
public sealed record HrHold(bool Deactivated, bool Deleted, long? TerminationId);

/// <summary>
/// A user a team wants as a member: its monday id once it has one, whether its own push is still to come, and whether
/// an HR leaver step took it out of its teams (then it is not wanted, whatever the group says).
/// </summary>
public sealed record MemberLink(string UserId, string? MondayId, bool Pending, bool HrRemoved = false);

/// <summary>
/// The worker's database side. Claims are leases (owner + expiry) taken with one UPDATE; on PostgreSQL the rows are
/// picked with FOR UPDATE SKIP LOCKED so instances never wait on each other. Writes go through the write gate.
/// </summary>
public sealed class PushStore(IServiceScopeFactory scopes, TimeProvider time, IOptions<PushOptions> options)
{
    private readonly PushOptions _options = options.Value;

    private string Owner => _options.InstanceId;

    public Task<List<ClaimedResource>> ClaimAsync(int max, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var postgres = db.IsPostgres;
            var sql = $"""
                UPDATE "PushStates" SET "LeaseOwner" = @owner, "LeaseUntil" = @until
                WHERE ("ResourceType", "ResourceId") IN (
                    SELECT "ResourceType", "ResourceId" FROM "PushStates"
                    WHERE ({PushStateConfiguration.PushQueueFilter}) AND "DueAt" <= @now
                      AND ("LeaseUntil" IS NULL OR "LeaseUntil" < @now)
                    ORDER BY "DueAt"
                    LIMIT @max{(postgres ? " FOR UPDATE SKIP LOCKED" : "")})
                RETURNING "ResourceType", "ResourceId", "ChangeSeq"
                """;
            var claimed = new List<ClaimedResource>();
            var cycle = ClaimedResource.NewCycleId();
            await using var command = await CommandAsync(db, sql, cancellationToken,
                ("owner", Owner), ("until", (now + Lease).UtcTicks), ("now", now.UtcTicks), ("max", max));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedResource(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)) { CycleId = cycle });
            }
            return claimed;
        }, cancellationToken);

    /// <summary>Takes the lease on one resource for an admin's on-demand push; null while a worker holds it.</summary>
    public Task<ClaimedResource?> ClaimOneAsync(string resourceType, string resourceId, string admin, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var taken = await db.PushStates
                .Where(p => p.ResourceType == resourceType && p.ResourceId == resourceId && (p.LeaseUntil == null || p.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.LeaseOwner, Owner)
                    .SetProperty(p => p.LeaseUntil, now + Lease)
                    .SetProperty(p => p.InitiatorType, Initiators.Admin)
                    .SetProperty(p => p.Initiator, admin), cancellationToken);
            if (taken == 0)
            {
                return null;
            }
            var seq = await db.PushStates.Where(p => p.ResourceType == resourceType && p.ResourceId == resourceId)
                .Select(p => p.ChangeSeq).FirstAsync(cancellationToken);
            return new ClaimedResource(resourceType, resourceId, seq) { CycleId = ClaimedResource.NewCycleId() };
        }, cancellationToken);

    /// <summary>Keeps alive the leases of the resources this instance is still working on (and only those).</summary>
    public Task<int> RenewLeasesAsync(IReadOnlyCollection<string> resourceIds, CancellationToken cancellationToken) =>
        resourceIds.Count == 0
            ? Task.FromResult(0)
            : WriteAsync(db => db.PushStates
                .Where(p => p.LeaseOwner == Owner && resourceIds.Contains(p.ResourceId))
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.LeaseUntil, time.GetUtcNow() + Lease), cancellationToken), cancellationToken);

    /// <summary>A push that broke (a bug, the database away): the resource comes back after the backoff, with the error shown.</summary>
    public Task<int> DeferAsync(ClaimedResource claimed, string error, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var due = now + _options.RetryBase;
            var updated = await Mine(db, claimed).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.LeaseOwner, (string?)null)
                .SetProperty(p => p.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(p => p.Attempts, p => p.Attempts + 1)
                .SetProperty(p => p.LastError, error)
                .SetProperty(p => p.DueAt, due), cancellationToken);
            if (updated > 0)
            {
                db.LogEntries.Add(PushLog.BridgeFailure(claimed, error, now, Owner, due));
                await db.SaveChangesAsync(cancellationToken);
            }
            return updated;
        }, cancellationToken);

    /// <summary>At start-up: leases this instance held before a crash are taken back at once instead of expiring.</summary>
    public Task<int> ReleaseLeasesAsync(CancellationToken cancellationToken) =>
        WriteAsync(db => db.PushStates
            .Where(p => p.LeaseOwner == Owner)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.LeaseOwner, (string?)null).SetProperty(p => p.LeaseUntil, (DateTimeOffset?)null),
                cancellationToken), cancellationToken);

    public Task<int> ReleaseAsync(ClaimedResource claimed, CancellationToken cancellationToken) =>
        WriteAsync(db => Mine(db, claimed)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.LeaseOwner, (string?)null).SetProperty(p => p.LeaseUntil, (DateTimeOffset?)null),
                cancellationToken), cancellationToken);

    /// <summary>
    /// <see cref="LoadAsync(ClaimedResource, CancellationToken)"/> for a whole claim: the users' snapshots in four
    /// queries, read in the same safe order (counter at claim, then the changes, then the resource); a team one at a
    /// time. Null for a resource whose push state is gone.
    /// </summary>
    public async Task<PushSnapshot?[]> LoadAsync(IReadOnlyList<ClaimedResource> claimed, CancellationToken cancellationToken)
    {
        var snapshots = new PushSnapshot?[claimed.Count];
        var users = claimed.Select((c, i) => (c, i)).Where(x => x.c.ResourceType == ResourceKinds.User).ToList();
        if (users.Count > 0)
        {
            var ids = users.ConvertAll(u => u.c.ResourceId);
            var loaded = await ReadAsync(async db =>
            {
                var states = await db.PushStates.AsNoTracking()
                    .Where(p => p.ResourceType == ResourceKinds.User && ids.Contains(p.ResourceId)).ToDictionaryAsync(p => p.ResourceId, cancellationToken);
                var pending = await db.Changes
                    .Where(c => c.ResourceType == ResourceKinds.User && ids.Contains(c.ResourceId) && c.PushStatus == PushStatuses.Pending)
                    .GroupBy(c => c.ResourceId)
                    .Select(g => new { Id = g.Key, Newest = g.Max(c => c.Id), Count = g.Count(), First = g.Min(c => c.OccurredAt) })
                    .ToDictionaryAsync(p => p.Id, cancellationToken);
                var data = await db.Users.Where(u => ids.Contains(u.Id)).Select(u => new { u.Id, u.Data, u.UserName }).ToDictionaryAsync(u => u.Id, cancellationToken);
                var hr = await db.HrWorkers.Where(w => ids.Contains(w.UserId) && (w.Deactivated || w.Deleted))
                    .Select(w => new { w.UserId, Hold = new HrHold(w.Deactivated, w.Deleted, w.TerminationId) }).ToDictionaryAsync(w => w.UserId, w => w.Hold, cancellationToken);
                return ids.ConvertAll(id => states.GetValueOrDefault(id) is not { } state
                    ? null
                    : UserSnapshot(state, pending.GetValueOrDefault(id) is { } p ? (p.Newest, p.Count, p.First) : null, data.GetValueOrDefault(id) is { } u ? (u.Data, u.UserName) : null,
                        hr.GetValueOrDefault(id)));
            }, cancellationToken);
            for (var i = 0; i < users.Count; i++)
            {
                snapshots[users[i].i] = loaded[i];
            }
        }
        for (var i = 0; i < claimed.Count; i++)
        {
            if (claimed[i].ResourceType != ResourceKinds.User)
            {
                snapshots[i] = await LoadAsync(claimed[i], cancellationToken);
            }
        }
        return snapshots;
    }

    private static PushSnapshot UserSnapshot(
        PushStateRecord state, (long Newest, int Count, DateTimeOffset First)? pending, (string Data, string UserName)? user, HrHold? hr) =>
        new(state, pending?.Newest, user?.Data, null, [], 0)
        {
            Hr = hr,
            SourceName = user?.UserName ?? PushedUser.Parse(state.Pushed)?.UserName,
            PendingChanges = pending?.Count ?? 0,
            FirstPendingAt = pending?.First,
        };

    /// <summary>Reads in the order that makes a push safe: the counter was read at claim, then the changes, then the resource.</summary>
    public Task<PushSnapshot?> LoadAsync(ClaimedResource claimed, CancellationToken cancellationToken) =>
        ReadAsync(async db =>
        {
            var state = await db.PushStates.AsNoTracking()
                .FirstOrDefaultAsync(p => p.ResourceType == claimed.ResourceType && p.ResourceId == claimed.ResourceId, cancellationToken);
            if (state is null)
            {
                return null;
            }
            var pending = await db.Changes
                .Where(c => c.ResourceType == claimed.ResourceType && c.ResourceId == claimed.ResourceId && c.PushStatus == PushStatuses.Pending)
                .GroupBy(c => 1)
                .Select(g => new { Newest = g.Max(c => c.Id), Count = g.Count(), First = g.Min(c => c.OccurredAt) })
                .SingleOrDefaultAsync(cancellationToken);
            if (claimed.ResourceType == ResourceKinds.User)
            {
                var user = await db.Users.Where(u => u.Id == claimed.ResourceId).Select(u => new { u.Data, u.UserName }).FirstOrDefaultAsync(cancellationToken);
                var hr = await db.HrWorkers.Where(w => w.UserId == claimed.ResourceId && (w.Deactivated || w.Deleted))
                    .Select(w => new HrHold(w.Deactivated, w.Deleted, w.TerminationId)).FirstOrDefaultAsync(cancellationToken);
                return UserSnapshot(state, pending is null ? null : (pending.Newest, pending.Count, pending.First), user is null ? null : (user.Data, user.UserName), hr);
            }
            var name = await db.Groups.Where(g => g.Id == claimed.ResourceId).Select(g => g.DisplayName).FirstOrDefaultAsync(cancellationToken);
            var members = await db.GroupMembers.Where(m => m.GroupId == claimed.ResourceId)
                .Select(m => new { m.MemberId, m.MemberType }).ToListAsync(cancellationToken);
            var users = members.Where(m => m.MemberType == ResourceKinds.User).Select(m => m.MemberId).ToList();
            return new PushSnapshot(state, pending?.Newest, null, name, users, members.Count - users.Count)
            {
                SourceName = name ?? PushedGroup.Parse(state.Pushed)?.DisplayName,
                PendingChanges = pending?.Count ?? 0,
                FirstPendingAt = pending?.First,
            };
        }, cancellationToken);

    /// <summary>The trace contexts of the resource's pending changes, oldest first (only asked for with tracing on).</summary>
    public Task<List<(string Parent, string? State)>> TraceContextsAsync(ClaimedResource claimed, CancellationToken cancellationToken) =>
        ReadAsync(async db => (await db.Changes
            .Where(c => c.ResourceType == claimed.ResourceType && c.ResourceId == claimed.ResourceId && c.PushStatus == PushStatuses.Pending && c.TraceParent != null)
            .OrderBy(c => c.Id)
            .Select(c => new { c.TraceParent, c.TraceState })
            .Take(128)
            .ToListAsync(cancellationToken))
            .ConvertAll(c => (c.TraceParent!, c.TraceState)), cancellationToken);

    public Task<List<MemberLink>> MemberLinksAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken) =>
        ReadAsync(async db =>
        {
            var links = new List<MemberLink>();
            foreach (var chunk in userIds.Chunk(500))
            {
                var hrRemoved = db.HrWorkers.Where(w => w.RemovedFromTeams).Select(w => w.UserId);
                links.AddRange(await db.PushStates
                    .Where(p => p.ResourceType == ResourceKinds.User && chunk.Contains(p.ResourceId))
                    .Select(p => new MemberLink(p.ResourceId, p.MondayId, p.ChangeSeq > p.PushedSeq, hrRemoved.Contains(p.ResourceId)))
                    .ToListAsync(cancellationToken));
            }
            return links;
        }, cancellationToken);

    /// <summary>
    /// Records the outcome in one transaction: the push state (only while this instance still holds the lease),
    /// the changes it settled, and every outbound call, linked to the newest change it was pushing.
    /// </summary>
    public async Task<LogEntryRecord?> FinishAsync(
        ClaimedResource claimed, PushSnapshot snapshot, PushOutcome outcome, double durationMs, CancellationToken cancellationToken) =>
        (await FinishAsync([new PushResult(claimed, snapshot, outcome, durationMs)], cancellationToken))[0];

    /// <summary>
    /// Records several outcomes in one transaction, each as <see cref="FinishAsync(ClaimedResource, PushSnapshot, PushOutcome, double, CancellationToken)"/>
    /// would alone: the push worker's writes, batched. The log entry of each, null for one whose lease was lost.
    /// All or nothing: a failure leaves every resource as it was, leased, for the caller to record one by one.
    /// </summary>
    public Task<LogEntryRecord?[]> FinishAsync(IReadOnlyList<PushResult> results, CancellationToken cancellationToken) =>
        WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var entries = new LogEntryRecord?[results.Count];
            var relinked = new List<(string ResourceType, string ResourceId)>();
            var records = await RecordAsync(db, results, now, cancellationToken);
            for (var i = 0; i < results.Count; i++)
            {
                var (claimed, snapshot, outcome, durationMs) = results[i];
                var (recorded, nextRetryAt) = records[i];
                if (!recorded)
                {
                    // The lease was lost (another instance took the resource over): its push records the outcome.
                    continue;
                }
                if (LinkChanged(claimed.ResourceType, snapshot.State, outcome))
                {
                    relinked.Add((claimed.ResourceType, claimed.ResourceId));
                }
                entries[i] = PushLog.Entry(claimed, snapshot, outcome, now, durationMs, Owner, nextRetryAt);
            }

            foreach (var type in relinked.GroupBy(r => r.ResourceType, r => r.ResourceId))
            {
                // What failed because one of these objects held the monday.com object of the same name may go through now.
                var holders = type.ToList();
                var blocked = db.PushStates.Where(p => p.ResourceType == type.Key && p.ConflictWith != null && holders.Contains(p.ConflictWith));
                if (await blocked.AnyAsync(cancellationToken))
                {
                    await RequeueAsync(db, blocked, FailedChangesOf(db, blocked), now, (Initiators.Retry, "conflict cleared"), cancellationToken);
                }
            }

            db.LogEntries.AddRange(entries.OfType<LogEntryRecord>());
            await db.SaveChangesAsync(cancellationToken);
            for (var i = 0; i < results.Count; i++)
            {
                if (entries[i] is { } entry)
                {
                    var (claimed, snapshot, outcome, _) = results[i];
                    db.OutboundCalls.AddRange(outcome.Calls.Select(c =>
                        PushLog.Call(c, claimed.ResourceType, claimed.ResourceId, Owner, snapshot.PendingChangeId, entry.Id)));
                }
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return entries;
        }, cancellationToken);

    /// <summary>
    /// Writes the push states and the changes they settled of a batch inside the caller's transaction, each state only
    /// while this instance holds the lease, its changes only with it. PostgreSQL: one statement per outcome, all sent in
    /// one round trip; SQLite (in-process, its writer held for the transaction): the same updates one after another.
    /// Whether each was recorded (not when the lease was lost) and the next retry to show in its log entry.
    /// </summary>
    private async Task<(bool Recorded, DateTimeOffset? NextRetryAt)[]> RecordAsync(
        ScimBridgeDbContext db, IReadOnlyList<PushResult> results, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var plans = results.Select(r => Plan(r, now)).ToList();
        var recorded = new bool[results.Count];
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (db.IsPostgres)
        {
            await using var batch = new NpgsqlBatch((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction?)transaction);
            foreach (var plan in plans)
            {
                // The changes are settled only where the state update found the lease (a data-modifying CTE runs once, reading s).
                var sql = $"WITH s AS ({plan.StateSql} RETURNING 1)"
                    + (plan.ChangesSql is { } changes ? $", c AS ({changes} AND EXISTS (SELECT 1 FROM s))" : "")
                    + " SELECT count(*) FROM s";
                var command = new NpgsqlBatchCommand(sql);
                command.Parameters.AddRange(plan.Parameters.Select(p => new NpgsqlParameter(p.Name, p.Value ?? DBNull.Value)).ToArray());
                batch.BatchCommands.Add(command);
            }
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            for (var i = 0; i < plans.Count; i++)
            {
                await reader.ReadAsync(cancellationToken);
                recorded[i] = reader.GetInt64(0) > 0;
                await reader.NextResultAsync(cancellationToken);
            }
        }
        else
        {
            for (var i = 0; i < plans.Count; i++)
            {
                var parameters = plans[i].Parameters.Select(p => (p.Name, p.Value ?? DBNull.Value)).ToArray();
                await using var state = await CommandAsync(db, plans[i].StateSql, cancellationToken, parameters);
                state.Transaction = transaction;
                recorded[i] = await state.ExecuteNonQueryAsync(cancellationToken) > 0;
                if (recorded[i] && plans[i].ChangesSql is { } changes)
                {
                    await using var settle = await CommandAsync(db, changes, cancellationToken, parameters);
                    settle.Transaction = transaction;
                    await settle.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }

        var answers = new (bool, DateTimeOffset?)[results.Count];
        for (var i = 0; i < results.Count; i++)
        {
            // Quarantined, the resource goes again only once a probe finds the credentials accepted: the probe is its next attempt.
            answers[i] = (recorded[i], !recorded[i] ? null : results[i].Outcome.Status switch
            {
                PushStatus.Retry or PushStatus.Wait => plans[i].DueAt,
                PushStatus.Quarantine => await db.PushTargets.Where(t => t.Id == Quarantine.TargetId).Select(t => t.NextProbeAt).FirstOrDefaultAsync(cancellationToken),
                _ => null,
            });
        }
        return answers;
    }

    private sealed record RecordPlan(string StateSql, string? ChangesSql, List<(string Name, object? Value)> Parameters, DateTimeOffset DueAt);

    /// <summary>The updates one outcome makes: its push state (lease given back, link, retry schedule) and its pending changes.</summary>
    private RecordPlan Plan(PushResult result, DateTimeOffset now)
    {
        var (claimed, snapshot, outcome, _) = result;
        var settles = outcome.Status is PushStatus.Pushed or PushStatus.Failed or PushStatus.Skipped;
        // One counter for every attempt that did not settle, whether it will be retried on the backoff or after the quarantine.
        var attempts = outcome.Status is PushStatus.Retry or PushStatus.Quarantine ? snapshot.State.Attempts + 1 : 0;
        var dueAt = outcome.Status switch
        {
            PushStatus.Retry => now + Backoff(attempts),
            PushStatus.Wait => now + _options.MemberWait,
            _ when outcome.DeleteAt is { } deleteAt => deleteAt,
            _ => now,
        };
        var held = outcome.Status == PushStatus.Held;
        // Who starts the next attempt, if there is one: the retry schedule, not the client that sent the change.
        var (nextInitiatorType, nextInitiator) = outcome.Status switch
        {
            PushStatus.Retry or PushStatus.Quarantine => (Initiators.Retry, "retry"),
            PushStatus.Wait => (Initiators.Retry, "member wait"),
            _ => (snapshot.State.InitiatorType, snapshot.State.Initiator),
        };
        var parameters = new List<(string Name, object? Value)>
        {
            ("type", claimed.ResourceType),
            ("id", claimed.ResourceId),
            ("owner", Owner),
            ("seq", claimed.ChangeSeq),
            ("mondayId", outcome.MondayId),
            ("pushed", outcome.Pushed),
            ("attempts", attempts),
            ("lastError", outcome.Status is PushStatus.Pushed or PushStatus.Skipped or PushStatus.Wait ? null : outcome.Error),
            ("dueAt", dueAt.UtcTicks),
            ("pushedAt", (outcome.Status == PushStatus.Pushed ? now : snapshot.State.PushedAt)?.UtcTicks),
            ("deleteAt", outcome.DeleteAt?.UtcTicks),
            ("heldAt", held ? now.UtcTicks : null),
            ("holdReason", held ? outcome.Error : null),
            ("initiatorType", nextInitiatorType),
            ("initiator", nextInitiator),
            ("conflictWith", outcome.ConflictWith),
        };
        var stateSql = $"""
            UPDATE "PushStates" SET "LeaseOwner" = NULL, "LeaseUntil" = NULL,
                "MondayId" = @mondayId, "Pushed" = @pushed, "Attempts" = @attempts, "LastError" = @lastError, "DueAt" = @dueAt,
                "PushedAt" = @pushedAt, "DeleteAt" = @deleteAt, "HeldAt" = @heldAt, "HoldReason" = @holdReason,
                "InitiatorType" = @initiatorType, "Initiator" = @initiator, "ConflictWith" = @conflictWith
            """
            + (settles ? """, "PushedSeq" = CASE WHEN "PushedSeq" < @seq THEN @seq ELSE "PushedSeq" END, "DeprovisionApproved" = FALSE""" : "")
            // The IdP's value overrode a reclaim: it ends once that value reached monday.com.
            + (outcome.ReclaimCleared && outcome.Status == PushStatus.Pushed
                ? """, "ReclaimedAttribute" = NULL, "ReclaimedBasis" = NULL, "ReclaimedValue" = NULL, "ReclaimCandidateId" = NULL"""
                : "")
            + """ WHERE "ResourceType" = @type AND "ResourceId" = @id AND "LeaseOwner" = @owner""";

        string? changesSql = null;
        if (snapshot.PendingChangeId is { } upTo && (settles || outcome.Error is not null))
        {
            parameters.Add(("upTo", upTo));
            parameters.Add(("pending", PushStatuses.Pending));
            parameters.Add(("error", outcome.Error));
            var set = settles
                ? """ "PushStatus" = @status, "PushedAt" = @now, "PushError" = @error"""
                // Still pending: the admin sees why.
                : """ "PushError" = @error""";
            if (settles)
            {
                parameters.Add(("status", outcome.Status switch
                {
                    PushStatus.Pushed => PushStatuses.Pushed,
                    PushStatus.Failed => PushStatuses.Failed,
                    _ => PushStatuses.Skipped,
                }));
                parameters.Add(("now", now.UtcTicks));
            }
            changesSql = $"""UPDATE "Changes" SET{set} WHERE "ResourceType" = @type AND "ResourceId" = @id AND "Id" <= @upTo AND "PushStatus" = @pending""";
        }
        return new RecordPlan(stateSql, changesSql, parameters, dueAt);
    }

    /// <summary>
    /// Queues <paramref name="states"/> again and marks <paramref name="failed"/> pending, inside the caller's write
    /// gate and transaction: an admin's replay, or an EntryConflict whose holder changed.
    /// </summary>
    public static async Task<RequeueResult> RequeueAsync(ScimBridgeDbContext db, IQueryable<PushStateRecord> states, IQueryable<ChangeRecord> failed,
        DateTimeOffset now, (string Type, string Name) initiator, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        // The push state first: the filter of the changes may read them while they are still marked failed.
        var resources = await states.ExecuteUpdateAsync(s => s
            .SetProperty(p => p.ChangeSeq, p => p.ChangeSeq + 1)
            .SetProperty(p => p.DueAt, now)
            .SetProperty(p => p.Attempts, 0)
            .SetProperty(p => p.InitiatorType, initiator.Type)
            .SetProperty(p => p.Initiator, initiator.Name), cancellationToken);
        var changes = await failed.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.PushStatus, PushStatuses.Pending)
            .SetProperty(c => c.PushedAt, (DateTimeOffset?)null), cancellationToken);
        return new RequeueResult(changes, resources);
    }

    private static IQueryable<ChangeRecord> FailedChangesOf(ScimBridgeDbContext db, IQueryable<PushStateRecord> states) =>
        db.Changes.Where(c => c.PushStatus == PushStatuses.Failed && states.Any(p => p.ResourceType == c.ResourceType && p.ResourceId == c.ResourceId));

    /// <summary>The push moved the link or renamed what it links by (userName, team name).</summary>
    private static bool LinkChanged(string resourceType, PushStateRecord before, PushOutcome outcome) =>
        outcome.MondayId != before.MondayId
        || MondayLinks.PushedName(resourceType, outcome.Pushed) != MondayLinks.PushedName(resourceType, before.Pushed);

    /// <summary>Doubles from RetryBase to RetryMax, with ±20 % jitter so a burst of failures does not come back as one.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var doubled = _options.RetryBase * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = doubled > _options.RetryMax ? _options.RetryMax : doubled;
        return capped * (0.8 + (Random.Shared.NextDouble() * 0.4));
    }

    private TimeSpan Lease => TimeSpan.FromSeconds(_options.LeaseSeconds);

    private IQueryable<PushStateRecord> Mine(ScimBridgeDbContext db, ClaimedResource claimed) =>
        db.PushStates.Where(p => p.ResourceType == claimed.ResourceType && p.ResourceId == claimed.ResourceId && p.LeaseOwner == Owner);

    public async Task<T> WriteAsync<T>(Func<ScimBridgeDbContext, Task<T>> action, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        using (await scope.ServiceProvider.GetRequiredService<IWriteGate>().EnterAsync(cancellationToken))
        {
            return await action(db);
        }
    }

    public async Task<T> ReadAsync<T>(Func<ScimBridgeDbContext, Task<T>> action, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>());
    }

    private static async Task<DbCommand> CommandAsync(
        ScimBridgeDbContext db, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
