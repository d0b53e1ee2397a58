using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ScimBridge.Mirror;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Reclamation;

/// <summary>Rules, seats and candidates written straight to the database, as the evaluator would have left them.</summary>
public static class CandidateSeed
{
    public static async Task<long> RuleAsync(this ScimApp app, string name, string action = ReclaimActions.Downgrade) =>
        await app.DbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var rule = new ReclaimRuleRecord
            {
                Name = name,
                Enabled = true,
                Version = 1,
                CreatedAt = now,
                CreatedBy = "test",
                UpdatedAt = now,
                UpdatedBy = "test",
                Definition = ReclaimWorkflow.RuleToJson(new ReclaimRuleDefinition { Name = name, Action = action, CooldownDays = 30 }),
            };
            db.ReclaimRules.Add(rule);
            await db.SaveChangesAsync();
            return rule.Id;
        });

    /// <summary>A seat and its candidate; returns the candidate's id.</summary>
    public static async Task<long> CandidateAsync(
        this ScimApp app, long ruleId, string accountId, string? email, string state, DateTimeOffset createdAt, string appName = MirrorApps.Monday,
        string seatType = SeatTypes.Member, string action = ReclaimActions.Downgrade, decimal? saving = 10m, string? name = null, string? waveId = null,
        DateTimeOffset? reclaimedAt = null, DateTimeOffset? undoneAt = null, string? userId = null, string currency = "USD",
        DateTimeOffset? lastActivity = null, string seatStatus = SeatStatuses.Active) =>
        await app.DbAsync(async db =>
        {
            var seat = MirrorSeed.Seat(appName, accountId, email, seatType, seatStatus, lastActivity, userId, name: name);
            db.MirrorSeats.Add(seat);
            await db.SaveChangesAsync();
            var closed = !CandidateStates.IsOpen(state);
            var candidate = new ReclaimCandidateRecord
            {
                RuleId = ruleId,
                RuleVersion = 1,
                App = appName,
                SeatId = seat.Id,
                AccountId = accountId,
                UserId = userId,
                Email = email,
                Name = name ?? email?.Split('@')[0],
                SeatType = seatType,
                Action = action,
                State = state,
                Reason = "No activity for 74 days",
                LastActivity = lastActivity,
                MonthlySaving = saving,
                Currency = currency,
                CreatedAt = createdAt,
                UpdatedAt = createdAt,
                ClosedAt = closed ? createdAt.AddHours(1) : null,
                WaveId = waveId,
                ReclaimedAt = reclaimedAt,
                UndoneAt = undoneAt,
                PreviousSeatType = reclaimedAt is null ? null : seatType,
                NewSeatType = reclaimedAt is null ? null : SeatTypes.Viewer,
            };
            db.ReclaimCandidates.Add(candidate);
            await db.SaveChangesAsync();
            db.ReclaimTransitions.Add(new ReclaimTransitionRecord
            {
                CandidateId = candidate.Id,
                FromState = null,
                ToState = state,
                At = createdAt,
                ActorType = ReclaimActors.System,
                Actor = "evaluator",
                Note = "Found by the rule.",
            });
            await db.SaveChangesAsync();
            return candidate.Id;
        });

    public static Task<ReclaimCandidateRecord> CandidateRowAsync(this ScimApp app, long id) =>
        app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().SingleAsync(c => c.Id == id));
}

