using ScimBridge.Admin.Pages;

namespace ScimBridge.Tests.Console;

/// <summary>The anonymous sign-in form under attack: limits per client address and in total, bounded password checks, and lockouts per address.</summary>
public sealed class SignInLimitTests
{
    private const string AddressA = "198.51.100.7";
    private const string AddressB = "203.0.113.9";
    private static readonly Dictionary<string, string?> BehindProxy = new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" };

    [Theory, AllDatabases]
    public async Task SignIn_OverThePerAddressLimit_Is429WithRetryAfterAndAPage_WhileAnotherAddressBehindTheProxyGetsIn(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, With(BehindProxy, "Admin:SignIn:PerAddressPerMinute", "3"), kestrel: true);
        await app.CreateAdminAsync();
        using var attacker = app.BrowserFrom(AddressA);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await attacker.SignInAsync(password: "wrong password!")).StatusCode);
        }

        using var refused = await attacker.SignInAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains(LoginModel.TooManyMessage, page, StringComparison.Ordinal);
        Assert.Contains("<form", page, StringComparison.Ordinal);
        Assert.Equal(3, await app.DbAsync(db => db.AdminSignInFailures.Where(f => f.Address == AddressA).Select(f => f.FailedAttempts).SingleAsync()));
        using var admin = app.BrowserFrom(AddressB);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/api/whoami")).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task SignIn_ForwardedForFromAnUntrustedClient_IsIgnored_SoItCannotDodgeTheLimit(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Admin:SignIn:PerAddressPerMinute"] = "2" }, kestrel: true);
        await app.CreateAdminAsync();
        using var first = app.BrowserFrom(AddressA);
        using var second = app.BrowserFrom(AddressB);

        Assert.Equal(HttpStatusCode.OK, (await first.SignInAsync(password: "wrong password!")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.SignInAsync(password: "wrong password!")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await second.SignInAsync()).StatusCode);

        var failure = await app.DbAsync(db => db.AdminSignInFailures.SingleAsync());
        Assert.Equal("127.0.0.1", failure.Address);
        Assert.Equal(2, failure.FailedAttempts);
    }

    [Theory, AllDatabases]
    public async Task SignIn_OverTheGlobalLimit_Is429ForEveryAddress(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, With(BehindProxy, "Admin:SignIn:GlobalPerMinute", "2"), kestrel: true);
        await app.CreateAdminAsync();

        foreach (var address in new[] { "192.0.2.1", "192.0.2.2" })
        {
            using var client = app.BrowserFrom(address);
            Assert.Equal(HttpStatusCode.OK, (await client.SignInAsync(password: "wrong password!")).StatusCode);
        }

        using var another = app.BrowserFrom("192.0.2.3");
        using var refused = await another.SignInAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Theory, AllDatabases]
    public async Task Lockout_FromOneAddress_DoesNotStopTheRightPasswordFromAnother(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, BehindProxy, kestrel: true);
        await app.CreateAdminAsync();
        using var attacker = app.BrowserFrom(AddressA);

        for (var i = 1; i <= 5; i++)
        {
            var html = await (await attacker.SignInAsync(password: $"wrong password {i}")).Content.ReadAsStringAsync();
            Assert.Equal(i == 5, html.Contains("locked", StringComparison.Ordinal));
        }

        Assert.Contains("locked", await (await attacker.SignInAsync()).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var admin = app.BrowserFrom(AddressB);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.SignInAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin")).StatusCode);
        var lockout = await app.DbAsync(db => db.AdminSignInFailures.SingleAsync());
        Assert.Equal(AddressA, lockout.Address);
        Assert.NotNull(lockout.LockedUntil);
    }

    [Theory, AllDatabases]
    public async Task SignIn_PasswordChecksWaitTheirTurn_AndOnesThatWaitTooLongAre503WithAPage(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new()
        {
            ["Admin:SignIn:PerAddressPerMinute"] = "100",
            ["Admin:SignIn:MaxConcurrentChecks"] = "1",
            ["Admin:SignIn:QueueSeconds"] = "0.1",
        });
        await app.CreateAdminAsync();
        var clients = Enumerable.Range(0, 8).Select(_ => app.Browser()).ToList();
        var tokens = await Task.WhenAll(clients.Select(c => c.AntiforgeryTokenAsync("/admin/login")));

        var responses = await Task.WhenAll(clients.Select((c, i) => c.PostAsync("/admin/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "alice",
            ["password"] = "wrong password!",
            ["__RequestVerificationToken"] = tokens[i],
        }))));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.Contains(LoginModel.BusyMessage, await busy[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, string key, string value) => new(settings) { [key] = value };
}
