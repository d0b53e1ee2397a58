using ScimBridge.Mirror;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Reclamation;

/// <summary>One seat to queue: the app's id, its email and type, and the activity the candidate knew.</summary>
public sealed record QueuedSeat(string AccountId, string? Email, string SeatType = SeatTypes.Member, DateTimeOffset? LastActivity = null, string? UserId = null);

/// <summary>Mirror seats and candidates Awaiting Revocation written straight to the database, as a queued wave leaves them.</summary>
public static class RevokerSeed
{
    public const string Admin = "alice@admin";
    public static readonly DateTimeOffset Old = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, string?> MondaySettings(SimulatorHost sim, string via = "auto") => new()
    {
        ["Monday:ApiUrl"] = sim.BaseUrl + "/v2",
        ["Monday:ApiToken"] = "sim-api-token",
        ["Monday:MaxRetries"] = "8",
        ["Monday:BackoffBaseMilliseconds"] = "1",
        ["Monday:TenantUrl"] = sim.TenantUrl,
        ["Monday:ScimToken"] = SimulatorHost.ScimToken,
        ["Monday:RequestsPerMinute"] = "1000000",
        ["Mirror:Schedule"] = "",
        // The tests run the revoker themselves.
        ["Reclamation:Enabled"] = "false",
        ["Reclamation:MondayVia"] = via,
    };

    public static ReclaimRevoker Revoker(this ScimApp app) => app.Services.GetRequiredService<ReclaimRevoker>();

    /// <summary>Seeds a rule, the seats and one candidate per seat Awaiting Revocation (one wave); returns the candidate ids in order.</summary>
    public static async Task<List<long>> QueueAsync(this ScimApp app, string appName, string action, params QueuedSeat[] seats)
    {
        return await app.DbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var rule = new ReclaimRuleRecord
            {
                Name = $"rule-{Guid.NewGuid():N}",
                Enabled = true,
                Version = 1,
                Definition = ReclaimWorkflow.RuleToJson(new ReclaimRuleDefinition { Apps = [appName], Action = action, CooldownDays = 30 }),
                CreatedAt = now,
                CreatedBy = Admin,
                UpdatedAt = now,
                UpdatedBy = Admin,
            };
            db.ReclaimRules.Add(rule);
            var records = seats.Select(s => MirrorSeed.Seat(appName, s.AccountId, s.Email, s.SeatType, lastActivity: s.LastActivity, userId: s.UserId)).ToList();
            db.MirrorSeats.AddRange(records);
            await db.SaveChangesAsync();
            var wave = Guid.NewGuid().ToString("N");
            var candidates = records.Select((seat, i) => new ReclaimCandidateRecord
            {
                RuleId = rule.Id,
                RuleVersion = 1,
                App = appName,
                SeatId = seat.Id,
                AccountId = seat.AccountId,
                UserId = seat.UserId,
                Email = seat.Email,
                Name = seat.Name,
                SeatType = seat.SeatType,
                Action = action,
                State = CandidateStates.AwaitingRevocation,
                Reason = "No activity for 90 days",
                LastActivity = seats[i].LastActivity,
                Currency = "USD",
                CreatedAt = now,
                UpdatedAt = now,
                WaveId = wave,
            }).ToList();
            db.ReclaimCandidates.AddRange(candidates);
            await db.SaveChangesAsync();
            db.ReclaimTransitions.AddRange(candidates.Select(c => new ReclaimTransitionRecord
            {
                CandidateId = c.Id,
                FromState = CandidateStates.Ready,
                ToState = CandidateStates.AwaitingRevocation,
                At = now,
                ActorType = ReclaimActors.Admin,
                Actor = Admin,
                Note = "Queued",
            }));
            await db.SaveChangesAsync();
            return candidates.Select(c => c.Id).ToList();
        });
    }

    public static Task<List<ReclaimCandidateRecord>> CandidatesAsync(this ScimApp app, IEnumerable<long> ids)
    {
        var list = ids.ToList();
        return app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().Where(c => list.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync());
    }

    public static Task<ReclaimCandidateRecord> CandidateAsync(this ScimApp app, long id) =>
        app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().SingleAsync(c => c.Id == id));

    public static Task<MirrorSeatRecord> SeatAsync(this ScimApp app, long seatId) =>
        app.DbAsync(db => db.MirrorSeats.AsNoTracking().SingleAsync(s => s.Id == seatId));

    public static Task<List<LogEntryRecord>> ReclaimEntriesAsync(this ScimApp app, string action = LogActions.Reclaim) =>
        app.DbAsync(db => db.LogEntries.AsNoTracking().Where(e => e.Action == action).OrderBy(e => e.Id).ToListAsync());

    public static Task<List<OutboundCallRecord>> CallsOfAsync(this ScimApp app, long logEntryId) =>
        app.DbAsync(db => db.OutboundCalls.AsNoTracking().Where(c => c.LogEntryId == logEntryId).OrderBy(c => c.Id).ToListAsync());
}
