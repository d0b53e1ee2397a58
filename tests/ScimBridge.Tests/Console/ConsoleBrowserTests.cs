using Microsoft.Playwright;
using ScimBridge.Admin.Pages;
using ScimBridge.Tests.Push;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>The console in a real browser: a handful of paths end to end; the HTTP tests cover the details on both databases.</summary>
public sealed class ConsoleBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task SignIn_WithTheRightPassword_LandsOnTheStyledDashboard()
    {
        await using var session = await ConsoleSession.StartAsync(browser);

        await session.LoginAsync();

        Assert.EndsWith("/admin", session.Page.Url, StringComparison.Ordinal);
        Assert.Equal("Dashboard", await session.Page.GetByRole(AriaRole.Heading, new() { Level = 1 }).TextContentAsync());
        Assert.Equal(ConsoleSession.UserName, await session.Page.GetByTestId("signed-in-as").TextContentAsync());
        Assert.Equal("Healthy", (await session.Page.GetByTestId("health").Locator(".figure").TextContentAsync())?.Trim());
        // The stylesheet loaded despite the strict CSP (the header bar is dark only with it).
        await Expect(session.Page.Locator("header.top")).ToHaveCSSAsync("background-color", "rgb(29, 35, 48)");
        var screenshot = await session.ScreenshotAsync("dashboard");
        Assert.True(new FileInfo(screenshot).Length > 0);
    }

    [BrowserFact]
    public async Task SignIn_WithAWrongPassword_ShowsTheError_AndFiveInARowLockTheAccount()
    {
        await using var session = await ConsoleSession.StartAsync(browser);

        await session.LoginAsync(password: "not the password");
        Assert.Equal(LoginModel.FailedMessage, await session.Page.GetByTestId("login-error").TextContentAsync());
        await session.ScreenshotAsync("wrong-password");

        for (var i = 2; i <= 5; i++)
        {
            await session.LoginAsync(password: $"not the password {i}");
        }

        await session.LoginAsync();
        Assert.Contains("/admin/login", session.Page.Url, StringComparison.Ordinal);
        Assert.Contains("locked", await session.Page.GetByTestId("login-error").TextContentAsync() ?? "", StringComparison.Ordinal);
        await session.ScreenshotAsync("locked");
    }

    [BrowserFact]
    public async Task ConsolePages_WithoutASignIn_GoToTheSignInForm_AndComeBackAfterIt()
    {
        await using var session = await ConsoleSession.StartAsync(browser);

        await session.Page.GotoAsync("/admin");
        Assert.Contains("/admin/login?ReturnUrl=%2Fadmin", session.Page.Url, StringComparison.Ordinal);
        await session.Page.GotoAsync("/admin/tokens");
        Assert.Contains("/admin/login?ReturnUrl=%2Fadmin%2Ftokens", session.Page.Url, StringComparison.Ordinal);

        await session.LoginAsync();
        Assert.EndsWith("/admin/tokens", session.Page.Url, StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task TokenCreatedInTheConsole_WorksForScim_AndRevokingItThereShutsItOut()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        await session.LoginAsync();
        var page = session.Page;

        await page.GetByRole(AriaRole.Link, new() { Name = "Tokens" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("okta-prod");
        await page.GetByLabel("Scope").SelectOptionAsync("scim");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var token = (await page.GetByTestId("token-value").TextContentAsync())!.Trim();
        await session.ScreenshotAsync("token-created");

        using var scim = session.App.CreateScimClient(token);
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("/scim/v2/Users")).StatusCode);

        await page.GotoAsync("/admin/tokens");
        Assert.Equal(0, await page.GetByTestId("token-value").CountAsync());
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "okta-prod" }).GetByRole(AriaRole.Link, new() { Name = "Revoke…" }).ClickAsync();
        await session.ScreenshotAsync("token-revoke-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke “okta-prod”" }).ClickAsync();
        await page.GetByText("Revoked token “okta-prod”").WaitForAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await scim.GetAsync("/scim/v2/Users")).StatusCode);
    }

    [BrowserFact]
    public async Task Admin_FindsAFailedChangeByUserName_OpensIt_ReplaysIt_AndApprovesAStagedDelete()
    {
        var harness = await PushHarness.StartAsync(DatabaseProvider.Sqlite, new() { ["Push:DeletionGuard:MaxPerHour"] = "1" });
        await using var session = await ConsoleSession.StartAsync(browser, harness);
        var (h, page) = (harness, session.Page);
        h.State.RefuseUserNamesContaining = "refused";
        await h.Bridge.CreateUserAsync("refused.person@example.com", "Refused Person");
        await h.Bridge.CreateUserAsync("fine.person@example.com", "Fine Person");
        var leavers = new[] { await h.Bridge.CreateUserAsync("leaver.one@example.com"), await h.Bridge.CreateUserAsync("leaver.two@example.com") };
        await h.WaitSettledAsync();
        await h.DeactivateAsync(leavers, held: 1);

        await session.LoginAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Logs", Exact = true }).ClickAsync();
        await page.GetByLabel("User or group").FillAsync("refused");
        await page.GetByLabel("Status").SelectOptionAsync("Failure");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var rows = page.GetByTestId("log-entry");
        await Expect(rows).ToHaveCountAsync(1);
        await session.ScreenshotAsync("logs-failed-by-name");

        await rows.GetByRole(AriaRole.Link, new() { Name = "refused.person@example.com" }).ClickAsync();
        await Expect(page.GetByTestId("entry-status")).ToHaveTextAsync("Failure");
        await Expect(page.GetByTestId("entry-error")).ToContainTextAsync("InvalidValue");
        await Expect(page.GetByTestId("steps")).ToContainTextAsync("Export");
        await session.ScreenshotAsync("entry-failed");

        h.State.RefuseUserNamesContaining = null;
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(page.GetByTestId("progress-state")).ToHaveTextAsync("Done", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "Show the latest log entries" }).ClickAsync();
        await Expect(page.GetByTestId("progress-entries")).ToContainTextAsync("Success");
        await session.ScreenshotAsync("replay-done");
        Assert.NotNull(h.SimUserByName("refused.person@example.com"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Staged deletes" }).ClickAsync();
        var staged = page.GetByTestId("staged-row");
        await Expect(staged).ToHaveCountAsync(1);
        var name = (await staged.GetByRole(AriaRole.Link).TextContentAsync())!.Trim();
        await session.ScreenshotAsync("staged-deletes");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Approve {name}" }).ClickAsync();
        await Expect(page.GetByTestId("progress-state")).ToHaveTextAsync("Done", new() { Timeout = 30_000 });
        await session.ScreenshotAsync("approve-done");
        Assert.False(h.SimUserByName(name)!.Active);
        await page.GetByRole(AriaRole.Link, new() { Name = "Staged deletes" }).ClickAsync();
        await Expect(page.GetByTestId("none")).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task SignInForm_SubmittedWithoutItsAntiforgeryToken_IsRefusedWith400()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var page = session.Page;
        await page.GotoAsync("/admin/login");
        await page.EvalOnSelectorAsync("input[name=__RequestVerificationToken]", "e => e.remove()");
        await page.GetByLabel("Username").FillAsync(ConsoleSession.UserName);
        await page.GetByLabel("Password").FillAsync(ConsoleHttp.Password);

        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.Contains("/admin/login", StringComparison.Ordinal));

        Assert.Equal(400, response.Status);
        await page.GetByText("The form was not sent from this console's page").WaitForAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Load that page again" })).ToHaveAttributeAsync("href", "/admin/login");
        await page.GotoAsync("/admin");
        Assert.Contains("/admin/login", page.Url, StringComparison.Ordinal);
    }
}
