using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Monday;
using ScimBridge.Monday;
using ScimBridge.Push;
using ScimBridge.Reclamation.Apps;

namespace ScimBridge.Reclamation;

/// <summary>
/// Acts on candidates Awaiting Revocation: claims them (a lease per candidate, so no two instances act on one),
/// re-reads each seat's activity, and reclaims the rest in batches through the app; and puts a reclaim back (undo).
/// Every reclaim and undo is a provisioning-log entry with its calls.
/// </summary>
public sealed partial class ReclaimRevoker(
    PushStore store,
    DeletionGuard guard,
    WorkLeases leases,
    IServiceProvider services,
    IOptionsMonitor<ReclamationOptions> options,
    IOptions<PushOptions> pushOptions,
    TimeProvider time)
{
    /// <summary>Transport failures of one candidate before it needs an admin.</summary>
    public const int MaxAttempts = 5;

    /// <summary>Batches taken per claim; the lease (Reclamation:LeaseSeconds) must cover their calls.</summary>
    private const int BatchesPerClaim = 5;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(30);

    private string Instance => pushOptions.Value.InstanceId;

    /// <summary>Claims due candidates and acts on them; returns how many were settled (closed or needing attention).</summary>
    public async Task<int> ProcessAsync(CancellationToken cancellationToken)
    {
        // One owner per call: two calls in one process must not read each other's claims as their own.
        var owner = $"{leases.Owner}/{Guid.NewGuid():N}";
        var settled = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var claimed = await ClaimAsync(owner, cancellationToken);
            if (claimed.Count == 0)
            {
                break;
            }
            // The store writes one batch's outcome while the next batch's calls go out, so the app's allowance is not
            // left unused while the database works.
            Task<int>? settling = null;
            foreach (var batch in claimed.Chunk(BatchSize))
            {
                var settlements = await RevokeAsync([.. batch], cancellationToken);
                if (settling is not null)
                {
                    settled += await settling;
                }
                settling = SettleAsync(settlements.List, owner, settlements.DurationMs, cancellationToken);
            }
            settled += await settling!;
        }
        return settled;
    }

    private int BatchSize => Math.Clamp(options.CurrentValue.BatchSize, 1, 200);

    /// <summary>
    /// A few batches of one (app, action): candidates Awaiting Revocation with no live lease, taken with a conditional
    /// update and read back. Nothing for monday.com while the push's quarantine (credentials refused) is on.
    /// </summary>
    private Task<List<ReclaimCandidateRecord>> ClaimAsync(string owner, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var o = options.CurrentValue;
            var quarantined = await db.PushTargets.AnyAsync(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null, cancellationToken);
            var due = db.ReclaimCandidates.Where(c => c.State == CandidateStates.AwaitingRevocation && (c.LeaseUntil == null || c.LeaseUntil < now));
            if (quarantined)
            {
                due = due.Where(c => c.App != MirrorApps.Monday);
            }
            var first = await due.OrderBy(c => c.Id).Select(c => new { c.App, c.Action }).FirstOrDefaultAsync(cancellationToken);
            if (first is null)
            {
                return [];
            }
            var ids = await due.Where(c => c.App == first.App && c.Action == first.Action)
                .OrderBy(c => c.Id).Select(c => c.Id).Take(BatchSize * BatchesPerClaim).ToListAsync(cancellationToken);
            var until = now + TimeSpan.FromSeconds(o.LeaseSeconds);
            await db.ReclaimCandidates
                .Where(c => ids.Contains(c.Id) && c.State == CandidateStates.AwaitingRevocation && (c.LeaseUntil == null || c.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseOwner, owner).SetProperty(c => c.LeaseUntil, until), cancellationToken);
            return await db.ReclaimCandidates.AsNoTracking()
                .Where(c => ids.Contains(c.Id) && c.LeaseOwner == owner && c.State == CandidateStates.AwaitingRevocation)
                .OrderBy(c => c.Id).ToListAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>What became of one candidate, to be written with the others of its batch.</summary>
    private sealed class Settlement
    {
        public required ReclaimCandidateRecord Candidate { get; init; }
        public string? To { get; set; }
        public string? Note { get; set; }
        public string? Code { get; set; }
        public bool Transient { get; set; }
        public DateTimeOffset? NewActivity { get; set; }
        public string? PreviousSeatType { get; set; }
        public List<TraceStep> Steps { get; } = [];
        public List<OutboundCall> Calls { get; } = [];
    }

    private async Task<(List<Settlement> List, double DurationMs)> RevokeAsync(List<ReclaimCandidateRecord> batch, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var app = await AppAsync(batch[0].App, cancellationToken);
        var action = batch[0].Action;
        var display = MirrorApps.DisplayName(batch[0].App);
        var settlements = batch.Select(c => new Settlement { Candidate = c }).ToList();

        // 1. A fresh read of exactly these seats.
        var checkCalls = new List<OutboundCall>();
        SeatCheck? check = null;
        try
        {
            check = await app.CheckAsync(batch, checkCalls, cancellationToken);
        }
        catch (ReclaimTransportException e)
        {
            foreach (var s in settlements)
            {
                s.Transient = true;
                s.Note = e.Message;
                s.Steps.Add(new TraceStep(ReclaimLog.Recheck, LogStatuses.Failure, $"{e.Message} ({ReclaimLog.Describe(checkCalls)})."));
                s.Calls.AddRange(checkCalls);
            }
        }

        var act = new List<Settlement>();
        if (check is not null)
        {
            foreach (var s in settlements)
            {
                var c = s.Candidate;
                s.Calls.AddRange(checkCalls);
                if (check.Seats is null)
                {
                    s.Steps.Add(new TraceStep(ReclaimLog.Recheck, LogStatuses.Warning, check.Warning ?? "The app shows no activity."));
                    act.Add(s);
                }
                else if (!check.Seats.TryGetValue(c.AccountId, out var seat))
                {
                    (s.To, s.Code) = (CandidateStates.AttentionRequired, "USER_NOT_FOUND");
                    s.Note = $"{display} no longer has this user ({c.AccountId}): nothing to reclaim; check the seat.";
                    s.Steps.Add(new TraceStep(ReclaimLog.Recheck, LogStatuses.Failure, s.Note));
                }
                else if (seat.LastActivity is { } last && (c.LastActivity is null || last > c.LastActivity))
                {
                    s.To = CandidateStates.ClosedCanceled;
                    s.NewActivity = last;
                    s.Note = $"New activity in {display} at {Time(last)} (the candidate knew {(c.LastActivity is { } known ? Time(known) : "none")}): not reclaimed.";
                    s.Steps.Add(new TraceStep(ReclaimLog.Recheck, LogStatuses.Skipped, s.Note));
                }
                else if (action == ReclaimActions.Downgrade && seat.SeatType == SeatTypes.Viewer)
                {
                    s.To = CandidateStates.ClosedSkipped;
                    s.Note = $"Already a viewer in {display}: nothing to downgrade.";
                    s.Steps.Add(new TraceStep(ReclaimLog.Recheck, LogStatuses.Skipped, s.Note));
                }
                else if (action == ReclaimActions.Deactivate && seat.Active == false)
                {
                    s.To = CandidateStates.ClosedSkipped;
                    s.Note = $"Already inactive in {display}: nothing to deactivate.";
                    s.Steps.Add(new TraceStep(ReclaimLog.Recheck, LogStatuses.Skipped, s.Note));
                }
                else
                {
                    s.PreviousSeatType = seat.SeatType;
                    s.Steps.Add(new TraceStep(ReclaimLog.Recheck, LogStatuses.Success,
                        $"No new activity in {display} (last {(seat.LastActivity is { } l ? Time(l) : "never")}); {ReclaimLog.Describe(checkCalls)}."));
                    act.Add(s);
                }
            }
        }

        // 2. The deletion guard counts deactivations; 3. act in one batch.
        if (act.Count > 0)
        {
            if (action == ReclaimActions.Deactivate)
            {
                await guard.GrantAsync(ResourceKinds.Seat, [.. act.Select(s => s.Candidate.SeatId.ToString(CultureInfo.InvariantCulture))], cancellationToken);
                foreach (var s in act)
                {
                    s.Steps.Add(new TraceStep(ReclaimLog.Guard, LogStatuses.Success, "Counted as a disable by the deletion guard (the wave passed its check when queued)."));
                }
            }
            var actCalls = new List<OutboundCall>();
            var outcomes = await app.ActAsync(action, [.. act.Select(s => s.Candidate)], actCalls, cancellationToken);
            foreach (var s in act)
            {
                s.Calls.AddRange(actCalls);
                var outcome = outcomes.GetValueOrDefault(s.Candidate.AccountId) ?? SeatOutcome.Failed("No outcome for this seat.");
                if (outcome.Done)
                {
                    s.To = CandidateStates.ClosedComplete;
                    s.Steps.Add(new TraceStep(ReclaimLog.Act, LogStatuses.Success,
                        $"{(action == ReclaimActions.Downgrade ? "Downgraded to viewer" : "Deactivated")} through {app.Via}; {ReclaimLog.Describe(actCalls)}."));
                }
                else if (outcome.Transient)
                {
                    (s.Transient, s.Note) = (true, outcome.Error);
                    s.Steps.Add(new TraceStep(ReclaimLog.Act, LogStatuses.Failure, $"{outcome.Error} ({ReclaimLog.Describe(actCalls)})."));
                }
                else
                {
                    (s.To, s.Note, s.Code) = (CandidateStates.AttentionRequired, $"{display} refused: {outcome.Error}", outcome.Code);
                    s.Steps.Add(new TraceStep(ReclaimLog.Act, LogStatuses.Failure, $"{s.Note}{(outcome.Code is { } code ? $" ({code})" : "")}."));
                }
            }
        }

        return (settlements, time.GetElapsedTime(started).TotalMilliseconds / Math.Max(1, batch.Count));
    }

    /// <summary>Writes the batch's outcomes in one transaction, for the candidates this call still holds.</summary>
    private Task<int> SettleAsync(List<Settlement> settlements, string owner, double durationMs, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var ids = settlements.Select(s => s.Candidate.Id).ToList();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var tracked = (await db.ReclaimCandidates.Where(c => ids.Contains(c.Id) && c.LeaseOwner == owner).ToListAsync(cancellationToken))
                .ToDictionary(c => c.Id);
            var actors = await QueuedByAsync(db, ids, cancellationToken);
            var seatIds = settlements.Select(s => s.Candidate.SeatId).ToList();
            var seats = await db.MirrorSeats.Where(s => seatIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
            var app = settlements[0].Candidate.App;
            var accountIds = settlements.Select(s => s.Candidate.AccountId).ToList();
            var pushStates = app == MirrorApps.Monday
                ? (await db.PushStates.Where(p => p.ResourceType == ResourceKinds.User && p.MondayId != null && accountIds.Contains(p.MondayId))
                    .ToListAsync(cancellationToken)).GroupBy(p => p.MondayId!).ToDictionary(g => g.Key, g => g.First())
                : [];
            var userIds = pushStates.Values.Select(p => p.ResourceId).ToList();
            var userData = await db.Users.Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.Data }).ToDictionaryAsync(u => u.Id, u => u.Data, cancellationToken);
            var mapper = services.GetService<MondayUserMapper>();

            var entries = new List<(LogEntryRecord Entry, Settlement Settlement, ReclaimCandidateRecord Candidate)>();
            var done = 0;
            foreach (var s in settlements)
            {
                if (!tracked.TryGetValue(s.Candidate.Id, out var c))
                {
                    // The lease ran out and another instance took it over: its outcome counts.
                    continue;
                }
                var actor = actors.GetValueOrDefault(c.Id) ?? ReclaimActor.System("reclamation");
                var properties = new List<PropertyChange>();
                string status;
                DateTimeOffset? nextRetryAt = null;
                c.LeaseOwner = null;
                c.LeaseUntil = null;
                seats.TryGetValue(c.SeatId, out var seat);
                if (s.Transient)
                {
                    c.Attempts++;
                    if (c.Attempts >= MaxAttempts)
                    {
                        c.ErrorCode = "Unavailable";
                        ReclaimWorkflow.Move(db, c, CandidateStates.AttentionRequired, ReclaimActor.System("revoker"),
                            $"Gave up after {c.Attempts} attempts: {s.Note}", now);
                        status = LogStatuses.Failure;
                        done++;
                    }
                    else
                    {
                        // Released with a backoff: claimable again once it passes.
                        nextRetryAt = now + Backoff(c.Attempts);
                        c.LeaseUntil = nextRetryAt;
                        c.StateReason = $"Retrying after a failure ({c.Attempts} of {MaxAttempts}): {s.Note}";
                        c.UpdatedAt = now;
                        status = LogStatuses.Retrying;
                    }
                }
                else if (s.To == CandidateStates.ClosedComplete)
                {
                    c.ReclaimedAt = now;
                    c.ReclaimedBy = actor.Name;
                    c.ErrorCode = null;
                    var before = s.PreviousSeatType ?? seat?.SeatType ?? c.SeatType;
                    if (c.Action == ReclaimActions.Downgrade)
                    {
                        (c.PreviousSeatType, c.NewSeatType) = (before, SeatTypes.Viewer);
                        properties.Add(new PropertyChange("seatType", before, SeatTypes.Viewer));
                        seat?.SeatType = SeatTypes.Viewer;
                    }
                    else
                    {
                        (c.PreviousSeatType, c.PreviousActive, c.NewActive) = (before, true, false);
                        properties.Add(new PropertyChange("active", "true", "false"));
                        seat?.Status = SeatStatuses.Inactive;
                    }
                    if (pushStates.TryGetValue(c.AccountId, out var push) && mapper is not null)
                    {
                        Override(push, c, mapper, userData.GetValueOrDefault(push.ResourceId));
                    }
                    var what = c.Action == ReclaimActions.Downgrade ? $"downgraded from {before} to viewer" : "deactivated";
                    ReclaimWorkflow.Move(db, c, CandidateStates.ClosedComplete, actor, $"Reclaimed by {actor.Name}: {what}.", now);
                    status = LogStatuses.Success;
                    done++;
                }
                else
                {
                    c.ErrorCode = s.Code;
                    if (s.NewActivity is { } activity && seat is not null && (seat.LastActivity is null || seat.LastActivity < activity))
                    {
                        properties.Add(new PropertyChange("lastActivity", seat.LastActivity is { } old ? Time(old) : null, Time(activity)));
                        seat.LastActivity = activity;
                    }
                    ReclaimWorkflow.Move(db, c, s.To!, s.To == CandidateStates.AttentionRequired ? ReclaimActor.System("revoker") : actor, s.Note, now);
                    status = s.To == CandidateStates.AttentionRequired ? LogStatuses.Failure : LogStatuses.Skipped;
                    done++;
                }
                if (status == LogStatuses.Success && s.Steps.Any(step => step.Status == LogStatuses.Warning))
                {
                    status = LogStatuses.Warning;
                }
                var message = status is LogStatuses.Success or LogStatuses.Warning
                    ? c.StateReason ?? "Reclaimed."
                    : s.Note ?? c.StateReason ?? "";
                var entry = ReclaimLog.Entry(c, LogActions.Reclaim, status, message, c.ErrorCode, s.Steps, properties, actor.Name, now, durationMs, Instance, nextRetryAt);
                db.LogEntries.Add(entry);
                entries.Add((entry, s, c));
            }
            await db.SaveChangesAsync(cancellationToken);
            foreach (var (entry, s, c) in entries)
            {
                db.OutboundCalls.AddRange(ReclaimLog.Calls(s.Calls, c, Instance, entry.Id));
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return done;
        }, cancellationToken);

    /// <summary>
    /// The push's side of a reclaim: monday.com now has the seat reclaimed, and the push keeps it so until the IdP's
    /// mapped value for the attribute changes (see <c>MondayPusher</c>).
    /// </summary>
    private static void Override(PushStateRecord push, ReclaimCandidateRecord c, MondayUserMapper mapper, string? data)
    {
        var mapped = data is null ? null : JsonNode.Parse(data) is JsonObject user ? mapper.Map(user) : null;
        var pushed = PushedUser.Parse(push.Pushed);
        if (c.Action == ReclaimActions.Downgrade)
        {
            push.ReclaimedAttribute = "userType";
            push.ReclaimedBasis = mapped?.UserType ?? pushed?.UserType;
            push.ReclaimedValue = SeatTypes.Viewer;
            push.Pushed = pushed is null ? push.Pushed : (pushed with { UserType = SeatTypes.Viewer }).ToJson();
        }
        else
        {
            push.ReclaimedAttribute = "active";
            push.ReclaimedBasis = mapped is null ? "true" : mapped.Active ? "true" : "false";
            push.ReclaimedValue = "false";
            push.Pushed = pushed is null ? push.Pushed : (pushed with { Active = false }).ToJson();
        }
        push.ReclaimCandidateId = c.Id;
    }

    /// <summary>Who queued each candidate to the revoker (the last transition into Awaiting Revocation).</summary>
    private static async Task<Dictionary<long, ReclaimActor>> QueuedByAsync(ScimBridgeDbContext db, List<long> ids, CancellationToken cancellationToken)
    {
        var transitions = await db.ReclaimTransitions.AsNoTracking()
            .Where(t => ids.Contains(t.CandidateId) && t.ToState == CandidateStates.AwaitingRevocation)
            .OrderBy(t => t.Id)
            .Select(t => new { t.CandidateId, t.ActorType, t.Actor })
            .ToListAsync(cancellationToken);
        var result = new Dictionary<long, ReclaimActor>();
        foreach (var t in transitions)
        {
            result[t.CandidateId] = new ReclaimActor(t.ActorType, t.Actor);
        }
        return result;
    }

    private async Task<IReclaimApp> AppAsync(string app, CancellationToken cancellationToken)
    {
        if (app == MirrorApps.Roadmunk)
        {
            return services.GetRequiredService<RoadmunkReclaim>();
        }
        var via = options.CurrentValue.MondayVia.ToLowerInvariant();
        var scim = via == "scim"
            || (via == "auto" && (services.GetService<IMondayApiCredentials>() is not { } credentials || await credentials.GetAsync(cancellationToken) is null));
        return scim ? services.GetRequiredService<MondayScimReclaim>() : services.GetRequiredService<MondayGraphQlReclaim>();
    }

    private static TimeSpan Backoff(int attempts)
    {
        var wait = TimeSpan.FromSeconds(30 * Math.Pow(2, Math.Max(0, attempts - 1)));
        return wait > MaxBackoff ? MaxBackoff : wait;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
