using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using ScimBridge.Auth;

namespace ScimBridge.Tests.Infrastructure;

/// <summary>
/// The real server over HTTP, on its own fresh database, with a SCIM token already created.
/// One per test: tests run in parallel and never share state.
/// </summary>
public sealed class ScimApp : WebApplicationFactory<Program>
{
    public const string Media = "application/scim+json";

    private readonly TestDatabase _database;
    private readonly Dictionary<string, string?> _settings;
    private bool _kestrel;

    private readonly Action<IServiceCollection>? _services;

    private ScimApp(TestDatabase database, Dictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        _database = database;
        _settings = settings;
        _services = services;
    }

    public DatabaseProvider Provider => _database.Provider;
    public string ConnectionString => _database.ConnectionString;
    public string Token { get; private set; } = "";
    public HttpClient Scim { get; private set; } = null!;

    /// <summary>Where the server answers: the Kestrel address (http://127.0.0.1:port/) when started with <c>kestrel: true</c>.</summary>
    public Uri BaseAddress => ClientOptions.BaseAddress;
    private HttpClient? _admin;

    /// <summary>A client for /admin/api with an admin-scope bearer token (created on first use).</summary>
    public async Task<HttpClient> AdminAsync()
    {
        if (_admin is null)
        {
            var created = await WithScopeAsync(s => s.GetRequiredService<TokenService>()
                .CreateAsync($"test-admin-{Guid.NewGuid():N}", TokenScopes.Admin, CancellationToken.None));
            _admin = CreateScimClient(created.Token);
        }
        return _admin;
    }

    private HttpClient? _hr;

    /// <summary>A client for /hr/v1 with an HR-scope bearer token (created on first use).</summary>
    public async Task<HttpClient> HrAsync()
    {
        if (_hr is null)
        {
            var created = await WithScopeAsync(s => s.GetRequiredService<TokenService>()
                .CreateAsync($"test-hr-{Guid.NewGuid():N}", TokenScopes.Hr, CancellationToken.None));
            _hr = CreateScimClient(created.Token);
        }
        return _hr;
    }

    /// <param name="database">An existing database to use (and dispose with the app); a fresh one when null.</param>
    /// <param name="kestrel">Serve on a real socket (Kestrel on 127.0.0.1) instead of the in-memory test server.</param>
    /// <param name="services">Registrations added after the app's own (e.g. a scripted seat source).</param>
    public static async Task<ScimApp> StartAsync(
        DatabaseProvider provider, Dictionary<string, string?>? settings = null, TestDatabase? database = null, bool kestrel = false,
        Action<IServiceCollection>? services = null)
    {
        database ??= await TestDatabases.CreateAsync(provider);
        var app = new ScimApp(database, settings ?? [], services);
        if (kestrel)
        {
            app.UseKestrel(0);
            app.StartServer();
            app._kestrel = true;
        }
        var created = await app.WithScopeAsync(s => s.GetRequiredService<TokenService>().CreateAsync("test-client", CancellationToken.None));
        app.Token = created.Token;
        app.Scim = app.CreateScimClient(created.Token);
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Provider", _database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:ScimBridge", _database.ConnectionString);
        builder.UseSetting("Auth:Tokens:CacheSeconds", "0");
        // Tests fire bursts from one token; the inbound limit has its own tests, which set it.
        builder.UseSetting("Scim:RateLimit:RequestsPerSecond", "0");
        // Seconds per app start for nothing a test checks; InboundWarmUpTests runs it in the real process.
        builder.UseSetting("Scim:WarmUpRounds", "0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public HttpClient CreateScimClient(string? token)
    {
        // On Kestrel the factory's client sits on a plain handler that follows redirects and keeps cookies itself.
        var client = _kestrel
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress }
            : CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = ClientOptions.BaseAddress });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<T> WithScopeAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    public Task<T> DbAsync<T>(Func<ScimBridgeDbContext, Task<T>> query) =>
        WithScopeAsync(s => query(s.GetRequiredService<ScimBridgeDbContext>()));

    public async Task<ScimResponse> SendAsync(HttpMethod method, string path, string? body = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, Media);
        }

        configure?.Invoke(request);
        using var response = await Scim.SendAsync(request);
        return await ScimResponse.ReadAsync(response);
    }

    public Task<ScimResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);
    public Task<ScimResponse> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, Serialize(body));
    public Task<ScimResponse> PutAsync(string path, object body) => SendAsync(HttpMethod.Put, path, Serialize(body));
    public Task<ScimResponse> PatchAsync(string path, object body) => SendAsync(HttpMethod.Patch, path, Serialize(body));
    public Task<ScimResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    /// <summary>Creates a user and returns its id.</summary>
    public async Task<string> CreateUserAsync(string userName, string? displayName = null, bool active = true)
    {
        var response = await PostAsync("/scim/v2/Users", Bodies.User(userName, displayName, active));
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return response.Json!["id"]!.GetValue<string>();
    }

    public async Task<string> CreateGroupAsync(string displayName, params string[] memberIds)
    {
        var response = await PostAsync("/scim/v2/Groups", Bodies.Group(displayName, memberIds));
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return response.Json!["id"]!.GetValue<string>();
    }

    private static string Serialize(object body) => body switch
    {
        string s => s,
        JsonNode node => node.ToJsonString(),
        _ => System.Text.Json.JsonSerializer.Serialize(body),
    };

    public override async ValueTask DisposeAsync()
    {
        Scim?.Dispose();
        await base.DisposeAsync();
        await _database.DisposeAsync();
    }
}

