extern alias MondaySim;

using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration.Memory;
using MondaySim::ScimBridge.MondaySim;

namespace ScimBridge.Demo;

/// <summary>
/// <c>--demo</c>: the bridge with the monday.com simulator running in the same process as its push target, its own
/// SQLite file and a fresh inbound token, announced once the server listens (<see cref="DemoBanner"/>). Disposing
/// stops the simulator.
/// </summary>
public sealed class DemoMode : IAsyncDisposable
{
    public const string Flag = "--demo";
    public const string MondayPortFlag = "--demo-monday-port";
    public const string DatabaseFile = "scimbridge-demo.db";

    private readonly WebApplication _simulator;

    private DemoMode(WebApplication simulator, string[] bridgeArgs, Uri simulatorUrl, string simulatorScimToken, string simulatorApiToken)
    {
        _simulator = simulator;
        BridgeArgs = bridgeArgs;
        SimulatorUrl = simulatorUrl;
        SimulatorScimToken = simulatorScimToken;
        SimulatorApiToken = simulatorApiToken;
    }

    /// <summary>The arguments for the bridge itself, without the demo's own.</summary>
    public string[] BridgeArgs { get; }

    /// <summary>The simulator's root, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri SimulatorUrl { get; }

    public string SimulatorScimToken { get; }

    public string SimulatorApiToken { get; }

    /// <summary>Null unless <paramref name="args"/> ask for the demo; otherwise the demo with its simulator started.</summary>
    public static async Task<DemoMode?> StartIfRequestedAsync(string[] args)
    {
        if (!args.Contains(Flag, StringComparer.Ordinal))
        {
            return null;
        }

        var (bridgeArgs, mondayPort) = Split(args);
        var scimToken = "sim-scim-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var apiToken = "sim-api-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var simulator = MondaySimulator.Build(
        [
            "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{mondayPort}"),
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
        return new DemoMode(simulator, bridgeArgs, url, scimToken, apiToken);
    }

    /// <summary>
    /// Defaults the database to <see cref="DatabaseFile"/> in the working directory (environment variables, the
    /// command line and secret files still win, so <c>--ConnectionStrings:ScimBridge</c> picks another database).
    /// The server and the commands given <c>--demo</c> both call it, so they share the demo's database.
    /// </summary>
    public static void UseDemoDatabase(ConfigurationManager configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration["Database:Provider"];
        if (string.IsNullOrEmpty(provider) || provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            // Right after the settings files: above appsettings.json's scimbridge.db, below environment and command line.
            var sources = configuration.Sources;
            sources.Insert(sources.ToList().FindLastIndex(s => s is FileConfigurationSource) + 1, new MemoryConfigurationSource
            {
                InitialData = new Dictionary<string, string?>
                {
                    ["ConnectionStrings:ScimBridge"] = $"Data Source={Path.GetFullPath(DatabaseFile)}",
                },
            });
        }
    }

    /// <summary>Points the push at the simulator (these settings win over every other source).</summary>
    public void Configure(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
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

    private static (string[] BridgeArgs, int MondayPort) Split(string[] args)
    {
        var rest = new List<string>(args.Length);
        var port = 0;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg == Flag)
            {
                continue;
            }

            string? value = null;
            if (arg == MondayPortFlag)
            {
                value = i + 1 < args.Length ? args[++i] : "";
            }
            else if (arg.StartsWith(MondayPortFlag + "=", StringComparison.Ordinal))
            {
                value = arg[(MondayPortFlag.Length + 1)..];
            }

            if (value is null)
            {
                rest.Add(arg);
            }
            else if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                throw new ArgumentException($"{MondayPortFlag} needs a port number from 1 to 65535, not '{value}'.", nameof(args));
            }
        }

        return ([.. rest], port);
    }
}
