using Microsoft.Extensions.Options;

namespace ScimBridge.Mirror;

/// <summary>
/// Runs every ready app on <c>Mirror:Schedule</c> (Cronos, in <c>Mirror:TimeZone</c>). Each instance keeps the schedule;
/// the app's run lease lets one of them run it and the others find it busy.
/// </summary>
public sealed partial class MirrorScheduler(
    MirrorRunner runner, IOptionsMonitor<MirrorOptions> options, TimeProvider time, ILogger<MirrorScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var current = options.CurrentValue;
                var next = current.Cron()?.GetNextOccurrence(time.GetUtcNow(), current.Zone());
                if (next is null)
                {
                    return;
                }

                var wait = next.Value - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }

                await RunDueAppsAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await runner.WhenIdleAsync();
        }
    }

    private async Task RunDueAppsAsync(CancellationToken stoppingToken)
    {
        foreach (var app in MirrorApps.All.Where(a => options.CurrentValue.For(a).Enabled))
        {
            try
            {
                // StartAsync checks the source first; an app without credentials is simply not connected.
                await runner.StartAsync(app, MirrorInitiators.Schedule, MirrorInitiators.Schedule, stoppingToken);
            }
            catch (MirrorBusyException)
            {
                // Another instance (or an admin's Run now) is on it.
            }
            catch (MirrorSourceException ex) when (ex.Code == "NotConfigured")
            {
            }
            catch (MirrorSourceException ex)
            {
                LogCannotRun(logger, app, ex.Code, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogScheduleFailed(logger, ex, app);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The scheduled mirror run of {App} cannot start ({Code}): {Message}")]
    private static partial void LogCannotRun(ILogger logger, string app, string code, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "The scheduled mirror run of {App} could not start.")]
    private static partial void LogScheduleFailed(ILogger logger, Exception exception, string app);
}