public sealed record ScimResponse(HttpStatusCode Status, string Body, JsonNode? Json, HttpResponseHeaders Headers, string? ContentType)
{
    public static async Task<ScimResponse> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (body.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(body);
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }

        return new ScimResponse(response.StatusCode, body, json, response.Headers, response.Content.Headers.ContentType?.MediaType);
    }

    public JsonObject Object => Json as JsonObject ?? throw new InvalidOperationException($"Expected a JSON object, got {(int)Status}: {Body}");

    public string? String(string key) => Object[key]?.GetValue<string>();

    /// <summary>Asserts an RFC 7644 Error body with this status (as a string) and, optionally, scimType.</summary>
    public void AssertScimError(HttpStatusCode status, string? scimType = null)
    {
        Assert.True(Status == status, $"Expected {(int)status}, got {(int)Status}: {Body}");
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:Error", Object["schemas"]![0]!.GetValue<string>());
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), Object["status"]!.GetValue<string>());
        if (scimType is not null)
        {
            Assert.Equal(scimType, Object["scimType"]?.GetValue<string>());
        }
    }

    public void AssertStatus(HttpStatusCode status) => Assert.True(Status == status, $"Expected {(int)status}, got {(int)Status}: {Body}");
}

public static class Bodies
{
    public static JsonObject User(string userName, string? displayName = null, bool active = true) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
        ["userName"] = userName,
        ["displayName"] = displayName ?? userName.Split('@')[0],
        ["active"] = active,
        ["name"] = new JsonObject { ["givenName"] = "Given", ["familyName"] = "Family" },
        ["emails"] = new JsonArray(new JsonObject { ["value"] = userName, ["type"] = "work", ["primary"] = true }),
    };

    public static JsonObject Group(string displayName, params string[] memberIds)
    {
        var group = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
            ["displayName"] = displayName,
        };
        if (memberIds.Length > 0)
        {
            group["members"] = new JsonArray(memberIds.Select(id => (JsonNode)new JsonObject { ["value"] = id }).ToArray());
        }

        return group;
    }

    public static JsonObject Patch(params JsonObject[] operations) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
        ["Operations"] = new JsonArray(operations.Cast<JsonNode>().ToArray()),
    };

    public static JsonObject Op(string op, string? path, JsonNode? value)
    {
        var operation = new JsonObject { ["op"] = op };
        if (path is not null)
        {
            operation["path"] = path;
        }

        if (value is not null)
        {
            operation["value"] = value;
        }

        return operation;
    }
}
