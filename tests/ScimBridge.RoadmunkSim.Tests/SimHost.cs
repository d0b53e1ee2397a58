using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace ScimBridge.RoadmunkSim.Tests;

/// <summary>One simulator per test, on a port the OS picks, driven over real HTTP.</summary>
public abstract class SimTest : SimulatorTest<RoadmunkSimState>, IAsyncLifetime
{
    protected const string Token = "roadmunk-secret";

    protected override (Func<string[], WebApplication> Build, string[] Args) Simulator =>
        (args => RoadmunkSimulator.Build(args, Time), ["--api-token", Token]);

    protected Task<Reply> Send(HttpMethod method, string path, string? json, string? token = Token) =>
        Exchange(method, path, json, token, "application/json", (response, text) =>
        {
            var body = response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true && text.Length > 0
                ? JsonNode.Parse(text) : null;
            return new Reply(response.StatusCode, body, text, response.Headers);
        });

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
