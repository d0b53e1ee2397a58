using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Hr;

public static class RosterModes
{
    /// <summary>Any row error: nothing is applied (the default).</summary>
    public const string AllOrNothing = "all-or-nothing";
    /// <summary>The valid rows are applied, the bad ones reported.</summary>
    public const string GoodRows = "good-rows";

    public static string Parse(string? mode) => string.IsNullOrWhiteSpace(mode) ? AllOrNothing : mode.Trim().ToLowerInvariant() switch
    {
        AllOrNothing => AllOrNothing,
        GoodRows => GoodRows,
        _ => throw HrException.Invalid("mode", $"mode '{mode}' is not one of {AllOrNothing}, {GoodRows}."),
    };
}

/// <summary>What a row asks: Terminate, Reschedule (a pending termination moves to another date), Rehire or Move.</summary>
public sealed record RosterChange(string Action, string Kind, string EffectiveLocal, string TimeZone, DateTimeOffset EffectiveAt, string? Detail, string? Note)
{
    /// <summary>The event recorded, once applied.</summary>
    public long? EventId { get; init; }
}

/// <summary>
/// One row's outcome. Status: <c>change</c> (would change, or changed when <see cref="Applied"/>), <c>no change</c>, or
/// <c>error</c> (the row's <see cref="Errors"/>; nothing of it applied).
/// </summary>
public sealed record RosterRowResult(int Row, string? EmployeeId, string? UserId, string? UserName, string Status, bool Applied,
    IReadOnlyList<RosterChange> Changes, IReadOnlyList<string> Notes, IReadOnlyList<RosterError> Errors)
{
    public const string Change = "change";
    public const string NoChange = "no change";
    public const string Error = "error";
}

public sealed record RosterTotals(int Rows, int Changed, int Unchanged, int Errors, int Terminations, int Reschedules, int Rehires, int Moves, int Applied);

/// <summary>
/// A roster import, dry run or applied: every row, every error (row as in the file, the header being row 1; 0 for the
/// file as a whole) and the totals. <see cref="Refused"/>: an all-or-nothing import with errors, nothing applied.
/// </summary>
public sealed record RosterResult(string JobId, bool DryRun, string Mode, bool Refused, string Message, IReadOnlyList<string> IgnoredColumns,
    RosterTotals Totals, IReadOnlyList<RosterError> Errors, IReadOnlyList<RosterRowResult> Rows)
{
    public bool HasErrors => Errors.Count > 0;
}

