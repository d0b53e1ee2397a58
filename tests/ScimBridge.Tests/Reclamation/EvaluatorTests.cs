using ScimBridge.Mirror;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;
using static ScimBridge.Tests.Reclamation.ReclaimKit;

namespace ScimBridge.Tests.Reclamation;

/// <summary>The evaluator and the dry run over mirror seats with known dates, on a controlled clock, through the admin API.</summary>
public sealed class EvaluatorTests
{
    /// <summary>Seats each rule option or exclusion tells apart; alice holds idle70, bob (in group "Board") holds never.</summary>
    private static async Task<(string Alice, string Bob)> SeedAsync(ScimApp app)
    {
        var alice = await app.CreateUserAsync("alice@example.com");
        var bob = await app.CreateUserAsync("bob@example.com");
        await app.CreateGroupAsync("Board", bob);
        await app.SeatsAsync(
            Seat("idle70", 70, userId: alice),
            Seat("idle30", 30),
            Seat("never", null, userId: bob),
            Seat("never5", null, createdDaysAgo: 5),
            Seat("never20", null, createdDaysAgo: 20),
            Seat("admin70", 70, seatType: SeatTypes.Admin),
            Seat("viewer70", 70, seatType: SeatTypes.Viewer),
            Seat("gone70", 70, gone: true),
            Seat("inactive70", 70, status: SeatStatuses.Inactive),
            Seat("rm70", 70, app: MirrorApps.Roadmunk, seatType: SeatTypes.Collaborator));
        return (alice, bob);
    }

