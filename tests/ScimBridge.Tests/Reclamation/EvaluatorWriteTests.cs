using ScimBridge.Mirror;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;
using static ScimBridge.Tests.Reclamation.ReclaimKit;

namespace ScimBridge.Tests.Reclamation;

/// <summary>The evaluator's set-based writes: every column reads back through EF as an EF-written row would, and a seat taken meanwhile is skipped.</summary>
public sealed class EvaluatorWriteTests
{
    private static readonly ReclaimActor Tester = ReclaimActor.Admin("tester@example.com");

    [Theory, AllDatabases]
    public async Task CandidatesAndTransitions_ReadBackThroughEf_WithEveryColumn(DatabaseProvider provider)
    {
        // A fractional cost, a seat type without a cost (null saving), a downgrade (cost less the viewer's) and a notice due.
        var (app, _) = await StartAsync(provider, new() { ["Mirror:Apps:monday:SeatCosts:member"] = "12.34", ["Mirror:Apps:roadmunk:SeatCosts:reviewer"] = "0.05" });
        await using var _app = app;
        var alice = await app.CreateUserAsync("alice@example.com");
        var bob = await app.CreateUserAsync("bob@example.com");
        var carol = await app.CreateUserAsync("carol@example.com");
        await app.SeatsAsync(
            Seat("linked", 74, userId: alice),
            Seat("shadow", 80, seatType: SeatTypes.Guest),
            Seat("never", null, createdDaysAgo: 20, userId: bob),
            Seat("admin", 100, seatType: SeatTypes.Admin, userId: carol),
            Seat("rm", 90, app: MirrorApps.Roadmunk, seatType: SeatTypes.Reviewer));
        var admin = await app.AdminAsync();
        var plain = await admin.CreateRuleAsync(Rule("idle", r => { r["apps"] = new JsonArray("monday", "roadmunk"); r["excludeSeatTypes"] = new JsonArray(); r["includeNeverActive"] = false; r["inactiveDays"] = 85; }));
        var down = await admin.CreateRuleAsync(Rule("down", r => { r["action"] = "downgrade"; r["includeNeverActive"] = false; r["excludeSeatTypes"] = new JsonArray(); }));
        var ask = await admin.CreateRuleAsync(Rule("ask", r =>
        {
            r["excludeSeatTypes"] = new JsonArray();
            r["apps"] = new JsonArray("monday", "roadmunk");
            r["notify"] = new JsonObject { ["webhookUrl"] = "https://hooks.example.com/x", ["reminderEveryDays"] = 3, ["autoReclaimAfterDays"] = 7, ["keepApproval"] = "none" };
        }));
        var seats = await app.DbAsync(db => db.MirrorSeats.AsNoTracking().ToDictionaryAsync(s => s.AccountId));

        var result = await app.Services.GetRequiredService<ReclaimEvaluator>().EvaluateAsync(Tester, CancellationToken.None);
        Assert.Equal(5, result.Created);

        ReclaimCandidateRecord Expected(string account, long rule, string action, string state, string? note, string reason, decimal? saving)
        {
            var seat = seats[account];
            return new ReclaimCandidateRecord
            {
                RuleId = rule,
                RuleVersion = 1,
                App = seat.App,
                SeatId = seat.Id,
                AccountId = seat.AccountId,
                UserId = seat.UserId,
                Email = seat.Email,
                Name = seat.Name,
                SeatType = seat.SeatType,
                Action = action,
                State = state,
                StateReason = note,
                Reason = reason,
                LastActivity = seat.LastActivity,
                CreatedInApp = seat.CreatedInApp,
                MonthlySaving = saving,
                Currency = "EUR",
                CreatedAt = Now,
                UpdatedAt = Now,
                NoticeDueAt = state == CandidateStates.AwaitingUser ? Now : null,
            };
        }
        const string Asked = "Found by rule 'ask'; the user is asked to keep or give up the seat.";
        var expected = new[]
        {
            Expected("admin", plain, "deactivate", CandidateStates.Ready, "Found by rule 'idle'.", "No activity for 100 days (last 2026-08-29)", 20m),
            Expected("rm", plain, "deactivate", CandidateStates.AttentionRequired, ReclaimEvaluator.NoUserNote, "No activity for 90 days (last 2026-09-08)", 0.05m),
            Expected("linked", down, "downgrade", CandidateStates.Ready, "Found by rule 'down'.", "No activity for 74 days (last 2026-09-24)", 10.34m),
            Expected("shadow", ask, "deactivate", CandidateStates.AttentionRequired, ReclaimEvaluator.NoUserNote, "No activity for 80 days (last 2026-09-18)", null),
            Expected("never", ask, "deactivate", CandidateStates.AwaitingUser, Asked, "Never active; created 20 days ago", 12.34m),
        };

        var candidates = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().OrderBy(c => c.Id).ToListAsync());
        Assert.Equal(expected.Length, candidates.Count);
        foreach (var want in expected)
        {
            var got = candidates.Single(c => c.AccountId == want.AccountId);
            foreach (var property in typeof(ReclaimCandidateRecord).GetProperties().Where(p => p.Name != nameof(ReclaimCandidateRecord.Id)))
            {
                Assert.True(Equals(property.GetValue(want), property.GetValue(got)),
                    $"{want.AccountId}.{property.Name}: expected {property.GetValue(want) ?? "null"}, read {property.GetValue(got) ?? "null"}");
            }
        }

