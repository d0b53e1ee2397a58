extern alias RoadmunkSim;

using System.Net.Http.Headers;
using System.Text;
using RoadmunkSim::ScimBridge.RoadmunkSim;

namespace ScimBridge.Tests.Infrastructure;

/// <summary>
/// The Roadmunk simulator on Kestrel in the test process, on a port the OS picks, driven over real HTTP
/// (<c>/_sim</c> to seed users, switch faults and download the User CSV report).
/// </summary>
public sealed class RoadmunkSimulatorHost : IAsyncDisposable
{
    public const string ApiToken = "roadmunk-sim-token";

    private readonly SimHost<RoadmunkSimState> _host;

    private RoadmunkSimulatorHost(SimHost<RoadmunkSimState> host)
    {
        _host = host;
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
    }

    public RoadmunkSimState State => _host.State;

    /// <summary>What the bridge's <c>Roadmunk:BaseUrl</c> must be.</summary>
    public string BaseUrl => _host.BaseUrl;

    /// <summary>A client of the simulator's admin endpoints, with its token.</summary>
    public HttpClient Http { get; }

    /// <param name="time">The simulator's clock (its rate-limit window); real time when null.</param>
    public static async Task<RoadmunkSimulatorHost> StartAsync(TimeProvider? time = null, params string[] args) =>
        new(await SimHost<RoadmunkSimState>.StartAsync(a => RoadmunkSimulator.Build(a, time ?? TimeProvider.System), ["--api-token", ApiToken, .. args]));

    /// <summary>Settings pointing a bridge at this simulator; retries wait at most a millisecond unless told otherwise.</summary>
    public Dictionary<string, string?> BridgeSettings(string? token = ApiToken) => new(StringComparer.Ordinal)
    {
        ["Roadmunk:BaseUrl"] = BaseUrl,
        ["Roadmunk:ApiToken"] = token,
        ["Roadmunk:BackoffBaseMilliseconds"] = "1",
    };

    /// <summary>Adds users through <c>POST /_sim/users</c>; each is a JSON object literal. Returns their Roadmunk ids.</summary>
    public async Task<List<string>> SeedAsync(params string[] users)
    {
        using var response = await Http.PostAsync("/_sim/users",
            new StringContent($$"""{"users":[{{string.Join(',', users)}}]}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return [.. System.Text.Json.Nodes.JsonNode.Parse(body)!["users"]!.AsArray().Select(u => (string)u!["id"]!)];
    }

    public async Task FaultsAsync(string json)
    {
        using var response = await Http.PostAsync("/_sim/faults", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The User CSV report as the simulator serves it, in a dialect: Standard or Alternative.</summary>
    public async Task<string> UserReportAsync(string dialect = "Standard")
    {
        using var response = await Http.GetAsync($"/_sim/reports/users.csv?headers={dialect}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return body;
    }

    public int GraphQlCalls()
    {
        lock (State.Sync)
        {
            return State.GraphQlCalls;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.DisposeAsync();
    }
}
