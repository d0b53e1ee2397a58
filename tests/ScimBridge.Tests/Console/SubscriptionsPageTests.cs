using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScimBridge.Mirror;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Console;

/// <summary>The Subscriptions and Drift pages over plain HTTP with a signed-in console session.</summary>
public sealed partial class SubscriptionsPageTests
{
    private static readonly Dictionary<string, string?> Costs = new()
    {
        ["Mirror:Apps:monday:SeatCosts:member"] = "10",
        ["Mirror:Apps:roadmunk:SeatsBought"] = "7",
    };

    /// <summary>30 monday.com members (every third never active, every fifth inactive), one Roadmunk seat, two runs (one failed).</summary>
    private static async Task SeedAsync(ScimApp app)
    {
        var now = DateTimeOffset.UtcNow;
        await app.AppAsync(MirrorApps.Monday, seatsBought: 40);
        await app.SeatsAsync([
            .. Enumerable.Range(1, 30).Select(i => MirrorSeed.Seat(MirrorApps.Monday, $"m{i:00}", $"user{i:00}@example.com",
                status: i % 5 == 0 ? SeatStatuses.Inactive : SeatStatuses.Active, lastActivity: i % 3 == 0 ? null : now.AddDays(-i * 2))),
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r1", "rita@example.com", SeatTypes.Reviewer, lastActivity: now.AddDays(-1)),
        ]);
        await app.RunsAsync(
            MirrorSeed.Run(MirrorApps.Monday, now.AddHours(-2), added: 30),
            MirrorSeed.Run(MirrorApps.Roadmunk, now.AddHours(-1), MirrorRunStatuses.Failed, error: "Roadmunk answered 500 five times"));
    }

    internal static async Task<string> GetPageAsync(HttpClient browser, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {path}: {(int)response.StatusCode} {html}");
        return WebUtility.HtmlDecode(html);
    }

    [Theory, AllDatabases]
    public async Task SubscriptionsPage_ShowsEachApp_FiltersSortsAndPagesTheSeats_AndExportsTheFilter(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, Costs);
        await SeedAsync(app);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        var page = await GetPageAsync(browser, "/admin/subscriptions");
        Assert.Contains("<a href=\"/admin/subscriptions\" aria-current=\"page\">Subscriptions</a>", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/subscriptions/connect\"", page, StringComparison.Ordinal);
        var monday = Card().Matches(page).Single(m => m.Groups[1].Value == "monday").Value;
        Assert.Contains("24 <span class=\"muted\">of 40 bought</span>", monday, StringComparison.Ordinal); // 30 minus 6 inactive
        Assert.Contains("Seats bought: 40 (plan)", monday, StringComparison.Ordinal);
        Assert.Contains("Active in the last 30 days: 10", monday, StringComparison.Ordinal); // i*2 < 30 and i not a multiple of 3
        Assert.Contains("Shadow seats (no inbound user): 30", monday, StringComparison.Ordinal);
        Assert.Contains("Monthly spend: 240.00 USD", monday, StringComparison.Ordinal);
        var roadmunk = Card().Matches(page).Single(m => m.Groups[1].Value == "roadmunk").Value;
        Assert.Contains("Seats bought: 7 (configuration)", roadmunk, StringComparison.Ordinal);
        Assert.Contains("(1 seat without a configured cost)", roadmunk, StringComparison.Ordinal);
        Assert.Contains("Roadmunk answered 500 five times", page, StringComparison.Ordinal);
        Assert.Equal(2, RunRow().Matches(page).Count);
        Assert.Equal(25, SeatRow().Matches(page).Count);
        Assert.Contains("Page 1 of 2 (31 rows)", page, StringComparison.Ordinal);

        var second = await GetPageAsync(browser, "/admin/subscriptions?page=2");
        Assert.Equal(6, SeatRow().Matches(second).Count);

        var inactive = await GetPageAsync(browser, "/admin/subscriptions?app=monday&status=inactive&seatType=&link=");
        Assert.Equal(6, SeatRow().Matches(inactive).Count);
        Assert.Contains("<option value=\"inactive\" selected=\"selected\">inactive</option>", inactive, StringComparison.Ordinal);

