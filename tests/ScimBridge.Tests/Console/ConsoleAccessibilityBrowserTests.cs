using System.Globalization;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using ScimBridge.Auth;
using ScimBridge.Tests.Hr;
using ScimBridge.Tests.Push;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>
/// Every signed-in console page, on a phone (390 px wide) and checked by axe: no page scrolls sideways (WCAG 1.4.10), no
/// serious or critical violation; the skip link; and the progress page's in-place updates.
/// </summary>
public sealed class ConsoleAccessibilityBrowserTests(ConsoleBrowser browser, ITestOutputHelper output) : IClassFixture<ConsoleBrowser>
{
    private const int PhoneWidth = 390;

    /// <summary>An identity name far longer than a phone is wide, as some directories have.</summary>
    private const string LongName = "refused.person.with.a.very.long.address.that.never.breaks@subsidiary-of-a-very-long-company-name.example.com";

    [BrowserFact]
    public async Task EverySignedInPage_OnAPhone_ScrollsOnlyDown_AndHasNoSeriousAxeViolation()
    {
        var settings = HrConsoleSeed.Settings();
        var harness = await PushHarness.StartAsync(DatabaseProvider.Sqlite, settings);
        await using var session = await ConsoleSession.StartAsync(browser, harness);
        var (h, page) = (harness, session.Page);
        h.State.RefuseUserNamesContaining = "refused";
        var refused = await h.Bridge.CreateUserAsync(LongName, "Refused Person With A Long Name");
        var fine = await h.Bridge.CreateUserAsync("fine.person@example.com", "Fine Person");
        var team = await h.Bridge.CreateGroupAsync("A team with a name long enough to wrap on a phone's narrow screen", refused, fine);
        await h.WaitSettledAsync();
        var (ana, _, _, _, _) = await HrConsoleApiTests.SeedAsync(h.Bridge);
        await h.Bridge.WithScopeAsync(s => s.GetRequiredService<TokenService>().CreateAsync("okta-production-provisioning-client", TokenScopes.Scim, CancellationToken.None));
        var failed = await h.Bridge.DbAsync(db => db.LogEntries.Where(e => e.SourceId == refused).Select(e => e.Id).FirstAsync());
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture));

        await session.LoginAsync();
        await page.SetViewportSizeAsync(PhoneWidth, 844);
        string[] pages =
        [
            "/admin", "/admin/logs", $"/admin/logs/{failed}", "/admin/staged-deletes", "/admin/connection", "/admin/tokens",
            "/admin/tokens/revoke?name=okta-production-provisioning-client", "/admin/subscriptions", "/admin/subscriptions/drift",
            "/admin/subscriptions/connect", "/admin/reclamation", "/admin/reclamation/rules", "/admin/reclamation/rules/new",
            "/admin/reclamation/savings", "/admin/hr", "/admin/hr/held", "/admin/hr/history", "/admin/hr/roster", "/admin/hr/sla",
            $"/admin/hr/workers/{ana.UserId}", "/admin/mapping", "/admin/accounts", $"/admin/progress?since={since}&what=Replay", "/admin/progress",
            $"/admin/users/{refused}", $"/admin/groups/{team}",
            "/admin/no-such-page",
        ];

        var problems = new List<string>();
        foreach (var path in pages)
        {
            var response = await page.GotoAsync(path);
            if (response is null || (response.Status >= 400 && path != "/admin/no-such-page"))
            {
                problems.Add($"{path}: HTTP {response?.Status}");
                continue;
            }
            var (scrollWidth, innerWidth) = await WidthsAsync(page);
            if (scrollWidth > innerWidth)
            {
                var widest = await page.EvaluateAsync<string>(WidestElementScript);
                problems.Add($"{path}: {scrollWidth} px wide at {innerWidth} px ({widest})");
                output.WriteLine(problems[^1]);
            }
            foreach (var violation in (await page.RunAxe()).Violations)
            {
                var line = $"{path}: axe {violation.Impact} {violation.Id}: {violation.Help} — {string.Join(" | ", violation.Nodes.Take(3).Select(n => n.Html))}";
                output.WriteLine(line);
                if (violation.Impact is "serious" or "critical")
                {
                    problems.Add(line);
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [BrowserFact]
    public async Task SkipLink_IsTheFirstTabStop_AndTakesFocusToTheContent()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        await session.LoginAsync();
        var page = session.Page;

        await page.Keyboard.PressAsync("Tab");
        var skip = page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" });
        await Expect(skip).ToBeFocusedAsync();
        await Expect(skip).ToBeInViewportAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("main#content")).ToBeFocusedAsync();
    }

    [BrowserFact]
    public async Task ProgressPage_WhileWorkWaits_UpdatesItsStatusInPlace_AndShowsFailuresAsFailures()
    {
        var harness = await PushHarness.StartAsync(DatabaseProvider.Sqlite, new() { ["Push:Enabled"] = "false" });
        await using var session = await ConsoleSession.StartAsync(browser, harness);
        var (h, page) = (harness, session.Page);
        var id = await h.Bridge.CreateUserAsync("stuck@example.com");
        // alice's replay, queued: nothing pushes it (the worker is off) until the test settles it below.
        await h.Bridge.DbAsync(db => db.PushStates.Where(p => p.ResourceId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.InitiatorType, Initiators.Admin).SetProperty(p => p.Initiator, ConsoleSession.UserName)));
        var since = DateTimeOffset.UtcNow.AddMinutes(-1);

        await session.LoginAsync();
        await page.GotoAsync($"/admin/progress?since={Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture))}&what=Replay");
        await Expect(page.GetByTestId("progress-state")).ToHaveTextAsync("In progress");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("0 finished, 1 still waiting");
        await Expect(page.Locator("meta[http-equiv=refresh]")).ToHaveCountAsync(0);
        await page.EvaluateAsync("() => document.documentElement.dataset.loaded = 'once'");
        await page.GetByRole(AriaRole.Link, new() { Name = "All of them in the log" }).Or(page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).First.FocusAsync();

        // The push fails for good, as the worker would record it.
        await h.Bridge.DbAsync(async db =>
        {
            var state = await db.PushStates.SingleAsync(p => p.ResourceId == id);
            state.PushedSeq = state.ChangeSeq;
            db.LogEntries.Add(new LogEntryRecord
            {
                At = DateTimeOffset.UtcNow,
                CycleId = "test",
                InitiatorType = Initiators.Admin,
                Initiator = ConsoleSession.UserName,
                ResourceType = ResourceKinds.User,
                SourceId = id,
                SourceName = "stuck@example.com",
                Action = LogActions.Create,
                Status = LogStatuses.Failure,
                ErrorCode = "InvalidValue",
                Message = "monday.com refused the user.",
                Steps = "[]",
                ModifiedProperties = "[]",
                Attempt = 1,
                Instance = "test",
            });
            return await db.SaveChangesAsync();
        });

        await Expect(page.GetByTestId("progress-state")).ToHaveTextAsync("Finished with failures", new() { Timeout = 15_000 });
        await Expect(page.GetByTestId("progress-summary")).ToHaveTextAsync("Finished: 0 succeeded, 1 failed.");
        await Expect(page.Locator("svg.progress-bar rect.failed")).ToHaveCountAsync(1);
        await Expect(page.Locator("svg.progress-bar rect.succeeded")).ToHaveCountAsync(0);
        // Updated in place: the same document, and the focus where the admin left it.
        Assert.Equal("once", await page.EvaluateAsync<string>("() => document.documentElement.dataset.loaded"));
        Assert.NotEqual("BODY", await page.EvaluateAsync<string>("() => document.activeElement.tagName"));
        await session.ScreenshotAsync("progress-failed-live");

        await page.GetByRole(AriaRole.Link, new() { Name = "Show the latest log entries" }).ClickAsync();
        var failures = page.GetByTestId("progress-failures");
        await Expect(failures.GetByRole(AriaRole.Link, new() { Name = "stuck@example.com" })).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/admin/logs/\\d+$"));
        await Expect(page.GetByTestId("progress-state")).ToHaveTextAsync("Finished with failures");
        await session.ScreenshotAsync("progress-failed");
    }

    [BrowserFact]
    public async Task AdminsPage_CreatesAnAdminWithARandomPasswordShownOnce_DisablesAndEnablesIt()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        await session.LoginAsync();
        var page = session.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Admins" }).ClickAsync();
        await page.GetByLabel("Username").FillAsync("bob");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Expect(page.GetByTestId("done")).ToContainTextAsync("Created the admin account “bob”.");
        var password = (await page.GetByTestId("new-password").TextContentAsync())!.Trim();
        Assert.True(password.Length >= 12);
        await session.ScreenshotAsync("admin-created");

        await page.ReloadAsync();
        await Expect(page.GetByTestId("new-password")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("account")).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Button, new() { Name = "Disable bob" }).ClickAsync();
        await Expect(page.GetByTestId("done")).ToContainTextAsync("Disabled “bob”");
        await Expect(page.GetByTestId("account").Filter(new() { HasText = "bob" })).ToContainTextAsync("Disabled");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Disable alice" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable bob" }).ClickAsync();
        await Expect(page.GetByTestId("done")).ToContainTextAsync("Enabled “bob”");
        await session.ScreenshotAsync("admin-enabled");
    }

    private static async Task<(int ScrollWidth, int InnerWidth)> WidthsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        return (widths[0], widths[1]);
    }

    /// <summary>The element reaching furthest right, to say what makes a page too wide.</summary>
    private const string WidestElementScript = """
        () => {
            let widest = null, right = 0;
            for (const e of document.querySelectorAll('body *')) {
                const r = e.getBoundingClientRect().right;
                if (r > right) { right = r; widest = e; }
            }
            return widest ? `${widest.tagName.toLowerCase()}${widest.className ? '.' + widest.className : ''} ends at ${Math.round(right)}: ${widest.outerHTML.slice(0, 120)}` : '';
        }
        """;
}
