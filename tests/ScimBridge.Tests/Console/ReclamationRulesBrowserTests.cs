using Microsoft.Playwright;
using ScimBridge.Mirror;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;
using ScimBridge.Tests.Reclamation;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>Reclamation > Rules in a real browser: create a rule through the form (fixing an error), see it listed, dry-run it.</summary>
public sealed class ReclamationRulesBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task ARule_IsCreatedThroughTheForm_ListedAndDryRun_InTheBrowser()
    {
        await using var session = await ConsoleSession.StartAsync(browser, new Dictionary<string, string?>
        {
            ["Mirror:Currency"] = "EUR",
            ["Mirror:Apps:monday:SeatCosts:member"] = "12",
            ["Mirror:Apps:monday:SeatCosts:admin"] = "20",
        });
        var now = DateTimeOffset.UtcNow;
        await session.App.SeatsAsync(
            MirrorSeed.Seat(MirrorApps.Monday, "m1", "idle1@example.com", lastActivity: now.AddDays(-90)),
            MirrorSeed.Seat(MirrorApps.Monday, "m2", "idle2@example.com", lastActivity: now.AddDays(-120)),
            MirrorSeed.Seat(MirrorApps.Monday, "m3", "boss@example.com", SeatTypes.Admin, lastActivity: now.AddDays(-120)),
            MirrorSeed.Seat(MirrorApps.Monday, "m4", "busy@example.com", lastActivity: now.AddDays(-2)));
        await session.LoginAsync();
        var page = session.Page;

        await page.GotoAsync("/admin/reclamation/rules");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Reclamation rules");
        await page.GetByTestId("new-rule").ClickAsync();
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("Idle members");
        await page.GetByLabel("Action").SelectOptionAsync("deactivate");
        await page.GetByLabel("Days without activity").FillAsync("0");
        await page.GetByLabel("Users (id or userName, one per line)").FillAsync("nobody@example.com");
        await page.GetByTestId("save").ClickAsync();

        // Both errors shown next to their fields; what was typed is kept.
        await Expect(page.Locator("[data-error-for='inactiveDays']")).ToContainTextAsync("between 1 and 3650");
        await Expect(page.Locator("[data-error-for='excludeUsers']")).ToContainTextAsync("No inbound user 'nobody@example.com'");
        await Expect(page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("Idle members");
        await Expect(page.GetByLabel("Action")).ToHaveValueAsync("deactivate");
        Assert.Equal(0, await session.App.DbAsync(db => db.ReclaimRules.CountAsync()));
        await session.ScreenshotAsync("reclamation-rule-errors");

        await page.GetByLabel("Days without activity").FillAsync("60");
        await page.GetByLabel("Users (id or userName, one per line)").FillAsync("");
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("done")).ToContainTextAsync("Saved “Idle members” (version 1).");
        await Expect(page.GetByTestId("versions")).ToContainTextAsync("Created");

        await page.GetByTestId("dry-run-button").ClickAsync();
        await Expect(page.GetByTestId("dry-run")).ToContainTextAsync("2 seats would be taken now");
        await Expect(page.GetByTestId("dry-run-total")).ToContainTextAsync("24.00 EUR");
        await Expect(page.GetByTestId("dry-run-total")).ToContainTextAsync("288.00 EUR");
        await Expect(page.GetByTestId("dry-run-seats").Locator("tbody tr")).ToHaveCountAsync(2);
        await session.ScreenshotAsync("reclamation-rule-dry-run");
        Assert.Equal(0, await session.App.DbAsync(db => db.ReclaimCandidates.CountAsync()));

        await page.GetByRole(AriaRole.Link, new() { Name = "Rules", Exact = true }).ClickAsync();
        var row = page.GetByTestId("rules").Locator("tbody tr");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("Idle members");
        await Expect(row).ToContainTextAsync("60 days idle");
        await page.GetByTestId("evaluate").ClickAsync();
        await Expect(page.GetByTestId("evaluation")).ToContainTextAsync("2 new candidates");
        await session.ScreenshotAsync("reclamation-rules");

        await row.GetByRole(AriaRole.Link, new() { Name = "Idle members" }).ClickAsync();
        await page.GetByTestId("delete").ClickAsync();
        await page.GetByTestId("delete-confirm").ClickAsync();
        await Expect(page.GetByTestId("done")).ToContainTextAsync("Deleted “Idle members”: 2 open candidates closed");
        Assert.Equal(2, await session.App.DbAsync(db => db.ReclaimCandidates.CountAsync(c => c.State == CandidateStates.ClosedSkipped)));
    }
}
