using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Monday;

namespace ScimBridge.Push;

/// <summary>
/// The monday.com connection after a credential failure (401/403): pushes pause, and a probe on the configured
/// schedule checks whether the target takes the token again; the first success resumes every instance.
/// The state is in the database, so all instances share it.
/// </summary>
public sealed partial class Quarantine(PushStore store, TimeProvider time, IOptions<PushOptions> options, ILogger<Quarantine> logger)
{
    public const string TargetId = "monday";
    private static readonly TimeSpan ProbeLease = TimeSpan.FromMinutes(1);
    private readonly PushOptions _options = options.Value;
    private volatile bool _active;

    /// <summary>As last seen; the worker checks it before each push.</summary>
    public bool IsActive => _active;

    public async Task EnterAsync(string reason, CancellationToken cancellationToken)
    {
        _active = true;
        var now = time.GetUtcNow();
        var entered = await store.WriteAsync(async db =>
        {
            // One conditional UPDATE: of several workers hit by the same 401 at once, one enters, the others see it entered.
            var updated = await db.PushTargets.Where(t => t.Id == TargetId && t.QuarantinedSince == null).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.QuarantinedSince, now)
                .SetProperty(t => t.QuarantineLevel, 0)
                .SetProperty(t => t.NextProbeAt, now + Step(0))
                .SetProperty(t => t.Reason, reason), cancellationToken);
            return updated > 0;
        }, cancellationToken);
        if (entered)
        {
            LogEntered(logger, reason, Step(0));
        }
    }

    /// <summary>
    /// Reads the shared state; when a probe is due, this instance takes it (one instance probes) and runs it.
    /// Returns true while the connection stays quarantined.
    /// </summary>
    public async Task<bool> CheckAsync(Func<CancellationToken, Task<MondayResult>> probe, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var target = await store.ReadAsync(db => db.PushTargets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == TargetId, cancellationToken), cancellationToken);
        if (target?.QuarantinedSince is null)
        {
            _active = false;
            return false;
        }
        _active = true;
        if (target.NextProbeAt is { } due && due > now)
        {
            return true;
        }

        var taken = await store.WriteAsync(db => db.PushTargets
            .Where(t => t.Id == TargetId && t.NextProbeAt == target.NextProbeAt)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.NextProbeAt, now + ProbeLease), cancellationToken), cancellationToken);
        if (taken == 0)
        {
            return true;
        }

        var result = await probe(cancellationToken);
        if (result.Success)
        {
            await store.WriteAsync(db => db.PushTargets.Where(t => t.Id == TargetId).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.QuarantinedSince, (DateTimeOffset?)null)
                .SetProperty(t => t.NextProbeAt, (DateTimeOffset?)null)
                .SetProperty(t => t.QuarantineLevel, 0)
                .SetProperty(t => t.Reason, (string?)null), cancellationToken), cancellationToken);
            _active = false;
            LogResumed(logger, time.GetUtcNow() - target.QuarantinedSince.Value);
            return false;
        }

        // Still refused: the next, longer step. The target being down says nothing about the token: same step again.
        var level = result.Failure == MondayFailure.Credentials ? target.QuarantineLevel + 1 : target.QuarantineLevel;
        var next = time.GetUtcNow() + Step(level);
        await store.WriteAsync(db => db.PushTargets.Where(t => t.Id == TargetId).ExecuteUpdateAsync(s => s
            .SetProperty(t => t.QuarantineLevel, level)
            .SetProperty(t => t.NextProbeAt, next), cancellationToken), cancellationToken);
        LogStillQuarantined(logger, result.Status, Step(level));
        return true;
    }

    private TimeSpan Step(int level) => _options.QuarantineSchedule[Math.Min(level, _options.QuarantineSchedule.Count - 1)];

    [LoggerMessage(Level = LogLevel.Error, Message = "monday.com refused the credentials ({Reason}); pushes are paused (quarantine). Next probe in {Wait}.")]
    private static partial void LogEntered(ILogger logger, string reason, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quarantine probe answered {Status}; next probe in {Wait}.")]
    private static partial void LogStillQuarantined(ILogger logger, int status, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "monday.com accepts the credentials again after {Duration}; pushes resume.")]
    private static partial void LogResumed(ILogger logger, TimeSpan duration);
}
