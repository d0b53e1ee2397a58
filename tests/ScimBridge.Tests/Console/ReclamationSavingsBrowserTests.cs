using Microsoft.Playwright;
using ScimBridge.Mirror;
using ScimBridge.Tests.Mirror;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>The reclamation Savings page in a real browser: the figures and the server-drawn trend chart.</summary>
public sealed class ReclamationSavingsBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task Savings_ShowsTheFigures_AndAChartPointPerSnapshot()
    {
        await using var session = await ConsoleSession.StartAsync(browser, new Dictionary<string, string?>
        {
            ["Mirror:Currency"] = "EUR",
            ["Mirror:Apps:monday:SeatCosts:member"] = "12",
            ["Mirror:Apps:monday:SeatsBought"] = "3",
        });
        var now = DateTimeOffset.UtcNow;
        var app = session.App;
        await app.SeatsAsync(
            MirrorSeed.Seat(MirrorApps.Monday, "m1", "a@example.com", lastActivity: now.AddDays(-2)),
            MirrorSeed.Seat(MirrorApps.Monday, "m2", "b@example.com", lastActivity: now.AddDays(-70)),
            MirrorSeed.Seat(MirrorApps.Monday, "m3", "c@example.com"),
            MirrorSeed.Seat(MirrorApps.Monday, "m4", "d@example.com", lastActivity: now.AddDays(-100)));
        var days = Enumerable.Range(0, 5).Select(i => now.AddDays(-4 + i)).ToList();
        await app.DbAsync(db =>
        {
            db.ReclaimSnapshots.AddRange(days.Select((d, i) => new ReclaimSnapshotRecord
            {
                Day = d.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                App = MirrorApps.Monday,
                SeatsBought = 3,
                Assigned = 10 - i,
                Active = 2 + i,
                Unused = 8 - 2 * i,
                MonthlySpend = 120 - 12 * i,
                PotentialMonthly = 48 - 12 * i,
                RealisedThisYear = 10 * i,
                Currency = "EUR",
                TakenAt = d,
            }));
            return db.SaveChangesAsync();
        });
        await session.LoginAsync();
        var page = session.Page;

        await page.GotoAsync("/admin/reclamation");
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Reclamation" }).GetByRole(AriaRole.Link, new() { Name = "Savings" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Savings");
        var monday = page.GetByTestId("savings-monday");
        await Expect(monday.GetByTestId("bought")).ToHaveTextAsync("3");
        await Expect(monday.GetByTestId("assigned")).ToHaveTextAsync("4");
        await Expect(monday.GetByTestId("active")).ToHaveTextAsync("1");
        await Expect(monday.GetByTestId("unused")).ToHaveTextAsync("3 (75.0 %)");
        await Expect(monday.GetByTestId("spend")).ToHaveTextAsync("48.00 EUR");
        await Expect(monday.GetByTestId("true-up")).ToHaveTextAsync("1 seat over the plan");
        // Days since activity: m1 2 → 0–30; m2 70 → 60–90; m4 100 → 90+; m3 never.
        await Expect(page.GetByTestId("activity-monday").Locator("td")).ToHaveTextAsync(["1", "0", "1", "1", "1"]);

        var seats = page.GetByTestId("chart-seats");
        await Expect(seats).ToBeVisibleAsync();
        await Expect(seats.Locator("circle.point.assigned")).ToHaveCountAsync(5);
        await Expect(seats.Locator("circle.point.active")).ToHaveCountAsync(5);
        await Expect(page.GetByTestId("chart-savings").Locator("circle.point.realised")).ToHaveCountAsync(5);
        await Expect(seats.Locator("circle.point.assigned").First.Locator("title"))
            .ToHaveTextAsync($"{days[0].UtcDateTime:yyyy-MM-dd}: assigned 10");
        // Today's snapshot gives way to the live figures the cards show (nothing reclaimed here, so nothing realised).
        await Expect(page.GetByTestId("chart-savings").Locator("circle.point.realised").Nth(3).Locator("title"))
            .ToHaveTextAsync($"{days[3].UtcDateTime:yyyy-MM-dd}: realised this year 30.00 EUR");
        await Expect(page.GetByTestId("chart-savings").Locator("circle.point.realised").Last.Locator("title"))
            .ToHaveTextAsync($"{days[4].UtcDateTime:yyyy-MM-dd}: realised this year 0.00 EUR");
        await Expect(seats.Locator("circle.point.assigned").Last.Locator("title")).ToHaveTextAsync($"{days[4].UtcDateTime:yyyy-MM-dd}: assigned 4");
        await session.ScreenshotAsync("savings");
    }
}
