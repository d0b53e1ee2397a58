using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.Scim;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Patch;

namespace ScimBridge.Hr;

/// <summary>A group the worker belonged to when the termination fired (the snapshot a rehire or rescind restores).</summary>
public sealed record HrMembership(string Id, string DisplayName)
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static string Serialize(IEnumerable<HrMembership> memberships) => JsonSerializer.Serialize(memberships, Json);

    public static List<HrMembership> Parse(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<HrMembership>>(json, Json) ?? [];
}

/// <summary>
/// The leaver pipeline, one worker at a time under a lease: snapshot → deactivate → confirm the deactivation reached
/// monday.com → (hold) → remove from teams → (delete) → Left. Every step that is due runs in one transaction with the
/// worker's state (the Step concurrency token), so a step never runs twice and a crash leaves the worker claimable
/// once its lease expires. The steps only set HR flags and queue pushes: the push changes monday.com.
/// </summary>
public sealed partial class LeaverPipeline(
    PushStore store, PushSignal pushSignal, TimeProvider time, IOptions<HrOptions> options, IOptions<PushOptions> push, ILogger<LeaverPipeline> logger)
{
    private string Owner => push.Value.InstanceId;

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    /// <summary>
    /// Takes the lease on workers with a step due. A worker waiting for monday.com to confirm its deactivation is only
    /// taken once the push got past the deactivation (or the user was never in monday.com and no push is running).
    /// </summary>
    public Task<List<string>> ClaimAsync(int max, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var sql = $"""
                UPDATE "HrWorkers" SET "LeaseOwner" = @owner, "LeaseUntil" = @until
                WHERE "UserId" IN (
                    SELECT w."UserId" FROM "HrWorkers" w
                    WHERE w."Step" IS NOT NULL AND w."StepDueAt" <= @now
                      AND (w."LeaseUntil" IS NULL OR w."LeaseUntil" < @now)
                      AND (w."Step" <> @confirm OR NOT EXISTS (
                          SELECT 1 FROM "PushStates" p
                          WHERE p."ResourceType" = @user AND p."ResourceId" = w."UserId" AND p."PushedSeq" < w."DeactivateSeq"
                            AND (p."MondayId" IS NOT NULL OR p."LeaseOwner" IS NOT NULL)))
                    ORDER BY w."StepDueAt"
                    LIMIT @max{(db.IsPostgres ? " FOR UPDATE OF w SKIP LOCKED" : "")})
                RETURNING "UserId"
                """;
            await using var command = await HrSql.CommandAsync(db, sql, cancellationToken,
                ("owner", Owner), ("until", (now + Lease).UtcTicks), ("now", now.UtcTicks), ("max", max),
                ("confirm", LeaverSteps.ConfirmDeactivated), ("user", ResourceKinds.User));
            var claimed = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(reader.GetString(0));
            }
            return claimed;
        }, cancellationToken);

    /// <summary>Runs the worker's due steps, in order, and gives its lease back. Returns how many steps ran.</summary>
    public async Task<int> RunAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            return await RunTogetherAsync([userId], cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A rescind, a rehire or an admin's override changed the worker meanwhile: theirs stands.
            return 0;
        }
    }

    /// <summary>
    /// Runs the due steps of many workers in one transaction (10,000 leavers on one date: one commit and a few queries
    /// per claim, not two commits and five queries per worker). Null when anything conflicted or broke: nothing of it
    /// is kept, and each worker goes alone.
    /// </summary>
    public async Task<int?> RunManyAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        try
        {
            return await RunTogetherAsync(userIds, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<int> RunTogetherAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        var (ran, queued) = await store.WriteAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await RunClaimedAsync(db, userIds, time.GetUtcNow(), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }, cancellationToken);
        if (queued)
        {
            pushSignal.Pulse();
        }
        return ran;
    }

    /// <summary>
    /// The due steps of the claimed workers, inside the caller's transaction, saved once; the Step token makes a
    /// concurrent change throw. What the steps read is loaded for all of them at once, and their deactivations are
    /// queued for the push together.
    /// </summary>
    private async Task<(int Ran, bool Queued)> RunClaimedAsync(ScimBridgeDbContext db, IReadOnlyList<string> userIds, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var workers = await db.HrWorkers.Where(w => userIds.Contains(w.UserId) && w.LeaseOwner == Owner).ToListAsync(cancellationToken);
        var terminationIds = workers.Where(w => w.TerminationId is not null).Select(w => w.TerminationId!.Value).ToList();
        var terminations = await db.HrEvents.AsNoTracking().Where(e => terminationIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, cancellationToken);
        var names = await db.Users.Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.UserName })
            .ToDictionaryAsync(u => u.Id, u => u.UserName, StringComparer.Ordinal, cancellationToken);
        var batch = await StepBatch.LoadAsync(db, workers, now, cancellationToken);
        var (ran, queued) = (0, false);
        foreach (var worker in workers)
        {
            var termination = worker.TerminationId is { } id ? terminations.GetValueOrDefault(id) : null;
            var (steps, pushed) = await RunStepsAsync(db, batch, worker, termination, names.GetValueOrDefault(worker.UserId), now, cancellationToken);
            ran += steps;
            queued |= pushed;
        }
        await batch.QueueDeactivationsAsync(db, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return (ran, queued);
    }

    /// <summary>Runs the loaded worker's due steps, in order, and gives its lease back (saved by the caller).</summary>
    private async Task<(int Ran, bool Queued)> RunStepsAsync(ScimBridgeDbContext db, StepBatch batch, HrWorkerRecord worker, HrEventRecord? termination,
        string? userName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var context = new StepContext(db, batch, worker, termination?.Id ?? 0, termination?.Actor ?? "hr", userName ?? termination?.UserName, now)
        {
            Approved = termination?.Approved == true,
        };
        var ran = 0;
        // After a deactivation the next step waits for the push, which cannot have run yet: the worker stops there.
        while (worker.Step is not null && worker.StepDueAt <= now && !context.Waiting && await RunStepAsync(context, cancellationToken))
        {
            ran++;
            if (worker is { Step: null, Status: HrWorkerStatuses.Leaving })
            {
                Finish(context);
            }
        }
        worker.LeaseOwner = null;
        worker.LeaseUntil = null;
        worker.UpdatedAt = now;
        return (ran, context.Queued);
    }

    private sealed class StepContext(ScimBridgeDbContext db, StepBatch batch, HrWorkerRecord worker, long eventId, string actor, string? userName, DateTimeOffset now)
    {
        public ScimBridgeDbContext Db { get; } = db;
        public StepBatch Batch { get; } = batch;
        /// <summary>The worker's deactivation is queued: the confirmation waits for the push.</summary>
        public bool Waiting { get; set; }
        public HrWorkerRecord Worker { get; } = worker;
        public long EventId { get; } = eventId;
        public string Actor { get; } = actor;
        public string? UserName { get; } = userName;
        public DateTimeOffset Now { get; } = now;
        public bool Queued { get; set; }
        /// <summary>An admin let the termination past the mass-termination guard: the push's deletion guard does not ask again.</summary>
        public bool Approved { get; init; }
    }

    /// <summary>Runs the worker's current step; false when it has to wait (the push has not confirmed yet).</summary>
    private async Task<bool> RunStepAsync(StepContext c, CancellationToken cancellationToken)
    {
        var worker = c.Worker;
        var db = c.Db;
        var steps = options.Value.LeaverSteps;
        switch (worker.Step)
        {
            case LeaverSteps.Snapshot:
                {
                    var groups = c.Batch.Memberships.GetValueOrDefault(worker.UserId) ?? [];
                    worker.Memberships = HrMembership.Serialize(groups.OrderBy(g => g.DisplayName, StringComparer.Ordinal));
                    worker.SnapshotAt = c.Now;
                    Log(c, LogActions.HrSnapshot, LogStatuses.Success, groups.Count == 0
                        ? "Snapshot taken: the user is in no group."
                        : $"Snapshot taken of the user's {ConsoleFormat.Count(groups.Count, "group")}, for a rehire or rescind to restore: {string.Join(", ", groups.Select(g => g.DisplayName))}.",
                        [HrLog.Change("memberships", null, groups.Count)]);
                    Next(worker, LeaverSteps.Deactivate, c.Now);
                    return true;
                }
            case LeaverSteps.Deactivate:
                {
                    worker.Deactivated = true;
                    c.Batch.Deactivate(worker, c.Actor, c.Approved);
                    c.Waiting = true;
                    c.Queued = true;
                    Log(c, LogActions.HrDeactivate, LogStatuses.Success,
                        "Deactivation queued: the user is pushed to monday.com as inactive, whatever the identity provider sends, until HR rehires or rescinds or an admin overrides.",
                        [HrLog.Change("active", true, false)]);
                    Next(worker, LeaverSteps.ConfirmDeactivated, c.Now);
                    return true;
                }
            case LeaverSteps.ConfirmDeactivated:
                {
                    var state = c.Batch.Pushes.GetValueOrDefault(worker.UserId);
                    string message;
                    if (state is null || worker.DeactivateSeq is null || (state.MondayId is null && (state.PushedSeq >= worker.DeactivateSeq || state.LeaseOwner is null)))
                    {
                        worker.DeactivatedAt = c.Now;
                        // No deactivation was sent: the leaver SLA leaves this worker out.
                        worker.DeactivateSeq = null;
                        message = "The user was never provisioned to monday.com: there is no account to deactivate (no seat will be created for it).";
                    }
                    else if (state.PushedSeq >= worker.DeactivateSeq && PushedUser.Parse(state.Pushed) is { Active: true })
                    {
                        // The push settled without deactivating (it failed): look again once it may have been retried.
                        Log(c, LogActions.HrDeactivate, LogStatuses.Warning,
                            "monday.com has not confirmed the deactivation: the push of this user failed (see its entry in the provisioning log). "
                            + "Checked again every hour; retry the push from the console once the cause is fixed.", []);
                        worker.StepDueAt = c.Now.AddHours(1);
                        return false;
                    }
                    else if (state.PushedSeq >= worker.DeactivateSeq)
                    {
                        worker.DeactivatedAt = state.PushedAt ?? c.Now;
                        message = $"monday.com has the deactivation (user {state.MondayId}) since {Format(worker.DeactivatedAt)}";
                        if (worker.EffectiveAt is { } effective)
                        {
                            message += $", {Math.Max(0, (worker.DeactivatedAt.Value - effective).TotalSeconds):0.#} s after the termination's effective time";
                        }
                        message += ".";
                    }
                    else
                    {
                        return false;
                    }
                    if (steps.HoldDays > 0)
                    {
                        message += $" Teams are kept for {ConsoleFormat.Count(steps.HoldDays, "day")}, until {Format(worker.DeactivatedAt.Value.AddDays(steps.HoldDays))}.";
                    }
                    Log(c, LogActions.HrDeactivated, LogStatuses.Success, message, [HrLog.Change("deactivatedAt", null, worker.DeactivatedAt)]);
                    if (steps.HoldDays > 0)
                    {
                        Next(worker, LeaverSteps.Hold, worker.DeactivatedAt.Value.AddDays(steps.HoldDays));
                    }
                    else
                    {
                        AfterHold(worker, steps, c.Now);
                    }
                    return true;
                }
            case LeaverSteps.Hold:
                Log(c, LogActions.HrHold, LogStatuses.Success, $"The {steps.HoldDays}-day hold after the deactivation is over.", []);
                AfterHold(worker, steps, c.Now);
                return true;
            case LeaverSteps.RemoveFromTeams:
                {
                    worker.RemovedFromTeams = true;
                    var snapshot = HrMembership.Parse(worker.Memberships).Select(m => m.Id).ToList();
                    var teams = await db.Groups.Where(g => snapshot.Contains(g.Id)).Select(g => g.Id).ToListAsync(cancellationToken);
                    await HrQueue.QueueAsync(db, ResourceKinds.Group, teams, c.Actor, c.Now, cancellationToken);
                    c.Queued |= teams.Count > 0;
                    Log(c, LogActions.HrTeamRemoval, LogStatuses.Success, teams.Count == 0
                        ? "Removed from teams: the user was in no team."
                        : $"Removed from teams: {ConsoleFormat.Count(teams.Count, "team")} {(teams.Count == 1 ? "is" : "are")} pushed without the user (its groups in the bridge are left as they are).",
                        [HrLog.Change("removedFromTeams", false, true)]);
                    AfterTeams(worker, steps, c.Now);
                    return true;
                }
            case LeaverSteps.Delete:
                worker.Deleted = true;
                await HrQueue.QueueAsync(db, ResourceKinds.User, [worker.UserId], c.Actor, c.Now, cancellationToken);
                c.Queued = true;
                Log(c, LogActions.HrDelete, LogStatuses.Success,
                    $"{ConsoleFormat.Count(steps.DeleteAfterDays ?? 0, "day")} after the deactivation: the monday.com user is deleted (a rehire then creates a new account).",
                    [HrLog.Change("deleted", false, true)]);
                Next(worker, null, null);
                return true;
            default:
                LogUnknownStep(logger, worker.UserId, worker.Step);
                Next(worker, null, null);
                return true;
        }
    }

    private static void AfterHold(HrWorkerRecord worker, LeaverStepOptions steps, DateTimeOffset now)
    {
        if (steps.RemoveFromTeams)
        {
            Next(worker, LeaverSteps.RemoveFromTeams, now);
        }
        else
        {
            AfterTeams(worker, steps, now);
        }
    }

    private static void AfterTeams(HrWorkerRecord worker, LeaverStepOptions steps, DateTimeOffset now)
    {
        if (steps.DeleteAfterDays is { } days)
        {
            var due = (worker.DeactivatedAt ?? now).AddDays(days);
            Next(worker, LeaverSteps.Delete, due);
        }
        else
        {
            Next(worker, null, null);
        }
    }

    private static void Next(HrWorkerRecord worker, string? step, DateTimeOffset? due)
    {
        worker.Step = step;
        worker.StepDueAt = due;
    }

    private void Finish(StepContext c)
    {
        c.Worker.Status = HrWorkerStatuses.Left;
        Log(c, LogActions.HrLeft, LogStatuses.Success, "Every leaver step is done: the worker has left.", [HrLog.Change("status", HrWorkerStatuses.Leaving, HrWorkerStatuses.Left)]);
    }

    private void Log(StepContext c, string action, string status, string message, IReadOnlyList<PropertyChange> changes) =>
        c.Db.LogEntries.Add(HrLog.Entry(c.EventId, c.Worker.UserId, c.UserName, action, status, message, c.Now, Owner, c.Actor, changes));

    private static string Format(DateTimeOffset? at) => at?.UtcDateTime.ToString("u", CultureInfo.InvariantCulture) ?? "";

    [LoggerMessage(Level = LogLevel.Warning, Message = "HR worker {UserId} is at an unknown leaver step '{Step}'; it is closed as left.")]
    private static partial void LogUnknownStep(ILogger logger, string userId, string? step);
}

