using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;

namespace ScimBridge.MondaySim.Tests;

/// <summary>A simulator with one OAuth app, and the client side of its flow.</summary>
public abstract class OAuthTest : SimTest
{
    protected const string ClientId = "app-1";
    protected const string Secret = "app-secret";
    protected const string Callback = "https://bridge.example/admin/oauth/monday/callback";

    protected virtual string Flow => "Classic";

    protected override string[] ExtraArgs =>
    [
        "--oauth-client-id", ClientId, "--oauth-client-secret", Secret, "--oauth-flow", Flow,
        "--oauth-scopes", "users:read users:write account:read", "--oauth-redirect-uris", Callback,
    ];

    protected async Task<HttpResponseMessage> GetWithoutRedirects(string url)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Http.BaseAddress };
        return await client.GetAsync(url);
    }

    /// <summary>The authorize call's redirect, parsed; fails unless it is a redirect to <paramref name="expectedTarget"/>.</summary>
    protected async Task<Dictionary<string, string>> Authorize(
        string? scope = null, string? state = "s1", string redirectUri = Callback, string clientId = ClientId,
        string? codeChallenge = null, string expectedTarget = Callback)
    {
        using var response = await GetWithoutRedirects(AuthorizeUrl(scope, state, redirectUri, clientId, codeChallenge));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(expectedTarget + "?", location);
        return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    protected static string AuthorizeUrl(string? scope, string? state, string redirectUri, string clientId, string? codeChallenge)
    {
        var query = new Dictionary<string, string?> { ["client_id"] = clientId, ["redirect_uri"] = redirectUri };
        if (scope is not null)
        {
            query["scope"] = scope;
        }
        if (state is not null)
        {
            query["state"] = state;
        }
        if (codeChallenge is not null)
        {
            query["code_challenge"] = codeChallenge;
            query["code_challenge_method"] = "S256";
        }
        return QueryHelpers.AddQueryString("/oauth2/authorize", query);
    }

    protected async Task<Reply> TokenEndpoint(Dictionary<string, string> form, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        using var response = await Http.SendAsync(request);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return new Reply(response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()), response.Headers);
    }

    protected Task<Reply> Exchange(string code, string secret = Secret, string redirectUri = Callback, string? verifier = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = ClientId,
            ["client_secret"] = secret,
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
        };
        if (verifier is not null)
        {
            form["code_verifier"] = verifier;
        }
        return TokenEndpoint(form);
    }

    protected async Task<string> AccessToken(string? scope = null)
    {
        var reply = await Exchange((await Authorize(scope))["code"]);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return (string)reply.Body!["access_token"]!;
    }

    protected async Task<Reply> Gql(string query, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2")
        {
            Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await Http.SendAsync(request);
        return new Reply(response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()), response.Headers);
    }

    protected static string Error(Reply reply) => (string)reply.Body!["error"]!;

    protected static void AssertMissingPermission(Reply reply, string scope)
    {
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var error = reply.Body!["errors"]![0]!;
        Assert.Equal("missingRequiredPermissions", (string)error["extensions"]!["code"]!);
        Assert.Equal(403, (int)error["extensions"]!["status_code"]!);
        Assert.Contains(scope, (string)error["message"]!);
        Assert.Null(reply.Body!["data"]);
    }

}

public sealed class OAuthTests : OAuthTest
{
    [Fact]
    public async Task FullFlow_CodeForToken_TokenReadsUsersOverGraphQl()
    {
        State.SeedUser("ada@example.com", "Ada");

        var redirect = await Authorize(scope: "users:read account:read", state: "xyz");
        Assert.Equal("xyz", redirect["state"]);
        var token = await Exchange(redirect["code"]);

        Assert.Equal(HttpStatusCode.OK, token.Status);
        Assert.Equal("Bearer", (string)token.Body!["token_type"]!);
        Assert.Equal("account:read users:read", (string)token.Body!["scope"]!);
        Assert.Null(token.Body!["refresh_token"]);
        var users = await Gql("query { users { email } account { id } }", (string)token.Body!["access_token"]!);
        Assert.Null(users.Body!["errors"]);
        Assert.Equal("ada@example.com", (string)users.Body!["data"]!["users"]![0]!["email"]!);
    }

    [Fact]
    public async Task Authorize_WithoutScope_GrantsTheAppsScopes()
    {
        var token = await Exchange((await Authorize(scope: null))["code"]);

        Assert.Equal("account:read users:read users:write", (string)token.Body!["scope"]!);
    }

    [Theory]
    [InlineData("a b/c?d=é&e")]
    [InlineData(null)]
    public async Task Authorize_StateComesBackUnchanged(string? state)
    {
        var redirect = await Authorize(state: state);

        Assert.Equal(state, redirect.GetValueOrDefault("state"));
        Assert.True(redirect.ContainsKey("code"));
    }

