using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;

namespace ScimBridge.Operations;

/// <summary>
/// The one composition of settings shared by the server and every command (token, admin, hr, mirror, reclaim), so a
/// command acts on the database of the server run beside it: appsettings.json and appsettings.{Environment}.json,
/// environment variables, command-line settings, then the files of <c>SCIMBRIDGE_SECRETS_DIR</c>; with
/// <c>--demo</c> the demo's database.
/// </summary>
public static class BridgeConfiguration
{
    public const string FormatterKey = "Logging:Console:FormatterName";

    /// <summary>On a command: the demo's database. The demo itself runs from its own host (src/ScimBridge.Demo).</summary>
    public const string DemoFlag = "--demo";

    public const string DemoDatabaseFile = "scimbridge-demo.db";

    /// <param name="settings">Command-line settings only (<c>--Section:Key value</c>, <c>--urls …</c>), no verbs.</param>
    public static WebApplicationBuilder CreateBuilder(string[] settings, bool demo)
    {
        // The bridge's name whichever host runs it (the demo's too): its console pages and user secrets are found by it.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = settings,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(BridgeConfiguration).Assembly.GetName().Name,
        });
        // Below every other source: readable lines on a terminal, one JSON object per line for a log collector.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { [FormatterKey] = Console.IsOutputRedirected ? "json" : "simple" },
        });
        builder.Configuration.AddSecretFiles(Environment.GetEnvironmentVariable(OperationsFeature.SecretsDirectoryVariable));
        if (demo)
        {
            UseDemoDatabase(builder.Configuration);
        }

        // The simple formatter writes the level right after the timestamp; the shared format has no room for it.
        builder.Services.PostConfigure<SimpleConsoleFormatterOptions>(options =>
        {
            if (!string.IsNullOrEmpty(options.TimestampFormat) && !char.IsWhiteSpace(options.TimestampFormat[^1]))
            {
                options.TimestampFormat += " ";
            }
        });
        StartupFailure.AddLogFilter(builder);
        return builder;
    }

    /// <summary>
    /// Defaults the database to <see cref="DemoDatabaseFile"/> in the working directory (environment variables, the
    /// command line and secret files still win, so <c>--ConnectionStrings:ScimBridge</c> picks another database).
    /// The demo and the commands given <c>--demo</c> both call it, so they share the demo's database.
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
                    ["ConnectionStrings:ScimBridge"] = $"Data Source={Path.GetFullPath(DemoDatabaseFile)}",
                },
            });
        }
    }
}
