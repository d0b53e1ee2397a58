using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Admin;

public sealed record DashboardQuarantine(DateTimeOffset Since, string? Reason, DateTimeOffset? NextProbeAt);

public sealed record DashboardCount(string Status, string Action, int Count);

public sealed record Dashboard(
    bool DatabaseReachable,
    DashboardQuarantine? Quarantine,
    int QueueDepth,
    int HeldDeletes,
    DateTimeOffset? OldestPendingChange,
    DateTimeOffset? LastSuccess,
    IReadOnlyList<DashboardCount> Last24Hours,
    DateTimeOffset At);

/// <summary>The console's front page in one read: health, quarantine, queue and the last day of the provisioning log.</summary>
public sealed class DashboardQuery(ScimBridgeDbContext db, TimeProvider time)
{
    public async Task<Dashboard> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            return new Dashboard(false, null, 0, 0, null, null, [], now);
        }

        var target = await db.PushTargets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == Quarantine.TargetId, cancellationToken);
        var quarantine = target?.QuarantinedSince is { } since ? new DashboardQuarantine(since, target.Reason, target.NextProbeAt) : null;
        var queue = await db.PushStates.CountAsync(p => p.ChangeSeq > p.PushedSeq && p.HeldAt == null, cancellationToken);
        var held = await db.PushStates.CountAsync(p => p.HeldAt != null, cancellationToken);
        var oldest = await db.Changes.Where(c => c.PushStatus == PushStatuses.Pending).MinAsync(c => (DateTimeOffset?)c.OccurredAt, cancellationToken);
        var lastSuccess = await db.PushStates.MaxAsync(p => p.PushedAt, cancellationToken);
        var dayAgo = now.AddHours(-24);
        var counts = await db.LogEntries.Where(e => e.At >= dayAgo)
            .GroupBy(e => new { e.Status, e.Action })
            .Select(g => new { g.Key.Status, g.Key.Action, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return new Dashboard(true, quarantine, queue, held, oldest, lastSuccess,
            counts.Select(c => new DashboardCount(c.Status, c.Action, c.Count)).OrderBy(c => c.Status, StringComparer.Ordinal).ThenBy(c => c.Action, StringComparer.Ordinal).ToList(),
            now);
    }
}
