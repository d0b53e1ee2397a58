using Microsoft.Playwright;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Reclamation;

/// <summary>The answer page in a real browser: its stylesheet and form pass the page's own security policy.</summary>
public sealed class AnswerBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task TheKeepPage_ShowsOneButton_WhichKeepsTheSeat()
    {
        await using var bed = await NoticeTestBed.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));
        await bed.TickAsync();
        var keep = new Uri(bed.App.BaseAddress, NoticeTestBed.PathOf(NoticeTestBed.Action(bed.Webhook.Bodies[0], "keep")));
        await using var context = await browser.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            // The bridge has no favicon (nor has the console).
            if (message.Type is "error" or "warning" && !message.Location.Contains("favicon", StringComparison.Ordinal))
            {
                problems.Add($"{message.Text} {message.Location}");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !response.Url.EndsWith("/favicon.ico", StringComparison.Ordinal))
            {
                problems.Add($"{response.Status} {response.Url}");
            }
        };

        await page.GotoAsync(keep.ToString());

        Assert.Equal("Keep your seat?", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(1, await page.Locator("button").CountAsync());
        // The console's stylesheet applied: the card is centred and narrow.
        Assert.Equal("360px", await page.Locator("section.signin").EvaluateAsync<string>("e => getComputedStyle(e).maxWidth"));
        Assert.Equal(CandidateStates.AwaitingUser, (await bed.CandidateAsync(id)).State);

        await page.GetByTestId("answer-button").ClickAsync();

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Seat kept");
        Assert.Equal(CandidateStates.ClosedSkipped, (await bed.CandidateAsync(id)).State);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
