namespace ScimBridge.Tests.Console;

/// <summary>Sign-out ends the session on the server: a saved copy of the cookie opens nothing afterwards, on any replica.</summary>
public sealed class ConsoleSessionTests
{
    [Theory, AllDatabases]
    public async Task SignOut_ASavedCopyOfTheCookie_IsRefusedByTheApiAndThePages(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        var cookie = SessionCookie(await browser.SignInAsync());
        using var saved = app.CreateScimClient(null);
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(saved, "/admin/api/whoami", cookie)).StatusCode);

        using var signOut = await browser.PostFormAsync("/admin/logout", new Dictionary<string, string>(), tokenFrom: "/admin");
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        await AssertRefusedAsync(saved, cookie);
        Assert.False(await app.DbAsync(db => db.AdminSessions.AnyAsync()));
    }

    [Theory, AllDatabases]
    public async Task SignOut_OnOneInstance_EndsTheSavedCookieOnAnother(DatabaseProvider provider)
    {
        await using var a = await ScimApp.StartAsync(provider);
        await a.DbAsync(db => db.ScimTokens.Where(t => t.Name == "test-client").ExecuteUpdateAsync(u => u.SetProperty(t => t.Name, "instance-a")));
        await using var b = await ScimApp.StartAsync(provider, database: new TestDatabase(provider, a.ConnectionString, () => Task.CompletedTask));
        await a.CreateAdminAsync();
        using var browser = a.Browser();
        var cookie = SessionCookie(await browser.SignInAsync());
        using var elsewhere = b.CreateScimClient(null);
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(elsewhere, "/admin/api/whoami", cookie)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetWithCookieAsync(elsewhere, "/admin/tokens", cookie)).StatusCode);

        await browser.PostFormAsync("/admin/logout", new Dictionary<string, string>(), tokenFrom: "/admin");

        await AssertRefusedAsync(elsewhere, cookie);
    }

    [Theory, AllDatabases]
    public async Task SignIn_PrunesSessionsThatExpired(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var account = await app.CreateAdminAsync();
        await app.DbAsync(db =>
        {
            db.AdminSessions.Add(new AdminSessionRecord { Id = "expired", AccountId = account.Id, CreatedAt = DateTimeOffset.UtcNow.AddDays(-2), ExpiresAt = DateTimeOffset.UtcNow.AddDays(-1) });
            return db.SaveChangesAsync();
        });
        using var browser = app.Browser();

        await browser.SignInAsync();

        var session = await app.DbAsync(db => db.AdminSessions.SingleAsync());
        Assert.NotEqual("expired", session.Id);
        Assert.Equal(account.Id, session.AccountId);
    }

    private static async Task AssertRefusedAsync(HttpClient client, string cookie)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetWithCookieAsync(client, "/admin/api/whoami", cookie)).StatusCode);
        using var page = await GetWithCookieAsync(client, "/admin/tokens", cookie);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/admin/login", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>The session cookie as a browser would send it back (name=value).</summary>
    private static string SessionCookie(HttpResponseMessage signIn)
    {
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("scimbridge-admin=", StringComparison.Ordinal)).Split(';')[0];
    }

    private static Task<HttpResponseMessage> GetWithCookieAsync(HttpClient client, string path, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }
}
