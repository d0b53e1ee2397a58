using Microsoft.Extensions.Time.Testing;
using ScimBridge.Mirror;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Reclamation;

/// <summary>
/// The savings figures on a data set small enough to compute by hand, at a fixed "now" (2 March 2026, 00:00 UTC;
/// 2026 has 365 days, and 1 January to now is 60 days), and their daily snapshots.
/// </summary>
public sealed class SavingsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Mirror:Currency"] = "EUR",
        ["Mirror:ActiveWindowDays"] = "30",
        ["Mirror:Apps:monday:SeatCosts:member"] = "10",
        ["Mirror:Apps:monday:SeatCosts:admin"] = "20",
        ["Mirror:Apps:roadmunk:SeatCosts:collaborator"] = "30",
        ["Mirror:Apps:roadmunk:SeatsBought"] = "2",
        ["Mirror:Schedule"] = "",
    };

    private static async Task<ScimApp> StartAsync(DatabaseProvider provider, FakeTimeProvider clock) =>
        await ScimApp.StartAsync(provider, Settings, services: s => s.AddSingleton<TimeProvider>(clock));

    private static async Task<string> UserAsync(ScimApp app, string userName, string department, string? costCenter)
    {
        var body = Bodies.User(userName);
        var enterprise = new JsonObject { ["department"] = department };
        if (costCenter is not null)
        {
            enterprise["costCenter"] = costCenter;
        }
        body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = enterprise;
        var response = await app.PostAsync("/scim/v2/Users", body);
        response.AssertStatus(HttpStatusCode.Created);
        return response.Json!["id"]!.GetValue<string>();
    }

    private static async Task<long> SeatAsync(ScimApp app, string appName, string accountId, string seatType, int? daysAgo, string? userId,
        string status = SeatStatuses.Active, bool gone = false)
    {
        var seat = MirrorSeed.Seat(appName, accountId, $"{accountId}@example.com", seatType, status,
            daysAgo is { } d ? Now.AddDays(-d) : null, userId, gone ? Now.AddDays(-3) : null);
        await app.SeatsAsync(seat);
        return seat.Id;
    }

    private static Task<int> CandidateAsync(ScimApp app, string appName, long seatId, string state, string seatType, decimal? saving, string? userId = null,
        DateTimeOffset? reclaimedAt = null, DateTimeOffset? undoneAt = null, string currency = "EUR") =>
        app.DbAsync(db =>
        {
            db.ReclaimCandidates.Add(new ReclaimCandidateRecord
            {
                RuleId = 1,
                RuleVersion = 1,
                App = appName,
                SeatId = seatId,
                AccountId = $"seat-{seatId}",
                UserId = userId,
                SeatType = seatType,
                Action = ReclaimActions.Downgrade,
                State = state,
                Reason = "idle",
                MonthlySaving = saving,
                Currency = currency,
                CreatedAt = Now.AddDays(-90),
                UpdatedAt = Now.AddDays(-90),
                ClosedAt = CandidateStates.IsOpen(state) ? null : reclaimedAt ?? Now.AddDays(-10),
                ReclaimedAt = reclaimedAt,
                UndoneAt = undoneAt,
            });
            return db.SaveChangesAsync();
        });

    /// <summary>The hand-computed data set (figures in the comments of <see cref="Figures_AreThoseComputedByHand"/>).</summary>
    private static async Task SeedAsync(ScimApp app)
    {
        var u1 = await UserAsync(app, "u1@example.com", "Sales", "CC1");
        var u2 = await UserAsync(app, "u2@example.com", "Sales", null);
        var u3 = await UserAsync(app, "u3@example.com", "Engineering", "CC2");
        var u4 = await UserAsync(app, "u4@example.com", "Sales", "CC1");
        var u5 = await UserAsync(app, "u5@example.com", "Engineering", "CC2");
        await app.AppAsync(MirrorApps.Monday, seatsBought: 10);

        var s1 = await SeatAsync(app, MirrorApps.Monday, "s1", SeatTypes.Member, 5, u1);
        var s2 = await SeatAsync(app, MirrorApps.Monday, "s2", SeatTypes.Member, 45, u2);
        var s3 = await SeatAsync(app, MirrorApps.Monday, "s3", SeatTypes.Member, 75, u3);
        var s4 = await SeatAsync(app, MirrorApps.Monday, "s4", SeatTypes.Admin, 100, null);
        var s5 = await SeatAsync(app, MirrorApps.Monday, "s5", SeatTypes.Member, null, null);
        var s6 = await SeatAsync(app, MirrorApps.Monday, "s6", SeatTypes.Guest, 1, u4);
        await SeatAsync(app, MirrorApps.Monday, "s7", SeatTypes.Member, 200, null, SeatStatuses.Inactive);
        await SeatAsync(app, MirrorApps.Monday, "s8", SeatTypes.Member, 2, null, gone: true);
        await SeatAsync(app, MirrorApps.Monday, "s9", SeatTypes.Viewer, 30, u5);
        await SeatAsync(app, MirrorApps.Monday, "s10", SeatTypes.Member, 3, null, SeatStatuses.Pending);

        var r1 = await SeatAsync(app, MirrorApps.Roadmunk, "r1", SeatTypes.Collaborator, 10, u1);
        var r2 = await SeatAsync(app, MirrorApps.Roadmunk, "r2", SeatTypes.Collaborator, null, null);
        await SeatAsync(app, MirrorApps.Roadmunk, "r3", SeatTypes.Reviewer, 60, u3);

        await CandidateAsync(app, MirrorApps.Monday, s2, CandidateStates.Ready, SeatTypes.Member, 10, u2);
        await CandidateAsync(app, MirrorApps.Monday, s3, CandidateStates.AwaitingUser, SeatTypes.Member, 10, u3);
        await CandidateAsync(app, MirrorApps.Monday, s4, CandidateStates.AwaitingApproval, SeatTypes.Admin, 20);
        await CandidateAsync(app, MirrorApps.Monday, s5, CandidateStates.AwaitingRevocation, SeatTypes.Member, 10);
        await CandidateAsync(app, MirrorApps.Monday, s1, CandidateStates.AttentionRequired, SeatTypes.Member, 10, u1);
        await CandidateAsync(app, MirrorApps.Monday, s6, CandidateStates.Ready, SeatTypes.Guest, 50, u4, currency: "USD");
        await CandidateAsync(app, MirrorApps.Monday, s2, CandidateStates.ClosedSkipped, SeatTypes.Member, 10, u2);
        await CandidateAsync(app, MirrorApps.Monday, s2, CandidateStates.ClosedCanceled, SeatTypes.Member, 10, u2);
        await CandidateAsync(app, MirrorApps.Monday, s1, CandidateStates.ClosedComplete, SeatTypes.Member, 10, u1, reclaimedAt: Now.AddDays(-20));
        await CandidateAsync(app, MirrorApps.Monday, s1, CandidateStates.ClosedComplete, SeatTypes.Admin, 20, u1, reclaimedAt: new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero));
        await CandidateAsync(app, MirrorApps.Monday, s1, CandidateStates.ClosedComplete, SeatTypes.Member, 10, u1, reclaimedAt: Now.AddDays(-5), undoneAt: Now.AddDays(-4));
        await CandidateAsync(app, MirrorApps.Monday, s1, CandidateStates.ClosedComplete, SeatTypes.Member, null, u1, reclaimedAt: Now.AddDays(-5));
        await CandidateAsync(app, MirrorApps.Roadmunk, r2, CandidateStates.Ready, SeatTypes.Collaborator, 30);
        await CandidateAsync(app, MirrorApps.Roadmunk, r1, CandidateStates.ClosedSkipped, SeatTypes.Collaborator, 30, u1);
    }

    private static void Row(JsonNode rows, string key, int assigned, int active, int unused, decimal spend, decimal potential)
    {
        var row = rows.AsArray().SingleOrDefault(r => r!["key"]!.GetValue<string>() == key);
        Assert.True(row is not null, $"no row {key} in {rows.ToJsonString()}");
        Assert.Equal((key, assigned, active, unused, spend, potential),
            (key, row["assigned"]!.GetValue<int>(), row["active"]!.GetValue<int>(), row["unused"]!.GetValue<int>(),
                row["monthlySpend"]!.GetValue<decimal>(), row["potentialMonthly"]!.GetValue<decimal>()));
    }

    private static List<string> Keys(JsonNode rows) => [.. rows.AsArray().Select(r => r!["key"]!.GetValue<string>())];

    [Theory, AllDatabases]
    public async Task Figures_AreThoseComputedByHand(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Now);
        await using var app = await StartAsync(provider, clock);
        await SeedAsync(app);
        var admin = await app.AdminAsync();

        var report = await (await admin.GetAsync("/admin/api/reclamation/savings")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("EUR", report["currency"]!.GetValue<string>());
        Assert.Equal(1, report["otherCurrencyCandidates"]!.GetValue<int>()); // the USD Ready candidate on s6
        var monday = report["apps"]!.AsArray().Single(a => a!["app"]!.GetValue<string>() == "monday")!;
        var roadmunk = report["apps"]!.AsArray().Single(a => a!["app"]!.GetValue<string>() == "roadmunk")!;
        var total = report["total"]!;

        // monday.com. Assigned (live, status active): s1 s2 s3 s4 s5 s6 s9 = 7 (s7 inactive, s8 gone, s10 pending are not).
        // Active (last activity on or after now − 30 days): s1 (5 d), s6 (1 d), s9 (exactly 30 d) = 3; unused 4; 4 ÷ 7 = 57.14 % → 57.1.
        // Spend: members s1 s2 s3 s5 = 4 × 10 + admin s4 20 = 60; guest s6 has no cost (1 unpriced); viewer s9 is free by default.
        // Seats bought: the plan's 10 (no setting); 7 ≤ 10 so no true-up.
        // Potential: Ready s2 10 + Awaiting User s3 10 + Awaiting Approval s4 20 + Awaiting Revocation s5 10 = 50 (the USD
        // candidate and Attention Required are left out); yearly 600.
        // Realised: reclaimed 20 days ago, 10/month: 10 × 12 × 20 ÷ 365 = 2400/365; reclaimed 1 Nov 2025, 20/month, counted
        // from 1 Jan (60 days): 20 × 12 × 60 ÷ 365 = 14400/365; total 16800/365 = 46.027… → 46.03 (undone and unpriced ones left out).
        // Run rate: only the one reclaimed this year: 10 × 12 = 120.
        AssertFigures(monday, bought: 10, assigned: 7, active: 3, unused: 4, percent: 57.1m, spend: 60, unpriced: 1, potential: 50, yearly: 600,
            realised: 46.03m, runRate: 120, trueUp: 0);
        // Days since last activity: s1 5 and s6 1 → 0–30; s2 45 and s9 30 → 30–60; s3 75 → 60–90; s4 100 → 90+; s5 never.
        AssertBuckets(monday, 2, 2, 1, 1, 1);
        // Seat types: admin s4 (1, 0 active, spend 20, potential 20); guest s6 (1, 1); member s1 s2 s3 s5 (4, 1 active, spend 40,
        // potential 10 + 10 + 10 = 30); viewer s9 (1, 1).
        Assert.Equal(["admin", "guest", "member", "viewer"], Keys(monday["bySeatType"]!));
        Row(monday["bySeatType"]!, "admin", 1, 0, 1, 20, 20);
        Row(monday["bySeatType"]!, "guest", 1, 1, 0, 0, 0);
        Row(monday["bySeatType"]!, "member", 4, 1, 3, 40, 30);
        Row(monday["bySeatType"]!, "viewer", 1, 1, 0, 0, 0);
        // Departments: Engineering (u3, u5) s3 s9: 2, 1 active, spend 10, potential s3's 10; Sales (u1, u2, u4) s1 s2 s6: 3, 2 active,
        // spend 20, potential s2's 10; unlinked s4 s5: 2, 0 active, spend 30, potential 20 + 10 = 30.
        Assert.Equal(["(unlinked)", "Engineering", "Sales"], Keys(monday["byDepartment"]!));
        Row(monday["byDepartment"]!, "(unlinked)", 2, 0, 2, 30, 30);
        Row(monday["byDepartment"]!, "Engineering", 2, 1, 1, 10, 10);
        Row(monday["byDepartment"]!, "Sales", 3, 2, 1, 20, 10);
        // Cost centres: u2 has none (s2), u1 and u4 CC1 (s1 s6), u3 and u5 CC2 (s3 s9).
        Assert.Equal(["(none)", "(unlinked)", "CC1", "CC2"], Keys(monday["byCostCenter"]!));
        Row(monday["byCostCenter"]!, "(none)", 1, 0, 1, 10, 10);
        Row(monday["byCostCenter"]!, "CC1", 2, 2, 0, 10, 0);
        Row(monday["byCostCenter"]!, "CC2", 2, 1, 1, 10, 10);

        // Roadmunk: r1 r2 r3 assigned; r1 (10 d) active; 2 ÷ 3 = 66.67 % → 66.7; spend 2 collaborators × 30 = 60 (reviewer unpriced);
        // bought 2 (setting) so a true-up of 1; potential r2's 30, yearly 360; nothing reclaimed.
        AssertFigures(roadmunk, bought: 2, assigned: 3, active: 1, unused: 2, percent: 66.7m, spend: 60, unpriced: 1, potential: 30, yearly: 360,
            realised: 0, runRate: 0, trueUp: 1);
        AssertBuckets(roadmunk, 1, 0, 1, 0, 1); // r1 10 d; r3 60 d; r2 never

        // Total: 12 bought, 10 assigned, 4 active, 6 unused = 60.0 %; spend 120; potential 80 (960 a year); realised 46.03; true-up 1.
        AssertFigures(total, bought: 12, assigned: 10, active: 4, unused: 6, percent: 60.0m, spend: 120, unpriced: 2, potential: 80, yearly: 960,
            realised: 46.03m, runRate: 120, trueUp: 1);

        var only = await (await admin.GetAsync("/admin/api/reclamation/savings?app=ROADMUNK")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("roadmunk", Assert.Single(only["apps"]!.AsArray())!["app"]!.GetValue<string>());
        Assert.Equal(3, only["total"]!["assigned"]!.GetValue<int>());

        using var csv = await admin.GetAsync("/admin/api/reclamation/savings?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', SavingsApi.SavingsColumns), lines[0]);
        Assert.Contains("monday,app,monday,10,7,3,4,57.1,60.00,50.00,600.00,46.03,120.00,0,EUR", lines);
        Assert.Contains("monday,activity,30-60,,2,,,,,,,,,,EUR", lines);
        Assert.Contains("monday,department,Sales,,3,2,1,,20.00,10.00,,,,,EUR", lines);
        Assert.Contains("total,app,total,12,10,4,6,60.0,120.00,80.00,960.00,46.03,120.00,1,EUR", lines);
    }

    private static void AssertFigures(JsonNode a, int? bought, int assigned, int active, int unused, decimal percent, decimal spend, int unpriced,
        decimal potential, decimal yearly, decimal realised, decimal runRate, int trueUp) =>
        Assert.Equal(
            (bought, assigned, active, unused, percent, spend, unpriced, potential, yearly, realised, runRate, trueUp),
            (a["seatsBought"]?.GetValue<int>(), a["assigned"]!.GetValue<int>(), a["active"]!.GetValue<int>(), a["unused"]!.GetValue<int>(),
                a["unusedPercent"]!.GetValue<decimal>(), a["monthlySpend"]!.GetValue<decimal>(), a["unpricedSeats"]!.GetValue<int>(),
                a["potentialMonthly"]!.GetValue<decimal>(), a["potentialYearly"]!.GetValue<decimal>(), a["realisedThisYear"]!.GetValue<decimal>(),
                a["realisedRunRateYearly"]!.GetValue<decimal>(), a["trueUp"]!.GetValue<int>()));

    private static void AssertBuckets(JsonNode a, int d0, int d30, int d60, int d90, int never)
    {
        var b = a["activity"]!;
        Assert.Equal((d0, d30, d60, d90, never),
            (b["days0To30"]!.GetValue<int>(), b["days30To60"]!.GetValue<int>(), b["days60To90"]!.GetValue<int>(), b["days90Plus"]!.GetValue<int>(),
                b["never"]!.GetValue<int>()));
    }

    [Theory, AllDatabases]
    public async Task Snapshot_UpsertsTodaysRowPerApp_AndHistoryListsThem(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(Now.AddHours(9));
        await using var app = await StartAsync(provider, clock);
        await SeedAsync(app);
        var savings = app.Services.GetRequiredService<ReclaimSavings>();

        await savings.SnapshotAsync(CancellationToken.None);
        var rows = await app.DbAsync(db => db.ReclaimSnapshots.AsNoTracking().OrderBy(s => s.App).ToListAsync());
        Assert.Equal(["monday", "roadmunk"], rows.Select(r => r.App));
        var monday = rows[0];
        // At 09:00 the reclaim 20 days ago has accrued 20.375 days: 10 × 12 × 20.375 ÷ 365 = 6.6986…; the one from 2025 60.375
        // days: 20 × 12 × 60.375 ÷ 365 = 39.6986…; together 46.397… → 46.40.
        // At 09:00, s9 (active exactly 30 days before midnight) has fallen out of the window: 2 active, 5 unused.
        Assert.Equal(("2026-03-02", 10, 7, 2, 5, 60m, 50m, 46.40m, "EUR", Now.AddHours(9)),
            (monday.Day, monday.SeatsBought, monday.Assigned, monday.Active, monday.Unused, monday.MonthlySpend, monday.PotentialMonthly,
                monday.RealisedThisYear, monday.Currency, monday.TakenAt));
        Assert.Equal(("2026-03-02", 2, 3, 1, 60m, 30m, 0m), (rows[1].Day, rows[1].SeatsBought, rows[1].Assigned, rows[1].Active, rows[1].MonthlySpend,
            rows[1].PotentialMonthly, rows[1].RealisedThisYear));

        // Later the same day a new seat appears: the day's row is replaced, not added.
        await SeatAsync(app, MirrorApps.Monday, "s11", SeatTypes.Member, 0, null);
        clock.Advance(TimeSpan.FromHours(2));
        await savings.SnapshotAsync(CancellationToken.None);
        rows = await app.DbAsync(db => db.ReclaimSnapshots.AsNoTracking().OrderBy(s => s.App).ToListAsync());
        Assert.Equal(2, rows.Count);
        Assert.Equal((8, 3, 70m, Now.AddHours(11)), (rows[0].Assigned, rows[0].Active, rows[0].MonthlySpend, rows[0].TakenAt));

        clock.Advance(TimeSpan.FromDays(1));
        await savings.SnapshotAsync(CancellationToken.None);
        Assert.Equal(4, await app.DbAsync(db => db.ReclaimSnapshots.CountAsync()));

        var admin = await app.AdminAsync();
        var history = await (await admin.GetAsync("/admin/api/reclamation/savings/history")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(90, history["days"]!.GetValue<int>());
        Assert.Equal(["2026-03-02/monday", "2026-03-02/roadmunk", "2026-03-03/monday", "2026-03-03/roadmunk"],
            history["items"]!.AsArray().Select(i => $"{i!["day"]!.GetValue<string>()}/{i["app"]!.GetValue<string>()}"));
        var today = await (await admin.GetAsync("/admin/api/reclamation/savings/history?days=1&app=monday")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("2026-03-03", Assert.Single(today["items"]!.AsArray())!["day"]!.GetValue<string>());

        using var csv = await admin.GetAsync("/admin/api/reclamation/savings/history?format=csv&days=2");
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("day,app,seatsBought,assigned,active", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("2026-03-02,monday,10,8,3,5,70.00,50.00,", lines[1], StringComparison.Ordinal);

        foreach (var days in new[] { "0", "-1", "3651", "ninety", "1.5" })
        {
            using var bad = await admin.GetAsync($"/admin/api/reclamation/savings/history?days={days}");
            var problem = await MirrorApiTests.AssertProblemAsync(bad, HttpStatusCode.BadRequest, null);
            Assert.True(problem["errors"]?["days"] is not null, $"{days}: {problem}");
        }
        foreach (var (query, field) in new[] { ("app=slack", "app"), ("format=pdf", "format") })
        {
            using var bad = await admin.GetAsync($"/admin/api/reclamation/savings?{query}");
            var problem = await MirrorApiTests.AssertProblemAsync(bad, HttpStatusCode.BadRequest, null);
            Assert.True(problem["errors"]?[field] is not null, $"{query}: {problem}");
        }
    }
}