    private static async Task<List<string>> PreviewAsync(HttpClient admin, JsonObject rule)
    {
        var result = await (await admin.PostAsync("/admin/api/reclamation/dry-run", Json(rule))).JsonAsync(HttpStatusCode.OK);
        return [.. result["firstSeats"]!.AsArray().Select(s => s!["accountId"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
    }

    [Theory, AllDatabases]
    public async Task EachRuleOptionAndExclusion_ChangesTheSeatsTaken(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        var (alice, _) = await SeedAsync(app);
        var admin = await app.AdminAsync();

        string[] Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];
        var baseline = Sorted("idle70", "never", "never20", "viewer70");
        Assert.Equal(baseline, await PreviewAsync(admin, Rule("r")));

        var cases = new (string Why, Action<JsonObject> Change, string[] Expected)[]
        {
            ("inactiveDays 80", r => r["inactiveDays"] = 80, Sorted("never", "never20")),
            ("includeNeverActive false", r => r["includeNeverActive"] = false, Sorted("idle70", "viewer70")),
            ("neverActiveGraceDays 30", r => r["neverActiveGraceDays"] = 30, Sorted("idle70", "never", "viewer70")),
            ("ignoreCreatedWithinDays 30", r => r["ignoreCreatedWithinDays"] = 30, Sorted("idle70", "never", "viewer70")),
            ("seatTypes member", r => r["seatTypes"] = new JsonArray("member"), Sorted("idle70", "never", "never20")),
            ("excludeSeatTypes none", r => r["excludeSeatTypes"] = new JsonArray(), Sorted("admin70", "idle70", "never", "never20", "viewer70")),
            ("excludeSeatTypes viewer too", r => r["excludeSeatTypes"] = new JsonArray("admin", "viewer"), Sorted("idle70", "never", "never20")),
            ("downgrade skips free seats", r => r["action"] = "downgrade", Sorted("idle70", "never", "never20")),
            ("both apps", r => r["apps"] = new JsonArray("monday", "roadmunk"), Sorted("idle70", "never", "never20", "rm70", "viewer70")),
            ("roadmunk only", r => { r["apps"] = new JsonArray("roadmunk"); r["excludeSeatTypes"] = new JsonArray("account_admin"); }, Sorted("rm70")),
            ("excludeUsers by userName", r => r["excludeUsers"] = new JsonArray("ALICE@example.com"), Sorted("never", "never20", "viewer70")),
            ("excludeUsers by id", r => r["excludeUsers"] = new JsonArray(alice), Sorted("never", "never20", "viewer70")),
            ("excludeGroups by name", r => r["excludeGroups"] = new JsonArray("board"), Sorted("idle70", "never20", "viewer70")),
        };
        foreach (var (why, change, expected) in cases)
        {
            Assert.True(expected.SequenceEqual(await PreviewAsync(admin, Rule("r", change))), $"{why}: expected {string.Join(",", expected)}, got {string.Join(",", await PreviewAsync(admin, Rule("r", change)))}");
        }

        // VIPs: by a seat's email, and by the linked user's userName.
        (await admin.PostAsync("/admin/api/reclamation/vips", Json(new JsonObject { ["match"] = "Viewer70@Example.com" }))).EnsureSuccessStatusCode();
        (await admin.PostAsync("/admin/api/reclamation/vips", Json(new JsonObject { ["match"] = "alice@example.com" }))).EnsureSuccessStatusCode();
        Assert.Equal(Sorted("never", "never20"), await PreviewAsync(admin, Rule("r")));

        // The dry run's figures: deactivating members saves 12 EUR each.
        var id = await admin.CreateRuleAsync(Rule("members", r => r["seatTypes"] = new JsonArray("member")));
        var dry = await admin.DryRunAsync(id);
        Assert.Equal(2, dry["seats"]!.GetValue<int>());
        Assert.Equal(1, dry["skippedExcluded"]!.GetValue<int>());
        Assert.Equal("EUR", dry["currency"]!.GetValue<string>());
        Assert.Equal(24m, dry["monthlySaving"]!.GetValue<decimal>());
        Assert.Equal(288m, dry["yearlySaving"]!.GetValue<decimal>());
        var member = dry["bySeatType"]!.AsArray().Single()!;
        Assert.Equal(("member", 2, 24m, 288m), (member["seatType"]!.GetValue<string>(), member["count"]!.GetValue<int>(),
            member["monthlySaving"]!.GetValue<decimal>(), member["yearlySaving"]!.GetValue<decimal>()));
    }

    [Theory, AllDatabases]
    public async Task Evaluation_CreatesCandidatesInTheirInitialStates_WithTheSeatsFieldsAndSavings(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        var alice = await app.CreateUserAsync("alice@example.com");
        var bob = await app.CreateUserAsync("bob@example.com");
        await app.SeatsAsync(
            Seat("linked", 74, userId: alice),
            Seat("shadow", 80),
            Seat("noticed", null, seatType: SeatTypes.Member, userId: bob, createdDaysAgo: 20, app: MirrorApps.Monday));
        var admin = await app.AdminAsync();
        var plain = await admin.CreateRuleAsync(Rule("downgrade idle", r => { r["action"] = "downgrade"; r["includeNeverActive"] = false; }));
        var notice = await admin.CreateRuleAsync(Rule("ask never-active", r =>
        {
            r["inactiveDays"] = 365;
            r["notify"] = new JsonObject { ["webhookUrl"] = "https://hooks.example.com/x", ["reminderEveryDays"] = 3, ["autoReclaimAfterDays"] = 7, ["keepApproval"] = "none" };
        }));

        var result = await admin.EvaluateAsync();

        Assert.Equal(3, result["created"]!.GetValue<int>());
        var rules = result["rules"]!.AsArray();
        Assert.Equal(2, rules[0]!["matched"]!.GetValue<int>());
        Assert.Equal(1, rules[0]!["createdByState"]!["Ready"]!.GetValue<int>());
        Assert.Equal(1, rules[0]!["createdByState"]!["AttentionRequired"]!.GetValue<int>());
        Assert.Equal(1, rules[1]!["createdByState"]!["AwaitingUser"]!.GetValue<int>());

        var candidates = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().OrderBy(c => c.AccountId).ToListAsync());
        var linked = candidates.Single(c => c.AccountId == "linked");
        Assert.Equal((plain, 1, CandidateStates.Ready, ReclaimActions.Downgrade, alice, SeatTypes.Member), (linked.RuleId, linked.RuleVersion, linked.State, linked.Action, linked.UserId, linked.SeatType));
        Assert.Equal("No activity for 74 days (last 2026-09-24)", linked.Reason);
        Assert.Equal((10m, "EUR"), (linked.MonthlySaving, linked.Currency)); // member 12 less viewer 2
        Assert.Equal(Now.AddDays(-74), linked.LastActivity);
        var shadow = candidates.Single(c => c.AccountId == "shadow");
        Assert.Equal((CandidateStates.AttentionRequired, ReclaimEvaluator.NoUserNote), (shadow.State, shadow.StateReason));
        var noticed = candidates.Single(c => c.AccountId == "noticed");
        Assert.Equal((notice, CandidateStates.AwaitingUser, Now, 12m), (noticed.RuleId, noticed.State, noticed.NoticeDueAt, noticed.MonthlySaving));
        Assert.Equal("Never active; created 20 days ago", noticed.Reason);

        var transitions = await app.DbAsync(db => db.ReclaimTransitions.AsNoTracking().ToListAsync());
        Assert.Equal(3, transitions.Count);
        Assert.All(transitions, t => Assert.Null(t.FromState));
        Assert.All(transitions, t => Assert.Equal(ReclaimActors.Admin, t.ActorType));
        Assert.Equal(candidates.Select(c => (c.Id, c.State)).Order(), transitions.Select(t => (t.CandidateId, t.ToState)).Order());
        Assert.NotNull(await app.DbAsync(db => db.WorkLeases.Where(l => l.Name == ReclaimEvaluator.Lease).Select(l => l.LastDoneAt).SingleAsync()));
    }

    [Theory, AllDatabases]
    public async Task TwoEvaluations_MakeNoDuplicates_AndAnEarlierRuleKeepsItsSeats(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        await app.SeatsAsync(Seat("a", 70), Seat("b", 100), Seat("c", 10));
        var admin = await app.AdminAsync();
        var first = await admin.CreateRuleAsync(Rule("first", r => r["inactiveDays"] = 90));
        await admin.CreateRuleAsync(Rule("second"));

        var one = await admin.EvaluateAsync();
        var two = await admin.EvaluateAsync();

        var rules = one["rules"]!.AsArray();
        Assert.Equal((1, 2, 1), (rules[0]!["created"]!.GetValue<int>(), rules[1]!["matched"]!.GetValue<int>(), rules[1]!["skippedTakenByEarlierRule"]!.GetValue<int>()));
        Assert.Equal(1, rules[1]!["created"]!.GetValue<int>());
        Assert.Equal(0, two["created"]!.GetValue<int>());
        Assert.Equal(3, two["skipped"]!.GetValue<int>());
        Assert.Equal(1, two["rules"]![0]!["skippedOpenCandidate"]!.GetValue<int>());
        var rows = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().Select(c => new { c.AccountId, c.RuleId }).ToListAsync());
        Assert.Equal(2, rows.Count);
        Assert.Equal(first, rows.Single(r => r.AccountId == "b").RuleId);
    }

