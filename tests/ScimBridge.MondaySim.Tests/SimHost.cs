using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ScimBridge.MondaySim.Tests;

/// <summary>One simulator per test, on a port the OS picks, driven over real HTTP.</summary>
public abstract class SimTest : IAsyncLifetime
{
    protected const string Token = "scim-secret";

    private WebApplication? app;

    /// <summary>Time that moves only when a test says so.</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    protected MondaySimState State { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;
    protected virtual string[] ExtraArgs => [];

    public async Task InitializeAsync()
    {
        app = MondaySimulator.Build(
            ["--urls", "http://127.0.0.1:0", "--scim-token", Token, "--api-token", "api-secret",
                "--Logging:LogLevel:Default", "Warning", .. ExtraArgs],
            Time);
        await app.StartAsync();
        State = app.Services.GetRequiredService<MondaySimState>();
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

    protected Task<Reply> Get(string path) => Send(HttpMethod.Get, path, null);
    protected Task<Reply> Post(string path, string json) => Send(HttpMethod.Post, path, json);
    protected Task<Reply> Put(string path, string json) => Send(HttpMethod.Put, path, json);
    protected Task<Reply> Patch(string path, string json) => Send(HttpMethod.Patch, path, json);
    protected Task<Reply> Delete(string path) => Send(HttpMethod.Delete, path, null);

    protected async Task<Reply> Send(HttpMethod method, string path, string? json, string? token = Token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/scim+json");
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers);
    }

    protected async Task<string> CreateUser(string userName, string displayName = "Some One")
    {
        var reply = await Post("/scim/v2/Users", $$"""{"userName":"{{userName}}","displayName":"{{displayName}}"}""");
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return (string)reply.Body!["id"]!;
    }

    protected async Task<string> CreateGroup(string displayName)
    {
        var reply = await Post("/scim/v2/Groups", $$"""{"displayName":"{{displayName}}"}""");
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        return (string)reply.Body!["id"]!;
    }
}

public sealed record Reply(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers)
{
    public string? ScimType => (string?)Body?["scimType"];
    public int Total => (int)Body!["totalResults"]!;
    public IEnumerable<string> Ids => Body!["Resources"]!.AsArray().Select(r => (string)r!["id"]!);
}
