using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScimBridge.Mirror;

namespace ScimBridge.Tests.Mirror;

/// <summary>/admin/api/mirror: seats (JSON and CSV), summary and runs, over HTTP with an admin token, on both databases.</summary>
public sealed class MirrorApiTests
{
    private static readonly Dictionary<string, string?> Costs = new()
    {
        ["Mirror:Currency"] = "EUR",
        ["Mirror:Apps:monday:SeatCosts:member"] = "12",
        ["Mirror:Apps:monday:SeatCosts:admin"] = "20",
        ["Mirror:Apps:roadmunk:SeatCosts:collaborator"] = "30",
        ["Mirror:Apps:roadmunk:SeatsBought"] = "10",
    };

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Seven monday.com seats (one gone) and two Roadmunk seats; alice is linked to m1.</summary>
    private static async Task<string> SeedAsync(ScimApp app)
    {
        var alice = await app.CreateUserAsync("alice@example.com");
        await app.AppAsync(MirrorApps.Monday, seatsBought: 50, activeMembers: 6);
        await app.SeatsAsync(
            MirrorSeed.Seat(MirrorApps.Monday, "m1", "Alice@Example.com", lastActivity: Now.AddDays(-1), userId: alice),
            MirrorSeed.Seat(MirrorApps.Monday, "m2", "bob@example.com", lastActivity: Now.AddDays(-40)),
            MirrorSeed.Seat(MirrorApps.Monday, "m3", "carol@example.com", SeatTypes.Admin, lastActivity: Now.AddDays(-100)),
            MirrorSeed.Seat(MirrorApps.Monday, "m4", "dave@example.com"),
            MirrorSeed.Seat(MirrorApps.Monday, "m5", "erin@example.com", SeatTypes.Viewer, SeatStatuses.Inactive, Now.AddDays(-10)),
            MirrorSeed.Seat(MirrorApps.Monday, "m6", "frank@example.com", SeatTypes.Guest, SeatStatuses.Pending),
            MirrorSeed.Seat(MirrorApps.Monday, "m7", "gone@example.com", lastActivity: Now.AddDays(-5), goneAt: Now.AddDays(-2)),
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r1", "alice@example.com", SeatTypes.Collaborator, lastActivity: Now.AddDays(-3), userId: alice),
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r2", "ruth@example.com", SeatTypes.Reviewer));
        return alice;
    }

    private static async Task<JsonObject> SeatsAsync(HttpClient admin, string query) =>
        (JsonObject)await (await admin.GetAsync($"/admin/api/mirror/seats?{query}")).JsonAsync(HttpStatusCode.OK);

    private static List<string> Accounts(JsonObject page) => page["items"]!.AsArray().Select(i => i!["accountId"]!.GetValue<string>()).ToList();

    [Theory, AllDatabases]
    public async Task Seats_AreFilteredSortedAndPaged_WithCostAndLinkedUser(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, Costs);
        var alice = await SeedAsync(app);
        var admin = await app.AdminAsync();

        var all = await SeatsAsync(admin, "");
        Assert.Equal(8, all["total"]!.GetValue<int>());
        Assert.Equal("EUR", all["currency"]!.GetValue<string>());
        Assert.DoesNotContain("m7", Accounts(all));
        var m1 = all["items"]!.AsArray().Single(i => i!["accountId"]!.GetValue<string>() == "m1")!;
        Assert.Equal(alice, m1["userId"]!.GetValue<string>());
        Assert.Equal("alice@example.com", m1["userName"]!.GetValue<string>());
        Assert.Equal(12m, m1["monthlyCost"]!.GetValue<decimal>());
        // m5 is a viewer: free in monday.com's pricing unless a cost is configured.
        Assert.Equal(0m, all["items"]!.AsArray().Single(i => i!["accountId"]!.GetValue<string>() == "m5")!["monthlyCost"]!.GetValue<decimal>());

        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "m6"], Accounts(await SeatsAsync(admin, "app=MONDAY")).Order());
        Assert.Equal(["m3"], Accounts(await SeatsAsync(admin, "app=monday&seatType=admin")));
        Assert.Equal(["m6"], Accounts(await SeatsAsync(admin, "status=pending")));
        Assert.Equal(["m1", "r1"], Accounts(await SeatsAsync(admin, "link=linked")).Order());
        Assert.Equal(6, (await SeatsAsync(admin, "link=shadow"))["total"]!.GetValue<int>());
        Assert.Equal(["m2", "m3"], Accounts(await SeatsAsync(admin, "lastActivityOlderThanDays=30")).Order());
        Assert.Equal(["m2", "m3", "m4", "m6", "r2"], Accounts(await SeatsAsync(admin, "lastActivityOlderThanDays=30&neverActive=true")).Order());
        Assert.Equal(["m4", "m6", "r2"], Accounts(await SeatsAsync(admin, "neverActive=true")).Order());
        Assert.Equal(5, (await SeatsAsync(admin, "neverActive=false"))["total"]!.GetValue<int>());
        Assert.Equal(["m7"], Accounts(await SeatsAsync(admin, "gone=true")));
        Assert.Equal(9, (await SeatsAsync(admin, "gone=any"))["total"]!.GetValue<int>());
        Assert.Equal(["m1", "r1"], Accounts(await SeatsAsync(admin, "search=ALICE@")).Order());
        Assert.Equal(["r2"], Accounts(await SeatsAsync(admin, "search=r2")));

        // Oldest first puts the never-active first; newest first puts them last. Same on both databases.
        Assert.Equal(["m4", "m6", "m3", "m2", "m5", "m1"], Accounts(await SeatsAsync(admin, "app=monday&sort=lastActivity")));
        Assert.Equal(["m1", "m5", "m2", "m3", "m4", "m6"], Accounts(await SeatsAsync(admin, "app=monday&sort=lastActivity&order=desc")));
        Assert.Equal(["m1", "m2", "m3", "m4", "m5", "m6"], Accounts(await SeatsAsync(admin, "app=monday&sort=email")));
        Assert.Equal(["m6", "m5", "m4", "m3", "m2", "m1"], Accounts(await SeatsAsync(admin, "app=monday&sort=email&order=desc")));

        // Pages of two cross the never-active/active boundary without losing or repeating a seat.
        var paged = new List<string>();
        for (var page = 1; page <= 4; page++)
        {
            var one = await SeatsAsync(admin, $"app=monday&sort=lastActivity&pageSize=2&page={page}");
            Assert.Equal(6, one["total"]!.GetValue<int>());
            paged.AddRange(Accounts(one));
        }
        Assert.Equal(["m4", "m6", "m3", "m2", "m5", "m1"], paged);
    }

    [Theory, AllDatabases]
    public async Task SeatCsv_ExportsTheWholeFilteredSet_AndDisarmsFormulas(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, Costs);
        await SeedAsync(app);
        await app.SeatsAsync(
            MirrorSeed.Seat(MirrorApps.Monday, "m8", "formula@example.com", name: "=HYPERLINK(\"http://evil\")"),
            MirrorSeed.Seat(MirrorApps.Monday, "m9", "plus@example.com", name: "+1-555, \"quoted\""),
            MirrorSeed.Seat(MirrorApps.Monday, "m10", "at@example.com", name: "@SUM(A1)"),
            MirrorSeed.Seat(MirrorApps.Monday, "m11", "minus@example.com", name: "-2+3"));
        var admin = await app.AdminAsync();

        using var response = await admin.GetAsync("/admin/api/mirror/seats?app=monday&format=csv&pageSize=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("seats-monday-", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'), StringComparison.Ordinal);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', MirrorApi.CsvColumns), lines[0]);
        Assert.Equal(11, lines.Length); // header + ten live monday.com seats, not one page
        Assert.Contains(lines, l => l.StartsWith("monday,m1,Alice@Example.com,Alice,member,active,active,", StringComparison.Ordinal)
            && l.Contains(",alice@example.com,email,", StringComparison.Ordinal) && l.EndsWith(",12,EUR", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",\"'=HYPERLINK(\"\"http://evil\"\")\",", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",\"'+1-555, \"\"quoted\"\"\",", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",\"'@SUM(A1)\",", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",\"'-2+3\",", StringComparison.Ordinal));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/api/mirror/seats?link=linked");
        request.Headers.Accept.ParseAdd("text/csv");
        using var accepted = await admin.SendAsync(request);
        Assert.Equal("text/csv", accepted.Content.Headers.ContentType!.MediaType);
        Assert.Equal(3, (await accepted.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory, AllDatabases]
    public async Task Summary_ShowsBoughtAssignedActiveShadowAndSpend_PerApp(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, Costs);
        await SeedAsync(app);
        var admin = await app.AdminAsync();

        var summary = await (await admin.GetAsync("/admin/api/mirror/summary")).JsonAsync(HttpStatusCode.OK);
        var monday = summary["apps"]!.AsArray().Single(a => a!["app"]!.GetValue<string>() == "monday")!;
        Assert.Equal(50, monday["seatsBought"]!.GetValue<int>());
        Assert.Equal("plan", monday["seatsBoughtFrom"]!.GetValue<string>());
        Assert.Equal(5, monday["assigned"]!.GetValue<int>()); // m1-m4, m6: not the inactive m5, not the gone m7
        Assert.Equal(2, monday["activeRecently"]!.GetValue<int>()); // m1, m5 within 30 days
        Assert.Equal(5, monday["shadow"]!.GetValue<int>());
        Assert.Equal(1, monday["inactive"]!.GetValue<int>());
        Assert.Equal(6, monday["appActiveMembers"]!.GetValue<int>());
        Assert.Equal(3 * 12m + 20m, monday["monthlySpend"]!.GetValue<decimal>());
        Assert.Equal(1, monday["unpricedSeats"]!.GetValue<int>()); // the guest
        Assert.Equal("EUR", monday["currency"]!.GetValue<string>());

        var roadmunk = summary["apps"]!.AsArray().Single(a => a!["app"]!.GetValue<string>() == "roadmunk")!;
        Assert.Equal(10, roadmunk["seatsBought"]!.GetValue<int>());
        Assert.Equal("configuration", roadmunk["seatsBoughtFrom"]!.GetValue<string>());
        Assert.Equal(2, roadmunk["assigned"]!.GetValue<int>());
        Assert.Equal(30m, roadmunk["monthlySpend"]!.GetValue<decimal>());
    }

    [Theory, AllDatabases]
    public async Task Runs_AreListedNewestFirst_FilteredPagedAndFetchedById(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.RunsAsync(
            MirrorSeed.Run(MirrorApps.Monday, Now.AddHours(-3), added: 7),
            MirrorSeed.Run(MirrorApps.Roadmunk, Now.AddHours(-2)),
            MirrorSeed.Run(MirrorApps.Monday, Now.AddHours(-1), MirrorRunStatuses.Failed, error: "monday.com answered 500"));
        var admin = await app.AdminAsync();

        var all = await (await admin.GetAsync("/admin/api/mirror/runs")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, all["total"]!.GetValue<int>());
        var ids = all["items"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Equal("monday.com answered 500", all["items"]![0]!["error"]!.GetValue<string>());

        var monday = await (await admin.GetAsync("/admin/api/mirror/runs?app=monday&pageSize=1&page=2")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, monday["total"]!.GetValue<int>());
        var oldest = monday["items"]!.AsArray().Single()!;
        Assert.Equal(7, oldest["added"]!.GetValue<int>());

        var one = await (await admin.GetAsync($"/admin/api/mirror/runs/{oldest["id"]}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Succeeded", one["status"]!.GetValue<string>());
        Assert.Equal("monday", one["app"]!.GetValue<string>());

        await AssertProblemAsync(await admin.GetAsync("/admin/api/mirror/runs/999999"), HttpStatusCode.NotFound, "999999");
        await AssertProblemAsync(await admin.GetAsync("/admin/api/mirror/runs/abc"), HttpStatusCode.NotFound, "run ids are numbers");
    }

    [Theory, AllDatabases]
    public async Task StartRun_Answers202WithTheRunAndItsLocation_ThenTheRunEnds_AndASecondWhileItRunsIs409(DatabaseProvider provider)
    {
        var source = new ScriptedSeatSource
        {
            Pages = [[ScriptedSeatSource.Seat("r1", "ann@example.com"), ScriptedSeatSource.Seat("r2", "ben@example.com")]],
            Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        await using var app = await ScimApp.StartAsync(provider, services: s => s.RemoveAll<ISeatSource>().AddSingleton<ISeatSource>(source));
        var admin = await app.AdminAsync();

        using var started = await admin.PostAsJsonAsync("/admin/api/mirror/runs", new { app = "Roadmunk" });
        var body = await started.JsonAsync(HttpStatusCode.Accepted);
        var run = body["runs"]!.AsArray().Single()!;
        var id = run["id"]!.GetValue<long>();
        Assert.Equal($"/admin/api/mirror/runs/{id}", started.Headers.Location!.OriginalString);
        Assert.Equal(("roadmunk", "Running", "Admin"), (run["app"]!.GetValue<string>(), run["status"]!.GetValue<string>(), run["initiatorType"]!.GetValue<string>()));
        Assert.StartsWith("test-admin-", run["initiator"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(body["skipped"]!.AsArray());

        using (var busy = await admin.PostAsJsonAsync("/admin/api/mirror/runs", new { app = "roadmunk" }))
        {
            await AssertProblemAsync(busy, HttpStatusCode.Conflict, $"already in progress (run {id})");
        }

        source.Gate.SetResult();
        await Eventually.UntilAsync(async () =>
            (await (await admin.GetAsync($"/admin/api/mirror/runs/{id}")).JsonAsync(HttpStatusCode.OK))["status"]!.GetValue<string>() == "Succeeded", "the run to end");
        var seats = await SeatsAsync(admin, "app=roadmunk");
        Assert.Equal(["r1", "r2"], Accounts(seats));
    }

    [Theory, AllDatabases]
    public async Task StartRun_OfAnAppThatCannotBeRead_Is409WithTheSourcesMessage_AndAllAppsStartsWhatCan(DatabaseProvider provider)
    {
        var roadmunk = new ScriptedSeatSource { Pages = [[ScriptedSeatSource.Seat("r1", "ann@example.com")]] };
        var monday = new ScriptedSeatSource(MirrorApps.Monday) { Problem = new MirrorSourceProblem("MissingScope", "The monday.com connection lacks users:read.") };
        await using var app = await ScimApp.StartAsync(provider, services: s =>
        {
            // Only the scripted sources: the real ones would be asked first.
            s.RemoveAll<ISeatSource>();
            s.AddSingleton<ISeatSource>(roadmunk);
            s.AddSingleton<ISeatSource>(monday);
        });
        var admin = await app.AdminAsync();

        using (var refused = await admin.PostAsJsonAsync("/admin/api/mirror/runs", new { app = "monday" }))
        {
            var problem = await AssertProblemAsync(refused, HttpStatusCode.Conflict, "lacks users:read");
            Assert.Equal("monday.com lacks a permission", problem["title"]!.GetValue<string>());
        }
        Assert.Equal(0, await app.DbAsync(db => db.MirrorRuns.CountAsync()));

        using var all = await admin.PostAsync("/admin/api/mirror/runs", null);
        var body = await all.JsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("roadmunk", body["runs"]!.AsArray().Single()!["app"]!.GetValue<string>());
        var skipped = body["skipped"]!.AsArray().Single()!;
        Assert.Equal(("monday", "MissingScope"), (skipped["app"]!.GetValue<string>(), skipped["code"]!.GetValue<string>()));
        Assert.Equal("/admin/api/mirror/runs/" + body["runs"]![0]!["id"], all.Headers.Location!.OriginalString);

        roadmunk.Problem = new MirrorSourceProblem("NotConfigured", "Roadmunk:ApiToken is not set.");
        using var none = await admin.PostAsync("/admin/api/mirror/runs", null);
        await AssertProblemAsync(none, HttpStatusCode.Conflict, "Roadmunk: Roadmunk:ApiToken is not set.");
    }

    [Theory, AllDatabases]
    public async Task BadInput_OnEveryEndpoint_IsAProblemNamingTheField(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        foreach (var (path, field) in new[]
        {
            ("/admin/api/mirror/seats?app=slack", "app"),
            ("/admin/api/mirror/seats?app=monday&seatType=collaborator", "seatType"),
            ("/admin/api/mirror/seats?status=asleep", "status"),
            ("/admin/api/mirror/seats?link=maybe", "link"),
            ("/admin/api/mirror/seats?lastActivityOlderThanDays=ten", "lastActivityOlderThanDays"),
            ("/admin/api/mirror/seats?lastActivityOlderThanDays=-1", "lastActivityOlderThanDays"),
            ("/admin/api/mirror/seats?neverActive=yes", "neverActive"),
            ("/admin/api/mirror/seats?gone=sometimes", "gone"),
            ("/admin/api/mirror/seats?sort=name", "sort"),
            ("/admin/api/mirror/seats?order=up", "order"),
            ("/admin/api/mirror/seats?page=0", "page"),
            ("/admin/api/mirror/seats?page=99999", "page"),
            ("/admin/api/mirror/seats?pageSize=501", "pageSize"),
            ("/admin/api/mirror/seats?pageSize=1e3", "pageSize"),
            ("/admin/api/mirror/seats?format=xml", "format"),
            ("/admin/api/mirror/runs?app=slack", "app"),
            ("/admin/api/mirror/runs?page=x", "page"),
            ("/admin/api/mirror/runs?pageSize=201", "pageSize"),
            ("/admin/api/mirror/drift?app=slack", "app"),
            ("/admin/api/mirror/drift?kind=weird", "kind"),
            ("/admin/api/mirror/drift?pageSize=0", "pageSize"),
        })
        {
            using var response = await admin.GetAsync(path);
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, null);
            Assert.True(problem["errors"]?[field] is not null, $"{path}: {problem}");
        }

        using var start = await admin.PostAsJsonAsync("/admin/api/mirror/runs", new { app = "slack" });
        await AssertProblemAsync(start, HttpStatusCode.BadRequest, "not a known app");
        using var broken = await admin.PostAsync("/admin/api/mirror/runs", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        await AssertProblemAsync(broken, HttpStatusCode.BadRequest, null);
    }

    [Theory, AllDatabases]
    public async Task MirrorApi_WithoutAnAdminToken_IsRefused(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        foreach (var token in new[] { app.Token, null, "scb_nope_nope" })
        {
            using var client = app.CreateScimClient(token);
            foreach (var path in new[] { "/admin/api/mirror/seats", "/admin/api/mirror/seats?format=csv", "/admin/api/mirror/summary", "/admin/api/mirror/runs", "/admin/api/mirror/runs/1", "/admin/api/mirror/drift" })
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
            }
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/admin/api/mirror/runs", new { app = "monday" })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/admin/api/mirror/drift/link", new { app = "monday", accountId = "1", userId = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/admin/api/mirror/drift/repush", new { userId = "x" })).StatusCode);
        }
    }

    [Theory, AllDatabases]
    public async Task OpenApiDocument_DescribesTheMirrorApi(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();
        var document = await (await admin.GetAsync("/admin/api/openapi/admin.json")).JsonAsync(HttpStatusCode.OK);
        var paths = document["paths"]!;
        foreach (var path in new[] { "/admin/api/mirror/seats", "/admin/api/mirror/summary", "/admin/api/mirror/runs", "/admin/api/mirror/runs/{id}", "/admin/api/mirror/drift", "/admin/api/mirror/drift/link", "/admin/api/mirror/drift/repush" })
        {
            Assert.True(paths[path] is not null, $"{path} is missing from the OpenAPI document");
        }
        Assert.NotNull(paths["/admin/api/mirror/runs"]!["post"]);
        Assert.NotNull(paths["/admin/api/mirror/seats"]!["get"]!["responses"]!["200"]!["content"]!["text/csv"]);
        Assert.NotNull(paths["/admin/api/mirror/seats"]!["get"]!["parameters"]!.AsArray().SingleOrDefault(p => p!["name"]!.GetValue<string>() == "lastActivityOlderThanDays"));
    }

    internal static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? detailContains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        if (detailContains is not null)
        {
            Assert.Contains(detailContains, problem["detail"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
        }
        return problem;
    }
}
