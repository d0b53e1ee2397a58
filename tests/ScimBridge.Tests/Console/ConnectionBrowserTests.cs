using Microsoft.Playwright;
using ScimBridge.Push;
using ScimBridge.Tests.Push;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>The Connection page in a real browser: set the credentials, act, reload, and nothing runs twice.</summary>
public sealed class ConnectionBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task SetTheCredentials_TestTheConnection_AndReloadingRunsNeitherAgain()
    {
        await using var sim = await SimulatorHost.StartAsync();
        await using var session = await ConsoleSession.StartAsync(browser, new Dictionary<string, string?> { ["Push:IdlePollMilliseconds"] = "50" });
        await session.App.CreateUserAsync("first@example.com", "First");
        await session.LoginAsync();
        var page = session.Page;
        await page.GotoAsync("/admin/connection");
        await Expect(page.GetByTestId("target")).ToContainTextAsync("Not configured");
        await Expect(page.GetByTestId("token-menu-path")).ToHaveTextAsync("Admin > Security > SCIM");

        await page.GetByLabel("Tenant URL").FillAsync(sim.TenantUrl);
        await page.GetByLabel("Secret Token (SCIM)").FillAsync(SimulatorHost.ScimToken);
        await page.GetByTestId("save").ClickAsync();
        await Expect(page.GetByTestId("saved")).ToContainTextAsync("Saved.");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/admin/connection$"));
        await Expect(page.GetByTestId("source-scimToken")).ToContainTextAsync("saved here on");
        await Expect(page.GetByTestId("source-scimToken")).ToContainTextAsync("by alice");
        await Expect(page.GetByLabel("Secret Token (SCIM)")).ToHaveValueAsync("");
        Assert.DoesNotContain(SimulatorHost.ScimToken, await page.ContentAsync(), StringComparison.Ordinal);
        await session.ScreenshotAsync("saved");

        await page.ReloadAsync();
        await Expect(page.GetByTestId("target")).ToHaveTextAsync(sim.TenantUrl);
        await Expect(page.GetByTestId("saved")).ToHaveCountAsync(0);
        Assert.Equal(1, await session.App.DbAsync(db => db.LogEntries.CountAsync(e => e.Action == ConnectionSettingsStore.LogAction)));

        // The push started without a restart.
        await Eventually.UntilAsync(() => sim.Users().Any(u => u.UserName == "first@example.com"), "the user in monday.com");
        // Test connection's own calls: the push's may still be being recorded.
        var calls = await session.App.DbAsync(db => db.OutboundCalls.CountAsync(c => c.ResourceType == "Target"));

        await page.GetByTestId("test").ClickAsync();
        await Expect(page.GetByTestId("test-message")).ToContainTextAsync("monday.com accepted the token");
        await Expect(page.GetByTestId("test-url")).ToHaveTextAsync(sim.TenantUrl + "Users?startIndex=1&count=1");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("test-result")).ToHaveCountAsync(0);
        Assert.Equal(calls + 1, await session.App.DbAsync(db => db.OutboundCalls.CountAsync(c => c.ResourceType == "Target")));

        // A wrong path is told apart from a wrong token.
        await page.GetByLabel("Tenant URL").FillAsync($"{sim.BaseUrl}/acme/scim/v2/");
        await page.GetByTestId("save").ClickAsync();
        await page.GetByTestId("test").ClickAsync();
        await Expect(page.GetByTestId("test-message")).ToContainTextAsync("Not found:");
        await Expect(page.GetByTestId("test-message")).ToContainTextAsync("the Tenant URL's path is wrong");
        await session.ScreenshotAsync("test-404");
    }

    [BrowserFact]
    public async Task ProvisionAndResume_ThenReload_EachRanOnce()
    {
        await using var h = await PushHarness.StartAsync(DatabaseProvider.Sqlite, new() { ["Push:Enabled"] = "false", ["Push:QuarantineSchedule:0"] = "01:00:00" });
        await h.Bridge.CreateUserAsync("once@example.com", "Once");
        await h.Bridge.CreateUserAsync("locked@example.com", "Locked");
        await using var session = await ConsoleSession.StartAsync(browser, h);
        await session.LoginAsync();
        var page = session.Page;
        await page.GotoAsync("/admin/connection");

        await page.GetByLabel("userName, displayName or id").FillAsync("once@example.com");
        await page.GetByLabel("Dry run").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Provision" }).ClickAsync();
        await Expect(page.GetByTestId("result-status")).ToHaveTextAsync("Success");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("provision-result")).ToHaveCountAsync(0);
        Assert.Equal(1, await h.Bridge.DbAsync(db => db.LogEntries.CountAsync()));
        lock (h.State.Sync)
        {
            Assert.Single(h.State.Requests, r => r.Method == "POST");
        }

        // A refused token quarantines the connection; Resume, then reload: resumed once, and no second message.
        h.State.TokenRevoked = true;
        await page.GetByLabel("userName, displayName or id").FillAsync("locked@example.com");
        await page.GetByLabel("Dry run").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Provision" }).ClickAsync();
        await Expect(page.GetByTestId("quarantine")).ToBeVisibleAsync();
        h.State.TokenRevoked = false;
        await page.GetByTestId("resume").ClickAsync();
        await Expect(page.GetByTestId("resumed")).ToContainTextAsync("Resumed");
        await page.ReloadAsync();
        await Expect(page.GetByTestId("resumed")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("quarantine-state")).ToHaveTextAsync("Not quarantined");
    }

    [BrowserFact]
    public async Task DryRun_ShowsWritesAsNotSent_AndFlagsAValueMondayRefuses()
    {
        await using var h = await PushHarness.StartAsync(DatabaseProvider.Sqlite, new() { ["Push:Enabled"] = "false" });
        await h.Bridge.CreateUserAsync("jdoe", "John Doe");
        await using var session = await ConsoleSession.StartAsync(browser, h);
        await session.LoginAsync();
        var page = session.Page;
        await page.GotoAsync("/admin/connection");

        await page.GetByLabel("userName, displayName or id").FillAsync("jdoe");
        await page.GetByRole(AriaRole.Button, new() { Name = "Provision" }).ClickAsync();
        await Expect(page.GetByTestId("result-status")).ToHaveTextAsync("Failure");
        await Expect(page.GetByTestId("result-problems")).ToContainTextAsync("userName “jdoe”: userName must be a lower-case email address");
        var post = page.GetByTestId("call").Filter(new() { HasText = "POST" });
        await Expect(post).ToContainTextAsync("NOT SENT");
        await Expect(post).ToContainTextAsync(h.Sim.TenantUrl + "Users");
        await Expect(post).ToContainTextAsync("\"userName\":\"jdoe\"");
        await Expect(post).Not.ToContainTextAsync("201");
        await Expect(page.GetByTestId("result-fix")).ToContainTextAsync("before pushing");
        await Expect(page.GetByTestId("steps")).Not.ToContainTextAsync("→ 201");
        await session.ScreenshotAsync("dry-run");
        lock (h.State.Sync)
        {
            Assert.DoesNotContain(h.State.Requests, r => r.Method != "GET");
        }

        // The real push is refused by monday.com for the reason the dry run gave.
        await page.GetByTestId("push-now").ClickAsync();
        await Expect(page.GetByTestId("result-status")).ToHaveTextAsync("Failure");
        await Expect(page.GetByTestId("result-message")).ToContainTextAsync("lower-case email address");
    }
}
