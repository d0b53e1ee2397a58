using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;

namespace ScimBridge.Logs;

/// <summary>The provisioning log (section <c>Logs</c>).</summary>
public sealed class LogsOptions
{
    public const string Section = "Logs";

    /// <summary>Log entries, outbound calls and settled changes older than this are pruned.</summary>
    public int RetentionDays { get; set; } = 90;

    public int PruneIntervalMinutes { get; set; } = 60;
}

/// <summary>Every message starts with the configuration key at fault.</summary>
public sealed class LogsOptionsValidator : AbstractValidator<LogsOptions>
{
    public LogsOptionsValidator()
    {
        RuleFor(o => o.RetentionDays).InclusiveBetween(1, 3650)
            .WithMessage((_, days) => $"Logs:RetentionDays must be between 1 and 3650 (days), not {days}.");
        RuleFor(o => o.PruneIntervalMinutes).InclusiveBetween(1, 10_080)
            .WithMessage((_, minutes) => $"Logs:PruneIntervalMinutes must be between 1 and 10080, not {minutes}.");
    }
}

public sealed record PruneResult(int LogEntries, int OutboundCalls, int Changes);

/// <summary>
/// Deletes what is past retention, a batch per statement, each through the write gate: on SQLite a writer waits at
/// most one batch, never for the whole prune. Changes still Pending are work to do and are never pruned.
/// </summary>
public sealed class LogPruner(IServiceScopeFactory scopes, IOptions<LogsOptions> options, TimeProvider time)
{
    public const int BatchSize = 5_000;

    public Task<PruneResult> PruneAsync(CancellationToken ct) => PruneAsync(time.GetUtcNow(), ct);

    public async Task<PruneResult> PruneAsync(DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now - TimeSpan.FromDays(options.Value.RetentionDays);
        var entries = await DeleteAllAsync(db => db.LogEntries.Where(e => e.At < cutoff).OrderBy(e => e.Id).Take(BatchSize).ExecuteDeleteAsync(ct), ct);
        var calls = await DeleteAllAsync(db => db.OutboundCalls.Where(c => c.At < cutoff).OrderBy(c => c.Id).Take(BatchSize).ExecuteDeleteAsync(ct), ct);
        var changes = await DeleteAllAsync(db => db.Changes.Where(c => c.OccurredAt < cutoff && c.PushStatus != PushStatuses.Pending)
            .OrderBy(c => c.Id).Take(BatchSize).ExecuteDeleteAsync(ct), ct);
        return new PruneResult(entries, calls, changes);
    }

    private async Task<int> DeleteAllAsync(Func<ScimBridgeDbContext, Task<int>> deleteBatch, CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            int deleted;
            using (await scope.ServiceProvider.GetRequiredService<IWriteGate>().EnterAsync(ct))
            {
                deleted = await deleteBatch(scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>());
            }
            total += deleted;
            if (deleted < BatchSize)
            {
                return total;
            }
        }
    }
}

/// <summary>Prunes at start-up and then every <see cref="LogsOptions.PruneIntervalMinutes"/>.</summary>
public sealed partial class LogRetentionService(LogPruner pruner, IOptions<LogsOptions> options, TimeProvider time, ILogger<LogRetentionService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMinutes(options.Value.PruneIntervalMinutes);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pruned = await pruner.PruneAsync(stoppingToken);
                if (pruned.LogEntries + pruned.OutboundCalls + pruned.Changes > 0)
                {
                    LogPruned(logger, pruned.LogEntries, pruned.OutboundCalls, pruned.Changes, options.Value.RetentionDays);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The next round tries again; a failed prune costs disk space, not correctness.
                LogPruneFailed(logger, ex);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Entries} log entries, {Calls} outbound calls and {Changes} settled changes older than {Days} days")]
    private static partial void LogPruned(ILogger logger, int entries, int calls, int changes, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning the provisioning log failed; it is tried again at the next interval")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