    [Theory, AllDatabases]
    public async Task ASeatInCoolDown_IsLeftAlone_UntilTheCoolDownEnds(DatabaseProvider provider)
    {
        var (app, clock) = await StartAsync(provider);
        await using var _app = app;
        await app.SeatsAsync(Seat("kept", 200));
        var admin = await app.AdminAsync();
        var rule = await admin.CreateRuleAsync(Rule("idle"));
        await app.DbAsync(async db =>
        {
            var seat = await db.MirrorSeats.SingleAsync();
            db.ReclaimCandidates.Add(new ReclaimCandidateRecord
            {
                RuleId = rule,
                RuleVersion = 1,
                App = seat.App,
                SeatId = seat.Id,
                AccountId = seat.AccountId,
                SeatType = seat.SeatType,
                Action = "deactivate",
                State = CandidateStates.ClosedSkipped,
                Reason = "kept",
                Currency = "EUR",
                CreatedAt = Now.AddDays(-10),
                UpdatedAt = Now.AddDays(-5),
                ClosedAt = Now.AddDays(-5),
                CooldownUntil = Now.AddDays(30),
            });
            return await db.SaveChangesAsync();
        });

        var during = await admin.EvaluateAsync();
        Assert.Equal((0, 1), (during["created"]!.GetValue<int>(), during["rules"]![0]!["skippedCooldown"]!.GetValue<int>()));
        Assert.Equal(0, (await admin.DryRunAsync(rule))["seats"]!.GetValue<int>());

        clock.Advance(TimeSpan.FromDays(31));
        var after = await admin.EvaluateAsync();
        Assert.Equal(1, after["created"]!.GetValue<int>());
        Assert.Equal(1, await app.DbAsync(db => db.ReclaimCandidates.CountAsync(c => c.ClosedAt == null)));
    }

