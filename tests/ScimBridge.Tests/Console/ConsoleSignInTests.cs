using ScimBridge.Admin;
using ScimBridge.Admin.Pages;

namespace ScimBridge.Tests.Console;

public sealed class ConsoleSignInTests
{
    [Theory, AllDatabases]
    public async Task SignIn_WithTheRightPassword_OpensTheDashboard_WithAStrictHttpOnlySessionCookie(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync("Alice");
        using var browser = app.Browser();

        using var response = await browser.SignInAsync("alice");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("scimbridge-admin=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var dashboard = await browser.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var html = await dashboard.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Dashboard</h1>", html, StringComparison.Ordinal);
        Assert.Contains(">Alice</span>", html, StringComparison.Ordinal);
        var stored = await app.DbAsync(db => db.AdminAccounts.SingleAsync());
        Assert.NotNull(stored.LastLoginAt);
        Assert.False(await app.DbAsync(db => db.AdminSignInFailures.AnyAsync()));
    }

    [Theory, AllDatabases]
    public async Task SignIn_WithAWrongPasswordOrUnknownUser_ShowsTheSameGenericError_AndCountsTheFailure(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();

        foreach (var (user, password) in new[] { ("alice", "wrong password!"), ("nobody", ConsoleHttp.Password) })
        {
            using var response = await browser.SignInAsync(user, password);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(LoginModel.FailedMessage, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("scimbridge-admin=", StringComparison.Ordinal)));
        }

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin")).StatusCode);
        var accountId = await app.DbAsync(db => db.AdminAccounts.Select(a => a.Id).SingleAsync());
        var failures = await app.DbAsync(db => db.AdminSignInFailures.ToListAsync());
        Assert.Equal(1, failures.Single(f => f.AccountId == accountId).FailedAttempts);
        Assert.Equal(1, failures.Single(f => f.AccountId != accountId).FailedAttempts);
    }

    /// <summary>A name without an account locks like a real one, so the answers do not tell which admin names exist.</summary>
    [Theory, AllDatabases]
    public async Task SignIn_AnUnknownOrDisabledName_LocksAfterFiveFailuresLikeARealAccount(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Admin:SignIn:PerAddressPerMinute"] = "100" });
        await app.CreateAdminAsync();
        await app.CreateAdminAsync("bob");
        Assert.True(await app.WithScopeAsync(s => s.GetRequiredService<AdminAccounts>().DisableAsync("bob", CancellationToken.None)));
        using var browser = app.Browser();

        foreach (var user in new[] { "alice", "nobody", "bob" })
        {
            var answers = new List<string>();
            for (var i = 1; i <= 6; i++)
            {
                answers.Add(await (await browser.SignInAsync(user, $"wrong password {i}")).Content.ReadAsStringAsync());
            }

            Assert.All(answers.Take(4), html => Assert.Contains(LoginModel.FailedMessage, html, StringComparison.Ordinal));
            Assert.All(answers.Skip(4), html => Assert.Contains("locked for your address", html, StringComparison.Ordinal));
        }

        Assert.DoesNotContain(await app.DbAsync(db => db.AdminSignInFailures.Select(f => f.AccountId).ToListAsync()),
            id => id.Contains("NOBODY", StringComparison.OrdinalIgnoreCase));
    }

    [Theory, AllDatabases]
    public async Task SignIn_AfterFiveFailures_IsLockedEvenWithTheRightPassword_UntilUnlocked(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        var before = DateTimeOffset.UtcNow;

        for (var i = 1; i <= 5; i++)
        {
            var html = await (await browser.SignInAsync("alice", $"wrong password {i}")).Content.ReadAsStringAsync();
            Assert.Equal(i == 5, html.Contains("locked", StringComparison.Ordinal));
        }

        var right = await browser.SignInAsync("alice", ConsoleHttp.Password);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var body = await right.Content.ReadAsStringAsync();
        Assert.Contains("locked", body, StringComparison.Ordinal);
        Assert.DoesNotContain(LoginModel.FailedMessage, body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin")).StatusCode);
        var stored = await app.DbAsync(db => db.AdminAccounts.SingleAsync());
        var lockout = await app.DbAsync(db => db.AdminSignInFailures.SingleAsync());
        Assert.InRange(lockout.LockedUntil!.Value, before.AddMinutes(15), DateTimeOffset.UtcNow.AddMinutes(15));
        Assert.Null(stored.LastLoginAt);

        Assert.True(await app.WithScopeAsync(s => s.GetRequiredService<AdminAccounts>().UnlockAsync("ALICE", CancellationToken.None)));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("alice", ConsoleHttp.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task SignIn_PostWithoutTheAntiforgeryToken_IsRefusedWith400_AndChecksNoPassword(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.GetAsync("/admin/login");

        using var response = await browser.PostFormAsync("/admin/login", new Dictionary<string, string> { ["username"] = "alice", ["password"] = "wrong password!" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(await app.DbAsync(db => db.AdminSignInFailures.AnyAsync()));
    }

    [Theory, AllDatabases]
    public async Task SignIn_ReturnUrl_IsFollowedOnlyWhenItIsOnThisSite(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();

        foreach (var (returnUrl, expected) in new[]
                 {
                     ("/admin/tokens", "/admin/tokens"), ("https://evil.example/admin", "/admin"), ("//evil.example/admin", "/admin"), ("/\\evil.example", "/admin"),
                 })
        {
            using var browser = app.Browser();
            using var response = await browser.SignInAsync(returnUrl: returnUrl);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(expected, response.Headers.Location!.OriginalString);
        }
    }

    [Theory, AllDatabases]
    public async Task ConsolePages_WithoutASession_RedirectToSignIn_EvenWithAnAdminBearerToken_WhileHealthAndStylesheetAreOpen(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        using var anonymous = app.Browser();
        var admin = await app.AdminAsync();

        foreach (var client in new[] { anonymous, admin })
        {
            foreach (var page in new[] { "/admin", "/admin/tokens", "/admin/tokens/revoke?name=x", "/admin/mapping", "/admin/accounts" })
            {
                using var response = await client.GetAsync(page);
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.StartsWith("/admin/login?ReturnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        using var css = await anonymous.GetAsync("/admin/console.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains(".top {", await css.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var etag = Assert.IsType<System.Net.Http.Headers.EntityTagHeaderValue>(css.Headers.ETag);
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/admin/console.css") { Headers = { IfNoneMatch = { etag } } };
        using var unchanged = await anonymous.SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
        using var weak = new HttpRequestMessage(HttpMethod.Get, "/admin/console.css") { Headers = { IfNoneMatch = { new(etag.Tag, isWeak: true) } } };
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(weak)).StatusCode);
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/admin/console.css") { Headers = { IfNoneMatch = { new("\"old\"") } } };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(stale)).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task ConsolePages_SendSecurityHeaders_AndAntiforgeryCookieIsStrictHttpOnly(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();

        using var login = await browser.GetAsync("/admin/login");
        var csrf = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("scimbridge-csrf=", StringComparison.Ordinal));
        Assert.Contains("httponly", csrf, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", csrf, StringComparison.OrdinalIgnoreCase);
        await browser.SignInAsync();

        foreach (var page in new[] { "/admin/login", "/admin", "/admin/tokens", "/admin/mapping", "/admin/accounts" })
        {
            using var response = await browser.GetAsync(page);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(ConsoleSecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.True(response.Headers.CacheControl!.NoStore);
            Assert.DoesNotContain("<script", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory, AllDatabases]
    public async Task SignOut_IsPostOnly_AndEndsTheSession(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await browser.GetAsync("/admin/logout")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostFormAsync("/admin/logout", new Dictionary<string, string>())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);

        using var signOut = await browser.PostFormAsync("/admin/logout", new Dictionary<string, string>(), tokenFrom: "/admin");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/admin/login", signOut.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin")).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task DisablingAnAccount_EndsItsOpenSession(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin")).StatusCode);

        Assert.True(await app.WithScopeAsync(s => s.GetRequiredService<AdminAccounts>().DisableAsync("alice", CancellationToken.None)));

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin")).StatusCode);
        var again = await browser.SignInAsync();
        Assert.Contains(LoginModel.FailedMessage, await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(await app.DbAsync(db => db.AdminAccounts.Select(a => a.DisabledAt).SingleAsync()));
    }

    [Theory, AllDatabases]
    public async Task ResettingAPassword_EndsTheSessionsOpenedWithTheOldOne_ButNotNewOnes(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var before = app.Browser();
        await before.SignInAsync();
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/admin")).StatusCode);

        const string newPassword = "a different long passphrase";
        Assert.True(await app.WithScopeAsync(s => s.GetRequiredService<AdminAccounts>().SetPasswordAsync("alice", newPassword, CancellationToken.None)));

        using var ended = await before.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Contains("/admin/login", ended.Headers.Location!.OriginalString, StringComparison.Ordinal);
        using var after = app.Browser();
        await after.SignInAsync(password: newPassword);
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/admin/logs")).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task AdminApi_CookiePostWithoutAntiforgeryToken_IsRefused_WhileWithTheTokenOrABearerTokenItWorks(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();
        Assert.Contains("\"alice\"", await browser.GetStringAsync("/admin/api/whoami"), StringComparison.Ordinal);
        await app.SeedSignInFailuresAsync("alice", 3);

        using var forged = await browser.PostAsync("/admin/api/accounts/alice/unlock", null);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, await app.DbAsync(db => db.AdminSignInFailures.Select(f => f.FailedAttempts).SingleAsync()));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/api/accounts/alice/unlock");
        request.Headers.Add("RequestVerificationToken", await browser.AntiforgeryTokenAsync("/admin/tokens"));
        Assert.Equal(HttpStatusCode.NoContent, (await browser.SendAsync(request)).StatusCode);
        Assert.False(await app.DbAsync(db => db.AdminSignInFailures.AnyAsync()));

        var admin = await app.AdminAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/admin/api/accounts/alice/unlock", null)).StatusCode);
        using var unknown = await admin.PostAsync("/admin/api/accounts/nobody/unlock", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}
