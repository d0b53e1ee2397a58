using System.Net.Http.Json;
using System.Net.Sockets;
using ScimBridge.Monday;

namespace ScimBridge.Tests.Push;

/// <summary>
/// Test connection makes its own single attempt (no retries, breaker, pace or quarantine) and reports the real cause,
/// with the URL it tried.
/// </summary>
public sealed class ConnectionTestCauseTests
{
    [Theory, AllDatabases]
    public async Task EachFailure_IsReportedWithItsCauseAndTheUrlTried(DatabaseProvider provider)
    {
        await using var sim = await SimulatorHost.StartAsync();
        // Six retries with a 5-second backoff: Test connection makes one attempt, outside them.
        await using var app = await ScimApp.StartAsync(provider, new()
        {
            ["Push:Enabled"] = "false",
            ["Monday:AttemptTimeoutSeconds"] = "2",
            ["Monday:MaxRetries"] = "6",
            ["Monday:BackoffBaseMilliseconds"] = "5000",
        });
        using var api = await app.AdminAsync();
        var simPort = new Uri(sim.BaseUrl).Port;
        var closedPort = ClosedPort();
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var silentPort = ((IPEndPoint)silent.LocalEndpoint).Port;

        var cases = new (string TenantUrl, string Token, string Cause, int Status, string Message)[]
        {
            ($"http://127.0.0.1:{closedPort}/scim/v2/", "t", ConnectionCauses.ConnectionRefused, 0, "Connection refused: nothing accepts connections at 127.0.0.1:"),
            ("https://no-such-account.invalid/scim/v2/", "t", ConnectionCauses.NameNotResolved, 0, "Name not resolved: the host name no-such-account.invalid"),
            ($"https://127.0.0.1:{simPort}/scim/v2/", "t", ConnectionCauses.Tls, 0, "TLS failure:"),
            ($"http://127.0.0.1:{silentPort}/scim/v2/", "t", ConnectionCauses.Timeout, 0, "Timeout: 127.0.0.1 did not answer within 2 seconds"),
            (sim.TenantUrl, "wrong-token", ConnectionCauses.TokenRefused, 401, "Token refused: monday.com answered 401"),
            ($"{sim.BaseUrl}/acme/scim/v2/", SimulatorHost.ScimToken, ConnectionCauses.NotFound, 404, "Not found:"),
            (sim.TenantUrl, SimulatorHost.ScimToken, ConnectionCauses.Ok, 200, "monday.com accepted the token"),
        };
        foreach (var (tenantUrl, token, cause, status, message) in cases)
        {
            using var saved = await api.PutAsJsonAsync("/admin/api/connection/settings", new { tenantUrl, scimToken = token });
            Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
            var started = DateTime.UtcNow;
            using var response = await api.PostAsync("/admin/api/connection/test", null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var test = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            var what = $"{tenantUrl}: {test.ToJsonString()}";
            Assert.True(cause == test["cause"]!.GetValue<string>(), what);
            Assert.True(status == test["status"]!.GetValue<int>(), what);
            Assert.True(test["message"]!.GetValue<string>().StartsWith(message, StringComparison.Ordinal), what);
            Assert.Equal(tenantUrl + "Users?startIndex=1&count=1", test["url"]!.GetValue<string>());
            Assert.Contains(test["url"]!.GetValue<string>(), test["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(cause == ConnectionCauses.Ok, test["success"]!.GetValue<bool>());
            // One attempt: no retry with a 5-second backoff in between.
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4.5), $"{what} took {DateTime.UtcNow - started}");
        }
        Assert.Equal(cases.Length, await app.DbAsync(db => db.OutboundCalls.CountAsync()));
        lock (sim.State.Sync)
        {
            Assert.Equal(3, sim.State.Requests.Count);
        }
    }

    /// <summary>A port nothing listens on: a free one, released at once.</summary>
    private static int ClosedPort() => DotnetProcess.FreePort();
}
