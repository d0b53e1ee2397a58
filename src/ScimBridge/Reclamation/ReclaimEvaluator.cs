using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Push;

namespace ScimBridge.Reclamation;

/// <summary>
/// What one rule did in an evaluation: the seats its criteria matched, the candidates it created (by initial state), the
/// matched seats it left (an open candidate, a cool-down, an exclusion or VIP, an earlier rule took it) and those it
/// queued for the revoker (auto-reclaim).
/// </summary>
public sealed record RuleEvaluation(
    long RuleId, string Name, int RuleVersion, string Action, int Matched, IReadOnlyDictionary<string, int> CreatedByState,
    int SkippedOpenCandidate, int SkippedCooldown, int SkippedExcluded, int SkippedTakenByEarlierRule, int Queued)
{
    public int Created => CreatedByState.Values.Sum();
}

/// <summary>What one evaluation of every enabled rule did; <see cref="Ran"/> false when another instance was evaluating.</summary>
public sealed record EvaluationResult(bool Ran, string? Message, DateTimeOffset At, double Seconds, IReadOnlyList<RuleEvaluation> Rules)
{
    public int Matched => Rules.Sum(r => r.Matched);
    public int Created => Rules.Sum(r => r.Created);
    public int Skipped => Rules.Sum(r => r.SkippedOpenCandidate + r.SkippedCooldown + r.SkippedExcluded + r.SkippedTakenByEarlierRule);
    public int Queued => Rules.Sum(r => r.Queued);

    public IReadOnlyDictionary<string, int> CreatedByState =>
        Rules.SelectMany(r => r.CreatedByState).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
}

/// <summary>The seats of one seat type a dry run would take, and what reclaiming them would save.</summary>
public sealed record DryRunSeatType(string App, string SeatType, int Count, decimal? MonthlyEach, decimal MonthlySaving, decimal YearlySaving);

public sealed record DryRunSeat(string App, string AccountId, string? Email, string? Name, string SeatType, DateTimeOffset? LastActivity, string Reason, decimal? MonthlySaving);

/// <summary>What a rule would take now (nothing is written): counts and savings by seat type, and the first seats.</summary>
public sealed record DryRunResult(
    long? RuleId, ReclaimRuleDefinition Rule, DateTimeOffset At, int Matched, int Seats, int SkippedOpenCandidate, int SkippedCooldown, int SkippedExcluded,
    IReadOnlyList<DryRunSeatType> BySeatType, decimal MonthlySaving, decimal YearlySaving, string Currency, IReadOnlyList<DryRunSeat> FirstSeats);

