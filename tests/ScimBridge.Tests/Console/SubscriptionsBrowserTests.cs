using Microsoft.Playwright;
using ScimBridge.Mirror;
using ScimBridge.Tests.Mirror;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>The Subscriptions page in a real browser: filter, sort, page and export, as an admin would.</summary>
public sealed class SubscriptionsBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task Subscriptions_FilterSortPageAndExport_InTheBrowser()
    {
        await using var session = await ConsoleSession.StartAsync(browser, new Dictionary<string, string?> { ["Mirror:Apps:monday:SeatCosts:member"] = "9.5" });
        var now = DateTimeOffset.UtcNow;
        await session.App.AppAsync(MirrorApps.Monday, seatsBought: 40);
        await session.App.SeatsAsync([.. Enumerable.Range(1, 30).Select(i => MirrorSeed.Seat(MirrorApps.Monday, $"m{i:00}", $"user{i:00}@example.com",
            status: i % 5 == 0 ? SeatStatuses.Inactive : SeatStatuses.Active, lastActivity: i % 3 == 0 ? null : now.AddDays(-i * 2)))]);
        await session.LoginAsync();
        var page = session.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Subscriptions", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Subscriptions");
        await Expect(page.GetByTestId("app-monday").GetByTestId("spend")).ToContainTextAsync("228.00 USD"); // 24 assigned members at 9.5
        await Expect(page.GetByTestId("seat-row")).ToHaveCountAsync(25);
        await session.ScreenshotAsync("subscriptions");

        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync("inactive");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByTestId("seat-row")).ToHaveCountAsync(6);
        await Expect(page.GetByLabel("Status", new() { Exact = true })).ToHaveValueAsync("inactive");

        await page.GetByRole(AriaRole.Link, new() { Name = "Clear" }).ClickAsync();
        await page.GetByTestId("sort-activity").ClickAsync();
        await Expect(page.GetByTestId("last-activity").First).ToHaveTextAsync("never");
        await page.GetByTestId("sort-activity").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("order=desc"));
        await Expect(page.GetByTestId("last-activity").First).Not.ToHaveTextAsync("never");

        await page.GetByRole(AriaRole.Link, new() { Name = "Next ›" }).ClickAsync();
        await Expect(page.GetByTestId("seat-row")).ToHaveCountAsync(5);
        await Expect(page.GetByTestId("last-activity").Last).ToHaveTextAsync("never");
        await session.ScreenshotAsync("subscriptions-page-2");

        await page.GetByLabel("No activity for (days)").FillAsync("40");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByTestId("seat-row")).ToHaveCountAsync(7);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.StartsWith("app,accountId,email", lines[0], StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task Drift_LinkAShadowSeatToAnInboundUser_InTheBrowser()
    {
        await using var session = await ConsoleSession.StartAsync(browser, new Dictionary<string, string?>());
        var bob = await session.App.CreateUserAsync("bob@example.com");
        await session.App.SeatsAsync(MirrorSeed.Seat(MirrorApps.Roadmunk, "r-ghost", "ghost@example.com", SeatTypes.Collaborator));
        await session.LoginAsync();
        var page = session.Page;

        await page.GotoAsync("/admin/subscriptions");
        await page.GetByRole(AriaRole.Link, new() { Name = "Drift", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("drift-row")).ToHaveCountAsync(1);
        await session.ScreenshotAsync("drift");
        await page.GetByLabel("Inbound userName for ghost@example.com").FillAsync("bob@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Link ghost@example.com" }).ClickAsync();

        await Expect(page.GetByTestId("done")).ToHaveTextAsync("Linked Roadmunk seat ghost@example.com to bob@example.com.");
        await Expect(page.GetByTestId("no-drift")).ToBeVisibleAsync();
        Assert.Equal(bob, await session.App.DbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.MirrorSeats.Select(s => s.UserId))));
    }
}