        // Sorted by last activity, oldest first: the never-active come first; the header link turns it round.
        var oldest = await GetPageAsync(browser, "/admin/subscriptions?app=monday&sort=lastActivity");
        Assert.Equal("never", LastActivity().Matches(oldest).First().Groups[1].Value);
        Assert.Contains("aria-sort=\"ascending\"", oldest, StringComparison.Ordinal);
        var toggle = SortLink().Match(oldest).Groups[1].Value;
        Assert.Contains("order=desc", toggle, StringComparison.Ordinal);
        var newest = await GetPageAsync(browser, toggle);
        Assert.NotEqual("never", LastActivity().Matches(newest).First().Groups[1].Value);
        Assert.Contains("aria-sort=\"descending\"", newest, StringComparison.Ordinal);

        var stale = await GetPageAsync(browser, "/admin/subscriptions?app=monday&lastActivityOlderThanDays=40&neverActive=true");
        var export = ExportLink().Match(stale);
        Assert.True(export.Success, stale);
        using var csv = await browser.GetAsync(export.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var cutoff = DateTimeOffset.UtcNow.AddDays(-40);
        var expected = await app.DbAsync(db => db.MirrorSeats.CountAsync(s => s.App == "monday" && (s.LastActivity == null || s.LastActivity < cutoff)));
        Assert.Equal(10 + 7, expected); // never active: every third of 30; older than 40 days: i >= 20 and not a multiple of 3
        Assert.Equal(expected + 1, lines.Length);

        var bad = await GetPageAsync(browser, "/admin/subscriptions?lastActivityOlderThanDays=lots", HttpStatusCode.BadRequest);
        Assert.Contains("lastActivityOlderThanDays must be a whole number", bad, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"app-monday\"", bad, StringComparison.Ordinal);

        using var anonymous = app.Browser();
        var login = await anonymous.GetAsync("/admin/subscriptions");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/admin/login", login.Headers.Location!.AbsolutePath);
    }