        var transitions = await app.DbAsync(db => db.ReclaimTransitions.AsNoTracking().OrderBy(t => t.Id).ToListAsync());
        Assert.Equal(candidates.Select(c => (c.Id, (string?)null, c.State, Now, ReclaimActors.Admin, "tester@example.com", c.StateReason)),
            transitions.Select(t => (t.CandidateId, t.FromState, t.ToState, t.At, t.ActorType, t.Actor, t.Note)));

        // Stored as EF stores them: a candidate EF writes has the same column types and text forms as the evaluator's.
        await app.DbAsync(db =>
        {
            var seat = seats["linked"];
            db.ReclaimCandidates.Add(new ReclaimCandidateRecord
            {
                RuleId = down,
                RuleVersion = 1,
                App = seat.App,
                SeatId = seat.Id,
                AccountId = "ef",
                SeatType = seat.SeatType,
                Action = "downgrade",
                State = CandidateStates.ClosedSkipped,
                Reason = "ef",
                Currency = "EUR",
                CreatedAt = Now,
                UpdatedAt = Now,
                ClosedAt = Now,
                MonthlySaving = 10.34m,
                LastActivity = seat.LastActivity,
            });
            return db.SaveChangesAsync();
        });
        var stored = await app.DbAsync(db => db.Database.SqlQueryRaw<string>(provider == DatabaseProvider.Sqlite
            ? """SELECT typeof("MonthlySaving") || ':' || "MonthlySaving" || '|' || typeof("CreatedAt") || ':' || "CreatedAt" || '|' || typeof("LastActivity") || '|' || typeof("GuardApproved") || ':' || "GuardApproved" || '|' || typeof("Reminders") AS "Value" FROM "ReclaimCandidates" WHERE "AccountId" IN ('linked', 'ef') ORDER BY "AccountId" """
            : """SELECT "MonthlySaving"::text || '|' || "CreatedAt"::text || '|' || pg_typeof("LastActivity")::text || '|' || "GuardApproved"::text || '|' || "Reminders"::text AS "Value" FROM "ReclaimCandidates" WHERE "AccountId" IN ('linked', 'ef') ORDER BY "AccountId" """)
            .ToListAsync());
        Assert.Equal(2, stored.Count);
        Assert.Equal(stored[0], stored[1]);
    }

    [Theory, AllDatabases]
    public async Task ASeatAnotherWriterTakesBetweenMatchingAndInsert_IsSkippedAndCounted(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        await app.SeatsAsync(Seat("a", 70), Seat("b", 80), Seat("c", 90));
        var admin = await app.AdminAsync();
        var rule = await admin.CreateRuleAsync(Rule("idle"));
        var evaluator = app.Services.GetRequiredService<ReclaimEvaluator>();
        long? other = null;
        evaluator.BeforeInsert = async batch =>
        {
            var seat = batch.Single(c => c.AccountId == "b");
            other = await app.DbAsync(async db =>
            {
                var record = new ReclaimCandidateRecord
                {
                    RuleId = rule,
                    RuleVersion = 1,
                    App = seat.App,
                    SeatId = seat.SeatId,
                    AccountId = seat.AccountId,
                    SeatType = seat.SeatType,
                    Action = "report",
                    State = CandidateStates.Ready,
                    Reason = "another writer",
                    Currency = "EUR",
                    CreatedAt = Now,
                    UpdatedAt = Now,
                };
                db.ReclaimCandidates.Add(record);
                await db.SaveChangesAsync();
                return record.Id;
            });
        };
        EvaluationResult result;
        try
        {
            result = await evaluator.EvaluateAsync(Tester, CancellationToken.None);
        }
        finally
        {
            evaluator.BeforeInsert = null;
        }

        Assert.NotNull(other);
        var only = Assert.Single(result.Rules);
        Assert.Equal((3, 2, 1), (only.Matched, only.Created, only.SkippedOpenCandidate));
        var candidates = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().OrderBy(c => c.AccountId).ToListAsync());
        Assert.Equal([("a", "idle"), ("b", "report"), ("c", "idle")], candidates.Select(c => (c.AccountId, c.Action == "report" ? "report" : "idle")));
        Assert.Equal("another writer", candidates.Single(c => c.Id == other).Reason);
        var transitions = await app.DbAsync(db => db.ReclaimTransitions.AsNoTracking().Select(t => t.CandidateId).OrderBy(i => i).ToListAsync());
        Assert.Equal(candidates.Where(c => c.Id != other).Select(c => c.Id).Order(), transitions);

        // The next evaluation finds all three taken.
        var again = await evaluator.EvaluateAsync(Tester, CancellationToken.None);
        Assert.Equal((0, 3), (again.Created, again.Rules[0].SkippedOpenCandidate));
    }
}
