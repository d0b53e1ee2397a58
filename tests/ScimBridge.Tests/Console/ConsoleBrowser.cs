using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using ScimBridge.Tests.Push;

namespace ScimBridge.Tests.Console;

/// <summary>
/// One headless Chromium (Debian's, at /usr/bin/chromium; never downloaded) per test class; each test gets a fresh
/// browser context through <see cref="ConsoleSession"/>. Use with <c>IClassFixture&lt;ConsoleBrowser&gt;</c> and <see cref="BrowserFactAttribute"/>.
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string MissingMessage = $"Browser tests need Chromium at {ChromiumPath}: apt-get install -y chromium (.ci/run installs it).";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(MissingMessage);

    public static bool Installed => File.Exists(ChromiumPath);

    public async Task InitializeAsync()
    {
        if (!Installed)
        {
            // In CI every browser test then fails with this message (BrowserFact does not skip there); elsewhere they are skipped.
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>A browser test: skipped (visibly, with the reason) when Chromium is missing on a developer machine, never in CI.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!ConsoleBrowser.Installed && !TestDatabases.InCi)
        {
            Skip = ConsoleBrowser.MissingMessage;
        }
    }
}

/// <summary>
/// The bridge on a real socket (SQLite), an admin account, and a signed-out browser tab at a laptop's 1366×768.
/// Screenshots go to $SCIMBRIDGE_TEST_ARTIFACTS, else &lt;repo&gt;/artifacts/screenshots.
/// </summary>
public sealed class ConsoleSession : IAsyncDisposable
{
    public const string UserName = "alice";

    private readonly IBrowserContext _context;
    private readonly IAsyncDisposable _bridge;
    private readonly string _test;

    private ConsoleSession(ScimApp app, IAsyncDisposable bridge, IBrowserContext context, IPage page, string test)
    {
        App = app;
        _bridge = bridge;
        _context = context;
        Page = page;
        _test = test;
    }

    public ScimApp App { get; }
    public IPage Page { get; }

    public static string ArtifactsDirectory =>
        Environment.GetEnvironmentVariable("SCIMBRIDGE_TEST_ARTIFACTS") is { Length: > 0 } configured
            ? Path.Combine(configured, "screenshots")
            : Path.Combine(RepositoryFiles.RepositoryRoot(), "artifacts", "screenshots");

    public static async Task<ConsoleSession> StartAsync(
        ConsoleBrowser browser, Dictionary<string, string?>? settings = null, [CallerMemberName] string test = "")
    {
        var chromium = browser.Browser;
        var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, settings, kestrel: true);
        return await OpenAsync(chromium, app, app, test);
    }

    /// <summary>The console of a bridge that pushes to the monday.com simulator; the session disposes the harness.</summary>
    public static Task<ConsoleSession> StartAsync(ConsoleBrowser browser, PushHarness harness, [CallerMemberName] string test = "") =>
        OpenAsync(browser.Browser, harness.Bridge, harness, test);

    private static async Task<ConsoleSession> OpenAsync(IBrowser chromium, ScimApp app, IAsyncDisposable bridge, string test)
    {
        await app.CreateAdminAsync(UserName, ConsoleHttp.Password);
        var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.GetLeftPart(UriPartial.Authority),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
        });
        context.SetDefaultTimeout(15_000);
        return new ConsoleSession(app, bridge, context, await context.NewPageAsync(), test);
    }

    /// <summary>Fills and submits the sign-in form (it does not check the outcome).</summary>
    public async Task LoginAsync(string user = UserName, string password = ConsoleHttp.Password)
    {
        if (!Page.Url.Contains("/admin/login", StringComparison.Ordinal))
        {
            await Page.GotoAsync("/admin/login");
        }

        await Page.GetByLabel("Username").FillAsync(user);
        await Page.GetByLabel("Password").FillAsync(password);
        // The answer is a redirect or the same form again, so a load state or the URL cannot tell it from
        // the form just filled; a mark on the form's document can (waiting for DOMContentLoaded here once
        // timed out in CI with the answer already loaded).
        await Page.EvaluateAsync("() => document.documentElement.dataset.submitted = 'yes'");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.Locator("html:not([data-submitted]) main").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        var path = Path.Combine(ArtifactsDirectory, $"{_test}-{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _bridge.DisposeAsync();
    }
}
