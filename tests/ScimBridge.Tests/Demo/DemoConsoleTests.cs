using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using ScimBridge.Demo;
using ScimBridge.Tests.Cli;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Demo;

/// <summary>The demo as a new admin meets it: the console with the banner's admin, commands on its database, and a quiet log.</summary>
public sealed partial class DemoConsoleTests
{
    [Fact]
    public async Task ACommandGivenToTheDemoHost_ActsOnTheDemosDatabase()
    {
        var directory = Directory.CreateTempSubdirectory("scimbridge-demo-").FullName;
        try
        {
            var created = await BridgeCommand.RunAssemblyAsync(typeof(DemoMode).Assembly.Location, directory, null, null, TimeSpan.FromSeconds(60),
                "token", "create", "--name", "script", "--scope", "admin");
            Assert.True(created.ExitCode == 0, created.ToString());

            var list = await BridgeCommand.RunAsync(directory, "token", "list", "--demo");
            Assert.Contains(list.Lines, l => l.StartsWith("script ", StringComparison.Ordinal));
            Assert.False(File.Exists(Path.Combine(directory, "scimbridge.db")), "not the server's default database");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Demo_BannerAdmin_AndAnAdminCreatedWithDemo_SignIn()
    {
        var directory = Directory.CreateTempSubdirectory("scimbridge-demo-").FullName;
        var created = await BridgeCommand.RunAsync(directory, null, ConsoleHttp.Password + "\n", TimeSpan.FromSeconds(60),
            "admin", "create", "--name", "alice", "--demo", "--password-stdin");
        Assert.True(created.ExitCode == 0, created.ToString());

        await using var demo = await DemoProcess.StartAsync(directory);

        Assert.Equal(new Uri(demo.ListeningUrl, "/admin"), demo.ConsoleUrl);
        Assert.Equal(DemoBanner.AdminUserName, demo.AdminUserName);
        using (var browser = Browser(demo))
        using (var signIn = await browser.SignInAsync(demo.AdminUserName, demo.AdminPassword))
        {
            Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"{signIn.StatusCode}: {await signIn.Content.ReadAsStringAsync()}");
            Assert.Equal("/admin", signIn.Headers.Location?.OriginalString);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(demo.ConsoleUrl)).StatusCode);
        }

        using (var browser = Browser(demo))
        using (var signIn = await browser.SignInAsync("alice"))
        {
            Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"{signIn.StatusCode}: {await signIn.Content.ReadAsStringAsync()}");
        }

        // Output redirected (not a terminal): one JSON object per log line.
        Assert.Contains(demo.Output, l => l.StartsWith("{\"Timestamp\":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_ARepresentativeFlow_LogsNoNoise()
    {
        await using var demo = await DemoProcess.StartAsync(null, "--Logging:Console:FormatterName", "simple");
        var adminToken = await BridgeCommand.RunAsync(demo.WorkingDirectory, "token", "create", "--name", "script", "--scope", "admin", "--demo");
        Assert.True(adminToken.ExitCode == 0, adminToken.ToString());
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

        // A user over SCIM, pushed to the simulator.
        using (var create = new HttpRequestMessage(HttpMethod.Post, demo.TenantUrl + "/Users"))
        {
            create.Content = new StringContent(
                """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","active":true}""", Encoding.UTF8, "application/scim+json");
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", demo.Token);
            using var created = await http.SendAsync(create);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await Eventually.UntilAsync(() => SimulatorHasAsync(http, demo, "ada@example.com"), "the user to be pushed", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100),
            explain: () => Task.FromResult<string?>(Environment.NewLine + demo.Tail()));

        // The console's pages, signed in as the banner's admin.
        using (var browser = Browser(demo))
        {
            using var signIn = await browser.SignInAsync(demo.AdminUserName, demo.AdminPassword);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            foreach (var page in new[] { "/admin", "/admin/logs", "/admin/connection", "/admin/tokens", "/admin/accounts" })
            {
                using var response = await browser.GetAsync(page);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {response.StatusCode}");
            }
        }

        // The admin API with an admin token.
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(demo.ListeningUrl, "/admin/api/whoami"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken.Lines[^1]);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Last, a wrong SCIM token: its refusal is logged, and marks the end of the flow in the log.
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, demo.TenantUrl + "/Users"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "scb_wrong");
            using var refused = await http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await Eventually.UntilAsync(() => demo.Output.Any(l => l.Contains("was not authenticated", StringComparison.Ordinal)), "the refused token to be logged",
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50), explain: () => Task.FromResult<string?>(Environment.NewLine + demo.Tail()));

        var log = demo.Output;
        var all = string.Join(Environment.NewLine, log);
        Assert.Single(log, l => l.Contains("was not authenticated", StringComparison.Ordinal));
        Assert.DoesNotContain("System.Net.Http.HttpClient", all, StringComparison.Ordinal);
        Assert.DoesNotContain("Antiforgery", all, StringComparison.Ordinal);
        Assert.DoesNotContain("OrderBy", all, StringComparison.Ordinal);
        // A fresh database: nothing is read before the migrations made its tables.
        Assert.DoesNotContain(log, l => l.StartsWith("fail:", StringComparison.Ordinal));
        Assert.DoesNotContain("no such table", all, StringComparison.Ordinal);
        Assert.Contains(log, l => SimpleLine().IsMatch(l));
        Assert.DoesNotContain(log, l => GluedTimestamp().IsMatch(l));
    }

    private static HttpClient Browser(DemoProcess demo) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = demo.ListeningUrl,
            Timeout = TimeSpan.FromSeconds(10),
        };

    private static async Task<bool> SimulatorHasAsync(HttpClient http, DemoProcess demo, string userName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(demo.SimulatorUrl, "/_sim/state"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", demo.SimulatorToken);
        using var response = await http.SendAsync(request);
        return (await response.Content.ReadAsStringAsync()).Contains($"\"{userName}\"", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (info|warn): ")]
    private static partial Regex SimpleLine();

    [GeneratedRegex(@"\dZ(info|warn|fail|dbug|crit):")]
    private static partial Regex GluedTimestamp();
}