/// <summary>What a claim's leaver steps read, loaded for all its workers at once, and the deactivations they queue together.</summary>
internal sealed class StepBatch
{
    private readonly List<(HrWorkerRecord Worker, string Actor, bool Approved)> _deactivations = [];

    public Dictionary<string, List<HrMembership>> Memberships { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PushView> Pushes { get; } = new(StringComparer.Ordinal);

    public sealed record PushView(long PushedSeq, string? MondayId, DateTimeOffset? PushedAt, string? LeaseOwner, string? Pushed);

    public static async Task<StepBatch> LoadAsync(ScimBridgeDbContext db, List<HrWorkerRecord> workers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var batch = new StepBatch();
        var due = workers.Where(w => w.StepDueAt <= now).ToList();
        var snapshots = due.Where(w => w.Step == LeaverSteps.Snapshot).Select(w => w.UserId).ToList();
        if (snapshots.Count > 0)
        {
            var rows = await db.GroupMembers.Where(m => snapshots.Contains(m.MemberId))
                .Join(db.Groups, m => m.GroupId, g => g.Id, (m, g) => new { m.MemberId, g.Id, g.DisplayName })
                .ToListAsync(cancellationToken);
            foreach (var row in rows.GroupBy(r => r.MemberId, StringComparer.Ordinal))
            {
                batch.Memberships[row.Key] = [.. row.Select(r => new HrMembership(r.Id, r.DisplayName))];
            }
        }
        var confirms = due.Where(w => w.Step == LeaverSteps.ConfirmDeactivated).Select(w => w.UserId).ToList();
        if (confirms.Count > 0)
        {
            var states = await db.PushStates.AsNoTracking()
                .Where(p => p.ResourceType == ResourceKinds.User && confirms.Contains(p.ResourceId))
                .Select(p => new { p.ResourceId, View = new PushView(p.PushedSeq, p.MondayId, p.PushedAt, p.LeaseOwner, p.Pushed) })
                .ToListAsync(cancellationToken);
            foreach (var state in states)
            {
                batch.Pushes[state.ResourceId] = state.View;
            }
        }
        return batch;
    }

    public void Deactivate(HrWorkerRecord worker, string actor, bool approved) => _deactivations.Add((worker, actor, approved));

    /// <summary>Queues the deactivations for the push (one update per actor) and notes the change each one waits for.</summary>
    public async Task QueueDeactivationsAsync(ScimBridgeDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_deactivations.Count == 0)
        {
            return;
        }
        foreach (var group in _deactivations.GroupBy(d => d.Actor, StringComparer.Ordinal))
        {
            await HrQueue.QueueAsync(db, ResourceKinds.User, [.. group.Select(d => d.Worker.UserId)], group.Key, now, cancellationToken);
        }
        var approved = _deactivations.Where(d => d.Approved).Select(d => d.Worker.UserId).ToList();
        if (approved.Count > 0)
        {
            await db.PushStates.Where(p => p.ResourceType == ResourceKinds.User && approved.Contains(p.ResourceId))
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.DeprovisionApproved, true), cancellationToken);
        }
        var ids = _deactivations.Select(d => d.Worker.UserId).ToList();
        var sequences = await db.PushStates.Where(p => p.ResourceType == ResourceKinds.User && ids.Contains(p.ResourceId))
            .Select(p => new { p.ResourceId, p.ChangeSeq }).ToDictionaryAsync(p => p.ResourceId, p => p.ChangeSeq, StringComparer.Ordinal, cancellationToken);
        foreach (var (worker, _, _) in _deactivations)
        {
            worker.DeactivateSeq = sequences.TryGetValue(worker.UserId, out var seq) ? seq : null;
        }
        _deactivations.Clear();
    }
}

