using Microsoft.Playwright;
using ScimBridge.Mirror;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Reclamation;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>The reclamation Candidates page in a real browser: filter, check rows, Skip them, follow a candidate.</summary>
public sealed class ReclamationCandidatesBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task Candidates_FilterAndBulkSkip_MovesTheCheckedRowsToClosedSkipped()
    {
        await using var session = await ConsoleSession.StartAsync(browser, new Dictionary<string, string?>());
        var now = DateTimeOffset.UtcNow;
        var app = session.App;
        var rule = await app.RuleAsync("Idle members");
        var alice = await app.CandidateAsync(rule, "m1", "alice@example.com", CandidateStates.Ready, now.AddDays(-4));
        var bob = await app.CandidateAsync(rule, "m2", "bob@example.com", CandidateStates.Ready, now.AddDays(-3));
        var carol = await app.CandidateAsync(rule, "m3", "carol@example.com", CandidateStates.AwaitingUser, now.AddDays(-2));
        var dave = await app.CandidateAsync(rule, "m4", "dave@example.com", CandidateStates.ClosedComplete, now.AddDays(-1), reclaimedAt: now.AddDays(-1));
        await session.LoginAsync();
        var page = session.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Reclamation", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Candidates");
        await Expect(page.GetByTestId("candidate-row")).ToHaveCountAsync(4);

        await page.GetByLabel("State").SelectOptionAsync("open");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByTestId("candidate-row")).ToHaveCountAsync(3);
        await Expect(page.GetByLabel("State")).ToHaveValueAsync("open");
        await session.ScreenshotAsync("candidates");

        await page.GetByLabel("Select alice@example.com").CheckAsync();
        await page.GetByLabel("Select carol@example.com").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Skip", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("done")).ToContainTextAsync("Skip: 2 of 2 candidates done.");
        await Expect(page.GetByTestId("candidate-row")).ToHaveCountAsync(1); // the open filter is kept
        var states = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.State));
        Assert.Equal(CandidateStates.ClosedSkipped, states[alice]);
        Assert.Equal(CandidateStates.ClosedSkipped, states[carol]);
        Assert.Equal(CandidateStates.Ready, states[bob]);
        Assert.Equal(CandidateStates.ClosedComplete, states[dave]);

        await page.GetByRole(AriaRole.Link, new() { Name = "Clear" }).ClickAsync();
        await page.GetByLabel("Search").FillAsync("DAVE");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.GetByTestId("candidate-row")).ToHaveCountAsync(1);
        await page.GetByLabel("Select dave@example.com").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Skip", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("done")).ToContainTextAsync("Skip: 0 of 1 candidate done.");
        await Expect(page.GetByTestId("refusals")).ToContainTextAsync($"#{dave}: It is already Closed Complete.");
        Assert.Equal(CandidateStates.ClosedComplete, (await app.CandidateRowAsync(dave)).State);

        await page.GotoAsync($"/admin/reclamation?state=closedskipped");
        await Expect(page.GetByTestId("candidate-row")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Link, new() { Name = "alice@example.com" }).ClickAsync();
        await Expect(page.GetByTestId("state")).ToHaveTextAsync("Closed Skipped");
        await Expect(page.GetByTestId("transition")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("transition").Last).ToContainTextAsync("Ready → Closed Skipped");
        await Expect(page.GetByTestId("transition").Last).ToContainTextAsync($"Admin · {ConsoleSession.UserName}");
        await session.ScreenshotAsync("candidate");

        await page.GotoAsync($"/admin/reclamation/candidates/{bob}");
        await page.GetByTestId("command-skip").ClickAsync();
        await Expect(page.GetByTestId("done")).ToContainTextAsync("Skip: 1 of 1 candidate done.");
        Assert.Equal(CandidateStates.ClosedSkipped, (await app.CandidateRowAsync(bob)).State);
    }
}