    [Theory, AllDatabases]
    public async Task AnAutoReclaimRule_QueuesItsReadyCandidatesAsOneWave(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        var alice = await app.CreateUserAsync("alice@example.com");
        var bob = await app.CreateUserAsync("bob@example.com");
        await app.SeatsAsync(Seat("a", 70, userId: alice), Seat("b", 70, userId: bob), Seat("shadow", 70));
        var admin = await app.AdminAsync();
        var rule = await admin.CreateRuleAsync(Rule("auto", r => r["autoReclaim"] = true));

        var result = await admin.EvaluateAsync();

        Assert.Equal(2, result["queued"]!.GetValue<int>());
        var candidates = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().OrderBy(c => c.AccountId).ToListAsync());
        Assert.Equal([CandidateStates.AwaitingRevocation, CandidateStates.AwaitingRevocation, CandidateStates.AttentionRequired], candidates.Select(c => c.State));
        Assert.Single(candidates.Where(c => c.WaveId != null).Select(c => c.WaveId).Distinct());
        var queued = await app.DbAsync(db => db.ReclaimTransitions.AsNoTracking().Where(t => t.ToState == CandidateStates.AwaitingRevocation).ToListAsync());
        Assert.Equal(2, queued.Count);
        Assert.All(queued, t => Assert.Equal((ReclaimActors.System, $"rule {rule}", CandidateStates.Ready), (t.ActorType, t.Actor, t.FromState)));
    }

    [Theory, AllDatabases]
    public async Task ADryRun_WritesNothing(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        await SeedAsync(app);
        var admin = await app.AdminAsync();
        var rule = await admin.CreateRuleAsync(Rule("idle", r => r["autoReclaim"] = true));
        Task<string> CountsAsync() => app.DbAsync(async db => string.Join(",",
            await db.ReclaimCandidates.CountAsync(), await db.ReclaimTransitions.CountAsync(), await db.ReclaimRules.CountAsync(),
            await db.ReclaimRuleVersions.CountAsync(), await db.WorkLeases.CountAsync(), await db.ChangesCountAsync()));
        var before = await CountsAsync();

        Assert.Equal(4, (await admin.DryRunAsync(rule))["seats"]!.GetValue<int>());
        Assert.Equal(4, (await (await admin.PostAsync("/admin/api/reclamation/dry-run", Json(Rule("preview")))).JsonAsync(HttpStatusCode.OK))["seats"]!.GetValue<int>());

        Assert.Equal(before, await CountsAsync());
        Assert.StartsWith("0,0,1,1,0,", before, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task WhileAnotherInstanceEvaluates_AnEvaluationIsRefused(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        await app.SeatsAsync(Seat("a", 70));
        var admin = await app.AdminAsync();
        await admin.CreateRuleAsync(Rule("idle"));
        await app.DbAsync(db =>
        {
            db.WorkLeases.Add(new WorkLeaseRecord { Name = ReclaimEvaluator.Lease, Owner = "other-instance", Until = Now.AddMinutes(5) });
            return db.SaveChangesAsync();
        });

        var response = await admin.PostAsync("/admin/api/reclamation/evaluate", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Another instance", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await app.DbAsync(db => db.ReclaimCandidates.CountAsync()));
    }
}

internal static class CountExtensions
{
    public static Task<int> ChangesCountAsync(this ScimBridgeDbContext db) => db.Changes.CountAsync();
}
