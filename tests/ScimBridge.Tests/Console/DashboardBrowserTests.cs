using Microsoft.Playwright;
using ScimBridge.Push;
using ScimBridge.Tests.Logs;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>The dashboard's charts and queue card, and the Mapping page's rules, in a real browser.</summary>
public sealed class DashboardBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task Dashboard_DrawsTheActivityCharts_WithoutScript_AndTheirFiguresAsATable()
    {
        await using var session = await ConsoleSession.StartAsync(browser, new Dictionary<string, string?> { ["Push:Enabled"] = "false" });
        var now = DateTimeOffset.UtcNow;
        await session.App.DbAsync(db =>
        {
            db.LogEntries.AddRange(
                LogSeed.Counted(now.AddHours(-2), LogStatuses.Success), LogSeed.Counted(now.AddHours(-2), LogStatuses.Success),
                LogSeed.Counted(now.AddHours(-2), LogStatuses.Failure), LogSeed.Counted(now.AddDays(-5), LogStatuses.Skipped));
            db.PushStates.Add(new PushStateRecord { ResourceType = ResourceKinds.User, ResourceId = "u1", ChangeSeq = 1 });
            db.Changes.Add(new ChangeRecord
            {
                ResourceType = ResourceKinds.User,
                ResourceId = "u1",
                Operation = ChangeOperations.Create,
                Changes = "[]",
                Actor = "test",
                OccurredAt = now.AddMinutes(-3),
            });
            return db.SaveChangesAsync();
        });
        await session.LoginAsync();
        var page = session.Page;

        Assert.Equal(0, await page.Locator("script").CountAsync());
        var hourly = page.GetByRole(AriaRole.Img, new() { Name = "Log entries per hour, last 24 hours (UTC)" });
        await Expect(hourly).ToBeVisibleAsync();
        await Expect(hourly).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^3 entries in the last 24 hours: 2 success, 1 failure\\."));
        await Expect(hourly.Locator("rect.bar.success")).ToHaveCountAsync(1);
        await Expect(hourly.Locator("rect.bar.failure")).ToHaveCountAsync(1);
        var daily = page.GetByRole(AriaRole.Img, new() { Name = "Log entries per day, last 30 days (UTC)" });
        await Expect(daily).ToBeVisibleAsync();
        await Expect(daily).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^4 entries in the last 30 days: 2 success, 1 failure, 1 skipped\\."));
        // The bars are drawn in the status colours of the stylesheet.
        await Expect(hourly.Locator("rect.bar.failure")).ToHaveCSSAsync("fill", "rgb(179, 38, 30)");

        var figures = page.GetByTestId("activity-daily");
        await figures.GetByText("The figures as a table").ClickAsync();
        var table = figures.GetByRole(AriaRole.Table, new() { Name = "Log entries per day, last 30 days (UTC)" });
        await Expect(table).ToBeVisibleAsync();
        await Expect(table.GetByRole(AriaRole.Row)).ToHaveCountAsync(31);
        // Success, failure, skipped, total.
        await Expect(table.GetByRole(AriaRole.Row, new() { Name = now.AddDays(-5).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) })
            .GetByRole(AriaRole.Cell)).ToHaveTextAsync(["0", "0", "1", "1"]);

        await Expect(page.GetByTestId("queue-changes")).ToHaveTextAsync("1 change");
        await Expect(page.GetByTestId("queue-detail")).ToContainTextAsync("waiting for 1 user; oldest pending change");
        await session.ScreenshotAsync("dashboard-activity");
    }

    [BrowserFact]
    public async Task MappingPage_ShowsTheRolesTable_AndTheGroupRule()
    {
        await using var session = await ConsoleSession.StartAsync(browser, MappingPageTests.Settings);
        await session.LoginAsync();
        var page = session.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Mapping" }).ClickAsync();
        var roles = page.GetByRole(AriaRole.Table, new() { Name = "Role → seat type, most privileged first" });
        await Expect(roles.GetByRole(AriaRole.Row)).ToHaveCountAsync(5);
        await Expect(page.GetByTestId("rule-locale")).ToContainTextAsync("de-DE → de");
        await Expect(page.GetByTestId("rule-timezone")).ToContainTextAsync("Always “Europe/Berlin”");
        await Expect(page.GetByTestId("groups")).ToContainTextAsync("Nested groups are left out");
        await Expect(page.GetByTestId("quarantine-schedule")).ToHaveTextAsync("After 5 min, then 30 min, then 6 hours, then 12 hours, then 1 day (the last one repeats)");
        await session.ScreenshotAsync("mapping");
    }
}
