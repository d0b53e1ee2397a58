using ScimBridge.Hr;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Hr;

/// <summary>The HR console pages over plain HTTP: what each shows, its filters, the console's own terminate, and refusals.</summary>
public sealed class HrConsolePagesTests
{
    private static Task<string> PageAsync(HttpClient browser, string path, HttpStatusCode expected = HttpStatusCode.OK) =>
        SubscriptionsPageTests.GetPageAsync(browser, path, expected);

    private static async Task<(ScimApp App, HttpClient Browser)> SignedInAsync(DatabaseProvider provider)
    {
        var app = await HrConsoleSeed.StartAsync(provider);
        await app.CreateAdminAsync();
        var browser = app.Browser();
        await browser.SignInAsync();
        return (app, browser);
    }

    [Theory, AllDatabases]
    public async Task PendingPage_ShowsLocalAndUtcTimes_SoonestFirst_WithFilters(DatabaseProvider provider)
    {
        var (app, browser) = await SignedInAsync(provider);
        await using var _ = app;
        using var __ = browser;
        await HrConsoleApiTests.SeedAsync(app);

        var page = await PageAsync(browser, "/admin/hr");
        Assert.Contains("<h1>Pending terminations</h1>", page, StringComparison.Ordinal);
        var ben = page.IndexOf("ben@example.com", StringComparison.Ordinal);
        var ana = page.IndexOf("ana@example.com", StringComparison.Ordinal);
        var cy = page.IndexOf("cy@example.com", StringComparison.Ordinal);
        Assert.True(ben > 0 && ben < ana && ana < cy, "ben (14 June), then ana (15 June), then cy (20 June)");
        Assert.Contains("2031-06-14 09:00 America/Los_Angeles", page, StringComparison.Ordinal);
        Assert.Contains("2031-06-14 16:00:00 UTC", page, StringComparison.Ordinal);
        Assert.Contains("2031-06-15 19:00 Europe/Paris", page, StringComparison.Ordinal);
        Assert.Contains("2031-06-15 17:00:00 UTC", page, StringComparison.Ordinal);
        Assert.Contains("Replaces termination", page, StringComparison.Ordinal);
        Assert.Contains("MaxPerBatch", page, StringComparison.Ordinal);
        Assert.Contains("#E100", page, StringComparison.Ordinal);
        Assert.Contains("Saturday 14 June 2031 (UTC)", page, StringComparison.Ordinal);
        Assert.Contains("Pending rehires and moves", page, StringComparison.Ordinal);
        Assert.Contains("dee@example.com", page, StringComparison.Ordinal);
        Assert.Contains("title: Lead", page, StringComparison.Ordinal);
        Assert.DoesNotContain("eve@example.com", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"col\">Effective (UTC)</th>", page, StringComparison.Ordinal);

        var roster = await PageAsync(browser, "/admin/hr?source=Roster");
        Assert.Contains("ben@example.com", roster, StringComparison.Ordinal);
        Assert.DoesNotContain("ana@example.com", roster, StringComparison.Ordinal);
        var search = await PageAsync(browser, "/admin/hr?q=E100");
        Assert.Contains("ana@example.com", search, StringComparison.Ordinal);
        Assert.DoesNotContain("ben@example.com", search, StringComparison.Ordinal);
        var range = await PageAsync(browser, "/admin/hr?from=2031-06-16&to=2031-06-30");
        Assert.Contains("cy@example.com", range, StringComparison.Ordinal);
        Assert.DoesNotContain("ana@example.com", range, StringComparison.Ordinal);
        var bad = await PageAsync(browser, "/admin/hr?from=soon", HttpStatusCode.BadRequest);
        Assert.Contains("from must be a date", bad, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task HeldHistoryAndStagedDeletes_ShowTheHeldTerminations(DatabaseProvider provider)
    {
        var (app, browser) = await SignedInAsync(provider);
        await using var _ = app;
        using var __ = browser;
        var staged = await PageAsync(browser, "/admin/staged-deletes");
        Assert.DoesNotContain("held by the mass-termination guard", staged, StringComparison.Ordinal);
        await HrConsoleApiTests.SeedAsync(app);

        staged = await PageAsync(browser, "/admin/staged-deletes");
        Assert.Contains("1 HR termination is held by the mass-termination guard", staged, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/hr/held\"", staged, StringComparison.Ordinal);

        var held = await PageAsync(browser, "/admin/hr/held");
        Assert.Contains("cy@example.com", held, StringComparison.Ordinal);
        Assert.Contains("More than 50 terminations in batch b1", held, StringComparison.Ordinal);
        Assert.Contains("Approve all 1", held, StringComparison.Ordinal);
        Assert.DoesNotContain("ana@example.com", held, StringComparison.Ordinal);

        // Deciding for all needs the count the admin saw.
        using var stale = await browser.PostFormAsync("/admin/hr/held?handler=ApproveAll", new Dictionary<string, string> { ["seen"] = "5" }, tokenFrom: "/admin/hr/held");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("There are now 1 held termination, not the 5 you saw", WebUtility.HtmlDecode(await stale.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HrEventStates.Held, await app.DbAsync(db => db.HrEvents.Where(e => e.UserName == "cy@example.com").Select(e => e.State).SingleAsync()));

        var history = await PageAsync(browser, "/admin/hr/history?state=Superseded");
        Assert.Contains("ana@example.com", history, StringComparison.Ordinal);
        Assert.Contains("Events matching: 1.", history, StringComparison.Ordinal);
        var all = await PageAsync(browser, "/admin/hr/history");
        Assert.Contains("Events matching: 6.", all, StringComparison.Ordinal);
        var bad = await PageAsync(browser, "/admin/hr/history?kind=Fire", HttpStatusCode.BadRequest);
        Assert.Contains("'Fire' is not a known kind", bad, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task WorkerPage_TerminatesAsTheAdmin_NowOrAtADate_AndShowsTheOverrideConfirmation(DatabaseProvider provider)
    {
        var (app, browser) = await SignedInAsync(provider);
        await using var _ = app;
        using var __ = browser;
        var fay = await app.SeedWorkerAsync("fay@example.com", "E600", "Asia/Tokyo");
        var gus = await app.SeedWorkerAsync("gus@example.com", "E700");
        var path = $"/admin/hr/workers/{fay.UserId}";

        var page = await PageAsync(browser, path);
        Assert.Contains("fay@example.com", page, StringComparison.Ordinal);
        Assert.Contains("Asia/Tokyo", page, StringComparison.Ordinal);
        Assert.Contains("Terminate now", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Override…", page, StringComparison.Ordinal);

        using (var badZone = await browser.PostFormAsync($"{path}?handler=Terminate",
            new Dictionary<string, string> { ["effective"] = "2031-01-10", ["timeZone"] = "Tokyo Standard Time" }, tokenFrom: path))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badZone.StatusCode);
            Assert.Contains("Use the IANA id 'Asia/Tokyo'", WebUtility.HtmlDecode(await badZone.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }
        using (var noDate = await browser.PostFormAsync($"{path}?handler=Terminate", new Dictionary<string, string>(), tokenFrom: path))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noDate.StatusCode);
        }
        using (var scheduled = await browser.PostFormAsync($"{path}?handler=Terminate",
            new Dictionary<string, string> { ["effective"] = "2031-01-10", ["reason"] = "Contract end" }, tokenFrom: path))
        {
            Assert.Contains("Scheduled the termination of fay@example.com for 2031-01-10T19:00:00 Asia/Tokyo (2031-01-10 10:00:00Z)",
                await browser.FollowAsync(scheduled), StringComparison.Ordinal);
        }
        var recorded = await app.DbAsync(db => db.HrEvents.AsNoTracking().SingleAsync(e => e.UserId == fay.UserId));
        Assert.Equal(HrSources.Console, recorded.Source);
        Assert.Equal(ConsoleSession.UserName, recorded.Actor);
        Assert.Equal(HrEventStates.Scheduled, recorded.State);
        Assert.Equal(HrConsoleApiTests.Utc("2031-01-10T10:00:00Z"), recorded.EffectiveAt);
        Assert.Equal("Contract end", recorded.Reason);
        page = await PageAsync(browser, path);
        Assert.Contains($"Rescind termination {recorded.Id}", page, StringComparison.Ordinal);

        var before = DateTimeOffset.UtcNow;
        var gusPath = $"/admin/hr/workers/{gus.UserId}";
        using (var now = await browser.PostFormAsync($"{gusPath}?handler=Terminate", new Dictionary<string, string> { ["now"] = "true" }, tokenFrom: gusPath))
        {
            Assert.Contains("Terminated gus@example.com now", await browser.FollowAsync(now), StringComparison.Ordinal);
        }
        var immediate = await app.DbAsync(db => db.HrEvents.AsNoTracking().SingleAsync(e => e.UserId == gus.UserId));
        Assert.Equal(HrSources.Console, immediate.Source);
        Assert.InRange(immediate.EffectiveAt, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));

        // Terminated (the leaver pipeline ran): the override asks first, without script.
        var termination = await app.SeedEventAsync(fay, HrEventStates.Fired, HrConsoleApiTests.Utc("2026-01-10T10:00:00Z"), firedAt: HrConsoleApiTests.Utc("2026-01-10T10:00:00Z"));
        await app.SeedLeaverAsync(fay, termination, HrConsoleApiTests.Utc("2026-01-10T10:01:00Z"));
        page = await PageAsync(browser, path);
        Assert.Contains("Override…", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"confirm-override\"", page, StringComparison.Ordinal);
        var confirm = await PageAsync(browser, $"{path}?confirm=override");
        Assert.Contains("data-testid=\"confirm-override\"", confirm, StringComparison.Ordinal);
        Assert.Contains("Let the identity provider decide again?", confirm, StringComparison.Ordinal);
        Assert.Contains("Override the termination of fay@example.com", confirm, StringComparison.Ordinal);
        Assert.Equal(HrWorkerStatuses.Left, await app.DbAsync(db => db.HrWorkers.Where(w => w.UserId == fay.UserId).Select(w => w.Status).SingleAsync()));

        await PageAsync(browser, "/admin/hr/workers/nobody", HttpStatusCode.NotFound);
    }

    [Theory, AllDatabases]
    public async Task SlaPage_ShowsTheFiguresAndTheSeatsFreed(DatabaseProvider provider)
    {
        var (app, browser) = await SignedInAsync(provider);
        await using var _ = app;
        using var __ = browser;
        var start = DateTimeOffset.UtcNow.AddDays(-3);
        foreach (var i in Enumerable.Range(1, 4))
        {
            var leaver = new ResolvedWorker($"u-{i}", $"leaver{i}@example.com", $"L{i}", WorkerKey.EmployeeNumber, null, false);
            var termination = await app.SeedEventAsync(leaver, HrEventStates.Fired, start.AddHours(i), firedAt: start.AddHours(i));
            await app.SeedLeaverAsync(leaver, termination, i == 4 ? null : start.AddHours(i).AddMinutes(i * 2));
            if (i == 1)
            {
                await app.SeedSeatAsync(leaver, ScimBridge.Mirror.SeatTypes.Member);
            }
        }

        var page = await PageAsync(browser, "/admin/hr/sla");
        Assert.Contains("data-testid=\"median\">4 min<", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"worst\">6 min<", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"waiting\">1<", page, StringComparison.Ordinal);
        Assert.Contains("leaver3@example.com", page, StringComparison.Ordinal);
        Assert.Contains("12.00 EUR per month", page, StringComparison.Ordinal);
        Assert.Contains("plus 2 of unknown cost", page, StringComparison.Ordinal);
        var bad = await PageAsync(browser, "/admin/hr/sla?from=2031-06-15&to=2031-06-01", HttpStatusCode.BadRequest);
        Assert.Contains("to is before from", bad, StringComparison.Ordinal);
    }
}
