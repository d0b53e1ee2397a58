using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using ScimBridge.Demo;

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

    /// <param name="settings">Command-line settings only (<c>--Section:Key value</c>, <c>--urls …</c>), no verbs.</param>
    public static WebApplicationBuilder CreateBuilder(string[] settings, bool demo)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = settings, ContentRootPath = AppContext.BaseDirectory });
        // Below every other source: readable lines on a terminal, one JSON object per line for a log collector.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { [FormatterKey] = Console.IsOutputRedirected ? "json" : "simple" },
        });
        builder.Configuration.AddSecretFiles(Environment.GetEnvironmentVariable(OperationsFeature.SecretsDirectoryVariable));
        if (demo)
        {
            DemoMode.UseDemoDatabase(builder.Configuration);
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
}
