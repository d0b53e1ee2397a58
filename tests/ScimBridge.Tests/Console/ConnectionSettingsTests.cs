using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ScimBridge.Monday;
using ScimBridge.Push;
using ScimBridge.Tests.Push;

namespace ScimBridge.Tests.Console;

/// <summary>
/// The Admin credentials on the Connection page and the admin API: stored encrypted, in force on every instance
/// without a restart, the configuration winning, never shown back, audited, validated.
/// </summary>
public sealed partial class ConnectionSettingsTests
{
    private const string Page = "/admin/connection";
    private const string Token = "sim-scim-token";

    [Theory, AllDatabases]
    public async Task SavedOnThePage_EncryptedInTheDatabase_PushStartsWithoutARestart_AndTheOtherInstanceUsesIt(DatabaseProvider provider)
    {
        await using var sim = await SimulatorHost.StartAsync();
        var database = await TestDatabases.CreateAsync(provider);
        var settings = new Dictionary<string, string?>
        {
            ["Monday:SettingsRefreshSeconds"] = "1",
            ["Monday:RequestsPerMinute"] = "1000000",
            ["Push:IdlePollMilliseconds"] = "50",
        };
        await using var a = await ScimApp.StartAsync(provider, new(settings) { ["Push:InstanceId"] = "instance-a" }, database, kestrel: true);
        // The second app creates its own "test-client" token.
        await a.DbAsync(db => db.ScimTokens.Where(t => t.Name == "test-client").ExecuteUpdateAsync(s => s.SetProperty(t => t.Name, "instance-a-client")));
        await using var b = await ScimApp.StartAsync(provider, new(settings) { ["Push:InstanceId"] = "instance-b" },
            new TestDatabase(provider, database.ConnectionString, () => Task.CompletedTask), kestrel: true);
        await a.CreateUserAsync("waiting@example.com", "Waiting");
        await a.CreateAdminAsync();
        using var browser = a.Browser();
        await browser.SignInAsync();

        var before = await browser.GetStringAsync(Page);
        Assert.Equal("Not set.", Text(before, "source-tenantUrl"));
        var html = await ConnectionPageTests.PostThenGetAsync(browser, "Save",
            new Dictionary<string, string> { ["tenantUrl"] = sim.TenantUrl, ["scimToken"] = Token, ["apiToken"] = "sim-api-token" });
        Assert.StartsWith("Saved.", Text(html, "saved"), StringComparison.Ordinal);
        Assert.StartsWith("In force: saved here on ", Text(html, "source-scimToken"), StringComparison.Ordinal);
        Assert.EndsWith("by alice.", Text(html, "source-scimToken"), StringComparison.Ordinal);
        Assert.Equal(sim.TenantUrl, Text(html, "target"));
        Assert.DoesNotContain(Token, html, StringComparison.Ordinal);
        Assert.DoesNotContain("sim-api-token", html, StringComparison.Ordinal);

        var rows = await a.DbAsync(db => db.Set<ConnectionSettingRecord>().AsNoTracking().ToListAsync());
        Assert.Equal(["ApiToken", "ScimToken", "TenantUrl"], rows.Select(r => r.Name).Order());
        Assert.All(rows.Where(r => r.Name != "TenantUrl"), r => Assert.DoesNotContain("sim-", r.Value, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Equal("alice", r.UpdatedBy));

        // The push of instance A started without a restart.
        await Eventually.UntilAsync(() => sim.Users().Any(u => u.UserName == "waiting@example.com"), "the waiting user in monday.com");

        // Instance B reads the row within a refresh and decrypts it with the shared key ring.
        using var api = await b.AdminAsync();
        await Eventually.UntilAsync(async () => (await api.GetFromJsonAsync<JsonObject>("/admin/api/connection"))!["tenantUrl"]?.GetValue<string>() == sim.TenantUrl,
            "instance B sees the Tenant URL", TimeSpan.FromSeconds(15));
        var test = await api.PostAsync("/admin/api/connection/test", null);
        var tested = (await test.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(tested["success"]!.GetValue<bool>(), tested.ToJsonString());
        var fields = (await api.GetFromJsonAsync<JsonArray>("/admin/api/connection/settings"))!;
        Assert.DoesNotContain(Token, fields.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["Console", "Console", "Console"], fields.Select(f => f!["source"]!.GetValue<string>()));

        // Audited like other admin actions, without the tokens.
        var entry = await a.DbAsync(db => db.LogEntries.SingleAsync(e => e.Action == ConnectionSettingsStore.LogAction));
        Assert.Equal((Initiators.Admin, "alice", LogStatuses.Success), (entry.InitiatorType, entry.Initiator, entry.Status));
        Assert.Contains(sim.TenantUrl, entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, entry.Message + entry.ModifiedProperties, StringComparison.Ordinal);
        Assert.Contains("\"new\":\"(set)\"", entry.ModifiedProperties, StringComparison.Ordinal);
        var logPage = await browser.GetStringAsync($"/admin/logs/{entry.Id}");
        Assert.DoesNotContain(Token, logPage, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task ConfigurationWins_ThePageSaysWhichSource_AndRefusesToChangeIt(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        await h.Bridge.CreateAdminAsync();
        using var browser = h.Bridge.Browser();
        await browser.SignInAsync();

        var html = await browser.GetStringAsync(Page);
        // The test host hands its settings over as command-line arguments.
        Assert.Equal("In force: set by the command line (--Monday:TenantUrl), which wins over this page.", Text(html, "source-tenantUrl"));
        Assert.StartsWith("In force: set by the command line", Text(html, "source-scimToken"), StringComparison.Ordinal);
        Assert.Equal("Not set.", Text(html, "source-apiToken"));
        Assert.Matches("<input id=\"tenantUrl\"[^>]*disabled", html);
        Assert.DoesNotContain(SimulatorHost.ScimToken, html, StringComparison.Ordinal);

        using var refused = await browser.PostFormAsync($"{Page}?handler=Save", new Dictionary<string, string> { ["scimToken"] = "another" }, tokenFrom: Page);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Monday:ScimToken is set by the command line (--Monday:ScimToken), which wins over the console", Text(await refused.Content.ReadAsStringAsync(), "error"), StringComparison.Ordinal);

        // The API token is not configured: it can be saved here, and the mirror's options see it at once.
        var saved = await ConnectionPageTests.PostThenGetAsync(browser, "Save", new Dictionary<string, string> { ["apiToken"] = "graphql-token" });
        Assert.StartsWith("In force: saved here", Text(saved, "source-apiToken"), StringComparison.Ordinal);
        Assert.Equal("graphql-token", await h.Bridge.WithScopeAsync(s =>
            Task.FromResult(s.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<MondayOptions>>().CurrentValue.ApiToken)));
        var removed = await ConnectionPageTests.PostThenGetAsync(browser, "Save", new Dictionary<string, string> { ["clearApiToken"] = "true" });
        Assert.Equal("Not set.", Text(removed, "source-apiToken"));
        Assert.Equal(2, await h.Bridge.DbAsync(db => db.LogEntries.CountAsync(e => e.Action == ConnectionSettingsStore.LogAction)));
    }

    [Fact]
    public async Task EveryFieldConfigured_ThePageOffersNoSave()
    {
        await using var h = await PushHarness.StartAsync(DatabaseProvider.Sqlite, new() { ["Push:Enabled"] = "false", ["Monday:ApiToken"] = "graphql-token" });
        await h.Bridge.CreateAdminAsync();
        using var browser = h.Bridge.Browser();
        await browser.SignInAsync();

        var html = await browser.GetStringAsync(Page);

        Assert.DoesNotContain("data-testid=\"save\"", html, StringComparison.Ordinal);
        Assert.Contains("Every field is set by the configuration", Text(html, "save-none"), StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task BadTenantUrlsAndTokens_AreRefusedWithAClearMessage_OnThePageAndTheApi(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        var cases = new (Dictionary<string, string> Fields, string Message)[]
        {
            (new() { ["tenantUrl"] = "acme.monday.com/scim/v2", ["scimToken"] = "t" }, "absolute https:// URL"),
            (new() { ["tenantUrl"] = "ftp://acme.monday.com/scim/v2/", ["scimToken"] = "t" }, "absolute https:// URL"),
            (new() { ["tenantUrl"] = "http://acme.monday.com/scim/v2/", ["scimToken"] = "t" }, "must use https://"),
            (new() { ["tenantUrl"] = "https://acme.monday.com/", ["scimToken"] = "t" }, "must end in /scim/v2/"),
            (new() { ["tenantUrl"] = "https://acme.monday.com/scim/v2/?x=1", ["scimToken"] = "t" }, "no user name, query or fragment"),
            (new() { ["tenantUrl"] = "https://acme.monday.com/scim/v2/" }, "Enter the Secret Token too"),
            (new() { ["tenantUrl"] = "https://acme.monday.com/scim/v2/", ["scimToken"] = "two words" }, "without spaces"),
            (new(), "Nothing to save"),
            (new() { ["clearApiToken"] = "true" }, "No API token is stored"),
        };
        foreach (var (fields, message) in cases)
        {
            using var response = await browser.PostFormAsync($"{Page}?handler=Save", fields, tokenFrom: Page);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{string.Join(", ", fields)}: {(int)response.StatusCode} {html}");
            Assert.Contains(message, Text(html, "error"), StringComparison.Ordinal);
        }
        // The URL typed is shown again to be corrected; a token never is.
        using var typed = await browser.PostFormAsync($"{Page}?handler=Save",
            new Dictionary<string, string> { ["tenantUrl"] = "https://acme.monday.com/", ["scimToken"] = "secret-typed" }, tokenFrom: Page);
        var typedHtml = await typed.Content.ReadAsStringAsync();
        Assert.Contains("value=\"https://acme.monday.com/\"", typedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-typed", typedHtml, StringComparison.Ordinal);
        Assert.Equal(0, await app.DbAsync(db => db.Set<ConnectionSettingRecord>().CountAsync()));

        using var api = await app.AdminAsync();
        using var bad = await api.PutAsJsonAsync("/admin/api/connection/settings", new { tenantUrl = "http://example.com/scim/v2/", scimToken = "t" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("must use https://", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // http is fine for a loopback address (a local simulator).
        using var ok = await api.PutAsJsonAsync("/admin/api/connection/settings", new { tenantUrl = "http://127.0.0.1:9/scim/v2", scimToken = "t" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var states = (await ok.Content.ReadFromJsonAsync<JsonArray>())!;
        Assert.Equal("http://127.0.0.1:9/scim/v2/", states[0]!["value"]!.GetValue<string>());
        Assert.Null(states[1]!["value"]);
        Assert.True(states[1]!["isSet"]!.GetValue<bool>());
    }

    [Fact]
    public async Task TheCommandLine_UsesTheConnectionSavedInTheConsole()
    {
        await using var sim = await SimulatorHost.StartAsync();
        await using var database = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite);
        await using (var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { ["Push:Enabled"] = "false" },
            new TestDatabase(DatabaseProvider.Sqlite, database.ConnectionString, () => Task.CompletedTask)))
        {
            using var api = await app.AdminAsync();
            using var saved = await api.PutAsJsonAsync("/admin/api/connection/settings",
                new { tenantUrl = sim.TenantUrl, scimToken = SimulatorHost.ScimToken, apiToken = "sim-api-token" });
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        var (exit, lines, error) = await BridgeCli.RunWithAsync(database, new Dictionary<string, string>
        {
            ["Monday__ApiUrl"] = sim.BaseUrl + "/v2",
            ["Monday__RequestsPerMinute"] = "1000000",
            ["Mirror__Schedule"] = "",
        }, null, "mirror", "run", "--app", "monday");
        Assert.True(exit == 0, string.Join('\n', lines) + error);
        Assert.Contains(lines, l => l.Contains("monday.com: Succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ScimTokenMenuPath_IsTheSameInTheReadme_TheRecommendedFix_AndThePage()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryFiles.RepositoryRoot(), "README.md"));
        var paths = MenuPath().Matches(readme).Select(m => m.Value).Distinct().ToList();
        Assert.Equal([MondayOptions.ScimTokenMenuPath], paths);
        Assert.Contains(MondayOptions.ScimTokenMenuPath + " > Generate", LogCodes.Fix(LogCodes.CredentialsRejected), StringComparison.Ordinal);
        Assert.Contains("Connection page", LogCodes.Fix(LogCodes.CredentialsRejected), StringComparison.Ordinal);

        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();
        Assert.Equal(MondayOptions.ScimTokenMenuPath, Text(await browser.GetStringAsync(Page), "token-menu-path"));
    }

    [GeneratedRegex(@"Admin > [A-Za-z]+ > SCIM")]
    private static partial Regex MenuPath();

    internal static string Text(string html, string testId)
    {
        var match = Regex.Match(html, $"""data-testid="{testId}"[^>]*>(.*?)</(dd|p|span|h2|a|code)>""", RegexOptions.Singleline);
        Assert.True(match.Success, $"No data-testid=\"{testId}\" in: {html}");
        return WebUtility.HtmlDecode(Regex.Replace(match.Groups[1].Value, "<[^>]+>", "")).Trim();
    }
}
