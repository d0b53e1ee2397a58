using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace ScimBridge.MondaySim.Tests;

/// <summary>One simulator per test, on a port the OS picks, driven over real HTTP.</summary>
public abstract class SimTest : SimulatorTest<MondaySimState>, IAsyncLifetime
{
    protected const string Token = "scim-secret";

    protected override (Func<string[], WebApplication> Build, string[] Args) Simulator =>
        (args => MondaySimulator.Build(args, Time), ["--scim-token", Token, "--api-token", "api-secret"]);

    protected Task<Reply> Get(string path) => Send(HttpMethod.Get, path, null);
    protected Task<Reply> Post(string path, string json) => Send(HttpMethod.Post, path, json);
    protected Task<Reply> Put(string path, string json) => Send(HttpMethod.Put, path, json);
    protected Task<Reply> Patch(string path, string json) => Send(HttpMethod.Patch, path, json);
    protected Task<Reply> Delete(string path) => Send(HttpMethod.Delete, path, null);

    protected Task<Reply> Send(HttpMethod method, string path, string? json, string? token = Token) =>
        Exchange(method, path, json, token, "application/scim+json",
            (response, text) => new Reply(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response.Headers));

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
