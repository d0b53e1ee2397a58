using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Operations;

/// <summary>The bridge's root leads to the console, and the console has an icon.</summary>
public sealed class FirstVisitTests(ConsoleBrowser chromium) : IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task Root_RedirectsToTheConsole_AndTheIcon_IsServedAnonymously()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        using var browser = app.Browser();

        using var root = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        Assert.Equal("/admin", root.Headers.Location?.OriginalString);

        foreach (var path in new[] { "/favicon.svg", "/favicon.ico" })
        {
            using var icon = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
            Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("<svg", await icon.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Contains("<link rel=\"icon\" href=\"/favicon.svg\"", await browser.GetStringAsync("/admin/login"), StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task Root_InABrowser_LandsOnTheSignIn_WithTheIconLoaded()
    {
        await using var session = await ConsoleSession.StartAsync(chromium);
        await session.Page.GotoAsync("/");

        Assert.Contains("/admin/login", session.Page.Url, StringComparison.Ordinal);
        Assert.Equal("/favicon.svg", await session.Page.Locator("link[rel=icon]").GetAttributeAsync("href"));
        using var icon = await session.App.Browser().GetAsync("/favicon.svg");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        await session.LoginAsync();
        Assert.EndsWith("/admin", session.Page.Url, StringComparison.Ordinal);
        await session.ScreenshotAsync("dashboard-with-icon");
    }
}