/// <summary>/admin/api/reclamation/candidates over HTTP with an admin token, on both databases.</summary>
public sealed class CandidatesApiTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private sealed record Seeded(long Rule, long Report, long Alice, long Bob, long Zoe, long Carol, long Dave);

    /// <summary>Five candidates, one a day: alice (Ready), bob (Awaiting User), zoë (Closed Skipped, report rule), carol (Roadmunk, Attention Required, wave w1), dave (Closed Complete).</summary>
    private static async Task<Seeded> SeedAsync(ScimApp app)
    {
        var rule = await app.RuleAsync("Idle members");
        var report = await app.RuleAsync("Count only", ReclaimActions.Report);
        var alice = await app.CandidateAsync(rule, "m1", "alice@example.com", CandidateStates.Ready, Now.AddDays(-5), saving: 12m);
        var bob = await app.CandidateAsync(rule, "m2", "bob@example.com", CandidateStates.AwaitingUser, Now.AddDays(-4));
        var zoe = await app.CandidateAsync(report, "m3", "zoe@example.com", CandidateStates.ClosedSkipped, Now.AddDays(-3), name: "Zoë Çelik",
            action: ReclaimActions.Report);
        var carol = await app.CandidateAsync(rule, "r1", "carol@example.com", CandidateStates.AttentionRequired, Now.AddDays(-2), MirrorApps.Roadmunk,
            SeatTypes.Collaborator, ReclaimActions.Deactivate, waveId: "w1");
        var dave = await app.CandidateAsync(rule, "m4", "=dave@example.com", CandidateStates.ClosedComplete, Now.AddDays(-1), reclaimedAt: Now.AddDays(-1));
        return new Seeded(rule, report, alice, bob, zoe, carol, dave);
    }

    private static async Task<JsonObject> ListAsync(HttpClient admin, string query) =>
        (JsonObject)await (await admin.GetAsync($"/admin/api/reclamation/candidates?{query}")).JsonAsync(HttpStatusCode.OK);

    private static List<long> Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>())];

    [Theory, AllDatabases]
    public async Task Candidates_AreFilteredSearchedAndPaged_NewestFirst(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var s = await SeedAsync(app);
        var admin = await app.AdminAsync();

        var all = await ListAsync(admin, "");
        Assert.Equal([s.Dave, s.Carol, s.Zoe, s.Bob, s.Alice], Ids(all));
        Assert.Equal(5, all["total"]!.GetValue<int>());
        var alice = all["items"]!.AsArray().Single(i => i!["id"]!.GetValue<long>() == s.Alice)!;
        Assert.Equal("Idle members", alice["ruleName"]!.GetValue<string>());
        Assert.Equal("Ready", alice["state"]!.GetValue<string>());
        Assert.Equal(12m, alice["monthlySaving"]!.GetValue<decimal>());
        Assert.Equal("m1", alice["accountId"]!.GetValue<string>());
        Assert.Equal("Awaiting User", all["items"]!.AsArray().Single(i => i!["id"]!.GetValue<long>() == s.Bob)!["stateDisplay"]!.GetValue<string>());
        Assert.Null(alice["transitions"]);

        Assert.Equal([s.Carol, s.Bob, s.Alice], Ids(await ListAsync(admin, "state=open")));
        Assert.Equal([s.Dave, s.Zoe], Ids(await ListAsync(admin, "state=CLOSED")));
        Assert.Equal([s.Bob, s.Alice], Ids(await ListAsync(admin, "state=Awaiting%20User,ready")));
        Assert.Equal([s.Zoe], Ids(await ListAsync(admin, "state=ClosedSkipped")));
        Assert.Equal([s.Carol], Ids(await ListAsync(admin, "app=Roadmunk")));
        Assert.Equal([s.Zoe], Ids(await ListAsync(admin, $"rule={s.Report}")));
        Assert.Equal([s.Carol], Ids(await ListAsync(admin, "wave=w1")));
        Assert.Equal([s.Alice], Ids(await ListAsync(admin, "q=ALICE")));
        Assert.Equal([s.Zoe], Ids(await ListAsync(admin, "q=zo%C3%AB")));
        Assert.Equal([s.Zoe], Ids(await ListAsync(admin, "q=zoe@")));
        Assert.Empty(Ids(await ListAsync(admin, "q=nobody&state=open")));

        var paged = await ListAsync(admin, "pageSize=2&page=2");
        Assert.Equal([s.Zoe, s.Bob], Ids(paged));
        Assert.Equal((2, 2, 5), (paged["page"]!.GetValue<int>(), paged["pageSize"]!.GetValue<int>(), paged["total"]!.GetValue<int>()));
    }

    [Theory, AllDatabases]
    public async Task CandidateCsv_StreamsEveryMatch_AndDisarmsFormulas(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var s = await SeedAsync(app);
        var admin = await app.AdminAsync();

        using var response = await admin.GetAsync("/admin/api/reclamation/candidates?app=monday&format=csv&pageSize=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("reclaim-candidates-", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', CandidatesApi.CsvColumns), lines[0]);
        Assert.Equal(5, lines.Length); // header + the four monday.com candidates, not one page
        Assert.StartsWith($"{s.Dave},{s.Rule},Idle members,monday,m4,,\"'=dave@example.com\",", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{s.Alice},{s.Rule},Idle members,monday,m1,,alice@example.com,alice,member,downgrade,Ready,Ready,No activity for 74 days,", lines[4], StringComparison.Ordinal);
        Assert.Contains(",12.00,USD,", lines[4], StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/reclamation/candidates?state=open");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var accepted = await admin.SendAsync(request);
        Assert.Equal("text/csv", accepted.Content.Headers.ContentType!.MediaType);
        Assert.Equal(4, (await accepted.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory, AllDatabases]
    public async Task Commands_ReclaimAndSkipOne_RecordTheTransitions_AndRefusalsAre409(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var s = await SeedAsync(app);
        var admin = await app.AdminAsync();

        var reclaimed = await (await admin.PostAsync($"/admin/api/reclamation/candidates/{s.Alice}/reclaim", null)).JsonAsync(HttpStatusCode.OK);
        Assert.True(reclaimed["done"]!.GetValue<bool>());
        Assert.Equal(CandidateStates.AwaitingRevocation, reclaimed["state"]!.GetValue<string>());
        var alice = await app.CandidateRowAsync(s.Alice);
        Assert.Equal(CandidateStates.AwaitingRevocation, alice.State);
        Assert.NotNull(alice.WaveId);

        var skipped = await (await admin.PostAsync($"/admin/api/reclamation/candidates/{s.Bob}/SKIP", null)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(CandidateStates.ClosedSkipped, skipped["state"]!.GetValue<string>());
        var bob = await app.CandidateRowAsync(s.Bob);
        Assert.Equal(CandidateStates.ClosedSkipped, bob.State);
        Assert.NotNull(bob.ClosedAt);

        var detail = await (await admin.GetAsync($"/admin/api/reclamation/candidates/{s.Bob}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("bob@example.com", detail["email"]!.GetValue<string>());
        var transitions = detail["transitions"]!.AsArray();
        Assert.Equal(2, transitions.Count);
        Assert.Null(transitions[0]!["from"]);
        Assert.Equal((CandidateStates.AwaitingUser, "System", "evaluator"),
            (transitions[0]!["to"]!.GetValue<string>(), transitions[0]!["actorType"]!.GetValue<string>(), transitions[0]!["actor"]!.GetValue<string>()));
        Assert.Equal((CandidateStates.AwaitingUser, CandidateStates.ClosedSkipped, "Admin"),
            (transitions[1]!["from"]!.GetValue<string>(), transitions[1]!["to"]!.GetValue<string>(), transitions[1]!["actorType"]!.GetValue<string>()));
        Assert.StartsWith("test-admin-", transitions[1]!["actor"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Skipped by test-admin-", transitions[1]!["note"]!.GetValue<string>(), StringComparison.Ordinal);

        using var again = await admin.PostAsync($"/admin/api/reclamation/candidates/{s.Bob}/skip", null);
        await MirrorApiTests.AssertProblemAsync(again, HttpStatusCode.Conflict, "It is already Closed Skipped.");
        using var closed = await admin.PostAsync($"/admin/api/reclamation/candidates/{s.Dave}/reclaim", null);
        await MirrorApiTests.AssertProblemAsync(closed, HttpStatusCode.Conflict, "It is Closed Complete: only open candidates");
        using var notHeld = await admin.PostAsync($"/admin/api/reclamation/candidates/{s.Carol}/approve", null);
        await MirrorApiTests.AssertProblemAsync(notHeld, HttpStatusCode.Conflict, "only candidates Awaiting Approval can be approved");
        Assert.Equal(CandidateStates.AttentionRequired, (await app.CandidateRowAsync(s.Carol)).State);

        foreach (var path in new[] { "/admin/api/reclamation/candidates/999999/skip", "/admin/api/reclamation/candidates/abc/skip", $"/admin/api/reclamation/candidates/{s.Carol}/explode" })
        {
            using var missing = await admin.PostAsync(path, null);
            await MirrorApiTests.AssertProblemAsync(missing, HttpStatusCode.NotFound, null);
        }
        foreach (var path in new[] { "/admin/api/reclamation/candidates/999999", "/admin/api/reclamation/candidates/abc" })
        {
            using var missing = await admin.GetAsync(path);
            await MirrorApiTests.AssertProblemAsync(missing, HttpStatusCode.NotFound, null);
        }
    }

    [Theory, AllDatabases]
    public async Task ReportRule_Candidate_CannotBeReclaimed(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var report = await app.RuleAsync("Count only", ReclaimActions.Report);
        var id = await app.CandidateAsync(report, "m1", "alice@example.com", CandidateStates.Ready, Now, action: ReclaimActions.Report);
        var admin = await app.AdminAsync();

        using var response = await admin.PostAsync($"/admin/api/reclamation/candidates/{id}/reclaim", null);
        await MirrorApiTests.AssertProblemAsync(response, HttpStatusCode.Conflict, "Its rule only reports");
        Assert.Equal(CandidateStates.Ready, (await app.CandidateRowAsync(id)).State);
    }

    [Theory, AllDatabases]
    public async Task BulkReclaim_AboveTheGuard_IsHeldAsAWave_ThenApprovedByWave(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Push:DeletionGuard:MaxPerHour"] = "2" });
        var rule = await app.RuleAsync("Idle members");
        var ids = new List<long>();
        for (var i = 1; i <= 3; i++)
        {
            ids.Add(await app.CandidateAsync(rule, $"m{i}", $"user{i}@example.com", CandidateStates.Ready, Now.AddMinutes(i)));
        }
        var admin = await app.AdminAsync();

        var held = await (await admin.PostAsJsonAsync("/admin/api/reclamation/candidates/reclaim", new { ids })).JsonAsync(HttpStatusCode.OK);
        var results = held["results"]!.AsArray();
        Assert.Equal(ids, results.Select(r => r!["id"]!.GetValue<long>()));
        Assert.All(results, r => Assert.Equal((true, CandidateStates.AwaitingApproval), (r!["done"]!.GetValue<bool>(), r["state"]!.GetValue<string>())));
        var rows = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().OrderBy(c => c.Id).ToListAsync());
        Assert.All(rows, c => Assert.NotNull(c.HeldAt));
        var wave = Assert.Single(rows.Select(c => c.WaveId).Distinct());
        Assert.NotNull(wave);
        Assert.Contains("Push:DeletionGuard:MaxPerHour", rows[0].StateReason, StringComparison.Ordinal);

        var approved = await (await admin.PostAsJsonAsync("/admin/api/reclamation/candidates/approve", new { waveId = wave })).JsonAsync(HttpStatusCode.OK);
        Assert.All(approved["results"]!.AsArray(), r => Assert.Equal(CandidateStates.AwaitingRevocation, r!["state"]!.GetValue<string>()));
        rows = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().ToListAsync());
        Assert.All(rows, c => Assert.Equal((CandidateStates.AwaitingRevocation, true, (DateTimeOffset?)null), (c.State, c.GuardApproved, c.HeldAt)));
    }

    [Theory, AllDatabases]
    public async Task BulkSkip_ReportsEachCandidate_RefusalsAndUnknownIdsIncluded(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var s = await SeedAsync(app);
        var admin = await app.AdminAsync();

        var response = await (await admin.PostAsJsonAsync("/admin/api/reclamation/candidates/skip", new { ids = new[] { s.Alice, s.Dave, 999_999L, s.Bob } }))
            .JsonAsync(HttpStatusCode.OK);
        var results = response["results"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<long>(), r => r!);
        Assert.Equal(4, results.Count);
        Assert.True(results[s.Alice]["done"]!.GetValue<bool>());
        Assert.True(results[s.Bob]["done"]!.GetValue<bool>());
        Assert.False(results[s.Dave]["done"]!.GetValue<bool>());
        Assert.Equal("It is already Closed Complete.", results[s.Dave]["error"]!.GetValue<string>());
        Assert.False(results[999_999]["done"]!.GetValue<bool>());
        Assert.Contains("No candidate 999999", results[999_999]["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(CandidateStates.ClosedSkipped, (await app.CandidateRowAsync(s.Alice)).State);
        Assert.Equal(CandidateStates.ClosedSkipped, (await app.CandidateRowAsync(s.Bob)).State);
        Assert.Equal(CandidateStates.ClosedComplete, (await app.CandidateRowAsync(s.Dave)).State);

        var byWave = await (await admin.PostAsJsonAsync("/admin/api/reclamation/candidates/skip", new { waveId = "w1" })).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(s.Carol, Assert.Single(byWave["results"]!.AsArray())!["id"]!.GetValue<long>());
        Assert.Equal(CandidateStates.ClosedSkipped, (await app.CandidateRowAsync(s.Carol)).State);
    }

    [Theory, AllDatabases]
    public async Task BadInput_IsA400_NamingTheField(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedAsync(app);
        var admin = await app.AdminAsync();

        foreach (var (query, field) in new[]
        {
            ("state=Sleeping", "state"), ("state=open,nope", "state"), ("app=slack", "app"), ("rule=x", "rule"), ("rule=-1", "rule"),
            ("page=0", "page"), ("page=99999", "page"), ("pageSize=501", "pageSize"), ("pageSize=ten", "pageSize"), ("format=xml", "format"),
            ($"q={new string('a', 257)}", "q"),
        })
        {
            using var response = await admin.GetAsync($"/admin/api/reclamation/candidates?{query}");
            var problem = await MirrorApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, null);
            Assert.True(problem["errors"]?[field] is not null, $"{query}: {problem}");
        }
        using (var state = await admin.GetAsync("/admin/api/reclamation/candidates?state=Sleeping"))
        {
            await MirrorApiTests.AssertProblemAsync(state, HttpStatusCode.BadRequest, "allowed: open, closed, AttentionRequired, Ready, AwaitingUser");
        }
        using (var appProblem = await admin.GetAsync("/admin/api/reclamation/candidates?app=slack"))
        {
            await MirrorApiTests.AssertProblemAsync(appProblem, HttpStatusCode.BadRequest, "allowed: monday, roadmunk");
        }

        foreach (var (body, field) in new[]
        {
            ("{\"ids\": [1,", "body"), ("", "body"), ("[1, 2]", "body"), ("\"ids\"", "body"),
            ("{}", "ids"), ("{\"ids\": []}", "ids"), ("{\"ids\": \"1\"}", "ids"), ("{\"ids\": [1, \"2\"]}", "ids"), ("{\"ids\": [1.5]}", "ids"),
            ("{\"ids\": [0]}", "ids"), ("{\"ids\": null}", "ids"), ("{\"ids\": [1], \"waveId\": \"w1\"}", "ids"),
            ($"{{\"ids\": [{string.Join(',', Enumerable.Range(1, 10_001))}]}}", "ids"),
            ("{\"waveId\": 5}", "waveId"), ("{\"waveId\": \"\"}", "waveId"), ("{\"wave\": \"w1\"}", "wave"),
        })
        {
            using var response = await admin.PostAsync("/admin/api/reclamation/candidates/skip", new StringContent(body, Encoding.UTF8, "application/json"));
            var problem = await MirrorApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, null);
            Assert.True(problem["errors"]?[field] is not null, $"{body[..Math.Min(body.Length, 40)]}: {problem}");
        }
        Assert.Equal(0, await app.DbAsync(db => db.ReclaimTransitions.CountAsync(t => t.ActorType == ReclaimActors.Admin)));

        using var unknownWave = await admin.PostAsJsonAsync("/admin/api/reclamation/candidates/skip", new { waveId = "no-such-wave" });
        await MirrorApiTests.AssertProblemAsync(unknownWave, HttpStatusCode.NotFound, "no-such-wave");
        using var unknownCommand = await admin.PostAsJsonAsync("/admin/api/reclamation/candidates/explode", new { ids = new[] { 1 } });
        await MirrorApiTests.AssertProblemAsync(unknownCommand, HttpStatusCode.NotFound, "known: reclaim, approve, skip, undo");
    }

    [Theory, AllDatabases]
    public async Task CandidatesApi_WithoutAnAdminToken_IsRefused(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var s = await SeedAsync(app);
        foreach (var token in new[] { app.Token, null, "scb_nope_nope" })
        {
            using var client = app.CreateScimClient(token);
            foreach (var path in new[] { "/admin/api/reclamation/candidates", "/admin/api/reclamation/candidates?format=csv", $"/admin/api/reclamation/candidates/{s.Alice}",
                "/admin/api/reclamation/savings", "/admin/api/reclamation/savings/history" })
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
            }
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync($"/admin/api/reclamation/candidates/{s.Alice}/skip", null)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/admin/api/reclamation/candidates/skip", new { ids = new[] { s.Alice } })).StatusCode);
        }
        Assert.Equal(CandidateStates.Ready, (await app.CandidateRowAsync(s.Alice)).State);
    }

    [Theory, AllDatabases]
    public async Task OpenApiDocument_DescribesTheCandidatesAndSavingsApi(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();
        var document = await (await admin.GetAsync("/admin/api/openapi/admin.json")).JsonAsync(HttpStatusCode.OK);
        var paths = document["paths"]!;
        foreach (var path in new[] { "/admin/api/reclamation/candidates", "/admin/api/reclamation/candidates/{id}", "/admin/api/reclamation/candidates/{id}/{command}",
            "/admin/api/reclamation/candidates/{command}", "/admin/api/reclamation/savings", "/admin/api/reclamation/savings/history" })
        {
            Assert.True(paths[path] is not null, $"{path} is missing from the OpenAPI document");
        }
        Assert.NotNull(paths["/admin/api/reclamation/candidates"]!["get"]!["parameters"]!.AsArray().SingleOrDefault(p => p!["name"]!.GetValue<string>() == "state"));
        Assert.NotNull(paths["/admin/api/reclamation/candidates/{command}"]!["post"]!["requestBody"]);
    }
}
