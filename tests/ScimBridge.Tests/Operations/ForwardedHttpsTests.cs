using System.Text.RegularExpressions;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Operations;

/// <summary>Behind a TLS-terminating proxy: forwarded scheme, host and client address are believed only from the configured proxies.</summary>
public sealed partial class ForwardedHttpsTests
{
    private const string PublicHost = "bridge.example.com";

    [Theory, AllDatabases]
    public async Task FromATrustedProxy_ForwardedHttps_MakesCookiesSecure_SendsHsts_AndLinksHttps(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" }, kestrel: true);
        await app.CreateAdminAsync();
        using var proxy = ProxiedClient(app);

        var (login, antiforgeryCookie) = await ReadLoginAsync(proxy);
        Assert.Contains("; secure", antiforgeryCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("max-age=31536000", login.Headers.GetValues("Strict-Transport-Security").Single());
        using var signIn = await SignInAsync(proxy, login, antiforgeryCookie);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var session = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("scimbridge-admin=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);

        using var created = await PostUserAsync(proxy, app.Token);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith($"https://{PublicHost}/scim/v2/Users/", created.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task WithoutATrustedProxy_ForwardedHeadersAreIgnored_NoSecureCookieNoHsts(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, kestrel: true);
        using var client = ProxiedClient(app);

        var (login, antiforgeryCookie) = await ReadLoginAsync(client);

        Assert.DoesNotContain("secure", antiforgeryCookie, StringComparison.OrdinalIgnoreCase);
        Assert.False(login.Headers.Contains("Strict-Transport-Security"));
        using var created = await PostUserAsync(client, app.Token);
        Assert.StartsWith($"http://{app.BaseAddress.Authority}/scim/v2/Users/", created.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task AssumeHttps_MakesCookiesSecureAndSendsHsts_ForAProxyThatForwardsNoScheme(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Https:AssumeHttps"] = "true", ["Https:HstsMaxAgeDays"] = "30" }, kestrel: true);
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Host = PublicHost;

        var (login, antiforgeryCookie) = await ReadLoginAsync(client);

        Assert.Contains("; secure", antiforgeryCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("max-age=2592000", login.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Theory, AllDatabases]
    public async Task AMalformedProxyAddressOrNetwork_StopsTheStart_NamingTheKey(DatabaseProvider provider)
    {
        foreach (var (key, value) in new[] { ("ForwardedHeaders:KnownProxies:0", "proxy.internal"), ("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/40") })
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await using var app = await ScimApp.StartAsync(provider, new() { [key] = value });
            });
            Assert.Contains(key, Flatten(error), StringComparison.Ordinal);
        }
    }

    /// <summary>A client the way the proxy talks to the bridge: the original scheme, host and client address in X-Forwarded-*, cookies handled by hand (a cookie jar keeps Secure cookies off plain HTTP).</summary>
    private static HttpClient ProxiedClient(ScimApp app)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-Host", PublicHost);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.7");
        return client;
    }

    private static async Task<(HttpResponseMessage Page, string AntiforgeryCookie)> ReadLoginAsync(HttpClient client)
    {
        var page = await client.GetAsync("/admin/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return (page, page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("scimbridge-csrf=", StringComparison.Ordinal)));
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, HttpResponseMessage login, string antiforgeryCookie)
    {
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(await login.Content.ReadAsStringAsync()).Groups[1].Value);
        var request = new HttpRequestMessage(HttpMethod.Post, "/admin/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = "alice",
                ["password"] = ConsoleHttp.Password,
                ["__RequestVerificationToken"] = token,
            }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie.Split(';')[0]);
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostUserAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/scim/v2/Users")
        {
            Content = new StringContent(Bodies.User("forwarded@example.com").ToJsonString(), System.Text.Encoding.UTF8, ScimApp.Media),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    private static string Flatten(Exception error) => error.InnerException is null ? error.ToString() : $"{error}\n{Flatten(error.InnerException)}";

    [GeneratedRegex("""name="__RequestVerificationToken" type="hidden" value="([^"]+)" """)]
    private static partial Regex AntiforgeryField();
}