    [Theory, AllDatabases]
    public async Task RunNow_StartsARun_AndARefusedOneShowsTheSourcesMessage(DatabaseProvider provider)
    {
        var roadmunk = new ScriptedSeatSource { Pages = [[ScriptedSeatSource.Seat("r1", "ann@example.com")]] };
        var monday = new ScriptedSeatSource(MirrorApps.Monday) { Problem = new MirrorSourceProblem("NotConfigured", "No monday.com API token or OAuth connection.") };
        await using var app = await ScimApp.StartAsync(provider, services: s =>
        {
            // Only the scripted sources: the real ones would be asked first.
            s.RemoveAll<ISeatSource>();
            s.AddSingleton<ISeatSource>(roadmunk);
            s.AddSingleton<ISeatSource>(monday);
        });
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        using var run = await browser.PostFormAsync("/admin/subscriptions?handler=Run", new Dictionary<string, string> { ["app"] = "roadmunk" }, tokenFrom: "/admin/subscriptions");
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        var after = await GetPageAsync(browser, run.Headers.Location!.OriginalString);
        Assert.Matches(@"Started: Roadmunk \(run \d+\)", after);
        await Eventually.UntilAsync(async () => await app.DbAsync(db => db.MirrorRuns.AnyAsync(r => r.Status == MirrorRunStatuses.Succeeded)), "the run to end");
        Assert.Contains("ann@example.com", await GetPageAsync(browser, "/admin/subscriptions"), StringComparison.Ordinal);

        using var refused = await browser.PostFormAsync("/admin/subscriptions?handler=Run", new Dictionary<string, string> { ["app"] = "monday" }, tokenFrom: "/admin/subscriptions");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("No monday.com API token or OAuth connection.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        using var forged = await browser.PostAsync("/admin/subscriptions?handler=Run", new FormUrlEncodedContent(new Dictionary<string, string> { ["app"] = "roadmunk" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Theory, AllDatabases]
    public async Task DriftPage_LinksAShadowSeatByUserName_ShowsRefusals_AndRepushes(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var bob = await app.CreateUserAsync("bob@example.com");
        var dora = await app.CreateUserAsync("dora@example.com", active: false);
        await app.SeatsAsync(
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r-ghost", "ghost@example.com", SeatTypes.Collaborator),
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r-ghost2", "ghost2@example.com", SeatTypes.Collaborator),
            MirrorSeed.Seat(MirrorApps.Monday, "m-dora", "dora@example.com", userId: dora));
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        var page = await GetPageAsync(browser, "/admin/subscriptions/drift");
        Assert.Equal(3, DriftRow().Matches(page).Count);
        Assert.Contains("Shadow seats (2)", page, StringComparison.Ordinal);
        Assert.Contains("<label for=\"link-roadmunk-r-ghost\" class=\"visually-hidden\">Inbound userName for ghost@example.com</label>", page, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Re-push dora@example.com\"", page, StringComparison.Ordinal);

        using var linked = await browser.PostFormAsync("/admin/subscriptions/drift?handler=Link",
            new Dictionary<string, string> { ["app"] = "roadmunk", ["accountId"] = "r-ghost", ["userName"] = "Bob@Example.com" }, tokenFrom: "/admin/subscriptions/drift");
        Assert.Equal(HttpStatusCode.Redirect, linked.StatusCode);
        var done = await GetPageAsync(browser, linked.Headers.Location!.OriginalString);
        Assert.Contains("Linked Roadmunk seat ghost@example.com to bob@example.com.", done, StringComparison.Ordinal);
        Assert.Equal(bob, (await app.DbAsync(db => db.MirrorSeats.SingleAsync(s => s.AccountId == "r-ghost"))).UserId);
        Assert.Equal(2, DriftRow().Matches(done).Count);

        using var again = await browser.PostFormAsync("/admin/subscriptions/drift?handler=Link",
            new Dictionary<string, string> { ["app"] = "roadmunk", ["accountId"] = "r-ghost2", ["userName"] = "bob@example.com" }, tokenFrom: "/admin/subscriptions/drift");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already holds Roadmunk seat r-ghost", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        using var unknown = await browser.PostFormAsync("/admin/subscriptions/drift?handler=Link",
            new Dictionary<string, string> { ["app"] = "roadmunk", ["accountId"] = "r-ghost2", ["userName"] = "nobody@example.com" }, tokenFrom: "/admin/subscriptions/drift");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no inbound user with userName 'nobody@example.com'", WebUtility.HtmlDecode(await unknown.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var before = await app.DbAsync(db => db.PushStates.AsNoTracking().SingleAsync(p => p.ResourceId == dora));
        using var repush = await browser.PostFormAsync("/admin/subscriptions/drift?handler=Repush", new Dictionary<string, string> { ["userId"] = dora }, tokenFrom: "/admin/subscriptions/drift");
        Assert.Equal(HttpStatusCode.Redirect, repush.StatusCode);
        Assert.StartsWith("/admin/progress?", repush.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var after = await app.DbAsync(db => db.PushStates.AsNoTracking().SingleAsync(p => p.ResourceId == dora));
        Assert.Equal(before.ChangeSeq + 1, after.ChangeSeq);

        await GetPageAsync(browser, "/admin/subscriptions/drift?kind=sideways", HttpStatusCode.BadRequest);
    }

    [GeneratedRegex("""<div class="card" data-testid="app-(\w+)">.*?</div>""", RegexOptions.Singleline)]
    private static partial Regex Card();

    [GeneratedRegex("data-testid=\"seat-row\"")]
    private static partial Regex SeatRow();

    [GeneratedRegex("data-testid=\"run-row\"")]
    private static partial Regex RunRow();

    [GeneratedRegex("data-testid=\"drift-row\"")]
    private static partial Regex DriftRow();

    [GeneratedRegex("""data-testid="last-activity">([^<]*)<""")]
    private static partial Regex LastActivity();

    [GeneratedRegex("""<a href="([^"]+)" data-testid="sort-activity">""")]
    private static partial Regex SortLink();

    [GeneratedRegex("""<a href="([^"]+)" download data-testid="export-csv">""")]
    private static partial Regex ExportLink();
}
