using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ScimBridge.RoadmunkSim.Tests;

/// <summary>One simulator per test, on a port the OS picks, driven over real HTTP.</summary>
public abstract class SimTest : IAsyncLifetime
{
    protected const string Token = "roadmunk-secret";

    private WebApplication? app;

    /// <summary>Time that moves only when a test says so.</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    protected RoadmunkSimState State { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;
    protected virtual string[] ExtraArgs => [];

    public async Task InitializeAsync()
    {
        app = RoadmunkSimulator.Build(
            ["--urls", "http://127.0.0.1:0", "--api-token", Token, "--Logging:LogLevel:Default", "Warning", .. ExtraArgs], Time);
        await app.StartAsync();
        State = app.Services.GetRequiredService<RoadmunkSimState>();
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }

    protected async Task<Reply> Send(HttpMethod method, string path, string? json, string? token = Token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true && text.Length > 0
            ? JsonNode.Parse(text) : null;
        return new Reply(response.StatusCode, body, text, response.Headers);
    }

    protected Task<Reply> Post(string path, string json) => Send(HttpMethod.Post, path, json);

    protected Task<Reply> Query(string query, JsonObject? variables = null, string? token = Token) =>
        Send(HttpMethod.Post, "/public/graphql", new JsonObject { ["query"] = query, ["variables"] = variables }.ToJsonString(), token);

    /// <summary>Adds users through <c>POST /_sim/users</c>; each is a JSON object literal.</summary>
    protected async Task<List<string>> Seed(params string[] users)
    {
        var reply = await Post("/_sim/users", $$"""{"users":[{{string.Join(',', users)}}]}""");
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return [.. reply.Body!["users"]!.AsArray().Select(u => (string)u!["id"]!)];
    }

    protected Task<List<string>> SeedMany(int count, string role = "collaborator") =>
        Seed([.. Enumerable.Range(1, count).Select(i =>
            $$"""{"email":"user{{i}}@example.com","firstName":"User","lastName":"{{i}}","accountRole":"{{role}}"}""")]);
}

public sealed record Reply(HttpStatusCode Status, JsonNode? Body, string Text, HttpResponseHeaders Headers)
{
    public JsonNode? Data => Body?["data"];
    public string? ErrorCode => (string?)Body?["errors"]?[0]?["extensions"]?["code"];
    public string? ErrorMessage => (string?)Body?["errors"]?[0]?["message"];
}