/// <summary>
/// Applies the rules to the mirror: creates candidates (evaluation) or only counts them (dry run). The criteria are
/// filtered in SQL; exclusions, open candidates and cool-downs are read once and checked in memory; candidates are
/// inserted in batches, each with its first transition.
/// </summary>
public sealed class ReclaimEvaluator(
    PushStore store, WorkLeases leases, ReclaimWorkflow workflow, IOptions<MirrorOptions> mirror, TimeProvider time, ILogger<ReclaimEvaluator> logger)
{
    public const string Lease = "reclaim-evaluate";
    public const int FirstSeatsShown = 100;
    private const int BatchSize = CandidateInserter.MaxRows;

    public const string NoUserNote = "No inbound user is linked to this seat; link it on Subscriptions > Drift, or reclaim it by hand.";

    /// <summary>Evaluates every enabled rule now; the lease "reclaim-evaluate" keeps it to one instance at a time.</summary>
    public async Task<EvaluationResult> EvaluateAsync(ReclaimActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var started = time.GetTimestamp();
        var now = time.GetUtcNow();
        if (!await leases.TryTakeAsync(Lease, TimeSpan.FromMinutes(10), cancellationToken))
        {
            return new EvaluationResult(false, "Another instance is evaluating the rules right now; try again in a moment.", now, 0, []);
        }
        var done = false;
        try
        {
            var timings = new Timings();
            var rules = await store.ReadAsync(db => db.ReclaimRules.AsNoTracking().Where(r => r.Enabled && r.DeletedAt == null).OrderBy(r => r.Id)
                .ToListAsync(cancellationToken), cancellationToken);
            var context = await store.ReadAsync(db => SharedContext.LoadAsync(db, now, cancellationToken), cancellationToken);
            timings.Context = time.GetElapsedTime(started);
            var taken = new HashSet<long>();
            var results = new List<RuleEvaluation>();
            foreach (var record in rules)
            {
                results.Add(await EvaluateRuleAsync(record, context, taken, actor, now, timings, cancellationToken));
            }
            done = true;
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            logger.LogInformation(
                "Evaluated {Rules} reclamation rules in {Seconds:0.000} s: created {Created} candidates; shared reads {Context:0.000} s, matching {Matching:0.000} s, "
                + "writing {Writing:0.000} s in {Writes} transactions (longest write transaction {LongestMs:0.0} ms), auto-reclaim {Queueing:0.000} s",
                results.Count, seconds, results.Sum(r => r.Created), timings.Context.TotalSeconds, timings.Matching.TotalSeconds, timings.Writing.TotalSeconds,
                timings.Writes, timings.LongestWrite.TotalMilliseconds, timings.Queueing.TotalSeconds);
            return new EvaluationResult(true, null, now, seconds, results);
        }
        finally
        {
            await leases.ReleaseAsync(Lease, done, CancellationToken.None);
        }
    }

    /// <summary>What the saved rule would take now; 404 for an unknown rule.</summary>
    public async Task<DryRunResult> DryRunAsync(long ruleId, CancellationToken cancellationToken)
    {
        var rule = await store.ReadAsync(db => db.ReclaimRules.AsNoTracking().Where(r => r.Id == ruleId).Select(r => new { r.Definition, r.DeletedAt })
            .FirstOrDefaultAsync(cancellationToken), cancellationToken) ?? throw AdminException.NotFound($"There is no reclamation rule {ruleId}.");
        if (rule.DeletedAt is { } deleted)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "Rule deleted", $"Rule {ruleId} was deleted on {deleted:yyyy-MM-dd}; its history stays readable, but it takes no seats.");
        }
        return await DryRunAsync(ReclaimWorkflow.ParseRule(rule.Definition), ruleId, cancellationToken);
    }

    /// <summary>What <paramref name="rule"/> (saved or not; the caller validated it) would take now. Writes nothing.</summary>
    public Task<DryRunResult> DryRunAsync(ReclaimRuleDefinition rule, long? ruleId, CancellationToken cancellationToken) =>
        store.ReadAsync(async db =>
        {
            ArgumentNullException.ThrowIfNull(rule);
            var now = time.GetUtcNow();
            var context = await SharedContext.LoadAsync(db, now, cancellationToken);
            var plan = await PlanAsync(db, rule, context, [], now, cancellationToken);
            var options = mirror.Value;
            var byType = plan.Take.GroupBy(s => (s.App, s.SeatType)).OrderBy(g => g.Key.App, StringComparer.Ordinal).ThenByDescending(g => g.Count())
                .Select(g =>
                {
                    var each = Saving(options, rule.Action, g.Key.App, g.Key.SeatType);
                    var monthly = (each ?? 0) * g.Count();
                    return new DryRunSeatType(g.Key.App, g.Key.SeatType, g.Count(), each, monthly, monthly * 12);
                }).ToList();
            var total = byType.Sum(t => t.MonthlySaving);
            var first = plan.Take.Take(FirstSeatsShown)
                .Select(s => new DryRunSeat(s.App, s.AccountId, s.Email, s.Name, s.SeatType, s.LastActivity, Reason(s, now), Saving(options, rule.Action, s.App, s.SeatType)))
                .ToList();
            return new DryRunResult(ruleId, rule, now, plan.Matched, plan.Take.Count, plan.SkippedOpen, plan.SkippedCooldown, plan.SkippedExcluded,
                byType, total, total * 12, options.Currency, first);
        }, cancellationToken);

    private async Task<RuleEvaluation> EvaluateRuleAsync(
        ReclaimRuleRecord record, SharedContext context, HashSet<long> taken, ReclaimActor actor, DateTimeOffset now, Timings timings,
        CancellationToken cancellationToken)
    {
        var rule = ReclaimWorkflow.ParseRule(record.Definition);
        var matching = time.GetTimestamp();
        var plan = await store.ReadAsync(db => PlanAsync(db, rule, context, taken, now, cancellationToken), cancellationToken);
        timings.Matching += time.GetElapsedTime(matching);
        var options = mirror.Value;
        var created = new Dictionary<string, int>();
        var ready = new Dictionary<string, List<long>>();
        var raced = 0;
        foreach (var batch in plan.Take.Chunk(BatchSize))
        {
            var (saved, lost) = await InsertAsync(record, rule, batch, options, actor, now, timings, cancellationToken);
            raced += lost;
            foreach (var c in saved)
            {
                taken.Add(c.SeatId);
                created[c.State] = created.GetValueOrDefault(c.State) + 1;
                if (c.State == CandidateStates.Ready)
                {
                    (ready.TryGetValue(c.App, out var ids) ? ids : ready[c.App] = []).Add(c.Id);
                }
            }
        }

        var queued = 0;
        if (rule.AutoReclaim && rule.Action != ReclaimActions.Report)
        {
            var queueing = time.GetTimestamp();
            foreach (var (_, ids) in ready.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var results = await workflow.ReclaimAsync(ids, ReclaimActor.System($"rule {record.Id}"), cancellationToken);
                queued += results.Count(r => r.Done);
            }
            timings.Queueing += time.GetElapsedTime(queueing);
        }
        return new RuleEvaluation(record.Id, record.Name, record.Version, rule.Action, plan.Matched, created,
            plan.SkippedOpen + raced, plan.SkippedCooldown, plan.SkippedExcluded, plan.SkippedTaken, queued);
    }

    /// <summary>
    /// Saves one batch of candidates with their first transition, set-based and in one transaction. A seat another writer
    /// made a candidate for meanwhile is left out by the open-seat index and counted, never failing the evaluation.
    /// </summary>
    private async Task<(List<ReclaimCandidateRecord> Saved, int Raced)> InsertAsync(
        ReclaimRuleRecord record, ReclaimRuleDefinition rule, SeatRow[] batch, MirrorOptions options, ReclaimActor actor, DateTimeOffset now,
        Timings timings, CancellationToken cancellationToken)
    {
        var candidates = batch.Select(s => NewCandidate(record, rule, s, options, now)).ToList();
        if (BeforeInsert is { } hook)
        {
            await hook(candidates);
        }
        var saved = await store.WriteAsync(async db =>
        {
            var started = time.GetTimestamp();
            var result = await CandidateInserter.InsertAsync(db, candidates, actor, cancellationToken);
            var elapsed = time.GetElapsedTime(started);
            timings.Writes++;
            timings.Writing += elapsed;
            timings.LongestWrite = elapsed > timings.LongestWrite ? elapsed : timings.LongestWrite;
            return result;
        }, cancellationToken);
        return (saved, candidates.Count - saved.Count);
    }

    /// <summary>For tests: runs after a batch is planned and before it is written (e.g. to play another writer).</summary>
    internal Func<IReadOnlyList<ReclaimCandidateRecord>, Task>? BeforeInsert { get; set; }

    /// <summary>Where an evaluation's time went, for the log line that ends it.</summary>
    private sealed class Timings
    {
        public TimeSpan Context { get; set; }
        public TimeSpan Matching { get; set; }
        public TimeSpan Writing { get; set; }
        public TimeSpan LongestWrite { get; set; }
        public int Writes { get; set; }
        public TimeSpan Queueing { get; set; }
    }

    private static ReclaimCandidateRecord NewCandidate(ReclaimRuleRecord record, ReclaimRuleDefinition rule, SeatRow seat, MirrorOptions options, DateTimeOffset now)
    {
        var (state, note) = seat.UserId is null
            ? (CandidateStates.AttentionRequired, NoUserNote)
            : rule.Notify is not null
                ? (CandidateStates.AwaitingUser, $"Found by rule '{record.Name}'; the user is asked to keep or give up the seat.")
                : (CandidateStates.Ready, $"Found by rule '{record.Name}'.");
        return new ReclaimCandidateRecord
        {
            RuleId = record.Id,
            RuleVersion = record.Version,
            App = seat.App,
            SeatId = seat.Id,
            AccountId = seat.AccountId,
            UserId = seat.UserId,
            Email = seat.Email,
            Name = seat.Name,
            SeatType = seat.SeatType,
            Action = rule.Action,
            State = state,
            StateReason = note,
            Reason = Reason(seat, now),
            LastActivity = seat.LastActivity,
            CreatedInApp = seat.CreatedInApp,
            MonthlySaving = Saving(options, rule.Action, seat.App, seat.SeatType),
            Currency = options.Currency,
            CreatedAt = now,
            UpdatedAt = now,
            NoticeDueAt = state == CandidateStates.AwaitingUser ? now : null,
        };
    }

    /// <summary>The seat's monthly cost, less the viewer's for a downgrade; null when the seat type has no cost configured.</summary>
    public static decimal? Saving(MirrorOptions options, string action, string app, string seatType)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MonthlyCost(app, seatType) is { } cost
            ? cost - (action == ReclaimActions.Downgrade ? options.MonthlyCost(app, SeatTypes.Viewer) ?? 0 : 0)
            : null;
    }

    private static string Reason(SeatRow seat, DateTimeOffset now) =>
        seat.LastActivity is { } last
            ? string.Create(CultureInfo.InvariantCulture, $"No activity for {(int)(now - last).TotalDays} days (last {last.UtcDateTime:yyyy-MM-dd})")
            : string.Create(CultureInfo.InvariantCulture, $"Never active; created {(int)(now - (seat.CreatedInApp ?? seat.FirstSeen)).TotalDays} days ago");

    private sealed record SeatRow(
        long Id, string App, string AccountId, string? UserId, string? Email, string? EmailNormalized, string? Name, string SeatType,
        DateTimeOffset? LastActivity, DateTimeOffset? CreatedInApp, DateTimeOffset FirstSeen);

    private sealed record Plan(int Matched, List<SeatRow> Take, int SkippedOpen, int SkippedCooldown, int SkippedExcluded, int SkippedTaken);

    /// <summary>What every rule shares, read once: VIPs (and the users they name), seats with an open candidate, seats in cool-down.</summary>
    private sealed record SharedContext(HashSet<string> Vips, HashSet<string> VipUsers, HashSet<long> Open, HashSet<long> Cooldown)
    {
        public static async Task<SharedContext> LoadAsync(ScimBridgeDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var vips = (await db.ReclaimVips.AsNoTracking().Select(v => v.MatchNormalized).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            var vipUsers = vips.Count == 0
                ? []
                : (await db.Users.AsNoTracking().Where(u => vips.Contains(u.UserNameNormalized)).Select(u => u.Id).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            var open = (await db.ReclaimCandidates.AsNoTracking().Where(c => c.ClosedAt == null).Select(c => c.SeatId).ToListAsync(cancellationToken)).ToHashSet();
            var cooldown = (await db.ReclaimCandidates.AsNoTracking().Where(c => c.CooldownUntil != null && c.CooldownUntil > now).Select(c => c.SeatId)
                .ToListAsync(cancellationToken)).ToHashSet();
            return new SharedContext(vips, vipUsers, open, cooldown);
        }
    }

    /// <summary>The rule's criteria in SQL, then the exclusions in memory (an earlier rule's seat, an open candidate, a cool-down, an exclusion or VIP).</summary>
    private static async Task<Plan> PlanAsync(
        ScimBridgeDbContext db, ReclaimRuleDefinition rule, SharedContext context, HashSet<long> taken, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var exclusions = await ReclaimRuleValidator.ResolveAsync(db, rule, cancellationToken);
        var groupMembers = exclusions.GroupIds.Count == 0
            ? []
            : (await db.GroupMembers.AsNoTracking().Where(m => exclusions.GroupIds.Contains(m.GroupId)).Select(m => m.MemberId).ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.Ordinal);

        var seats = await Criteria(db, rule, now)
            .OrderBy(s => s.Id)
            .Select(s => new SeatRow(s.Id, s.App, s.AccountId, s.UserId, s.Email, s.EmailNormalized, s.Name, s.SeatType, s.LastActivity, s.CreatedInApp, s.FirstSeen))
            .ToListAsync(cancellationToken);

        var take = new List<SeatRow>();
        int open = 0, cooldown = 0, excluded = 0, earlier = 0;
        foreach (var seat in seats)
        {
            if (taken.Contains(seat.Id))
            {
                earlier++;
            }
            else if (context.Open.Contains(seat.Id))
            {
                open++;
            }
            else if (context.Cooldown.Contains(seat.Id))
            {
                cooldown++;
            }
            else if (seat.UserId is { } user && (exclusions.UserIds.Contains(user) || groupMembers.Contains(user) || context.VipUsers.Contains(user))
                || seat.EmailNormalized is { } email && context.Vips.Contains(email))
            {
                excluded++;
            }
            else
            {
                take.Add(seat);
            }
        }
        return new Plan(seats.Count, take, open, cooldown, excluded, earlier);
    }

    /// <summary>The seats the rule's own criteria select (app, status, seat type, inactivity, age), as one SQL query.</summary>
    private static IQueryable<MirrorSeatRecord> Criteria(ScimBridgeDbContext db, ReclaimRuleDefinition rule, DateTimeOffset now)
    {
        var apps = rule.Apps.ToList();
        var seats = db.MirrorSeats.AsNoTracking().Where(s => apps.Contains(s.App) && s.GoneAt == null && s.Status == SeatStatuses.Active);
        if (rule.SeatTypes.Count > 0)
        {
            var types = rule.SeatTypes.ToList();
            seats = seats.Where(s => types.Contains(s.SeatType));
        }
        var excludedTypes = rule.ExcludeSeatTypes.ToList();
        if (rule.Action == ReclaimActions.Downgrade)
        {
            // A viewer or guest costs nothing: a downgrade has nothing to free.
            excludedTypes.AddRange(ReclaimRuleValidator.FreeSeatTypes);
        }
        if (excludedTypes.Count > 0)
        {
            seats = seats.Where(s => !excludedTypes.Contains(s.SeatType));
        }
        DateTimeOffset? inactiveSince = now.AddDays(-rule.InactiveDays);
        if (rule.IncludeNeverActive)
        {
            var createdBefore = now.AddDays(-rule.NeverActiveGraceDays);
            seats = seats.Where(s => (s.LastActivity != null && s.LastActivity <= inactiveSince)
                || (s.LastActivity == null && (s.CreatedInApp ?? s.FirstSeen) <= createdBefore));
        }
        else
        {
            seats = seats.Where(s => s.LastActivity != null && s.LastActivity <= inactiveSince);
        }
        if (rule.IgnoreCreatedWithinDays is { } within)
        {
            var createdBefore = now.AddDays(-within);
            seats = seats.Where(s => (s.CreatedInApp ?? s.FirstSeen) <= createdBefore);
        }
        return seats;
    }
}
