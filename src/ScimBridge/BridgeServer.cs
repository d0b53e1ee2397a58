using ScimBridge.Cli;
using ScimBridge.Data;
using ScimBridge.Operations;

namespace ScimBridge;

/// <summary>
/// The bridge's entry point, for its own <c>Program</c> and for a host that composes it (the demo,
/// src/ScimBridge.Demo): a command (<see cref="CommandLine"/>), the help, or the server until it stops.
/// </summary>
public static class BridgeServer
{
    public const string DemoCommand = "dotnet run --project src/ScimBridge.Demo";

    /// <param name="configure">Called on the server's builder before the bridge's services are added (the demo's
    /// simulator and settings); a failure there is reported like any start-up failure.</param>
    public static async Task<int> RunAsync(string[] args, Func<WebApplicationBuilder, Task>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (CommandLine.Parse(args) is { } command)
        {
            return await CommandLine.RunAsync(command);
        }

        if (CommandLine.IsHelp(args))
        {
            CommandLine.PrintHelp(Console.Out);
            return 0;
        }

        if (configure is null && args.Contains(BridgeConfiguration.DemoFlag, StringComparer.Ordinal))
        {
            return await StartupFailure.ReportAsync(new InvalidOperationException(
                $"--demo is not a server option: start the demo with '{DemoCommand}' (the server carries no simulator)"));
        }

        try
        {
            return await ServeAsync(args, configure);
        }
        catch (Exception ex) when (StartupFailure.Handles(ex))
        {
            return await StartupFailure.ReportAsync(ex);
        }
    }

    private static async Task<int> ServeAsync(string[] args, Func<WebApplicationBuilder, Task>? configure)
    {
        var builder = BridgeConfiguration.CreateBuilder(args, demo: false);
        if (configure is not null)
        {
            await configure(builder);
        }

        var app = builder.AddScimBridge().Build().UseScimBridge();
        try
        {
            // Options are checked here, not in the host's start, whose failure would log its stack trace.
            app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            await app.Services.MigrateDatabaseAsync();
            await Scim.InboundWarmUp.RunAsync(app.Services, app.Lifetime.ApplicationStopping);
            await app.StartAsync();
        }
        catch (Exception ex) when (StartupFailure.Handles(ex))
        {
            await StartupFailure.StopAsync(app);
            throw;
        }
        StartupFailure.Started();
        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }
}
