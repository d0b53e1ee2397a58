using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Push;

namespace ScimBridge.Reclamation;

public enum AnswerStatus
{
    /// <summary>The candidate waits for this answer: the page offers its button.</summary>
    Pending,
    /// <summary>The answer was recorded now.</summary>
    Applied,
    /// <summary>The candidate no longer waits for this answer (answered, reclaimed, skipped); nothing changed.</summary>
    Stale,
}

/// <summary>What a link's page says; <see cref="Button"/> is the one action it offers while pending.</summary>
public sealed record AnswerOutcome(AnswerStatus Status, string Title, string Message, string? Button = null);

/// <summary>
/// Applies the answer of a signed link to its candidate, each change through <see cref="ReclaimWorkflow.Move"/> with the
/// user (their seat's email) or the manager (their userName) as the actor. The candidate's state is a concurrency
/// token: an answer racing an admin or the tick changes nothing and says so.
/// </summary>
public sealed partial class ReclaimAnswers(PushStore store, ReclaimWorkflow workflow, TimeProvider time, ILogger<ReclaimAnswers> logger)
{
    /// <summary>What the link will do, without changing anything; null when its candidate does not exist.</summary>
    public Task<AnswerOutcome?> DescribeAsync(AnswerToken token, CancellationToken cancellationToken) =>
        store.ReadAsync(async db =>
        {
            var c = await db.ReclaimCandidates.AsNoTracking().FirstOrDefaultAsync(x => x.Id == token.CandidateId, cancellationToken);
            if (c is null)
            {
                return null;
            }
            if (!Waits(c, token))
            {
                return Stale(c, token);
            }
            var seat = Seat(c);
            return token.Answer switch
            {
                AnswerKinds.Keep => new AnswerOutcome(AnswerStatus.Pending, "Keep your seat?",
                    $"Your {seat} has been unused ({c.Reason}). Keep it if you still need it.", "Keep my seat"),
                AnswerKinds.GiveUp => new AnswerOutcome(AnswerStatus.Pending, "Give up your seat?",
                    $"Your {seat} has been unused ({c.Reason}). Giving it up frees the licence; an administrator can give it back.", "Give up my seat"),
                AnswerKinds.ApproveKeep => new AnswerOutcome(AnswerStatus.Pending, "Approve the keep?",
                    $"{Who(c)} asks to keep their {seat} ({c.Reason}). Approving keeps it.", "Approve the keep"),
                _ => new AnswerOutcome(AnswerStatus.Pending, "Reclaim the seat?",
                    $"{Who(c)} asks to keep their {seat} ({c.Reason}). Reclaiming frees the licence; an administrator can give it back.", "Reclaim the seat"),
            };
        }, cancellationToken);

    /// <summary>Applies the answer; null when the candidate does not exist.</summary>
    public async Task<AnswerOutcome?> ApplyAsync(AnswerToken token, CancellationToken cancellationToken)
    {
        var recorded = await store.WriteAsync(async db =>
        {
            var c = await db.ReclaimCandidates.FirstOrDefaultAsync(x => x.Id == token.CandidateId, cancellationToken);
            if (c is null)
            {
                return ((AnswerOutcome?)null, (ReclaimActor?)null);
            }
            if (!Waits(c, token))
            {
                return (Stale(c, token), null);
            }
            var now = time.GetUtcNow();
            var rule = await RuleAsync(db, c.RuleId, cancellationToken);
            AnswerOutcome? outcome;
            ReclaimActor? reclaimAs = null;
            switch (token.Answer)
            {
                case AnswerKinds.Keep:
                    outcome = await KeepAsync(db, c, rule, now, cancellationToken);
                    break;
                case AnswerKinds.GiveUp:
                    c.Answer = AnswerKinds.GiveUp;
                    c.AnsweredAt = now;
                    c.UpdatedAt = now;
                    reclaimAs = UserActor(c);
                    outcome = null;
                    break;
                case AnswerKinds.ApproveKeep:
                    c.CooldownUntil = now.AddDays(rule.CooldownDays);
                    Move(db, c, CandidateStates.ClosedSkipped, await ManagerActorAsync(db, c, cancellationToken),
                        $"Keep approved by the manager; not a candidate again before {c.CooldownUntil:yyyy-MM-dd}.", now);
                    outcome = new AnswerOutcome(AnswerStatus.Applied, "Keep approved",
                        $"{Who(c)} keeps their {Seat(c)}. It will not be asked about again before {c.CooldownUntil:yyyy-MM-dd}.");
                    break;
                default:
                    reclaimAs = await ManagerActorAsync(db, c, cancellationToken);
                    outcome = null;
                    break;
            }
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return (new AnswerOutcome(AnswerStatus.Stale, "Nothing changed",
                    "This seat changed while you answered (an administrator or the bridge acted on it). Nothing was changed by this link."), null);
            }
            return (outcome, reclaimAs);
        }, cancellationToken);

