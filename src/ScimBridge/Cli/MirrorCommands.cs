using System.CommandLine;
using System.Globalization;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Roadmunk;

namespace ScimBridge.Cli;

/// <summary>
/// <c>mirror run [--app monday|roadmunk]</c>: download seats now, with the same lease as the server's runs;
/// <c>mirror import-roadmunk-csv FILE</c>: apply Roadmunk's User CSV report.
/// </summary>
public static class MirrorCommands
{
    public static Command Command()
    {
        var app = new Option<string?>("--app") { Description = "Only this app (monday or roadmunk); by default every app with credentials." };
        app.AcceptOnlyFromAmong([.. MirrorApps.All]);
        var run = new Command("run", "Download the seats of each connected app now and wait for the end; exit code 1 if a run failed.") { app };
        run.SetAction((parse, ct) => WithRunnerAsync(services => RunAsync(services, parse.GetValue(app), ct)));
        var file = new Argument<FileInfo>("FILE") { Description = "The User CSV report downloaded from Roadmunk (Account Settings > Reports)." };
        var emailColumn = new Option<string?>("--email-column") { Description = "The email column's header, when it is not one the bridge recognises." };
        var statusColumn = new Option<string?>("--status-column") { Description = "The status (or active) column's header, when it is not one the bridge recognises." };
        var reportedAt = new Option<DateTimeOffset?>("--reported-at") { Description = "When the report was downloaded (ISO 8601); now by default. An older report than the last one applied is refused." };
        var import = new Command("import-roadmunk-csv", "Mark Roadmunk seats active or inactive from the User CSV report; nothing is applied if a row cannot be read.")
        {
            file, emailColumn, statusColumn, reportedAt,
        };
        import.SetAction((parse, ct) => WithRunnerAsync(services => ImportAsync(
            services, parse.GetValue(file)!, parse.GetValue(emailColumn), parse.GetValue(statusColumn), parse.GetValue(reportedAt), ct)));
        return new Command("mirror", "The subscription mirror of monday.com and Roadmunk seats.") { run, import };
    }

    private static async Task<int> ImportAsync(
        IServiceProvider services, FileInfo file, string? emailColumn, string? statusColumn, DateTimeOffset? reportedAt, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"{file.FullName}: no such file.");
            return 1;
        }

        if (file.Length > RoadmunkUserReport.MaxBytes)
        {
            await Console.Error.WriteLineAsync($"{file.FullName} is over {RoadmunkUserReport.MaxBytes / 1048576} MB; a User CSV report is far smaller.");
            return 1;
        }

        await using var scope = services.CreateAsyncScope();
        using var reader = file.OpenText();
        try
        {
            var result = await RoadmunkUserReport.ImportAsync(
                scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>(), reader, services.GetRequiredService<TimeProvider>(),
                emailColumn, statusColumn, reportedAt, cancellationToken);
            Console.WriteLine(result.ToText());
            return 0;
        }
        catch (RoadmunkReportException ex)
        {
            await Console.Error.WriteLineAsync(ex.ToText());
            return 1;
        }
    }

    private static async Task<int> RunAsync(IServiceProvider services, string? only, CancellationToken cancellationToken)
    {
        var runner = services.GetRequiredService<MirrorRunner>();
        var failed = false;
        var ran = 0;
        foreach (var app in only is null ? MirrorApps.All : [only])
        {
            try
            {
                var run = await runner.RunAsync(app, MirrorInitiators.Cli, Environment.UserName is { Length: > 0 } user ? $"cli:{user}" : "cli", cancellationToken);
                ran++;
                var seconds = ((run.EndedAt ?? run.StartedAt) - run.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                Console.WriteLine($"Run {run.Id} of {MirrorApps.DisplayName(app)}: {run.Status} in {seconds} s; {run.Seen} listed, {run.Added} added, {run.Changed} changed, {run.Gone} gone, {run.Unchanged} unchanged.");
                if (run.Status != MirrorRunStatuses.Succeeded)
                {
                    failed = true;
                    await Console.Error.WriteLineAsync($"  {run.ErrorCode}: {run.Error} Nothing was marked gone.");
                }
            }
            catch (MirrorSourceException ex) when (ex.Code == "NotConfigured" && only is null)
            {
                Console.WriteLine($"{MirrorApps.DisplayName(app)}: skipped, {ex.Message}");
            }
            catch (Exception ex) when (ex is MirrorSourceException or MirrorBusyException)
            {
                failed = true;
                await Console.Error.WriteLineAsync($"{MirrorApps.DisplayName(app)}: {ex.Message}");
            }
        }

        if (ran == 0 && !failed)
        {
            await Console.Error.WriteLineAsync("No app has credentials: set Monday:ApiToken (or connect monday.com in the console) or Roadmunk:ApiToken.");
            return 1;
        }

        return failed ? 1 : 0;
    }

    private static async Task<int> WithRunnerAsync(Func<IServiceProvider, Task<int>> action)
    {
        var builder = CommandLine.CreateBuilder();
        // The command prints its own summary; the server's Information logs (a line per HTTP call) would bury it.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:System.Net.Http"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        });
        using var host = builder.AddScimBridge().Build();
        await host.Services.MigrateDatabaseAsync();
        return await action(host.Services);
    }
}