/// <summary>
/// CSV roster import: each row is matched to an inbound user (employee id as employeeNumber, else externalId; the
/// email, when given, must be one of the user's) and compared with what the bridge knows (the HR state, pending events,
/// the user's department and manager), which gives the changes: a termination on the last day of work at
/// <c>Hr:DefaultTerminationTime</c> in the row's zone, a reschedule, a rehire, a move, or nothing. A dry run only shows them;
/// an apply records them through <see cref="HrLifecycle.RecordAsync"/> (a row whole or not at all). Every import is kept
/// as an HrJobs row (Kind Roster) for the history.
/// </summary>
public sealed partial class RosterImport(PushStore store, HrLifecycle lifecycle, HrSignal signal, IOptions<HrOptions> options, TimeProvider time)
{
    public async Task<RosterResult> ImportAsync(ReadOnlyMemory<byte> csv, bool dryRun, string? mode, HrActor actor, CancellationToken cancellationToken,
        bool keepInput = false)
    {
        ArgumentNullException.ThrowIfNull(actor);
        mode = RosterModes.Parse(mode);
        var file = RosterCsv.Parse(csv);
        var jobId = Guid.NewGuid().ToString("N");
        actor = actor with { Source = HrSources.Roster, BatchId = jobId };
        var started = time.GetUtcNow();
        var snapshot = await store.ReadAsync(db => Snapshot.LoadAsync(db, cancellationToken), cancellationToken);
        var plans = file.Rows.Select(row => Plan(row, snapshot, started)).ToList();
        MarkDuplicates(plans);

        var fileErrors = file.Errors.ToList();
        var refused = false;
        var applied = new HashSet<int>();
        if (!dryRun)
        {
            var anyError = fileErrors.Count > 0 || plans.Any(p => p.Errors.Count > 0);
            if (mode == RosterModes.AllOrNothing)
            {
                refused = anyError;
                if (!refused)
                {
                    refused = !await RecordAllAsync(plans, actor, fileErrors, cancellationToken);
                    if (!refused)
                    {
                        applied.UnionWith(plans.Where(p => p.Events.Count > 0).Select(p => p.Row));
                    }
                }
            }
            else
            {
                var good = plans.Where(p => p.Errors.Count == 0 && p.Events.Count > 0).ToList();
                // All good rows in one transaction when none is refused; otherwise row by row, the roster's job open
                // meanwhile so that its terminations wait for the whole batch (the guard counts it at once).
                if (good.Count > 0 && await RecordTogetherAsync(good, actor, cancellationToken) is not null)
                {
                    await OpenJobAsync(jobId, actor.Name, started, cancellationToken);
                    var renewed = time.GetUtcNow();
                    foreach (var plan in good)
                    {
                        if (await RecordRowAsync(plan, actor, cancellationToken))
                        {
                            applied.Add(plan.Row);
                        }
                        if (time.GetUtcNow() - renewed > Lease / 3)
                        {
                            renewed = time.GetUtcNow();
                            await RenewJobAsync(jobId, cancellationToken);
                        }
                    }
                }
                else
                {
                    applied.UnionWith(good.Select(p => p.Row));
                }
            }
        }

        var rows = plans.Select(p => p.ToResult(applied.Contains(p.Row)))
            .Concat(fileErrors.Where(e => e.Row > 0).GroupBy(e => e.Row)
                .Select(g => new RosterRowResult(g.Key, null, null, null, RosterRowResult.Error, false, [], [], g.ToList())))
            .OrderBy(r => r.Row).ToList();
        var errors = rows.SelectMany(r => r.Errors).Concat(fileErrors.Where(e => e.Row == 0)).OrderBy(e => e.Row).ToList();
        var changes = rows.Where(r => r.Status == RosterRowResult.Change).SelectMany(r => r.Changes).ToList();
        var totals = new RosterTotals(rows.Count,
            rows.Count(r => r.Status == RosterRowResult.Change),
            rows.Count(r => r.Status == RosterRowResult.NoChange),
            rows.Count(r => r.Status == RosterRowResult.Error),
            changes.Count(c => c.Action == HrEventKinds.Terminate),
            changes.Count(c => c.Action == Reschedule),
            changes.Count(c => c.Action == HrEventKinds.Rehire),
            changes.Count(c => c.Action == HrEventKinds.Move),
            applied.Count);
        var result = new RosterResult(jobId, dryRun, mode, refused, Message(dryRun, mode, refused, totals), file.IgnoredColumns, totals, errors, rows);
        await SaveJobAsync(result, actor.Name, started, keepInput && dryRun ? Encoding.UTF8.GetString(csv.Span) : null, cancellationToken);
        return result;
    }

