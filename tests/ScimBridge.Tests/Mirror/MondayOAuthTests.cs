extern alias MondaySim;

using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Monday;
using ScimBridge.Tests.Console;
using SimOAuth = MondaySim::ScimBridge.MondaySim.OAuth;

namespace ScimBridge.Tests.Mirror;

/// <summary>
/// "Connect monday.com" end to end over real HTTP: the console on Kestrel, the simulator's OAuth app on Kestrel, a cookie
/// jar per browser and every redirect followed by hand.
/// </summary>
public sealed partial class MondayOAuthTests
{
    private const string Page = "/admin/subscriptions/connect";
    private const string ClientId = "bridge-client";
    private const string ClientSecret = "bridge-client-secret-value";

    [Theory, AllDatabases]
    public async Task Connecting_StoresTheTokenEncrypted_TheMirrorCredentialIsTheBearerWithItsScopes_AndGraphQlAnswersWithIt(DatabaseProvider provider)
    {
        await using var env = await Env.StartAsync(provider);
        var browser = await env.SignedInAsync();

        var before = await browser.GetStringAsync(Page);
        Assert.Equal("None: the mirror cannot run", Text(before, "credential"));
        Assert.Equal("Connect monday.com", Text(before, "connect"));
        Assert.Equal(env.App.BaseAddress + "admin/oauth/monday/callback", Text(before, "redirect-uri"));

        // The connect form's redirect goes to monday, so the page's CSP must allow it as a form action.
        using var page = await browser.Client.GetAsync(Page);
        Assert.Contains($"form-action 'self' {env.Sim.BaseUrl}", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var authorize = await Env.StartConnectAsync(browser);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.StartsWith(env.Sim.BaseUrl + "/oauth2/authorize?", authorize.ToString(), StringComparison.Ordinal);
        Assert.Equal(ClientId, query["client_id"]);
        Assert.Equal("users:read account:read users:write", query["scope"]);
        Assert.Equal(env.App.BaseAddress + "admin/oauth/monday/callback", query["redirect_uri"]);
        Assert.Equal("code", query["response_type"]);
        Assert.True(query["state"].ToString().Length >= 40, "the state is a long random nonce");
        Assert.False(query.ContainsKey("code_challenge"), "the classic flow sends no PKCE challenge");

        var callback = await env.AuthorizeAsync(authorize);
        var outcome = await browser.FollowCallbackAsync(callback);
        Assert.StartsWith("Connected to monday.com. Granted: account:read users:read users:write.", Text(outcome, "outcome"), StringComparison.Ordinal);
        Assert.StartsWith("OAuth, connected by alice at ", Text(outcome, "credential"), StringComparison.Ordinal);
        Assert.Equal("account:read users:read users:write", Text(outcome, "scopes"));
        Assert.StartsWith("Can run", Text(outcome, "mirror-scopes"), StringComparison.Ordinal);
        Assert.StartsWith("Can run", Text(outcome, "reclamation-scopes"), StringComparison.Ordinal);
        Assert.Equal("Reconnect", Text(outcome, "connect"));

        var credential = await env.CredentialAsync();
        Assert.NotNull(credential);
        Assert.Equal(MondayApiCredential.OAuth, credential.Kind);
        Assert.StartsWith("Bearer ", credential.AuthorizationHeader, StringComparison.Ordinal);
        Assert.Equal(["account:read", "users:read", "users:write"], credential.Scopes!.Order(StringComparer.Ordinal));
        Assert.Empty(MondayScopes.Missing(credential, MondayScopes.Requested));
        var token = credential.AuthorizationHeader["Bearer ".Length..];
        Assert.DoesNotContain(token, credential.ToString(), StringComparison.Ordinal);

        var row = await env.App.DbAsync(db => db.AppConnections.AsNoTracking().SingleAsync());
        Assert.Equal(MirrorApps.Monday, row.App);
        Assert.Equal("alice", row.ConnectedBy);
        Assert.Null(row.ExpiresAt);
        Assert.Null(row.ProtectedRefreshToken);
        Assert.Equal("account:read users:read users:write", row.Scopes);
        Assert.DoesNotContain(token, row.ProtectedAccessToken, StringComparison.Ordinal);
        Assert.Equal(token, env.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(MondayOAuth.TokenPurpose).Unprotect(row.ProtectedAccessToken));
        Assert.False(await env.DatabaseContainsAsync(token), "the token appears in the database in clear");

        var users = await env.GraphQlAsync(credential.AuthorizationHeader, "{ users(limit: 5) { id email } account { id plan { max_users } } }");
        Assert.Null(users["errors"]);
        Assert.NotNull(users["data"]!["users"]);
        // The mirror's monday.com source runs on it.
        var source = env.SeatSource();
        Assert.Null(await source.CheckAsync(CancellationToken.None));
        Assert.NotNull((await source.GetAccountAsync(CancellationToken.None)).AccountId);

        // The same answer again (the browser's back button, or someone who saw the URL) is refused, and changes nothing.
        var replay = await browser.FollowCallbackAsync(callback);
        Assert.Contains("used already", Text(replay, "outcome"), StringComparison.Ordinal);
        Assert.Equal(row.ProtectedAccessToken, (await env.App.DbAsync(db => db.AppConnections.AsNoTracking().SingleAsync())).ProtectedAccessToken);
    }

    [Theory, AllDatabases]
    public async Task TooFewScopes_ThePageNamesTheMissingScope_ForTheMirrorAndForReclamation(DatabaseProvider provider)
    {
        await using var env = await Env.StartAsync(provider, new() { ["Monday:OAuth:Scopes"] = "users:read" });
        var browser = await env.SignedInAsync();

        var outcome = await browser.FollowCallbackAsync(await env.AuthorizeAsync(await Env.StartConnectAsync(browser)));
        Assert.Equal("Connected to monday.com, but the mirror cannot run: missing account:read. Granted: users:read.", Text(outcome, "outcome"));
        Assert.Equal("users:read", Text(outcome, "scopes"));
        Assert.StartsWith("The mirror cannot run: missing account:read.", Text(outcome, "mirror-scopes"), StringComparison.Ordinal);
        Assert.Equal("Cannot deactivate users or change roles: missing users:write.", Text(outcome, "reclamation-scopes"));
        var credential = await env.CredentialAsync();
        Assert.Equal(["account:read"], MondayScopes.Missing(credential!, MondayScopes.Mirror));
        var problem = await env.SeatSource().CheckAsync(CancellationToken.None);
        Assert.Equal("MissingScope", problem?.Code);
        Assert.Contains("account:read", problem!.Message, StringComparison.Ordinal);

        // A token without users:read (an app version that lost it): the page says the mirror cannot run, by name.
        await env.App.DbAsync(db => db.AppConnections.ExecuteUpdateAsync(s => s.SetProperty(c => c.Scopes, "account:read")));
        var narrowed = await browser.GetStringAsync(Page);
        Assert.StartsWith("The mirror cannot run: missing users:read.", Text(narrowed, "mirror-scopes"), StringComparison.Ordinal);
        Assert.Contains("users:read", (await env.SeatSource().CheckAsync(CancellationToken.None))!.Message, StringComparison.Ordinal);

        // monday.com refuses scopes the app's version does not have.
        env.Sim.State.OAuth.Scopes = SimOAuth.OAuthApp.ParseScopes("account:read");
        var refused = await browser.FollowCallbackAsync(await env.AuthorizeAsync(await Env.StartConnectAsync(browser)));
        Assert.Contains("(invalid_scope)", Text(refused, "outcome"), StringComparison.Ordinal);
        Assert.Contains("users:read", Text(refused, "outcome"), StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task TheState_TamperedReplayedExpiredOrFromAnotherSession_IsRefused_AndNothingIsStored(DatabaseProvider provider)
    {
        await using var env = await Env.StartAsync(provider);
        var browser = await env.SignedInAsync();

        var callback = await env.AuthorizeAsync(await Env.StartConnectAsync(browser));
        var tampered = Regex.Replace(callback.ToString(), "state=([^&]+)", m => "state=x" + m.Groups[1].Value);
        Assert.Contains("does not match", Text(await browser.FollowCallbackAsync(new Uri(tampered)), "outcome"), StringComparison.Ordinal);
        // The tampered try used the state up: the genuine answer after it is refused too.
        Assert.Contains("used already", Text(await browser.FollowCallbackAsync(callback), "outcome"), StringComparison.Ordinal);

        // Another admin's session cannot complete a connection this one started, even with its state cookie.
        var bob = env.NewBrowser();
        await env.SignInAsync(bob, "bob");
        var started = await Env.StartConnectAsync(browser);
        var stolen = await bob.FollowCallbackAsync(await env.AuthorizeAsync(started), stateCookie: browser.Cookie(MondayOAuth.StateCookie));
        Assert.Contains("another console session", Text(stolen, "outcome"), StringComparison.Ordinal);

        // Ten minutes are up: a state sealed with a past deadline, for this very session.
        var session = await env.App.DbAsync(db => db.AdminSessions
            .Join(db.AdminAccounts.Where(a => a.UserName == "alice"), s => s.AccountId, a => a.Id, (s, a) => s.Id).SingleAsync());
        var oauth = env.App.Services.GetRequiredService<MondayOAuth>();
        var expired = oauth.ProtectState("nonce-1", session, DateTimeOffset.UtcNow.AddSeconds(-1), env.App.BaseAddress + "admin/oauth/monday/callback", null);
        var late = Regex.Replace((await env.AuthorizeAsync(await Env.StartConnectAsync(browser))).ToString(), "state=([^&]+)", "state=nonce-1");
        Assert.Contains("expired", Text(await browser.FollowCallbackAsync(new Uri(late), stateCookie: expired), "outcome"), StringComparison.Ordinal);

        // A callback without any state cookie (a link someone was sent).
        var stranger = env.NewBrowser();
        await env.SignInAsync(stranger, "bob");
        Assert.Contains("used already", Text(await stranger.FollowCallbackAsync(await env.AuthorizeAsync(await Env.StartConnectAsync(browser))), "outcome"), StringComparison.Ordinal);

        Assert.Equal(0, await env.App.DbAsync(db => db.AppConnections.CountAsync()));
        Assert.Null(await env.CredentialAsync());
    }

    [Theory, AllDatabases]
    public async Task DeniedNotInstalledOrRefusedCode_IsShownToTheAdmin_NeverA500(DatabaseProvider provider)
    {
        await using var env = await Env.StartAsync(provider);
        var browser = await env.SignedInAsync();

        env.Sim.State.OAuth.Consent = SimOAuth.OAuthConsent.Deny;
        var denied = Text(await browser.FollowCallbackAsync(await env.AuthorizeAsync(await Env.StartConnectAsync(browser))), "outcome");
        Assert.StartsWith("monday.com denied access (access_denied). monday.com said: The user denied the request.", denied, StringComparison.Ordinal);

        env.Sim.State.OAuth.Consent = SimOAuth.OAuthConsent.Approve;
        env.Sim.State.OAuth.Installed = false;
        var notInstalled = Text(await browser.FollowCallbackAsync(await env.AuthorizeAsync(await Env.StartConnectAsync(browser))), "outcome");
        Assert.Contains("USER_ACCESS_DENIED", notInstalled, StringComparison.Ordinal);
        Assert.Contains("install", notInstalled, StringComparison.Ordinal);

        // The code is redeemed once: a second exchange of the same code is invalid_grant.
        env.Sim.State.OAuth.Installed = true;
        var callback = await env.AuthorizeAsync(await Env.StartConnectAsync(browser));
        var code = QueryHelpers.ParseQuery(callback.Query)["code"].ToString();
        env.Sim.State.OAuth.RedeemCode(code);
        var refused = Text(await browser.FollowCallbackAsync(callback), "outcome");
        Assert.StartsWith("monday.com refused the authorization code (invalid_grant).", refused, StringComparison.Ordinal);

        // A wrong secret is invalid_client, named with the keys to check.
        env.Sim.State.OAuth.ClientSecret = "rotated";
        var badClient = Text(await browser.FollowCallbackAsync(await env.AuthorizeAsync(await Env.StartConnectAsync(browser))), "outcome");
        Assert.Contains("(invalid_client)", badClient, StringComparison.Ordinal);
        Assert.Contains("Monday:OAuth:ClientSecret", badClient, StringComparison.Ordinal);
        Assert.DoesNotContain(ClientSecret, badClient, StringComparison.Ordinal);

        Assert.Equal(0, await env.App.DbAsync(db => db.AppConnections.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task OAuth21_SendsPkce_StoresARefreshToken_AndRefreshesAnExpiredToken(DatabaseProvider provider)
    {
        await using var env = await Env.StartAsync(provider, new() { ["Monday:OAuth:UsePkce"] = "true" });
        env.Sim.State.OAuth.Flow = SimOAuth.OAuthFlow.OAuth21;
        var browser = await env.SignedInAsync();

        var authorize = await Env.StartConnectAsync(browser);
        var query = QueryHelpers.ParseQuery(authorize.Query);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.True(query["code_challenge"].ToString().Length == 43);
        var outcome = await browser.FollowCallbackAsync(await env.AuthorizeAsync(authorize));
        Assert.StartsWith("Connected to monday.com.", Text(outcome, "outcome"), StringComparison.Ordinal);
        Assert.EndsWith("(refreshed automatically)", Text(outcome, "expires"), StringComparison.Ordinal);

        var first = await env.CredentialAsync();
        var row = await env.App.DbAsync(db => db.AppConnections.AsNoTracking().SingleAsync());
        Assert.NotNull(row.ProtectedRefreshToken);
        Assert.InRange(row.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
        var protector = env.App.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(MondayOAuth.TokenPurpose);
        var firstRefresh = protector.Unprotect(row.ProtectedRefreshToken);
        Assert.False(await env.DatabaseContainsAsync(firstRefresh), "the refresh token appears in the database in clear");

        // The access token is about to expire: the next use refreshes it, and the refresh token rotates.
        await env.App.DbAsync(db => db.AppConnections.ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(30))));
        var second = await env.CredentialAsync();
        Assert.NotEqual(first!.AuthorizationHeader, second!.AuthorizationHeader);
        Assert.Equal(first.Scopes!.Order(), second.Scopes!.Order());
        var refreshed = await env.App.DbAsync(db => db.AppConnections.AsNoTracking().SingleAsync());
        Assert.True(refreshed.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(55));
        Assert.NotEqual(firstRefresh, protector.Unprotect(refreshed.ProtectedRefreshToken!));
        Assert.Null((await env.GraphQlAsync(second.AuthorizationHeader, "{ users(limit: 1) { id } }"))["errors"]);
        Assert.Equal(second.AuthorizationHeader, (await env.CredentialAsync())!.AuthorizationHeader);

        // A refresh token monday no longer knows (the app was uninstalled): a clear error that says to reconnect.
        env.Sim.State.OAuth.Revoke(protector.Unprotect(refreshed.ProtectedRefreshToken!));
        await env.App.DbAsync(db => db.AppConnections.ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        var error = await Assert.ThrowsAsync<MirrorSourceException>(env.CredentialAsync);
        Assert.Equal("Unauthorized", error.Code);
        Assert.Contains("invalid_grant", error.Message, StringComparison.Ordinal);
        Assert.Contains("reconnect", error.Message, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task Disconnect_DeletesTheConnection_AndTheCredentialFallsBackToThePersonalToken(DatabaseProvider provider)
    {
        await using var env = await Env.StartAsync(provider, new() { ["Monday:ApiToken"] = "sim-api-token" });
        var browser = await env.SignedInAsync();
        Assert.Equal("Personal API token (Monday:ApiToken)", Text(await browser.GetStringAsync(Page), "credential"));
        Assert.Equal(MondayApiCredential.PersonalToken, (await env.CredentialAsync())!.Kind);

        await browser.FollowCallbackAsync(await env.AuthorizeAsync(await Env.StartConnectAsync(browser)));
        Assert.Equal(MondayApiCredential.OAuth, (await env.CredentialAsync())!.Kind);

        using var disconnect = await browser.Client.PostFormAsync($"{Page}?handler=Disconnect", new Dictionary<string, string>(), tokenFrom: Page);
        var html = await browser.Client.FollowAsync(disconnect);
        Assert.StartsWith("Disconnected", Text(html, "outcome"), StringComparison.Ordinal);
        Assert.Equal("Personal API token (Monday:ApiToken)", Text(html, "credential"));
        Assert.Equal(0, await env.App.DbAsync(db => db.AppConnections.CountAsync()));
        var credential = await env.CredentialAsync();
        Assert.Equal(new MondayApiCredential("sim-api-token", null, MondayApiCredential.PersonalToken), credential);

        // Without the antiforgery field the form is refused.
        using var forged = await browser.Client.PostAsync($"{Page}?handler=Disconnect", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var forgedConnect = await browser.Client.PostAsync(Page, new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forgedConnect.StatusCode);
    }

    [Theory, AllDatabases]
    public async Task AnAnonymousCallback_IsSentToSignIn_OrReloadedSameSite_AndStoresNothing(DatabaseProvider provider)
    {
        await using var env = await Env.StartAsync(provider);
        var browser = await env.SignedInAsync();
        var callback = await env.AuthorizeAsync(await Env.StartConnectAsync(browser));

        var anonymous = env.NewBrowser();
        using (var response = await anonymous.Client.GetAsync(callback.PathAndQuery))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/admin/login?ReturnUrl=" + Uri.EscapeDataString("/admin/oauth/monday/callback?"), response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        // A browser arriving from monday leaves the SameSite=Strict session cookie off: the page reloads from this site.
        using (var request = new HttpRequestMessage(HttpMethod.Get, callback.PathAndQuery))
        {
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var response = await anonymous.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains($"<meta http-equiv=\"refresh\" content=\"0;url={WebUtility.HtmlEncode(callback.PathAndQuery)}\">", html, StringComparison.Ordinal);
            Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
        Assert.Equal(0, await env.App.DbAsync(db => db.AppConnections.CountAsync()));

        // The admin's own browser, on the reload, completes it.
        var outcome = await browser.FollowCallbackAsync(callback);
        Assert.StartsWith("Connected to monday.com.", Text(outcome, "outcome"), StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task TheRedirectUri_IsTheHostTheAdminSees_BehindATrustedHttpsProxy_OrTheConfiguredUrl(DatabaseProvider provider)
    {
        await using (var env = await Env.StartAsync(provider, new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" }))
        {
            var browser = await env.SignedInAsync();
            using var request = new HttpRequestMessage(HttpMethod.Post, Page)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = await browser.Client.AntiforgeryTokenAsync(Page) }),
            };
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-Host", "bridge.example.com");
            using var response = await browser.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("https://bridge.example.com/admin/oauth/monday/callback", QueryHelpers.ParseQuery(response.Headers.Location!.Query)["redirect_uri"]);
            // The state cookie is Secure when the admin's connection is HTTPS.
            Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(MondayOAuth.StateCookie + "=", StringComparison.Ordinal)
                && c.Contains("secure", StringComparison.OrdinalIgnoreCase) && c.Contains("path=/admin/oauth/monday/callback", StringComparison.OrdinalIgnoreCase));
        }

        const string configured = "https://scim.example.org/bridge/admin/oauth/monday/callback";
        await using var fixedUrl = await Env.StartAsync(provider, new() { ["Monday:OAuth:RedirectUrl"] = configured });
        var admin = await fixedUrl.SignedInAsync();
        Assert.Equal(configured, Text(await admin.GetStringAsync(Page), "redirect-uri"));
        Assert.Equal(configured, QueryHelpers.ParseQuery((await Env.StartConnectAsync(admin)).Query)["redirect_uri"]);
    }

    [Theory, AllDatabases]
    public async Task WithoutAnOAuthApp_ThePageSaysWhichKeysToSet_AndConnectIsRefused(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, kestrel: true);
        await app.CreateAdminAsync();
        var browser = new Browser(app);
        using (var signIn = await browser.Client.SignInAsync())
        {
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }
        var html = await browser.GetStringAsync(Page);
        Assert.StartsWith("To connect with OAuth, create an app in monday's Developer Center", Text(html, "not-configured"), StringComparison.Ordinal);
        Assert.Contains("set <code>Monday:OAuth:ClientId</code> and <code>Monday:OAuth:ClientSecret</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"connect\"", html, StringComparison.Ordinal);

        using var connect = await browser.Client.PostFormAsync(Page, new Dictionary<string, string>(), tokenFrom: Page);
        Assert.Equal(HttpStatusCode.BadRequest, connect.StatusCode);
        Assert.Contains("set Monday:OAuth:ClientId and Monday:OAuth:ClientSecret", Text(await connect.Content.ReadAsStringAsync(), "error"), StringComparison.Ordinal);

        using var anonymous = app.Browser();
        using var signedOut = await anonymous.GetAsync(Page);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.StartsWith("/admin/login", signedOut.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Monday:OAuth:ClientId", "id-only", "Monday:OAuth:ClientSecret is required")]
    [InlineData("Monday:OAuth:TokenUrl", "not a url", "Monday:OAuth:TokenUrl must be an absolute http(s) URL")]
    [InlineData("Monday:OAuth:Scopes", "account:read users:write", "Monday:OAuth:Scopes must include users:read")]
    [InlineData("Monday:OAuth:RedirectUrl", "https://bridge.example.com/elsewhere", "Monday:OAuth:RedirectUrl must be an absolute http(s) URL ending in /admin/oauth/monday/callback")]
    public async Task TheServerRefusesToStart_WithABadOAuthSetting_NamingTheKey(string key, string value, string message)
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { [key] = value });
        });
        var validation = Exceptions.Flatten(error).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains(message, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCallbacksCode_IsMaskedInLogs_AsTheRequestLineWritesIt()
    {
        using var redactor = new ScimBridge.Operations.LogRedactor(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        var line = redactor.Redact("Request starting HTTP/1.1 GET http://127.0.0.1:5000/admin/oauth/monday/callback?code=4f9c2e1d&state=abc - - -");
        Assert.DoesNotContain("4f9c2e1d", line, StringComparison.Ordinal);
        Assert.Contains("callback?code=***&state=abc", line, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOptions_NeverPrintTheSecret()
    {
        var options = new MondayOAuthOptions { ClientId = ClientId, ClientSecret = ClientSecret };
        Assert.DoesNotContain(ClientSecret, options.ToString(), StringComparison.Ordinal);
        Assert.Contains(ClientId, options.ToString(), StringComparison.Ordinal);
    }


    /// <summary>The decoded text of the first element with the test id, up to its first child tag's end.</summary>
    private static string Text(string html, string testId)
    {
        var match = Regex.Match(html, $"""data-testid="{testId}"[^>]*>(.*?)</(dd|p|span|h2|a|button|code)>""", RegexOptions.Singleline);
        Assert.True(match.Success, $"No data-testid=\"{testId}\" in: {html}");
        return Regex.Replace(WebUtility.HtmlDecode(match.Groups[1].Value), @"\s+", " ").Trim();
    }

    private const string AdminCookie = "scimbridge-admin";

    /// <summary>A browser: its own cookie jar, redirects not followed.</summary>
    private sealed class Browser(ScimApp app)
    {
        private readonly CookieContainer _jar = new();
        private HttpClient? _client;

        public HttpClient Client => _client ??= new(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = _jar }) { BaseAddress = app.BaseAddress };

        /// <summary>A cookie this browser holds for the callback path (the session cookie's path is /, so it is there too).</summary>
        public string Cookie(string name) =>
            _jar.GetCookies(new Uri(app.BaseAddress, MondayOAuthOptions.CallbackPath))[name]?.Value ?? throw new InvalidOperationException($"No cookie {name}.");

        public Task<string> GetStringAsync(string path) => Client.GetStringAsync(path);

        /// <summary>monday's redirect back to the bridge, then the bridge's redirect to the connect page, whose HTML is returned.</summary>
        /// <param name="stateCookie">Send this state cookie instead of the browser's own (with its session cookie).</param>
        public async Task<string> FollowCallbackAsync(Uri callback, string? stateCookie = null)
        {
            using var raw = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, callback);
            if (stateCookie is not null)
            {
                request.Headers.Add("Cookie", $"{AdminCookie}={Cookie(AdminCookie)}; {MondayOAuth.StateCookie}={stateCookie}");
            }
            using var response = await (stateCookie is null ? Client : raw).SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"callback: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var location = response.Headers.Location!;
            Assert.StartsWith(Page + "?outcome=", location.OriginalString, StringComparison.Ordinal);
            using var page = await Client.GetAsync(location);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            return await page.Content.ReadAsStringAsync();
        }
    }

    private sealed class Env : IAsyncDisposable
    {
        private Env(SimulatorHost sim, ScimApp app)
        {
            Sim = sim;
            App = app;
        }

        public SimulatorHost Sim { get; }
        public ScimApp App { get; }

        /// <summary>The simulator's OAuth app, and a bridge on Kestrel pointed at it; the app's redirect URL is the bridge's callback.</summary>
        public static async Task<Env> StartAsync(DatabaseProvider provider, Dictionary<string, string?>? settings = null)
        {
            var sim = await SimulatorHost.StartAsync("--oauth-client-id", ClientId, "--oauth-client-secret", ClientSecret);
            var all = new Dictionary<string, string?>
            {
                ["Monday:OAuth:ClientId"] = ClientId,
                ["Monday:OAuth:ClientSecret"] = ClientSecret,
                ["Monday:OAuth:AuthorizeUrl"] = sim.BaseUrl + "/oauth2/authorize",
                ["Monday:OAuth:TokenUrl"] = sim.BaseUrl + "/oauth2/token",
                ["Monday:ApiUrl"] = sim.BaseUrl + "/v2",
            };
            foreach (var (key, value) in settings ?? [])
            {
                all[key] = value;
            }
            var app = await ScimApp.StartAsync(provider, all, kestrel: true);
            sim.State.OAuth.RedirectUris = [app.BaseAddress + "admin/oauth/monday/callback"];
            await app.CreateAdminAsync();
            return new Env(sim, app);
        }

        public Browser NewBrowser() => new(App);

        public async Task<Browser> SignedInAsync()
        {
            var browser = NewBrowser();
            await SignInAsync(browser, "alice");
            return browser;
        }

        public async Task SignInAsync(Browser browser, string user)
        {
            if (user != "alice" && !await App.DbAsync(db => db.AdminAccounts.AnyAsync(a => a.UserName == user)))
            {
                await App.CreateAdminAsync(user);
            }
            using var signIn = await browser.Client.SignInAsync(user);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        }

        /// <summary>Clicks Connect monday.com: the form post answers with a redirect to monday's authorize URL.</summary>
        public static async Task<Uri> StartConnectAsync(Browser browser)
        {
            using var response = await browser.Client.PostFormAsync(Page, new Dictionary<string, string>(), tokenFrom: Page);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"connect: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.Headers.Location!;
        }

        /// <summary>monday's authorize endpoint (the simulator answers at once): its redirect back to the bridge's callback.</summary>
        public async Task<Uri> AuthorizeAsync(Uri authorize)
        {
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
            using var response = await http.GetAsync(authorize);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"authorize: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var location = response.Headers.Location!;
            Assert.StartsWith(App.BaseAddress + "admin/oauth/monday/callback?", location.ToString(), StringComparison.Ordinal);
            return location;
        }

        public ISeatSource SeatSource() => App.Services.GetServices<ISeatSource>().Single(s => s.App == MirrorApps.Monday);

        public Task<MondayApiCredential?> CredentialAsync() =>
            App.Services.GetRequiredService<IMondayApiCredentials>().GetAsync(CancellationToken.None);

        public async Task<JsonNode> GraphQlAsync(string authorization, string query)
        {
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, Sim.BaseUrl + "/v2")
            {
                Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }

        /// <summary>Whether any text column of AppConnections holds the value.</summary>
        public Task<bool> DatabaseContainsAsync(string value) =>
            App.DbAsync(async db => (await db.AppConnections.AsNoTracking().ToListAsync())
                .Any(c => new[] { c.ProtectedAccessToken, c.ProtectedRefreshToken, c.Scopes, c.AccountId, c.ConnectedBy }
                    .Any(v => v is not null && v.Contains(value, StringComparison.Ordinal))));

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Sim.DisposeAsync();
        }
    }
}

/// <summary>
/// "Connect monday.com" in a real browser, with monday's authorize URL on another site (localhost against the console's
/// 127.0.0.1): the connect form's redirect passes the page's CSP, and the console's SameSite=Strict session survives
/// monday's cross-site redirect back. Chromium is told to judge SameSite over the whole redirect chain, as the
/// standard says and other browsers do; by default it only looks at who started the navigation.
/// </summary>
public sealed class MondayOAuthBrowserTests
{
    [BrowserFact]
    public async Task AnAdminClicksConnect_ApprovesAtMonday_AndLandsBackOnTheConnectPage_Connected()
    {
        await using var sim = await SimulatorHost.StartAsync("--oauth-client-id", "browser-client", "--oauth-client-secret", "browser-secret");
        var crossSite = sim.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Monday:OAuth:ClientId"] = "browser-client",
            ["Monday:OAuth:ClientSecret"] = "browser-secret",
            ["Monday:OAuth:AuthorizeUrl"] = crossSite + "/oauth2/authorize",
            ["Monday:OAuth:TokenUrl"] = sim.BaseUrl + "/oauth2/token",
        }, kestrel: true);
        sim.State.OAuth.RedirectUris = [app.BaseAddress + "admin/oauth/monday/callback"];
        await app.CreateAdminAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ConsoleBrowser.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--enable-features=CookieSameSiteConsidersRedirectChain"],
        });
        await using var context = await chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.GetLeftPart(UriPartial.Authority) });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/admin/login");
        await page.GetByLabel("Username").FillAsync("alice");
        await page.GetByLabel("Password").FillAsync(ConsoleHttp.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/admin/login", StringComparison.Ordinal));

        await page.GotoAsync("/admin/subscriptions/connect");
        await page.GetByRole(AriaRole.Button, new() { Name = "Connect monday.com" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/admin/subscriptions/connect?outcome=", StringComparison.Ordinal));

        Assert.StartsWith("Connected to monday.com.", (await page.GetByTestId("outcome").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        Assert.StartsWith("OAuth, connected by alice", (await page.GetByTestId("credential").InnerTextAsync()).Trim(), StringComparison.Ordinal);
        Directory.CreateDirectory(ConsoleSession.ArtifactsDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleSession.ArtifactsDirectory, "MondayOAuth-connected.png"), FullPage = true });
        Assert.Equal(1, await app.DbAsync(db => db.AppConnections.CountAsync()));
    }
}
