using ScimBridge.Auth;

namespace ScimBridge.Tests.Hr;

/// <summary>Token scopes both ways: an HR token opens /hr/v1 and nothing else; no other token opens /hr/v1.</summary>
public sealed class HrAuthTests
{
    private static readonly (string Method, string Path)[] Endpoints =
    [
        ("POST", "/hr/v1/terminations"), ("POST", "/hr/v1/rescissions"), ("POST", "/hr/v1/events/1/rescind"), ("POST", "/hr/v1/rehires"),
        ("POST", "/hr/v1/moves"), ("GET", "/hr/v1/events"), ("GET", "/hr/v1/events/1"), ("GET", "/hr/v1/workers/E1"),
        ("GET", "/hr/v1/openapi/hr.json"),
    ];

    private static async Task<HttpStatusCode> CallAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent(HrApiKit.Terminate("employeeNumber", "E1"), System.Text.Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // A refusal says why, as ProblemDetails, with the bearer challenge.
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("HR token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        return response.StatusCode;
    }

    [Theory, AllDatabases]
    public async Task NoRouteOrWrongMethod_UnderHr_IsAProblemDetails(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        var hr = await app.HrAsync();

        foreach (var (method, path, status) in new[] { ("GET", "/hr/v1/nothing-here", HttpStatusCode.NotFound), ("DELETE", "/hr/v1/terminations", HttpStatusCode.MethodNotAllowed) })
        {
            using var response = await hr.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"\"status\":{(int)status}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Theory, AllDatabases]
    public async Task HrToken_OpensOnlyTheHrApi(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        var hr = await app.HrAsync();

        Assert.Equal(HttpStatusCode.OK, (await hr.GetAsync("/hr/v1/events")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hr.GetAsync("/scim/v2/Users")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hr.GetAsync("/admin/api/whoami")).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task ScimAdminNoneOrRevokedTokens_GetA401_OnEveryHrEndpoint(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "e1@example.com", employeeNumber: "E1");
        var admin = await app.AdminAsync();
        using var none = app.CreateScimClient(null);
        using var garbage = app.CreateScimClient("scb_nope_nope");
        var created = await app.WithScopeAsync(s => s.GetRequiredService<TokenService>().CreateAsync("workday", TokenScopes.Hr, CancellationToken.None));
        using var revoked = app.CreateScimClient(created.Token);
        Assert.Equal(HttpStatusCode.OK, (await revoked.GetAsync("/hr/v1/events")).StatusCode);
        Assert.True(await app.WithScopeAsync(s => s.GetRequiredService<TokenService>().RevokeAsync("workday", CancellationToken.None)));

        foreach (var (name, client) in new[] { ("scim", app.Scim), ("admin", admin), ("none", none), ("garbage", garbage), ("revoked", revoked) })
        {
            foreach (var (method, path) in Endpoints)
            {
                Assert.True(await CallAsync(client, method, path) == HttpStatusCode.Unauthorized, $"{name} token: {method} {path} was not refused");
            }
        }
        // Nothing got through.
        Assert.Empty(await HrApiKit.EventsAsync(app));
    }
}
