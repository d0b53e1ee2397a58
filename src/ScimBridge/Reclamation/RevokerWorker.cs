using Microsoft.Extensions.Options;

namespace ScimBridge.Reclamation;

/// <summary>
/// Runs the revoker when candidates are queued in this process (<see cref="ReclaimSignal"/>) and every
/// <c>Reclamation:TickSeconds</c> (for other instances' queues and retries); off when <c>Reclamation:Enabled</c> is false.
/// </summary>
public sealed partial class RevokerWorker(
    ReclaimRevoker revoker, ReclaimSignal signal, IOptionsMonitor<ReclamationOptions> options, ILogger<RevokerWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var o = options.CurrentValue;
            if (o.Enabled)
            {
                try
                {
                    var settled = await revoker.ProcessAsync(stoppingToken);
                    if (settled > 0)
                    {
                        LogSettled(logger, settled);
                    }
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, e);
                }
            }
            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(o.TickSeconds), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The revoker settled {Count} reclaim candidate(s).")]
    private static partial void LogSettled(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The revoker failed; it tries again at the next tick.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