    /// <summary>Applies the roster a console dry run kept (its job's Input), with the same checks as a fresh import.</summary>
    public async Task<RosterResult> ApplyDryRunAsync(string jobId, string? mode, HrActor actor, CancellationToken cancellationToken)
    {
        var input = await store.ReadAsync(db => db.HrJobs.AsNoTracking()
            .Where(j => j.Id == jobId && j.Kind == HrJobKinds.Roster).Select(j => j.Input).FirstOrDefaultAsync(cancellationToken), cancellationToken)
            ?? throw HrException.NotFound($"There is no roster preview {jobId} waiting to be applied (it was applied already, or upload the file again).");
        var result = await ImportAsync(Encoding.UTF8.GetBytes(input), dryRun: false, mode, actor, cancellationToken);
        if (!result.Refused)
        {
            await store.WriteAsync(db => db.HrJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.Input, (string?)null), cancellationToken),
                cancellationToken);
        }
        return result;
    }

    public const string Reschedule = "Reschedule";

    private RowPlan Plan(RosterRow row, Snapshot snapshot, DateTimeOffset now)
    {
        var plan = new RowPlan(row.Row, row.Get(RosterColumns.EmployeeId));
        var rawStatus = row.Get(RosterColumns.Status);
        if (plan.EmployeeId is null)
        {
            plan.Error(RosterColumns.EmployeeId, "the employee id is empty.");
        }
        bool? terminated = rawStatus?.ToLowerInvariant() switch
        {
            null => null,
            "active" => false,
            "terminated" => true,
            _ => null,
        };
        if (terminated is null)
        {
            plan.Error(RosterColumns.Status, rawStatus is null ? "the status is empty; write active or terminated."
                : rawStatus.ToLowerInvariant() is "leave" or "on leave" or "inactive" or "suspended"
                    ? $"'{rawStatus}' is not a roster status: a leave or an inactive worker is not terminated by the roster. Write active or terminated."
                    : $"'{rawStatus}' is not a roster status; write active or terminated.");
        }
        if (plan.EmployeeId is null)
        {
            return plan;
        }
        var worker = snapshot.Find(plan.EmployeeId, out var findError);
        if (worker is null)
        {
            plan.Error(RosterColumns.EmployeeId, findError!);
            return plan;
        }
        plan.Worker = worker;
        if (row.Get(RosterColumns.Email) is { } email && !snapshot.HasEmail(worker.Id, email))
        {
            plan.Error(RosterColumns.Email, $"{email} is not an email of worker {worker.UserName} (employee {plan.EmployeeId}); check the row.");
        }

        TimeZoneInfo? zone = null;
        try
        {
            zone = WorkerDirectory.ZoneFor(row.Get(RosterColumns.TimeZone), worker.Resolved, options.Value);
        }
        catch (HrException e)
        {
            plan.Error(RosterColumns.TimeZone, e.Detail);
        }
        var lastDay = row.Get(RosterColumns.LastDayOfWork);
        if (lastDay is not null && !DateOnly.TryParseExact(lastDay, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            plan.Error(RosterColumns.LastDayOfWork, $"'{lastDay}' is not a date as yyyy-MM-dd (2027-03-31).");
            lastDay = null;
        }

        var move = MoveFor(row, worker, snapshot, plan);
        if (terminated is null || zone is null || plan.Errors.Count > 0)
        {
            return plan;
        }
        var hr = snapshot.Workers.GetValueOrDefault(worker.Id);
        var inForce = hr is not null && hr.Status != HrWorkerStatuses.Active;
        snapshot.PendingTerminations.TryGetValue(worker.Id, out var pending);
        if (terminated.Value)
        {
            if (move is not null)
            {
                plan.Add(Move(worker, move.Value, zone, now));
            }
            if (inForce)
            {
                var termination = hr!.TerminationId is { } id ? snapshot.InForce.GetValueOrDefault(id) : null;
                if (termination is null || lastDay is null || termination.EffectiveLocal?.StartsWith(lastDay, StringComparison.Ordinal) == true)
                {
                    plan.Notes.Add(termination is null ? "already terminated." : $"already terminated effective {termination.EffectiveLocal} {termination.TimeZone}.");
                }
                else
                {
                    plan.Error(RosterColumns.LastDayOfWork,
                        $"worker {worker.UserName} is already terminated effective {termination.EffectiveLocal} {termination.TimeZone} (termination {termination.Id}); rescind that termination to change its date to {lastDay}.");
                }
                return plan;
            }
            if (lastDay is null)
            {
                plan.Error(RosterColumns.LastDayOfWork, "a terminated worker needs a last day of work (yyyy-MM-dd).");
                return plan;
            }
            EffectiveInstant effective;
            try
            {
                effective = EffectiveTime.Resolve(lastDay, zone, options.Value.TerminationTime, now, RosterColumns.LastDayOfWork);
            }
            catch (HrException e)
            {
                plan.Error(RosterColumns.LastDayOfWork, e.Detail);
                return plan;
            }
            if (pending is not null && pending.EffectiveLocal == effective.Local && pending.TimeZone == effective.TimeZone)
            {
                plan.Notes.Add($"termination {pending.Id} is already scheduled for {pending.EffectiveLocal} {pending.TimeZone}.");
                return plan;
            }
            var from = pending is null ? null : $"from {pending.EffectiveLocal} {pending.TimeZone} to {effective.Local} {effective.TimeZone}";
            plan.Add(new PlannedEvent(HrEventKinds.Terminate, worker.Resolved, effective, "Roster: last day of work " + lastDay),
                new RosterChange(pending is null ? HrEventKinds.Terminate : Reschedule, HrEventKinds.Terminate, effective.Local, effective.TimeZone,
                    effective.Past ? now : effective.At, from is null ? null : "reschedule " + from, effective.Note));
            return plan;
        }

        if (lastDay is not null)
        {
            plan.Notes.Add($"last day of work {lastDay} ignored: the status is active.");
        }
        if (inForce)
        {
            if (snapshot.PendingRehires.Contains(worker.Id))
            {
                plan.Notes.Add("a rehire is already pending.");
            }
            else
            {
                var effective = EffectiveTime.Resolve(null, zone, options.Value.TerminationTime, now);
                plan.Add(new PlannedEvent(HrEventKinds.Rehire, worker.Resolved, effective, "Roster: active again"),
                    new RosterChange(HrEventKinds.Rehire, HrEventKinds.Rehire, effective.Local, effective.TimeZone, effective.At, null, "fires now."));
            }
        }
        else if (pending is not null)
        {
            plan.Error(RosterColumns.Status,
                $"a termination is pending for {pending.EffectiveLocal} {pending.TimeZone} (termination {pending.Id}) but the roster says active: the roster does not rescind; rescind it through the HR API or the console, or write terminated with its date.");
            return plan;
        }
        if (move is not null)
        {
            plan.Add(Move(worker, move.Value, zone, now));
        }
        return plan;
    }

    /// <summary>The department and manager the row sets, when they differ from the user's (pending moves counted as done); null when none.</summary>
    private static (MoveChanges Changes, string Detail)? MoveFor(RosterRow row, UserInfo worker, Snapshot snapshot, RowPlan plan)
    {
        var (department, manager) = snapshot.Current(worker);
        string? newDepartment = null;
        string? newManager = null;
        var detail = new List<string>();
        if (row.Get(RosterColumns.Department) is { } d && d != department)
        {
            newDepartment = d;
            detail.Add($"department '{department}' → '{d}'");
        }
        if (row.Get(RosterColumns.Manager) is { } m)
        {
            var boss = snapshot.FindManager(m, out var error);
            if (boss is null)
            {
                plan.Error(RosterColumns.Manager, error!);
            }
            else if (boss.Id == worker.Id)
            {
                plan.Error(RosterColumns.Manager, $"{m} is the worker itself.");
            }
            else if (boss.Id != manager)
            {
                newManager = boss.Id;
                detail.Add($"manager {(manager is null ? "none" : snapshot.Users.GetValueOrDefault(manager)?.UserName ?? manager)} → {boss.UserName}");
            }
        }
        return newDepartment is null && newManager is null ? null : (new MoveChanges(null, newDepartment, newManager, null), string.Join("; ", detail));
    }

    private (PlannedEvent, RosterChange) Move(UserInfo worker, (MoveChanges Changes, string Detail) move, TimeZoneInfo zone, DateTimeOffset now)
    {
        var effective = EffectiveTime.Resolve(null, zone, options.Value.TerminationTime, now);
        return (new PlannedEvent(HrEventKinds.Move, worker.Resolved, effective, "Roster", move.Changes),
            new RosterChange(HrEventKinds.Move, HrEventKinds.Move, effective.Local, effective.TimeZone, effective.At, move.Detail, "fires now."));
    }

    /// <summary>A worker is on one row: a second row naming the same user is an error (and so is the first, which it contradicts or repeats).</summary>
    private static void MarkDuplicates(List<RowPlan> plans)
    {
        foreach (var group in plans.Where(p => p.Worker is not null).GroupBy(p => p.Worker!.Id).Where(g => g.Count() > 1))
        {
            var first = group.First();
            foreach (var later in group.Skip(1))
            {
                later.Error(RosterColumns.EmployeeId, $"worker {later.Worker!.UserName} is also on row {first.Row}; a worker appears once in a roster.");
            }
        }
    }

    private async Task<bool> RecordRowAsync(RowPlan plan, HrActor actor, CancellationToken cancellationToken)
    {
        try
        {
            var recorded = await lifecycle.RecordAsync(plan.Events, actor, cancellationToken);
            plan.Recorded(recorded);
            return true;
        }
        catch (HrException e)
        {
            plan.Error(null, e.Detail);
            return false;
        }
    }

    /// <summary>Every row's events in one transaction; a refusal names the row it came from, and nothing is recorded.</summary>
    private async Task<bool> RecordAllAsync(List<RowPlan> plans, HrActor actor, List<RosterError> fileErrors, CancellationToken cancellationToken)
    {
        var rows = plans.Where(p => p.Events.Count > 0).ToList();
        if (await RecordTogetherAsync(rows, actor, cancellationToken) is not { } e)
        {
            return true;
        }
        var index = EventNumber().Match(e.Detail) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) - 1 : 0;
        var at = 0;
        var row = rows.FirstOrDefault(p => (at += p.Events.Count) > index);
        if (row is null)
        {
            fileErrors.Add(new RosterError(0, null, e.Detail));
        }
        else
        {
            row.Error(null, EventNumber().Replace(e.Detail, ""));
        }
        return false;
    }

    [GeneratedRegex(@"^Event (\d+) of \d+ \([^)]*\): ")]
    private static partial Regex EventNumber();

    private string Message(bool dryRun, string mode, bool refused, RosterTotals t)
    {
        var guard = options.Value.Guard;
        var held = guard.Enabled && !refused && t.Terminations + t.Reschedules > guard.MaxPerBatch
            ? $" {t.Terminations + t.Reschedules} terminations are more than Hr:Guard:MaxPerBatch ({guard.MaxPerBatch}): the mass-termination guard holds them for an admin's approval."
            : "";
        return MessageOf(dryRun, mode, refused, t) + held;
    }

    private static string MessageOf(bool dryRun, string mode, bool refused, RosterTotals t)
    {
        var counts = $"{t.Rows} rows: {t.Changed} {(dryRun ? "would change" : "with changes")} ({t.Terminations} terminations, {t.Reschedules} reschedules, {t.Rehires} rehires, {t.Moves} moves), "
            + $"{t.Unchanged} unchanged, {t.Errors} with errors";
        return dryRun ? $"Dry run, {counts}; nothing was written."
            : refused ? $"Refused ({mode}): {counts}; nothing was applied. Fix the rows, or import with mode good-rows to apply the valid ones."
            : $"Applied ({mode}), {counts}; {t.Applied} rows applied.";
    }

    /// <summary>The rows' events in one transaction; null when recorded, else the refusal (nothing recorded).</summary>
    private async Task<HrException?> RecordTogetherAsync(List<RowPlan> rows, HrActor actor, CancellationToken cancellationToken)
    {
        try
        {
            var recorded = await lifecycle.RecordAsync(rows.SelectMany(p => p.Events).ToList(), actor, cancellationToken);
            var at = 0;
            foreach (var plan in rows)
            {
                plan.Recorded(recorded.Skip(at).Take(plan.Events.Count).ToList());
                at += plan.Events.Count;
            }
            return null;
        }
        catch (HrException e)
        {
            return e;
        }
    }

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    /// <summary>The import's job row, Running under a lease while rows are recorded one by one (a crash lets the lease lapse).</summary>
    private Task OpenJobAsync(string jobId, string actor, DateTimeOffset started, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            db.HrJobs.Add(new HrJobRecord
            {
                Id = jobId,
                Kind = HrJobKinds.Roster,
                Status = HrJobStatuses.Running,
                Actor = actor,
                CreatedAt = started,
                StartedAt = started,
                LeaseOwner = "roster",
                LeaseUntil = time.GetUtcNow() + Lease,
            });
            return await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);

    private Task RenewJobAsync(string jobId, CancellationToken cancellationToken) =>
        store.WriteAsync(db => db.HrJobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, time.GetUtcNow() + Lease), cancellationToken), cancellationToken);

    private async Task SaveJobAsync(RosterResult result, string actor, DateTimeOffset started, string? input, CancellationToken cancellationToken)
    {
        await store.WriteAsync(async db =>
        {
            var job = await db.HrJobs.FirstOrDefaultAsync(j => j.Id == result.JobId, cancellationToken);
            if (job is null)
            {
                job = new HrJobRecord { Id = result.JobId, Kind = HrJobKinds.Roster, Status = HrJobStatuses.Completed, Actor = actor };
                db.HrJobs.Add(job);
            }
            job.Status = HrJobStatuses.Completed;
            job.CreatedAt = started;
            job.StartedAt = started;
            job.CompletedAt = time.GetUtcNow();
            job.Input = input;
            job.Result = JsonSerializer.Serialize(result, JsonSerializerOptions.Web);
            job.Total = result.Totals.Rows;
            job.Succeeded = result.DryRun ? result.Totals.Rows - result.Totals.Errors : result.Totals.Applied;
            job.Failed = result.Totals.Errors;
            job.Error = result.Refused ? result.Message : null;
            job.LeaseOwner = null;
            job.LeaseUntil = null;
            return await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
        signal.Pulse();
    }

    private sealed class RowPlan(int row, string? employeeId)
    {
        public int Row { get; } = row;
        public string? EmployeeId { get; } = employeeId;
        public UserInfo? Worker { get; set; }
        public List<PlannedEvent> Events { get; } = [];
        public List<RosterChange> Changes { get; } = [];
        public List<string> Notes { get; } = [];
        public List<RosterError> Errors { get; } = [];

        public void Error(string? column, string message) => Errors.Add(new RosterError(Row, column, message));

        public void Add((PlannedEvent Event, RosterChange Change) change) => Add(change.Event, change.Change);

        public void Add(PlannedEvent planned, RosterChange change)
        {
            Events.Add(planned);
            Changes.Add(change);
        }

        public void Recorded(IReadOnlyList<HrEventRecord> recorded)
        {
            for (var i = 0; i < Changes.Count && i < recorded.Count; i++)
            {
                Changes[i] = Changes[i] with { EventId = recorded[i].Id };
            }
        }

        public RosterRowResult ToResult(bool applied) => new(Row, EmployeeId, Worker?.Id, Worker?.UserName,
            Errors.Count > 0 ? RosterRowResult.Error : Changes.Count > 0 ? RosterRowResult.Change : RosterRowResult.NoChange,
            applied, Errors.Count > 0 ? [] : Changes, Notes, Errors);
    }

    private sealed record UserInfo(string Id, string UserName, string? EmployeeNumber, string? ExternalId, string? Timezone, bool Active, string? Department, string? ManagerId)
    {
        public ResolvedWorker Resolved => new(Id, UserName, EmployeeNumber, EmployeeNumber is null ? WorkerKey.ExternalId : WorkerKey.EmployeeNumber, Timezone, Active);
    }

    private sealed record WorkerState(string UserId, string Status, long? TerminationId);

    private sealed record EventInfo(long Id, string? EffectiveLocal, string TimeZone);

    /// <summary>What the rows are compared with, read once: an import reads every row against the same state.</summary>
    private sealed class Snapshot
    {
        public Dictionary<string, UserInfo> Users { get; private init; } = [];
        private ILookup<string, UserInfo> _byEmployeeNumber = null!;
        private ILookup<string, UserInfo> _byExternalId = null!;
        private ILookup<string, string> _byEmail = null!;
        public Dictionary<string, WorkerState> Workers { get; private init; } = [];
        public Dictionary<long, EventInfo> InForce { get; private init; } = [];
        public Dictionary<string, EventInfo> PendingTerminations { get; private init; } = [];
        public HashSet<string> PendingRehires { get; private init; } = [];
        private Dictionary<string, List<MoveChanges>> _pendingMoves = [];

        public static async Task<Snapshot> LoadAsync(ScimBridgeDbContext db, CancellationToken cancellationToken)
        {
            var users = await db.Users.AsNoTracking()
                .Select(u => new UserInfo(u.Id, u.UserName, u.EmployeeNumber, u.ExternalId, u.Timezone, u.Active, u.Department, u.ManagerId))
                .ToListAsync(cancellationToken);
            var emails = await db.UserValues.AsNoTracking().Where(v => v.Attribute == "emails" && v.ValueNormalized != null)
                .Select(v => new { v.UserId, Email = v.ValueNormalized! }).ToListAsync(cancellationToken);
            var workers = await db.HrWorkers.AsNoTracking().Select(w => new WorkerState(w.UserId, w.Status, w.TerminationId)).ToListAsync(cancellationToken);
            var inForce = await db.HrEvents.AsNoTracking().Where(e => db.HrWorkers.Any(w => w.TerminationId == e.Id))
                .Select(e => new EventInfo(e.Id, e.EffectiveLocal, e.TimeZone)).ToListAsync(cancellationToken);
            var pending = await db.HrEvents.AsNoTracking().Where(e => HrEventStates.Pending.Contains(e.State)).OrderBy(e => e.Id)
                .Select(e => new { e.Id, e.Kind, e.UserId, e.EffectiveLocal, e.TimeZone, e.Details }).ToListAsync(cancellationToken);
            var moves = new Dictionary<string, List<MoveChanges>>(StringComparer.Ordinal);
            foreach (var m in pending.Where(p => p.Kind == HrEventKinds.Move && p.Details is not null))
            {
                if (JsonSerializer.Deserialize<MoveChanges>(m.Details!, JsonSerializerOptions.Web) is { } changes)
                {
                    (moves.TryGetValue(m.UserId, out var list) ? list : moves[m.UserId] = []).Add(changes);
                }
            }
            return new Snapshot
            {
                Users = users.ToDictionary(u => u.Id, StringComparer.Ordinal),
                _byEmployeeNumber = users.Where(u => u.EmployeeNumber is not null).ToLookup(u => u.EmployeeNumber!, StringComparer.Ordinal),
                _byExternalId = users.Where(u => u.ExternalId is not null).ToLookup(u => u.ExternalId!, StringComparer.Ordinal),
                _byEmail = emails.ToLookup(e => e.Email, e => e.UserId, StringComparer.Ordinal),
                Workers = workers.ToDictionary(w => w.UserId, StringComparer.Ordinal),
                InForce = inForce.ToDictionary(e => e.Id),
                PendingTerminations = pending.Where(p => p.Kind == HrEventKinds.Terminate)
                    .GroupBy(p => p.UserId).ToDictionary(g => g.Key, g => new EventInfo(g.Last().Id, g.Last().EffectiveLocal, g.Last().TimeZone), StringComparer.Ordinal),
                PendingRehires = pending.Where(p => p.Kind == HrEventKinds.Rehire).Select(p => p.UserId).ToHashSet(StringComparer.Ordinal),
                _pendingMoves = moves,
            };
        }

        /// <summary>By employeeNumber, else externalId, as <see cref="WorkerDirectory.FindAsync"/> matches them.</summary>
        public UserInfo? Find(string employeeId, out string? error)
        {
            var found = _byEmployeeNumber[employeeId].ToList();
            if (found.Count == 0)
            {
                found = _byExternalId[employeeId].ToList();
            }
            return One(found, $"employee id '{employeeId}'", out error);
        }

        /// <summary>The manager by email (a value with @), else by employee id.</summary>
        public UserInfo? FindManager(string manager, out string? error)
        {
            if (manager.Contains('@', StringComparison.Ordinal))
            {
                var ids = _byEmail[ScimText.Fold(manager)].Distinct(StringComparer.Ordinal).ToList();
                return One(ids.Select(id => Users[id]).ToList(), $"email '{manager}'", out error, "manager");
            }
            var found = Find(manager, out error);
            error = error?.Replace("worker", "manager", StringComparison.Ordinal);
            return found;
        }

        private static UserInfo? One(List<UserInfo> found, string what, out string? error, string role = "worker")
        {
            error = found.Count switch
            {
                0 => $"no {role} has {what}.",
                1 => null,
                _ => $"{found.Count} users have {what} ({string.Join(", ", found.Take(2).Select(f => f.UserName))}): the {role} is ambiguous.",
            };
            return found.Count == 1 ? found[0] : null;
        }

        public bool HasEmail(string userId, string email) => _byEmail[ScimText.Fold(email)].Contains(userId, StringComparer.Ordinal);

        /// <summary>The user's department and manager id with the pending moves counted as done.</summary>
        public (string? Department, string? ManagerId) Current(UserInfo user)
        {
            var (department, manager) = (user.Department, user.ManagerId);
            foreach (var move in _pendingMoves.GetValueOrDefault(user.Id) ?? [])
            {
                department = move.Department is null ? department : move.Department.Length == 0 ? null : move.Department;
                manager = move.Manager is null ? manager : move.Manager.Length == 0 ? null : move.Manager;
            }
            return (department, manager);
        }
    }
}
