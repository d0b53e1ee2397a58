using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Reclamation;

/// <summary>What one tick did; <see cref="Ran"/> is false when another instance held the tick.</summary>
public sealed record TickResult(bool Ran, int Notices, int Reminders, int Reclaimed, int ApprovalNotices, int Failures)
{
    public static readonly TickResult Busy = new(false, 0, 0, 0, 0, 0);
}

/// <summary>
/// The reclamation's timed work, one instance at a time (lease <c>reclaim-tick</c>): evaluate after each mirror run,
/// send due notices, reminders and managers' approval requests, reclaim (or hand to an admin) on silence, and take the
/// daily savings snapshot. Each step catches its own failure, so one never stops the others. Webhooks are called
/// outside the write gate; a candidate is then updated only if it is still where the tick found it.
/// </summary>
public sealed partial class ReclaimScheduler(
    PushStore store,
    WorkLeases leases,
    ReclaimWorkflow workflow,
    ReclaimEvaluator evaluator,
    ReclaimSavings savings,
    ReclaimNotices notices,
    IOptionsMonitor<ReclamationOptions> options,
    TimeProvider time,
    ILogger<ReclaimScheduler> logger)
{
    public const string TickLease = "reclaim-tick";
    public const string EvaluateLease = "reclaim-evaluate";
    public const string SnapshotLease = "reclaim-snapshot";
    /// <summary>Deliveries of one notice tried before giving up on it.</summary>
    public const int MaxDeliveries = 5;
    private const int Batch = 200;

    private static readonly ReclaimActor Notifier = ReclaimActor.System("notices");

    public async Task<TickResult> TickAsync(CancellationToken cancellationToken)
    {
        if (!await leases.TryTakeAsync(TickLease, TimeSpan.FromSeconds(options.CurrentValue.LeaseSeconds), cancellationToken))
        {
            return TickResult.Busy;
        }
        var counts = new Counts();
        try
        {
            await StepAsync("evaluate", () => EvaluateAfterMirrorAsync(cancellationToken), cancellationToken);
            await StepAsync("notices", () => NoticesAsync(counts, cancellationToken), cancellationToken);
            await StepAsync("reminders", () => RemindersAsync(counts, cancellationToken), cancellationToken);
            await StepAsync("silence", () => SilenceAsync(counts, cancellationToken), cancellationToken);
            await StepAsync("approval notices", () => ApprovalNoticesAsync(counts, cancellationToken), cancellationToken);
            await StepAsync("snapshot", () => SnapshotAsync(cancellationToken), cancellationToken);
        }
        finally
        {
            await leases.ReleaseAsync(TickLease, done: true, CancellationToken.None);
        }
        return new TickResult(true, counts.Notices, counts.Reminders, counts.Reclaimed, counts.ApprovalNotices, counts.Failures);
    }

    private async Task StepAsync(string step, Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogStepFailed(logger, ex, step);
        }
    }

    private async Task EvaluateAfterMirrorAsync(CancellationToken cancellationToken)
    {
        var newest = await store.ReadAsync(db => db.MirrorApps.Where(a => a.LastCompleteAt != null)
            .Select(a => a.LastCompleteAt).OrderByDescending(a => a).FirstOrDefaultAsync(cancellationToken), cancellationToken);
        if (newest is null)
        {
            return;
        }
        var evaluated = await leases.LastDoneAsync(EvaluateLease, cancellationToken);
        if (evaluated is null || newest > evaluated)
        {
            await evaluator.EvaluateAsync(ReclaimActor.System("after mirror run"), cancellationToken);
        }
    }

    private async Task NoticesAsync(Counts counts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await DueAsync(c => c.State == CandidateStates.AwaitingUser && c.NoticeSentAt == null && c.NoticeDueAt != null && c.NoticeDueAt <= now,
            c => c.NoticeDueAt, cancellationToken);
        foreach (var (c, rule) in due)
        {
            bool StillDue(ReclaimCandidateRecord x) => x.State == CandidateStates.AwaitingUser && x.NoticeSentAt == null && x.NoticeDueAt == c.NoticeDueAt;
            if (rule.Notify is not { WebhookUrl.Length: > 0 } notify)
            {
                await UpdateAsync(c.Id, StillDue, (db, x, at) =>
                    ReclaimWorkflow.Move(db, x, CandidateStates.Ready, Notifier, "Its rule no longer sends notices: an admin decides.", at), cancellationToken);
                continue;
            }
            var silence = SilenceDays(notify);
            var delivery = await notices.SendToUserAsync(c, notify.WebhookUrl, NoticeKinds.RequestToForego,
                notify.AutoReclaimAfterDays is null ? null : now.AddDays(silence), cancellationToken);
            if (delivery.Delivered)
            {
                counts.Notices++;
                await UpdateAsync(c.Id, StillDue, (db, x, at) =>
                {
                    x.NoticeSentAt = at;
                    x.Attempts = 0;
                    x.ErrorCode = null;
                    x.NextReminderAt = notify.ReminderEveryDays > 0 ? at.AddDays(notify.ReminderEveryDays) : null;
                    x.AutoReclaimAt = at.AddDays(silence);
                    var then = notify.AutoReclaimAfterDays is null
                        ? $"an admin decides if there is no answer by {x.AutoReclaimAt:yyyy-MM-dd}"
                        : $"reclaimed without an answer on {x.AutoReclaimAt:yyyy-MM-dd}";
                    ReclaimWorkflow.Move(db, x, CandidateStates.AwaitingUser, Notifier,
                        $"Request to forego sent; {(x.NextReminderAt is null ? "no reminders" : $"reminders every {notify.ReminderEveryDays} days")}; {then}.", at);
                }, cancellationToken);
                continue;
            }
            counts.Failures++;
            await UpdateAsync(c.Id, StillDue, (db, x, at) =>
            {
                x.Attempts++;
                if (delivery.Permanent || x.Attempts >= MaxDeliveries)
                {
                    x.ErrorCode = "NoticeNotDelivered";
                    ReclaimWorkflow.Move(db, x, CandidateStates.AttentionRequired, Notifier,
                        $"The request to forego could not be delivered{(delivery.Permanent ? "" : $" ({x.Attempts} attempts)")}: {delivery.Error}", at);
                }
                else
                {
                    x.NoticeDueAt = at + Backoff(x.Attempts);
                    ReclaimWorkflow.Move(db, x, CandidateStates.AwaitingUser, Notifier,
                        $"The request to forego was not delivered (attempt {x.Attempts} of {MaxDeliveries}): {delivery.Error} Next try at {x.NoticeDueAt:yyyy-MM-dd HH:mm} UTC.", at);
                }
            }, cancellationToken);
        }
    }

    private async Task RemindersAsync(Counts counts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await DueAsync(c => c.State == CandidateStates.AwaitingUser && c.Answer == null && c.NoticeSentAt != null
                && c.NextReminderAt != null && c.NextReminderAt <= now && (c.AutoReclaimAt == null || c.NextReminderAt < c.AutoReclaimAt),
            c => c.NextReminderAt, cancellationToken);
        foreach (var (c, rule) in due)
        {
            bool StillDue(ReclaimCandidateRecord x) => x.State == CandidateStates.AwaitingUser && x.Answer == null && x.NextReminderAt == c.NextReminderAt;
            if (rule.Notify is not { WebhookUrl.Length: > 0 } notify)
            {
                await UpdateAsync(c.Id, StillDue, (_, x, _) => x.NextReminderAt = null, cancellationToken);
                continue;
            }
            var every = TimeSpan.FromDays(Math.Max(1, notify.ReminderEveryDays));
            var delivery = await notices.SendToUserAsync(c, notify.WebhookUrl, NoticeKinds.Reminder,
                notify.AutoReclaimAfterDays is null ? null : c.AutoReclaimAt, cancellationToken);
            if (delivery.Delivered)
            {
                counts.Reminders++;
            }
            else
            {
                counts.Failures++;
            }
            await UpdateAsync(c.Id, StillDue, (db, x, at) =>
            {
                if (delivery.Delivered)
                {
                    x.Reminders++;
                    x.Attempts = 0;
                    x.NextReminderAt = Next(x.NextReminderAt!.Value, every, at);
                    ReclaimWorkflow.Move(db, x, CandidateStates.AwaitingUser, Notifier, $"Reminder {x.Reminders} sent.", at);
                    return;
                }
                x.Attempts++;
                if (delivery.Permanent || x.Attempts >= MaxDeliveries)
                {
                    // The user had the request itself; a lost reminder does not stop the rule.
                    x.Attempts = 0;
                    x.NextReminderAt = Next(x.NextReminderAt!.Value, every, at);
                    ReclaimWorkflow.Move(db, x, CandidateStates.AwaitingUser, Notifier, $"A reminder could not be delivered and was skipped: {delivery.Error}", at);
                }
                else
                {
                    x.NextReminderAt = at + Backoff(x.Attempts);
                    ReclaimWorkflow.Move(db, x, CandidateStates.AwaitingUser, Notifier,
                        $"A reminder was not delivered (attempt {x.Attempts} of {MaxDeliveries}): {delivery.Error}", at);
                }
            }, cancellationToken);
        }
    }

    private async Task SilenceAsync(Counts counts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await DueAsync(c => c.State == CandidateStates.AwaitingUser && c.AutoReclaimAt != null && c.AutoReclaimAt <= now,
            c => c.AutoReclaimAt, cancellationToken);
        foreach (var (c, _) in due.Where(d => d.Rule.Notify?.AutoReclaimAfterDays is null))
        {
            await UpdateAsync(c.Id, x => x.State == CandidateStates.AwaitingUser && x.AutoReclaimAt == c.AutoReclaimAt, (db, x, at) =>
                ReclaimWorkflow.Move(db, x, CandidateStates.Ready, ReclaimActor.System("no answer"),
                    "No answer to the request to forego: an admin decides (the rule does not reclaim on silence).", at), cancellationToken);
        }
        foreach (var wave in due.Where(d => d.Rule.Notify?.AutoReclaimAfterDays is not null).GroupBy(d => d.Candidate.App))
        {
            var days = wave.Select(d => d.Rule.Notify!.AutoReclaimAfterDays!.Value).Distinct().ToList();
            var actor = ReclaimActor.System(days.Count == 1 ? $"no answer in {days[0]} days" : "no answer in time");
            // Ready first, one by one: an answer that lands meanwhile wins (state is a concurrency token), and once
            // Ready the links say so; so a seat kept at the last second is never in the wave.
            var ids = new List<long>();
            foreach (var (c, _) in wave)
            {
                var reports = c.Action == ReclaimActions.Report;
                var note = reports
                    ? "No answer to the request to forego, but its rule only reports: an admin decides."
                    : "No answer to the request to forego: the seat is reclaimed.";
                if (await UpdateAsync(c.Id, x => x.State == CandidateStates.AwaitingUser && x.AutoReclaimAt == c.AutoReclaimAt, (db, x, at) =>
                    ReclaimWorkflow.Move(db, x, CandidateStates.Ready, actor, note, at), cancellationToken) && !reports)
                {
                    ids.Add(c.Id);
                }
            }
            if (ids.Count == 0)
            {
                continue;
            }
            var results = await workflow.ReclaimAsync(ids, actor, cancellationToken);
            counts.Reclaimed += results.Count(r => r.Done);
            foreach (var refused in results.Where(r => !r.Done))
            {
                // It stays Ready, for an admin.
                LogSilenceRefused(logger, refused.Id, refused.Error);
            }
        }
    }

    private async Task ApprovalNoticesAsync(Counts counts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await DueAsync(c => c.State == CandidateStates.AwaitingApproval && c.HeldAt == null && c.Answer == AnswerKinds.Keep
                && c.ApproverKind == KeepApprovals.Manager && c.ApprovalNoticeSentAt == null && (c.NextReminderAt == null || c.NextReminderAt <= now),
            c => c.AnsweredAt, cancellationToken);
        foreach (var (c, rule) in due)
        {
            bool StillDue(ReclaimCandidateRecord x) => x.State == CandidateStates.AwaitingApproval && x.ApproverKind == KeepApprovals.Manager
                && x.ApproverUserId == c.ApproverUserId && x.ApprovalNoticeSentAt == null;
            var manager = await ManagerAsync(c.ApproverUserId, cancellationToken);
            if (manager is null || rule.Notify is not { WebhookUrl.Length: > 0 } notify)
            {
                await UpdateAsync(c.Id, StillDue, (db, x, at) => ToAdmins(db, x, at,
                    manager is null ? "The manager is no longer a known user: the admins decide." : "Its rule no longer sends notices: the admins decide."),
                    cancellationToken);
                continue;
            }
            var delivery = await notices.SendToManagerAsync(c, manager, notify.WebhookUrl, cancellationToken);
            if (delivery.Delivered)
            {
                counts.ApprovalNotices++;
            }
            else
            {
                counts.Failures++;
            }
            await UpdateAsync(c.Id, StillDue, (db, x, at) =>
            {
                if (delivery.Delivered)
                {
                    x.ApprovalNoticeSentAt = at;
                    x.NextReminderAt = null;
                    x.Attempts = 0;
                    ReclaimWorkflow.Move(db, x, CandidateStates.AwaitingApproval, Notifier, $"Approval request sent to the manager {manager.UserName}.", at);
                    return;
                }
                x.Attempts++;
                if (delivery.Permanent || x.Attempts >= MaxDeliveries)
                {
                    ToAdmins(db, x, at, $"The manager's approval request could not be delivered: {delivery.Error} The admins decide.");
                }
                else
                {
                    x.NextReminderAt = at + Backoff(x.Attempts);
                    ReclaimWorkflow.Move(db, x, CandidateStates.AwaitingApproval, Notifier,
                        $"The manager's approval request was not delivered (attempt {x.Attempts} of {MaxDeliveries}): {delivery.Error}", at);
                }
            }, cancellationToken);
        }
    }

    private static void ToAdmins(ScimBridgeDbContext db, ReclaimCandidateRecord x, DateTimeOffset at, string note)
    {
        x.ApproverKind = KeepApprovals.Admins;
        x.NextReminderAt = null;
        x.Attempts = 0;
        ReclaimWorkflow.Move(db, x, CandidateStates.AwaitingApproval, Notifier, note, at);
    }

    private async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var last = await leases.LastDoneAsync(SnapshotLease, cancellationToken);
        if (last is not null && last >= midnight)
        {
            return;
        }
        if (!await leases.TryTakeAsync(SnapshotLease, TimeSpan.FromSeconds(options.CurrentValue.LeaseSeconds), cancellationToken))
        {
            return;
        }
        var done = false;
        try
        {
            await savings.SnapshotAsync(cancellationToken);
            done = true;
        }
        finally
        {
            await leases.ReleaseAsync(SnapshotLease, done, CancellationToken.None);
        }
    }

    private Task<NoticeApprover?> ManagerAsync(string? userId, CancellationToken cancellationToken) =>
        userId is null
            ? Task.FromResult<NoticeApprover?>(null)
            : store.ReadAsync(async db =>
            {
                var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
                    .Select(u => new { u.Id, u.UserName, u.DisplayName, u.FormattedName }).FirstOrDefaultAsync(cancellationToken);
                if (user is null)
                {
                    return null;
                }
                var email = await db.UserValues.Where(v => v.UserId == userId && v.Attribute == "emails" && v.Value != null)
                    .OrderByDescending(v => v.Primary).ThenBy(v => v.Id).Select(v => v.Value).FirstOrDefaultAsync(cancellationToken);
                return new NoticeApprover(user.Id, user.UserName, user.DisplayName ?? user.FormattedName, email);
            }, cancellationToken);

    /// <summary>Due candidates (oldest first, one batch a tick) with their rules.</summary>
    private Task<List<(ReclaimCandidateRecord Candidate, ReclaimRuleDefinition Rule)>> DueAsync(
        System.Linq.Expressions.Expression<Func<ReclaimCandidateRecord, bool>> filter,
        System.Linq.Expressions.Expression<Func<ReclaimCandidateRecord, DateTimeOffset?>> order,
        CancellationToken cancellationToken) =>
        store.ReadAsync(async db =>
        {
            var candidates = await db.ReclaimCandidates.AsNoTracking().Where(filter).OrderBy(order).ThenBy(c => c.Id).Take(Batch).ToListAsync(cancellationToken);
            var ruleIds = candidates.Select(c => c.RuleId).Distinct().ToList();
            var rules = (await db.ReclaimRules.AsNoTracking().Where(r => ruleIds.Contains(r.Id)).Select(r => new { r.Id, r.Definition }).ToListAsync(cancellationToken))
                .ToDictionary(r => r.Id, r => Parse(r.Definition));
            return candidates.Select(c => (c, rules.TryGetValue(c.RuleId, out var rule) ? rule : new ReclaimRuleDefinition { Notify = null })).ToList();
        }, cancellationToken);

    /// <summary>An unreadable rule sends nothing (its candidates go to an admin) rather than stopping the step for every rule.</summary>
    private static ReclaimRuleDefinition Parse(string definition)
    {
        try
        {
            return ReclaimWorkflow.ParseRule(definition);
        }
        catch (System.Text.Json.JsonException)
        {
            return new ReclaimRuleDefinition { Notify = null };
        }
    }

    /// <summary>Applies <paramref name="change"/> when the candidate is still as the tick found it; a concurrent change wins.</summary>
    private Task<bool> UpdateAsync(long id, Func<ReclaimCandidateRecord, bool> stillDue, Action<ScimBridgeDbContext, ReclaimCandidateRecord, DateTimeOffset> change,
        CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var c = await db.ReclaimCandidates.FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
            if (c is null || !stillDue(c))
            {
                return false;
            }
            change(db, c, time.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateConcurrencyException)
            {
                return false;
            }
        }, cancellationToken);

    /// <summary>How long silence lasts: the rule's auto-reclaim days, else until the links expire (then an admin decides).</summary>
    private int SilenceDays(ReclaimNotice notify) => notify.AutoReclaimAfterDays ?? options.CurrentValue.LinkValidityDays;

    /// <summary>1, 2, 4, 8 … minutes, at most an hour.</summary>
    public static TimeSpan Backoff(int failures) => TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, failures - 1))));

    private static DateTimeOffset Next(DateTimeOffset scheduled, TimeSpan every, DateTimeOffset now)
    {
        var next = scheduled + every;
        return next > now ? next : now + every;
    }

    private sealed class Counts
    {
        public int Notices;
        public int Reminders;
        public int Reclaimed;
        public int ApprovalNotices;
        public int Failures;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The reclamation tick's {Step} step failed; the other steps went on.")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reclamation candidate {CandidateId} got no answer but cannot be reclaimed: {Error}")]
    private static partial void LogSilenceRefused(ILogger logger, long candidateId, string? error);
}

/// <summary>Runs <see cref="ReclaimScheduler.TickAsync"/> every <c>Reclamation:TickSeconds</c> while <c>Reclamation:Enabled</c>.</summary>
public sealed partial class ReclaimTicker(ReclaimScheduler scheduler, IOptionsMonitor<ReclamationOptions> options, TimeProvider time, ILogger<ReclaimTicker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Waits first: a starting instance lets migrations and the mirror settle.
                await Task.Delay(TimeSpan.FromSeconds(options.CurrentValue.TickSeconds), time, stoppingToken);
                if (!options.CurrentValue.Enabled)
                {
                    continue;
                }
                try
                {
                    await scheduler.TickAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogTickFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The reclamation tick failed; it runs again at the next one.")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
