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

/// <summary>
/// The console's front page in one read: the push's own connection status (quarantine, queue, staged deletes,
/// oldest pending change, last success) and the last day of the provisioning log.
/// </summary>
public sealed class DashboardQuery(ScimBridgeDbContext db, PushAdmin push, TimeProvider time)
{
    public async Task<Dashboard> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            return new Dashboard(false, null, 0, 0, null, null, [], now);
        }

        var status = await push.StatusAsync(cancellationToken);
        var quarantine = status.Quarantine is { } q ? new DashboardQuarantine(q.Since, q.Reason, q.NextProbeAt) : null;
        var dayAgo = now.AddHours(-24);
        var counts = await db.LogEntries.Where(e => e.At >= dayAgo)
            .GroupBy(e => new { e.Status, e.Action })
            .Select(g => new { g.Key.Status, g.Key.Action, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return new Dashboard(true, quarantine, status.QueueDepth, status.StagedDeletes, status.OldestPendingChangeAt, status.LastSuccessAt,
            counts.Select(c => new DashboardCount(c.Status, c.Action, c.Count)).OrderBy(c => c.Status, StringComparer.Ordinal).ThenBy(c => c.Action, StringComparer.Ordinal).ToList(),
            now);
    }
}
