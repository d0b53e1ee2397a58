using Microsoft.Playwright;
using ScimBridge.Hr;
using ScimBridge.Tests.Hr;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>The HR console in a real browser: the pending list and its filter, the SLA page, a worker with the override confirmation.</summary>
public sealed class HrBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task PendingList_ShowsLocalAndUtcTimes_AndFilters()
    {
        await using var session = await ConsoleSession.StartAsync(browser, HrConsoleSeed.Settings());
        await HrConsoleApiTests.SeedAsync(session.App);
        await session.LoginAsync();
        var page = session.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "HR", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Pending terminations");
        var rows = page.GetByTestId("pending-row");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Nth(0)).ToContainTextAsync("ben@example.com");
        await Expect(rows.Nth(0).GetByTestId("local")).ToHaveTextAsync("2031-06-14 09:00 America/Los_Angeles");
        await Expect(rows.Nth(0).GetByTestId("utc")).ToHaveTextAsync("2031-06-14 16:00:00 UTC");
        await Expect(rows.Nth(1)).ToContainTextAsync("ana@example.com");
        await Expect(rows.Nth(1).GetByTestId("local")).ToHaveTextAsync("2031-06-15 19:00 Europe/Paris");
        await Expect(rows.Nth(2)).ToContainTextAsync("Held");
        await Expect(page.GetByTestId("pending-day")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("other-row")).ToHaveCountAsync(1);
        await session.ScreenshotAsync("pending");

        await page.GetByLabel("Search").FillAsync("e100");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("ana@example.com");
        await Expect(page.GetByLabel("Search")).ToHaveValueAsync("e100");

        await page.GetByRole(AriaRole.Link, new() { Name = "ana@example.com" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("ana@example.com");
        await Expect(page.GetByTestId("event")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("pending")).ToContainTextAsync("2031-06-15 19:00 Europe/Paris");
    }

    [BrowserFact]
    public async Task SlaPage_ShowsMedianWorstWaitingAndSeatsFreed()
    {
        await using var session = await ConsoleSession.StartAsync(browser, HrConsoleSeed.Settings());
        var app = session.App;
        var start = DateTimeOffset.UtcNow.AddDays(-2);
        foreach (var i in Enumerable.Range(1, 5))
        {
            var leaver = new ResolvedWorker($"u-{i}", $"leaver{i}@example.com", $"L{i}", WorkerKey.EmployeeNumber, null, false);
            var termination = await app.SeedEventAsync(leaver, HrEventStates.Fired, start.AddHours(i), firedAt: start.AddHours(i));
            await app.SeedLeaverAsync(leaver, termination, i == 5 ? null : start.AddHours(i).AddSeconds(i * 30));
            await app.SeedSeatAsync(leaver, i <= 2 ? ScimBridge.Mirror.SeatTypes.Admin : ScimBridge.Mirror.SeatTypes.Member);
        }
        await session.LoginAsync();
        var page = session.Page;
        await page.GotoAsync("/admin/hr");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "HR lifecycle" }).GetByRole(AriaRole.Link, new() { Name = "SLA" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Leaver SLA");
        await Expect(page.GetByTestId("fired")).ToHaveTextAsync("5");
        await Expect(page.GetByTestId("confirmed")).ToHaveTextAsync("4");
        await Expect(page.GetByTestId("waiting")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("median")).ToHaveTextAsync("1 min 15 s");
        await Expect(page.GetByTestId("p95")).ToHaveTextAsync("2 min");
        await Expect(page.GetByTestId("worst")).ToHaveTextAsync("2 min");
        await Expect(page.GetByTestId("worst-worker")).ToHaveTextAsync("leaver4@example.com");
        await Expect(page.GetByTestId("waiting-row")).ToContainTextAsync("leaver5@example.com");
        // Two admins at 30 and two members at 12 were deactivated; leaver5 is still waiting.
        await Expect(page.GetByTestId("seats-cost")).ToHaveTextAsync("84.00 EUR per month");
        await Expect(page.GetByTestId("unknown-cost")).ToHaveCountAsync(0);
        await session.ScreenshotAsync("sla");

        await page.GetByLabel("Fired from").FillAsync("2020-01-01");
        await page.GetByLabel("Fired to").FillAsync("2020-01-31");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByTestId("fired")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("median")).ToHaveTextAsync("—");
    }

    [BrowserFact]
    public async Task WorkerPage_AsksBeforeTheOverride_AndTerminatesNow()
    {
        await using var session = await ConsoleSession.StartAsync(browser, HrConsoleSeed.Settings());
        var app = session.App;
        var left = await app.SeedWorkerAsync("lee@example.com", "E800", "Europe/Berlin");
        var termination = await app.SeedEventAsync(left, HrEventStates.Fired, DateTimeOffset.UtcNow.AddDays(-1), firedAt: DateTimeOffset.UtcNow.AddDays(-1));
        await app.SeedLeaverAsync(left, termination, DateTimeOffset.UtcNow.AddDays(-1).AddMinutes(1), memberships: """[{"id":"g1","displayName":"Marketing"}]""");
        var stays = await app.SeedWorkerAsync("may@example.com", "E900");
        await session.LoginAsync();
        var page = session.Page;

        await page.GotoAsync($"/admin/hr/workers/{left.UserId}");
        await Expect(page.GetByTestId("status")).ToHaveTextAsync(HrWorkerStatuses.Left);
        await Expect(page.GetByTestId("memberships")).ToContainTextAsync("Marketing");
        await Expect(page.GetByTestId("termination")).ToContainTextAsync(termination.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("override").ClickAsync();
        await Expect(page.GetByTestId("confirm-override")).ToContainTextAsync("Let the identity provider decide again?");
        await Expect(page.GetByTestId("override-confirm")).ToHaveTextAsync("Override the termination of lee@example.com");
        await session.ScreenshotAsync("override-confirmation");
        await page.GetByTestId("confirm-override").GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.GetByTestId("confirm-override")).ToHaveCountAsync(0);
        Assert.Equal(HrWorkerStatuses.Left, await app.DbAsync(db => db.HrWorkers.Where(w => w.UserId == left.UserId).Select(w => w.Status).SingleAsync()));

        await page.GotoAsync($"/admin/hr/workers/{stays.UserId}");
        await page.GetByLabel("Reason").FillAsync("Gross misconduct");
        await page.GetByTestId("terminate-now").ClickAsync();
        await Expect(page.GetByTestId("done")).ToContainTextAsync("Terminated may@example.com now");
        await Expect(page.GetByTestId("event")).ToHaveCountAsync(1);
        var recorded = await app.DbAsync(db => db.HrEvents.AsNoTracking().SingleAsync(e => e.UserId == stays.UserId));
        Assert.Equal(HrSources.Console, recorded.Source);
        Assert.Equal(ConsoleSession.UserName, recorded.Actor);
        Assert.Equal("Gross misconduct", recorded.Reason);
    }
}
