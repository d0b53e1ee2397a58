extern alias MondaySim;

using System.Globalization;
using System.Security.Cryptography;
using MondaySim::ScimBridge.MondaySim;
using ScimBridge.Cli;
using ScimBridge.Operations;

namespace ScimBridge.Demo;

/// <summary>
/// The demo: the bridge with the monday.com simulator running in the same process as its push target, its own
/// SQLite file and a fresh inbound token, announced once the server listens (<see cref="DemoBanner"/>). Disposing
/// stops the simulator. The production server carries no simulator: only this host composes the two.
/// </summary>
public sealed class DemoMode : IAsyncDisposable
{
    public const string MondayPortFlag = "--demo-monday-port";

    private readonly WebApplication _simulator;

    private DemoMode(WebApplication simulator, Uri simulatorUrl, string simulatorScimToken, string simulatorApiToken)
    {
        _simulator = simulator;
        SimulatorUrl = simulatorUrl;
        SimulatorScimToken = simulatorScimToken;
        SimulatorApiToken = simulatorApiToken;
    }

    /// <summary>The simulator's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri SimulatorUrl { get; }

    public string SimulatorScimToken { get; }

    public string SimulatorApiToken { get; }

    public static async Task<int> Main(string[] args)
    {
        if (CommandLine.Parse(args) is not null)
        {
            // A command given to the demo host acts on the demo's database (dotnet run's working directory is this project's).
            return await BridgeServer.RunAsync([.. args, BridgeConfiguration.DemoFlag]);
        }

        var (bridgeArgs, mondayPort) = Split(args);
        DemoMode? demo = null;
        try
        {
            return await BridgeServer.RunAsync(bridgeArgs, async builder =>
            {
                demo = await StartAsync(mondayPort);
                demo.Configure(builder);
            });
        }
        finally
        {
            if (demo is not null)
            {
                await demo.DisposeAsync();
            }
        }
    }

    /// <summary>Starts the simulator on <paramref name="mondayPort"/> (null: a free one) with fresh tokens.</summary>
    public static async Task<DemoMode> StartAsync(string? mondayPort)
    {
        var port = 0;
        if (mondayPort is not null && (!int.TryParse(mondayPort, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            throw new ArgumentException($"{MondayPortFlag} needs a port number from 1 to 65535, not '{mondayPort}'.", nameof(mondayPort));
        }

        var scimToken = "sim-scim-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var apiToken = "sim-api-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var simulator = MondaySimulator.Build(
        [
            "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}"),
            "--scim-token", scimToken,
            "--api-token", apiToken,
            "--Logging:LogLevel:Default", "Warning",
            // A port in use is reported once, in the bridge's one line, not also with the host's stack trace.
            "--Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host", "None",
        ]);
        try
        {
            await simulator.StartAsync();
        }
        catch
        {
            await simulator.DisposeAsync();
            throw;
        }

        var url = new Uri(simulator.Urls.First().TrimEnd('/') + "/");
        return new DemoMode(simulator, url, scimToken, apiToken);
    }

    /// <summary>
    /// The demo's database (<see cref="BridgeConfiguration.UseDemoDatabase"/>, shared with the commands given
    /// <c>--demo</c>), and the push pointed at the simulator (these settings win over every other source).
    /// </summary>
    public void Configure(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        BridgeConfiguration.UseDemoDatabase(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Monday:TenantUrl"] = new Uri(SimulatorUrl, "scim/v2/").ToString(),
            ["Monday:ScimToken"] = SimulatorScimToken,
            ["Monday:ApiToken"] = SimulatorApiToken,
            // The subscription mirror reads the simulator's GraphQL too, never the real monday.com with a demo token.
            ["Monday:ApiUrl"] = new Uri(SimulatorUrl, "v2").ToString(),
            ["Monday:RequestsPerMinute"] = "6000",
        });

        builder.Services.AddSingleton(this);
        builder.Services.AddHostedService<DemoBanner>();
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _simulator.StopAsync(timeout.Token);
        }
        finally
        {
            await _simulator.DisposeAsync();
        }
    }

    /// <summary>The bridge's arguments without the demo's own (<c>--demo</c> is accepted and implied).</summary>
    private static (string[] BridgeArgs, string? MondayPort) Split(string[] args)
    {
        var rest = new List<string>(args.Length);
        string? port = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == BridgeConfiguration.DemoFlag)
            {
                continue;
            }

            if (arg == MondayPortFlag)
            {
                port = i + 1 < args.Length ? args[++i] : "";
            }
            else if (arg.StartsWith(MondayPortFlag + "=", StringComparison.Ordinal))
            {
                port = arg[(MondayPortFlag.Length + 1)..];
            }
            else
            {
                rest.Add(arg);
            }
        }

        return ([.. rest], port);
    }
}