    [Fact]
    public async Task Token_ClientSecretInBasicHeader_Works()
    {
        var code = (await Authorize())["code"];
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{Secret}")));

        var reply = await TokenEndpoint(
            new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = Callback }, basic);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }

    [Fact]
    public async Task Token_WrongSecret_UnauthorizedInvalidClient_AndTheCodeStillWorks()
    {
        var code = (await Authorize())["code"];

        var reply = await Exchange(code, secret: "guess");

        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("invalid_client", Error(reply));
        Assert.NotNull(reply.Headers.WwwAuthenticate.FirstOrDefault());
        Assert.Equal(HttpStatusCode.OK, (await Exchange(code)).Status);
    }

    [Fact]
    public async Task Token_CodeUsedTwice_InvalidGrant_AndTheFirstTokenIsRevoked()
    {
        var code = (await Authorize())["code"];
        var first = await Exchange(code);
        var accessToken = (string)first.Body!["access_token"]!;
        Assert.Equal(HttpStatusCode.OK, (await Gql("query { users { id } }", accessToken)).Status);

        var second = await Exchange(code);

        Assert.Equal(HttpStatusCode.BadRequest, second.Status);
        Assert.Equal("invalid_grant", Error(second));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Gql("query { users { id } }", accessToken)).Status);
    }

    [Fact]
    public async Task Token_OtherRedirectUriThanTheCodes_InvalidGrant()
    {
        var code = (await Authorize())["code"];

        var reply = await Exchange(code, redirectUri: "https://bridge.example/elsewhere");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalid_grant", Error(reply));
    }

    [Fact]
    public async Task Token_CodeAfterTenMinutes_InvalidGrant()
    {
        var code = (await Authorize())["code"];
        Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal("invalid_grant", Error(await Exchange(code)));
    }

    [Fact]
    public async Task Token_BadRequests_AnswerTheRfcErrors()
    {
        var notForm = await Http.PostAsync("/oauth2/token", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notForm.StatusCode);
        Assert.Contains("invalid_request", await notForm.Content.ReadAsStringAsync());

        var tooManyFields = await Http.PostAsync("/oauth2/token", new StringContent(
            string.Concat(Enumerable.Range(0, 1100).Select(i => $"f{i}=1&")), Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, tooManyFields.StatusCode);
        Assert.Contains("invalid_request", await tooManyFields.Content.ReadAsStringAsync());

        var password = await TokenEndpoint(new() { ["grant_type"] = "password", ["client_id"] = ClientId, ["client_secret"] = Secret });
        Assert.Equal("unsupported_grant_type", Error(password));

        var refresh = await TokenEndpoint(new() { ["grant_type"] = "refresh_token", ["client_id"] = ClientId, ["client_secret"] = Secret });
        Assert.Equal("unsupported_grant_type", Error(refresh));
    }

    [Theory]
    [InlineData(Callback + "/", ClientId)]
    [InlineData("https://evil.example/cb", ClientId)]
    [InlineData(Callback, "other-app")]
    public async Task Authorize_UnregisteredRedirectUriOrUnknownClient_ErrorPage_NoRedirect(string redirectUri, string clientId)
    {
        using var response = await GetWithoutRedirects(AuthorizeUrl(null, "s", redirectUri, clientId, null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains(clientId == ClientId ? "redirect_uri" : "unauthorized_client", page);
    }

    [Fact]
    public async Task Authorize_ScopeBeyondTheApps_InvalidScopeRedirect()
    {
        var redirect = await Authorize(scope: "users:read boards:write");

        Assert.Equal("invalid_scope", redirect["error"]);
        Assert.Contains("boards:write", redirect["error_description"]);
        Assert.Equal("s1", redirect["state"]);
        Assert.False(redirect.ContainsKey("code"));
    }

    [Fact]
    public async Task NarrowedScope_WithoutUsersRead_UsersAnswersMissingRequiredPermissions()
    {
        var token = await AccessToken(scope: "account:read");

        Assert.Null((await Gql("query { account { id } }", token)).Body!["errors"]);
        AssertMissingPermission(await Gql("query { users { id } }", token), "users:read");
    }

    [Fact]
    public async Task ReadOnlyToken_Mutations_MissingUsersWrite_AndNothingChanges()
    {
        var user = State.SeedUser("ada@example.com", "Ada");
        var token = await AccessToken(scope: "users:read");

        AssertMissingPermission(
            await Gql($$"""mutation { deactivate_users(user_ids: [{{user.Id}}]) { deactivated_users { id } } }""", token), "users:write");
        AssertMissingPermission(await Gql("query { account { id } }", token), "account:read");
        Assert.True(State.FindUser(user.Id)!.Active);
    }

    [Fact]
    public async Task PersonalToken_KeepsEveryRight()
    {
        var reply = await Gql("query { users { id } account { id } }", "api-secret");

        Assert.Null(reply.Body!["errors"]);
    }

    [Fact]
    public async Task ConsentDenied_AccessDeniedRedirect()
    {
        Assert.Equal(HttpStatusCode.OK, (await Post("/_sim/oauth", """{"consent":"Deny"}""")).Status);

        var redirect = await Authorize();

        Assert.Equal("access_denied", redirect["error"]);
        Assert.Equal("s1", redirect["state"]);
        Assert.False(redirect.ContainsKey("code"));
    }

    [Fact]
    public async Task AppNotInstalled_AccessDeniedRedirect_NamingTheInstall()
    {
        await Post("/_sim/oauth", """{"installed":false}""");

        var redirect = await Authorize();

        Assert.Equal("access_denied", redirect["error"]);
        Assert.Contains("install", redirect["error_description"]);
    }

    [Fact]
    public async Task RevokedToken_Unauthorized()
    {
        var token = await AccessToken();

        var revoke = await Post("/_sim/oauth/revoke", new JsonObject { ["token"] = token }.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, revoke.Status);
        var reply = await Gql("query { users { id } }", token);
        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("UNAUTHENTICATED", (string)reply.Body!["errors"]![0]!["extensions"]!["code"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await Post("/_sim/oauth/revoke", """{"token":"nope"}""")).Status);
    }

    [Fact]
    public async Task OAuthToken_WithoutBearer_Unauthorized()
    {
        var token = await AccessToken();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2")
        {
            Content = new StringContent("""{"query":"query { users { id } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", token);

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"consent":"Maybe"}""")]
    [InlineData("""{"installed":"yes"}""")]
    [InlineData("""{"noSuchSetting":1}""")]
    public async Task AdminEndpoint_BadSetting_BadRequest(string body)
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Post("/_sim/oauth", body)).Status);
    }

    [Fact]
    public async Task AdminEndpoint_NeedsTheScimToken_AndNeverShowsTheSecret()
    {
        var refused = await Send(HttpMethod.Post, "/_sim/oauth", """{"consent":"Deny"}""", token: "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);

        var shown = await Post("/_sim/oauth", "{}");

        Assert.Equal("Approve", (string)shown.Body!["consent"]!);
        Assert.DoesNotContain(Secret, shown.Body!.ToJsonString());
    }
}

public sealed class OAuth21Tests : OAuthTest
{
    private const string Verifier = "a-code-verifier-of-at-least-forty-three-characters-0123456789";

    protected override string Flow => "OAuth21";

    private static string Challenge(string verifier) => Base64UrlTextEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private Task<Reply> Refresh(string refreshToken) => TokenEndpoint(new()
    {
        ["grant_type"] = "refresh_token",
        ["client_id"] = ClientId,
        ["client_secret"] = Secret,
        ["refresh_token"] = refreshToken,
    });

    [Fact]
    public async Task Authorize_WithoutCodeChallenge_InvalidRequestRedirect()
    {
        var redirect = await Authorize();

        Assert.Equal("invalid_request", redirect["error"]);
        Assert.Contains("S256", redirect["error_description"]);
    }

    [Theory]
    [InlineData("a-different-verifier-of-at-least-forty-three-characters-000")]
    [InlineData(null)]
    public async Task Token_WrongOrMissingVerifier_InvalidGrant(string? verifier)
    {
        var code = (await Authorize(codeChallenge: Challenge(Verifier)))["code"];

        var reply = await Exchange(code, verifier: verifier);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalid_grant", Error(reply));
    }

    [Fact]
    public async Task Token_ExpiresInAnHour_AndTheRefreshTokenRotates()
    {
        var code = (await Authorize(scope: "users:read", codeChallenge: Challenge(Verifier)))["code"];
        var first = await Exchange(code, verifier: Verifier);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(3600, (int)first.Body!["expires_in"]!);
        var refreshToken = (string)first.Body!["refresh_token"]!;
        Assert.Null((await Gql("query { users { id } }", (string)first.Body!["access_token"]!)).Body!["errors"]);

        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Gql("query { users { id } }", (string)first.Body!["access_token"]!)).Status);

        var refreshed = await Refresh(refreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.Equal("users:read", (string)refreshed.Body!["scope"]!);
        Assert.NotEqual(refreshToken, (string)refreshed.Body!["refresh_token"]!);
        Assert.Null((await Gql("query { users { id } }", (string)refreshed.Body!["access_token"]!)).Body!["errors"]);
        Assert.Equal("invalid_grant", Error(await Refresh(refreshToken)));
    }
}

public sealed class OAuthCommandLineTests
{
    [Fact]
    public void ClientIdWithoutSecret_RefusesToStart_NamingTheOption()
    {
        var e = Assert.Throws<InvalidOperationException>(() => MondaySimulator.Build(
            ["--urls", "http://127.0.0.1:0", "--scim-token", "t", "--oauth-client-id", "app-1"]));

        Assert.Contains("--oauth-client-secret", e.Message);
    }
}