        var (result, actor) = recorded;
        if (actor is null)
        {
            if (result is { Status: AnswerStatus.Applied })
            {
                LogAnswered(logger, token.CandidateId, token.Answer);
            }
            return result;
        }

        LogAnswered(logger, token.CandidateId, token.Answer);
        var reclaimed = (await workflow.ReclaimAsync([token.CandidateId], actor, cancellationToken)).Single();
        if (!reclaimed.Done)
        {
            return await ReadyAfterRefusalAsync(token.CandidateId, actor, reclaimed.Error, cancellationToken) > 0
                ? new AnswerOutcome(AnswerStatus.Applied, "Answer recorded", "The answer was recorded; an administrator will reclaim the seat.")
                : new AnswerOutcome(AnswerStatus.Stale, "Nothing changed",
                    "This seat changed while you answered (an administrator or the bridge acted on it). Nothing was changed by this link.");
        }
        return token.Answer == AnswerKinds.GiveUp
            ? new AnswerOutcome(AnswerStatus.Applied, "Seat given up", reclaimed.State == CandidateStates.AwaitingApproval
                ? "Thank you: the seat will be reclaimed once an administrator approves this round of reclaims."
                : "Thank you: the seat will be reclaimed shortly. If you need it again, ask your administrator.")
            : new AnswerOutcome(AnswerStatus.Applied, "Seat reclaimed", reclaimed.State == CandidateStates.AwaitingApproval
                ? "The seat will be reclaimed once an administrator approves this round of reclaims."
                : "The seat will be reclaimed shortly; an administrator can give it back.");
    }

    private static async Task<AnswerOutcome> KeepAsync(ScimBridgeDbContext db, ReclaimCandidateRecord c, ReclaimRuleDefinition rule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var actor = UserActor(c);
        c.Answer = AnswerKinds.Keep;
        c.AnsweredAt = now;
        c.NextReminderAt = null;
        c.AutoReclaimAt = null;
        var approval = rule.Notify?.KeepApproval ?? KeepApprovals.None;
        if (approval == KeepApprovals.Manager)
        {
            var managerId = c.UserId is null ? null
                : await db.Users.Where(u => u.Id == c.UserId).Select(u => u.ManagerId).FirstOrDefaultAsync(cancellationToken);
            var manager = managerId is null ? null
                : await db.Users.Where(u => u.Id == managerId).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken);
            if (manager is not null)
            {
                c.ApproverKind = KeepApprovals.Manager;
                c.ApproverUserId = managerId;
                Move(db, c, CandidateStates.AwaitingApproval, actor, $"The user wants to keep the seat; their manager {manager} decides.", now);
                return new AnswerOutcome(AnswerStatus.Applied, "Keep requested",
                    "Thank you: your manager is asked to approve that you keep the seat.");
            }
            approval = KeepApprovals.Admins;
        }
        if (approval == KeepApprovals.Admins)
        {
            c.ApproverKind = KeepApprovals.Admins;
            c.ApproverUserId = null;
            var why = rule.Notify?.KeepApproval == KeepApprovals.Manager ? " (no known manager)" : "";
            Move(db, c, CandidateStates.AwaitingApproval, actor, $"The user wants to keep the seat; the admins decide{why}.", now);
            return new AnswerOutcome(AnswerStatus.Applied, "Keep requested",
                "Thank you: the administrators are asked to approve that you keep the seat.");
        }
        c.CooldownUntil = now.AddDays(rule.CooldownDays);
        Move(db, c, CandidateStates.ClosedSkipped, actor, $"Kept by the user; not a candidate again before {c.CooldownUntil:yyyy-MM-dd}.", now);
        return new AnswerOutcome(AnswerStatus.Applied, "Seat kept",
            $"Thank you: you keep your {Seat(c)}. You will not be asked again before {c.CooldownUntil:yyyy-MM-dd}.");
    }

    /// <summary>A give-up or manager's reclaim the workflow refused (a rule that only reports): an admin takes it from Ready.</summary>
    private Task<int> ReadyAfterRefusalAsync(long id, ReclaimActor actor, string? error, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var c = await db.ReclaimCandidates.FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
            if (c is null || c.State is not (CandidateStates.AwaitingUser or CandidateStates.AwaitingApproval))
            {
                return 0;
            }
            Move(db, c, CandidateStates.Ready, actor, $"Answered {(c.Answer == AnswerKinds.GiveUp ? "give up" : "reclaim")}, but it cannot be reclaimed now: {error}", time.GetUtcNow());
            try
            {
                return await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return 0;
            }
        }, cancellationToken);

    /// <summary>Whether the candidate still waits for this link's answer.</summary>
    public static bool Waits(ReclaimCandidateRecord c, AnswerToken token) => token.Audience switch
    {
        AnswerAudiences.User => c.State == CandidateStates.AwaitingUser && c.Answer is null,
        AnswerAudiences.Manager => c.State == CandidateStates.AwaitingApproval && c.HeldAt is null && c.Answer == AnswerKinds.Keep
            && c.ApproverKind == KeepApprovals.Manager && c.ApproverUserId is not null && c.ApproverUserId == token.ApproverUserId,
        _ => false,
    };

    private static AnswerOutcome Stale(ReclaimCandidateRecord c, AnswerToken token)
    {
        var state = CandidateStates.DisplayName(c.State);
        var message = token.Audience == AnswerAudiences.User && c.Answer is not null
            ? $"This seat was already answered ({(c.Answer == AnswerKinds.Keep ? "keep" : "give up")}, {c.AnsweredAt:yyyy-MM-dd HH:mm} UTC); it is now {state}. Nothing was changed."
            : token.Audience == AnswerAudiences.Manager && !CandidateStates.IsOpen(c.State)
                ? $"This keep was already decided; the seat is now {state}. Nothing was changed."
                : $"This seat is no longer waiting for this answer; it is now {state}. Nothing was changed.";
        return new AnswerOutcome(AnswerStatus.Stale, "Already answered", message);
    }

    private static void Move(ScimBridgeDbContext db, ReclaimCandidateRecord c, string to, ReclaimActor actor, string note, DateTimeOffset now) =>
        ReclaimWorkflow.Move(db, c, to, actor, note, now);

    private static ReclaimActor UserActor(ReclaimCandidateRecord c) => new(ReclaimActors.User, c.Email ?? c.Name ?? c.AccountId);

    private static async Task<ReclaimActor> ManagerActorAsync(ScimBridgeDbContext db, ReclaimCandidateRecord c, CancellationToken cancellationToken)
    {
        var userName = await db.Users.Where(u => u.Id == c.ApproverUserId).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken);
        return new ReclaimActor(ReclaimActors.Manager, userName ?? c.ApproverUserId ?? "manager");
    }

    internal static async Task<ReclaimRuleDefinition> RuleAsync(ScimBridgeDbContext db, long ruleId, CancellationToken cancellationToken)
    {
        var definition = await db.ReclaimRules.Where(r => r.Id == ruleId).Select(r => r.Definition).FirstOrDefaultAsync(cancellationToken);
        try
        {
            return definition is null ? new ReclaimRuleDefinition() : ReclaimWorkflow.ParseRule(definition);
        }
        catch (System.Text.Json.JsonException)
        {
            // An answer is never lost to a broken rule: the defaults (keep stands, 90 days' cool-down) apply.
            return new ReclaimRuleDefinition();
        }
    }

    internal static string Seat(ReclaimCandidateRecord c) => $"{MirrorApps.DisplayName(c.App)} {c.SeatType} seat";

    private static string Who(ReclaimCandidateRecord c) => c.Name ?? c.Email ?? c.AccountId;

    [LoggerMessage(Level = LogLevel.Information, Message = "Reclamation candidate {CandidateId} answered {Answer} through its link.")]
    private static partial void LogAnswered(ILogger logger, long candidateId, string answer);
}