/// <summary>What rehire and rescind do in the bridge itself: put the worker back in the groups the snapshot had.</summary>
public static class HrRestore
{
    /// <summary>
    /// Adds the user back to each snapshot group that still exists and no longer has it (the identity provider may have
    /// taken it out after the termination), as HR. Returns the ids of every snapshot group that still exists.
    /// </summary>
    public static async Task<List<string>> MembershipsAsync(IServiceScopeFactory scopes, string userId, string? snapshot, string actor,
        CancellationToken cancellationToken)
    {
        var wanted = HrMembership.Parse(snapshot).Select(m => m.Id).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        var existing = await db.Groups.Where(g => wanted.Contains(g.Id)).Select(g => g.Id).ToListAsync(cancellationToken);
        var having = await db.GroupMembers.Where(m => m.MemberId == userId && existing.Contains(m.GroupId)).Select(m => m.GroupId).ToListAsync(cancellationToken);
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            return existing;
        }
        var groups = scope.ServiceProvider.GetRequiredService<GroupService>();
        var patch = new PatchRequest([new PatchOperation(PatchOperationType.Add, "members", new JsonArray(new JsonObject { ["value"] = userId }))]);
        foreach (var id in existing.Except(having, StringComparer.Ordinal))
        {
            try
            {
                await groups.PatchAsync(id, patch, null, new ChangeActor(actor, null, Initiators.Hr), cancellationToken);
            }
            catch (ScimException e) when (e.Status == StatusCodes.Status404NotFound)
            {
                // Deleted meanwhile: nothing to restore.
            }
        }
        return existing;
    }
}

internal static class HrSql
{
    public static async Task<DbCommand> CommandAsync(
        ScimBridgeDbContext db, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        if (db.Database.CurrentTransaction is { } transaction)
        {
            command.Transaction = transaction.GetDbTransaction();
        }
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
