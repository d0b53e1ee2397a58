using Microsoft.Playwright;
using ScimBridge.Tests.Push;
using static Microsoft.Playwright.Assertions;
using static ScimBridge.Tests.Logs.LogSeed;

namespace ScimBridge.Tests.Console;

/// <summary>The provisioning log, a log entry and a user's or group's timeline, as an admin reads them in a browser.</summary>
public sealed class LogBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    private static readonly string LongMessage = string.Join(' ', Enumerable.Repeat("monday.com answered 400 (invalidValue): the value is refused by policy.", 6));

    [BrowserFact]
    public async Task LogList_ShowsOneLinePerEntry_AtLaptopWidth_AndNeverScrollsThePageSideways_OnTabletOrPhone()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var page = session.Page;
        await session.App.InsertAsync(Enumerable.Range(0, 12).Select(i => Entry(
            $"user-{i}", i % 3 == 0 ? $"a.very.long.user.name.number.{i}@subsidiary.example.com" : $"User {i}",
            status: i % 2 == 0 ? LogStatuses.Failure : LogStatuses.Success, at: BaseTime.AddMinutes(i),
            errorCode: i % 2 == 0 ? "DeletionThresholdExceeded" : null, message: i % 2 == 0 ? LongMessage : null,
            initiator: "a-long-token-name-for-entra-production")).ToArray());
        await session.LoginAsync();

        await page.GotoAsync("/admin/logs");
        var rows = page.GetByTestId("log-entry");
        await Expect(rows).ToHaveCountAsync(12);
        await session.ScreenshotAsync("list-1366");
        var header = await page.EvaluateAsync<double>("() => document.querySelector('[data-testid=log-entries] thead tr').getBoundingClientRect().height");
        var heights = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll('[data-testid=log-entry]')].map(r => r.getBoundingClientRect().height)");
        Assert.All(heights, h => Assert.True(h <= header + 2, $"a row is {h} px high, one line is {header} px: {string.Join(", ", heights)}"));
        // Everything fits the laptop's width: the table's own box does not scroll either.
        Assert.True(await page.EvaluateAsync<bool>("() => { const b = document.querySelector('.log-scroll'); return b.scrollWidth <= b.clientWidth; }"));
        // The message is cut (ellipsis), and whole on hover and on the entry page.
        var failed = rows.Filter(new() { HasText = "DeletionThresholdExceeded" }).First;
        var message = failed.Locator("td.message");
        Assert.True(await message.EvaluateAsync<bool>("c => c.scrollWidth > c.clientWidth && getComputedStyle(c).textOverflow === 'ellipsis'"));
        Assert.Equal(LongMessage, await message.GetAttributeAsync("title"));
        await failed.GetByRole(AriaRole.Link).First.ClickAsync();
        await Expect(page.GetByTestId("entry-error")).ToContainTextAsync(LongMessage);
        var entry = page.Url;

        foreach (var (width, height) in new[] { (768, 1024), (390, 844) })
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var path in new[] { "/admin/logs", entry, "/admin/users/user-0" })
            {
                await page.GotoAsync(path);
                await session.ScreenshotAsync($"{width}-{path.Split('/')[^1]}");
                var (scroll, viewport) = (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("() => window.innerWidth"));
                Assert.True(scroll <= viewport, $"{path} at {width} px is {scroll} px wide");
            }
        }
    }

    [BrowserFact]
    public async Task RefusedCreate_EntrySaysExportFailed_ListsOnlyWhatChanged_IndentsTheAnswer_AndLeadsToTheUsersTimeline()
    {
        var harness = await PushHarness.StartAsync(DatabaseProvider.Sqlite);
        await using var session = await ConsoleSession.StartAsync(browser, harness);
        var (h, page) = (harness, session.Page);
        h.State.RefuseUserNamesContaining = "refused";
        var id = await h.Bridge.CreateUserAsync("refused.person@example.com", "Refused Person");
        await h.WaitSettledAsync();
        await session.LoginAsync();

        await page.GotoAsync("/admin/logs?identity=refused");
        var row = page.GetByTestId("log-entry");
        await Expect(row).ToHaveCountAsync(1);
        await row.GetByRole(AriaRole.Link, new() { Name = "refused.person@example.com" }).ClickAsync();
        await Expect(page.GetByTestId("entry-status")).ToHaveTextAsync("Failure");
        await session.ScreenshotAsync("refused-create");

        var steps = page.GetByTestId("steps");
        await Expect(steps.GetByRole(AriaRole.Row).Filter(new() { HasText = "Matching" })).ToContainTextAsync("Success");
        var export = steps.GetByRole(AriaRole.Row).Filter(new() { HasText = "Export" });
        await Expect(export).ToContainTextAsync("Failure");
        await Expect(export).ToContainTextAsync("400");
        Assert.Equal(1, await steps.Locator(".status.failure").CountAsync());

        // What the create would have set, not every attribute it sends (no empty title, locale, timezone or roles).
        var properties = await page.GetByTestId("properties").Locator("tbody td:first-child").AllTextContentsAsync();
        Assert.Contains("userName", properties);
        Assert.Contains("displayName", properties);
        Assert.DoesNotContain("title", properties);
        Assert.DoesNotContain("roles", properties);
        Assert.DoesNotContain("locale", properties);

        var answer = await page.GetByTestId("answer").First.TextContentAsync() ?? "";
        Assert.Contains("account's policy", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", answer, StringComparison.Ordinal);
        Assert.Matches("\\n  \"", answer);

        // The request the create sent, beside the answer: indented, with the names redacted.
        var request = await page.GetByTestId("request").First.TextContentAsync() ?? "";
        Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:User", request, StringComparison.Ordinal);
        Assert.Matches("\\n  \"", request);
        Assert.DoesNotContain("refused.person", request, StringComparison.Ordinal);

        await page.GetByTestId("resource-link").ClickAsync();
        Assert.EndsWith($"/admin/users/{id}", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Refused Person");
        var items = page.GetByTestId("timeline-item");
        await Expect(items).ToHaveCountAsync(2);
        await Expect(items.Nth(0)).ToContainTextAsync("Done");
        await Expect(items.Nth(0)).ToContainTextAsync("Failure");
        await Expect(items.Nth(1)).ToContainTextAsync("Received");
        await session.ScreenshotAsync("user-timeline");
        await items.Nth(0).GetByRole(AriaRole.Link, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByTestId("entry-status")).ToHaveTextAsync("Failure");

        // From the list too, and an id the bridge never had is the console's 404.
        await page.GotoAsync("/admin/logs?identity=refused");
        await page.GetByTestId("log-entry").GetByTestId("resource-link").ClickAsync();
        Assert.EndsWith($"/admin/users/{id}", page.Url, StringComparison.Ordinal);
        var missing = await page.GotoAsync("/admin/users/no-such-user");
        Assert.Equal(404, missing!.Status);
        await Expect(page.Locator("body")).ToContainTextAsync("Not found");
        Assert.Equal(400, (await page.GotoAsync($"/admin/users/{id}?cursor=nonsense"))!.Status);
        await Expect(page.GetByTestId("error")).ToContainTextAsync("cursor");
    }

    [BrowserFact]
    public async Task GroupEntry_NamesTheMembersWithTheirIds_AndLinksToTheGroupsTimeline()
    {
        var harness = await PushHarness.StartAsync(DatabaseProvider.Sqlite);
        await using var session = await ConsoleSession.StartAsync(browser, harness);
        var (h, page) = (harness, session.Page);
        var ada = await h.Bridge.CreateUserAsync("ada@example.com", "Ada Lovelace");
        var grace = await h.Bridge.CreateUserAsync("grace@example.com", "Grace Hopper");
        await h.WaitSettledAsync();
        var team = await h.Bridge.CreateGroupAsync("Engineers", ada, grace);
        await h.WaitSettledAsync();
        var entryId = await h.Bridge.DbAsync(db => db.LogEntries.Where(e => e.SourceId == team && e.ModifiedProperties.Contains("members (added)")).Select(e => e.Id).SingleAsync());
        await session.LoginAsync();

        await page.GotoAsync($"/admin/logs/{entryId}");
        var members = page.GetByTestId("properties").GetByRole(AriaRole.Row).Filter(new() { HasText = "members (added)" });
        await Expect(members.GetByRole(AriaRole.Link, new() { Name = "Ada Lovelace" })).ToHaveAttributeAsync("href", $"/admin/users/{ada}");
        await Expect(members).ToContainTextAsync(ada);
        await Expect(members).ToContainTextAsync("Grace Hopper");
        await Expect(members).ToContainTextAsync(grace);
        await session.ScreenshotAsync("group-members");

        await page.GetByTestId("resource-link").ClickAsync();
        Assert.EndsWith($"/admin/groups/{team}", page.Url, StringComparison.Ordinal);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Engineers");
        await Expect(page.GetByTestId("resource-facts")).ToContainTextAsync("Members");
        await Expect(page.GetByTestId("timeline-item").Filter(new() { HasText = "Done" }).Filter(new() { HasText = "Create" })).ToHaveCountAsync(1);
        Assert.Equal(404, (await page.GotoAsync($"/admin/groups/{ada}"))!.Status);
    }
}
