using System.Net.Http.Headers;
using System.Text;
using ScimBridge.Auth;

namespace ScimBridge.Tests.Scim;

/// <summary>Secret bearer tokens guard every SCIM endpoint; failures are 401 with a SCIM Error body and a Bearer challenge.</summary>
public sealed class AuthenticationTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    /// <summary>Every SCIM endpoint, with a body where the method takes one. {user} and {group} are real ids.</summary>
    private static IEnumerable<(HttpMethod Method, string Path, string? Body)> Endpoints()
    {
        var user = Bodies.User("intruder@contoso.example").ToJsonString();
        var group = Bodies.Group("Intruders").ToJsonString();
        var patch = Bodies.Patch(Bodies.Op("replace", "displayName", "Hacked")).ToJsonString();
        const string search = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:SearchRequest\"],\"filter\":\"id pr\"}";
        foreach (var prefix in new[] { "/scim/v2", "/scim" })
        {
            yield return (HttpMethod.Get, $"{prefix}/Users", null);
            yield return (HttpMethod.Get, $"{prefix}/Users?filter=userName%20eq%20%22a%22", null);
            yield return (HttpMethod.Get, $"{prefix}/Users/{{user}}", null);
            yield return (HttpMethod.Post, $"{prefix}/Users", user);
            yield return (HttpMethod.Put, $"{prefix}/Users/{{user}}", user);
            yield return (HttpMethod.Patch, $"{prefix}/Users/{{user}}", patch);
            yield return (HttpMethod.Delete, $"{prefix}/Users/{{user}}", null);
            yield return (HttpMethod.Post, $"{prefix}/Users/.search", search);
            yield return (HttpMethod.Get, $"{prefix}/Groups", null);
            yield return (HttpMethod.Get, $"{prefix}/Groups/{{group}}", null);
            yield return (HttpMethod.Post, $"{prefix}/Groups", group);
            yield return (HttpMethod.Put, $"{prefix}/Groups/{{group}}", group);
            yield return (HttpMethod.Patch, $"{prefix}/Groups/{{group}}", patch);
            yield return (HttpMethod.Delete, $"{prefix}/Groups/{{group}}", null);
            yield return (HttpMethod.Post, $"{prefix}/Groups/.search", search);
            yield return (HttpMethod.Post, $"{prefix}/.search", search);
            yield return (HttpMethod.Post, $"{prefix}/Bulk", "{}");
            yield return (HttpMethod.Get, $"{prefix}/Me", null);
        }

        foreach (var prefix in new[] { "/scim/v2", "/scim", "" })
        {
            yield return (HttpMethod.Get, $"{prefix}/ServiceProviderConfig", null);
            yield return (HttpMethod.Get, $"{prefix}/ResourceTypes", null);
            yield return (HttpMethod.Get, $"{prefix}/ResourceTypes/User", null);
            yield return (HttpMethod.Get, $"{prefix}/Schemas", null);
            yield return (HttpMethod.Get, $"{prefix}/Schemas/{UserSchema}", null);
            yield return (HttpMethod.Post, $"{prefix}/Schemas", "{}");
        }
    }

    [Theory, AllDatabases]
    public async Task EveryEndpoint_WithoutAToken_UnauthorizedWithScimErrorAndBearerChallenge(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await AssertEveryEndpointRejectsAsync(app, _ => { });
    }

    [Theory, AllDatabases]
    public async Task EveryEndpoint_WithAWrongToken_Unauthorized(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var wrongSecret = app.Token[..^4] + (app.Token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        await AssertEveryEndpointRejectsAsync(app, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", wrongSecret));
    }

    [Theory, AllDatabases]
    public async Task EveryEndpoint_WithBasicAuthentication_Unauthorized(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"test-client:{app.Token}"));
        await AssertEveryEndpointRejectsAsync(app, r => r.Headers.TryAddWithoutValidation("Authorization", $"Basic {basic}"));
    }

    [Theory, AllDatabases]
    public async Task EveryEndpoint_WithARevokedToken_Unauthorized(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        (await app.GetAsync("/scim/v2/Users")).AssertStatus(HttpStatusCode.OK);

        Assert.True(await app.WithScopeAsync(s => s.GetRequiredService<TokenService>().RevokeAsync("test-client", default)));

        await AssertEveryEndpointRejectsAsync(app, seed, r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", app.Token));
    }

    [Theory, AllDatabases]
    public async Task MalformedAuthorizationHeaders_Unauthorized(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        string[] headers =
        [
            "Basic",
            "Basic !!!not-base64!!!",
            "Bearer",
            "Bearer ",
            "Bearer scb_",
            "Bearer scb__",
            "Bearer scb_zzzzzzzzzzzz_",
            "Bearer not-a-scimbridge-token",
            $"Bearer {app.Token} extra",
            $"Bearer{app.Token}",
            $"Token {app.Token}",
            app.Token,
            "Bearer " + new string('x', 10_000),
            "Bearer scb_" + new string('a', 10_000),
            "Bearer " + app.Token + new string('a', 10_000),
            "Bearer a.b.c",
            "Bearer \u00e9\u00e8",
        ];

        var failures = new List<string>();
        foreach (var header in headers)
        {
            var response = await app.SendAsync(HttpMethod.Get, "/scim/v2/Users", null, r =>
            {
                r.Headers.Authorization = null;
                r.Headers.TryAddWithoutValidation("Authorization", header);
            });
            if (response.Status != HttpStatusCode.Unauthorized || response.Json?["status"]?.GetValue<string>() != "401")
            {
                failures.Add($"'{Shorten(header)}': {(int)response.Status} {response.Body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory, AllDatabases]
    public async Task Writes_WithABadToken_ChangeNothing(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var user = await app.CreateUserAsync("target@contoso.example", "Target");
        using var intruder = app.CreateScimClient("scb_000000000000_wrong");

        using var post = await intruder.PostAsync("/scim/v2/Users", Content(Bodies.User("intruder@contoso.example").ToJsonString()));
        using var patch = await intruder.PatchAsync($"/scim/v2/Users/{user}", Content(Bodies.Patch(Bodies.Op("replace", "displayName", "Hacked")).ToJsonString()));
        using var delete = await intruder.DeleteAsync($"/scim/v2/Users/{user}");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], new[] { post.StatusCode, patch.StatusCode, delete.StatusCode });
        var stored = await app.DbAsync(db => db.Users.SingleAsync());
        Assert.Equal(("Target", 1L), (stored.DisplayName, stored.Version));
        Assert.Equal(1, await app.DbAsync(db => db.Changes.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task ValidToken_WithLowerCaseScheme_IsAccepted(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var response = await app.SendAsync(HttpMethod.Get, "/scim/v2/Users", null, r =>
        {
            r.Headers.Authorization = null;
            r.Headers.TryAddWithoutValidation("Authorization", $"bearer {app.Token}");
        });

        response.AssertStatus(HttpStatusCode.OK);
    }

    [Theory, AllDatabases]
    public async Task Health_Anonymous_Ok(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        using var anonymous = app.CreateScimClient(null);
        using var badToken = app.CreateScimClient("wrong");

        foreach (var client in new[] { anonymous, badToken })
        {
            foreach (var path in new[] { "/healthz", "/readyz" })
            {
                using var response = await client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
                Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
            }
        }
    }

    private static async Task AssertEveryEndpointRejectsAsync(ScimApp app, Action<HttpRequestMessage> authorize) =>
        await AssertEveryEndpointRejectsAsync(app, await SeedAsync(app), authorize);

    private static async Task<(string UserId, string GroupId)> SeedAsync(ScimApp app)
    {
        var userId = await app.CreateUserAsync("victim@contoso.example");
        return (userId, await app.CreateGroupAsync("Victims", userId));
    }

    private static async Task AssertEveryEndpointRejectsAsync(ScimApp app, (string UserId, string GroupId) seed, Action<HttpRequestMessage> authorize)
    {
        var (userId, groupId) = seed;
        var before = await SnapshotAsync(app);
        using var client = app.CreateScimClient(null);

        var failures = new List<string>();
        var count = 0;
        foreach (var (method, template, body) in Endpoints())
        {
            var path = template.Replace("{user}", userId, StringComparison.Ordinal).Replace("{group}", groupId, StringComparison.Ordinal);
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = Content(body);
            }

            authorize(request);
            using var raw = await client.SendAsync(request);
            var response = await ScimResponse.ReadAsync(raw);
            count++;
            var challenge = response.Headers.WwwAuthenticate.Any(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase));
            var isError = response.Json?["schemas"]?[0]?.GetValue<string>() == "urn:ietf:params:scim:api:messages:2.0:Error"
                && response.Json?["status"]?.GetValue<string>() == "401"
                && !string.IsNullOrEmpty(response.Json?["detail"]?.GetValue<string>());
            if (response.Status != HttpStatusCode.Unauthorized || !challenge || !isError || response.ContentType != ScimApp.Media)
            {
                failures.Add($"{method} {path}: {(int)response.Status} challenge={challenge} {response.ContentType} {response.Body}");
            }
        }

        Assert.True(count >= 50, $"only {count} endpoints were tried");
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} endpoints did not answer 401 properly:\n" + string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(app));
    }

    private static Task<string> SnapshotAsync(ScimApp app) => app.DbAsync(async db =>
        string.Join("\n", (await db.Users.Select(u => u.Id + u.Data + u.Version).ToListAsync()).Order(StringComparer.Ordinal))
        + string.Join("\n", (await db.Groups.Select(g => g.Id + g.Data + g.Version).ToListAsync()).Order(StringComparer.Ordinal))
        + string.Join("\n", (await db.GroupMembers.Select(m => m.GroupId + m.MemberId).ToListAsync()).Order(StringComparer.Ordinal))
        + await db.Changes.CountAsync());

    private static StringContent Content(string body) => new(body, Encoding.UTF8, ScimApp.Media);

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
