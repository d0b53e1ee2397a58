extern alias MondaySim;

using MondaySim::ScimBridge.MondaySim;

namespace ScimBridge.Tests.Infrastructure;

/// <summary>
/// The monday.com simulator on Kestrel in the test process, on a port the OS picks, on real time: a bridge running as
/// a separate process can reach it, and the test reads its state directly.
/// </summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    public const string ScimToken = "sim-scim-token";

    private readonly SimHost<MondaySimState> _host;

    private SimulatorHost(SimHost<MondaySimState> host) => _host = host;

    public MondaySimState State => _host.State;

    public string BaseUrl => _host.BaseUrl;

    /// <summary>What the bridge's <c>Monday:TenantUrl</c> must be.</summary>
    public string TenantUrl => BaseUrl + "/scim/v2/";

    public static async Task<SimulatorHost> StartAsync(params string[] args) =>
        new(await SimHost<MondaySimState>.StartAsync(
            a => MondaySimulator.Build(a, TimeProvider.System), ["--scim-token", ScimToken, "--api-token", "sim-api-token", .. args]));

    /// <summary>The settings that point a bridge at this simulator, unpaced (the simulator limits nothing unless told).</summary>
    public IReadOnlyDictionary<string, string> BridgeSettings(string instanceId) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Monday__TenantUrl"] = TenantUrl,
        ["Monday__ScimToken"] = ScimToken,
        ["Monday__RequestsPerMinute"] = "1000000",
        ["Push__InstanceId"] = instanceId,
        // The tests that use this drive thousands of writes from one client: they test the push, not the inbound limit.
        ["Scim__RateLimit__RequestsPerSecond"] = "0",
    };

    /// <summary>Copies of the users, taken under the state's lock.</summary>
    public List<SimUser> Users()
    {
        lock (State.Sync)
        {
            return [.. State.Users.Values.Select(u => u.Copy())];
        }
    }

    public int UserCount()
    {
        lock (State.Sync)
        {
            return State.Users.Count;
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
