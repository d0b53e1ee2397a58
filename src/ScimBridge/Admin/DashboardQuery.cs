using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Admin;

public sealed record DashboardQuarantine(DateTimeOffset Since, string? Reason, DateTimeOffset? NextProbeAt);

public sealed record DashboardCount(string Status, string Action, int Count);

/// <summary>
/// What waits to be pushed: users and groups ahead of monday.com and not held, their pending changes and the oldest
/// of those, all from one query so the figures cannot disagree.
/// </summary>
public sealed record DashboardQueue(int Users, int Groups, long Changes, DateTimeOffset? OldestChange)
{
    public static readonly DashboardQueue Empty = new(0, 0, 0, null);

    public int Resources => Users + Groups;
}

/// <summary>Log entries per status in one hour or day (UTC), from <see cref="Start"/>.</summary>
public sealed record ActivityBucket(DateTimeOffset Start, IReadOnlyDictionary<string, long> Counts)
{
    public long Total => Counts.Values.Sum();

    public long Of(string status) => Counts.GetValueOrDefault(status);
}

/// <summary>Every bucket of the period, empty ones included, oldest first; the statuses the log has in it, in <see cref="LogStatuses.All"/> order.</summary>
public sealed record ActivitySeries(string Unit, TimeSpan Size, IReadOnlyList<string> Statuses, IReadOnlyList<ActivityBucket> Buckets)
{
    public long Total => Buckets.Sum(b => b.Total);

    public long Of(string status) => Buckets.Sum(b => b.Of(status));
}

public sealed record Dashboard(
    bool DatabaseReachable,
    DashboardQuarantine? Quarantine,
    DashboardQueue Queue,
    int HeldDeletes,
    DateTimeOffset? LastSuccess,
    IReadOnlyList<DashboardCount> Last24Hours,
    ActivitySeries Hourly,
    ActivitySeries Daily,
    DateTimeOffset At)
{
    public int QueueDepth => Queue.Resources;

    public DateTimeOffset? OldestPendingChange => Queue.OldestChange;
}

/// <summary>
/// The console's front page in one read: the push's own connection status (quarantine, staged deletes, last success),
/// the queue, and the provisioning log of the last day and month.
/// </summary>
public sealed class DashboardQuery(ScimBridgeDbContext db, PushConnection push, TimeProvider time)
{
    public const int Hours = 24;
    public const int Days = 30;

    public async Task<Dashboard> GetAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            return new Dashboard(false, null, DashboardQueue.Empty, 0, null, [], Empty("hour", TimeSpan.FromHours(1), Hours, now),
                Empty("day", TimeSpan.FromDays(1), Days, now), now);
        }

        var status = await push.StatusAsync(cancellationToken);
        var quarantine = status.Quarantine is { } q ? new DashboardQuarantine(q.Since, q.Reason, q.NextProbeAt) : null;
        var dayAgo = now.AddHours(-24);
        var counts = await db.LogEntries.Where(e => e.At >= dayAgo)
            .GroupBy(e => new { e.Status, e.Action })
            .Select(g => new { g.Key.Status, g.Key.Action, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return new Dashboard(true, quarantine, await QueueAsync(cancellationToken), status.StagedDeletes, status.LastSuccessAt,
            counts.Select(c => new DashboardCount(c.Status, c.Action, c.Count)).OrderBy(c => c.Status, StringComparer.Ordinal).ThenBy(c => c.Action, StringComparer.Ordinal).ToList(),
            await ActivityAsync("hour", TimeSpan.FromHours(1), Hours, now, cancellationToken),
            await ActivityAsync("day", TimeSpan.FromDays(1), Days, now, cancellationToken),
            now);
    }

    /// <summary>
    /// The queue as the worker sees it (ahead of what was pushed, not held), with the pending changes of exactly those
    /// resources: a held staged delete's change is not "oldest pending" while its resource is out of the queue.
    /// </summary>
    public async Task<DashboardQueue> QueueAsync(CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<QueueRow>(
            $"""
            SELECT p."ResourceType" AS "ResourceType", COUNT(*) AS "Resources",
                CAST(COALESCE(SUM(c."Changes"), 0) AS BIGINT) AS "Changes", MIN(c."Oldest") AS "Oldest"
            FROM "PushStates" p
            LEFT JOIN (
                SELECT "ResourceType", "ResourceId", COUNT(*) AS "Changes", MIN("OccurredAt") AS "Oldest"
                FROM "Changes" WHERE "PushStatus" = {PushStatuses.Pending}
                GROUP BY "ResourceType", "ResourceId") c ON c."ResourceType" = p."ResourceType" AND c."ResourceId" = p."ResourceId"
            WHERE p."ChangeSeq" > p."PushedSeq" AND p."HeldAt" IS NULL
            GROUP BY p."ResourceType"
            """).ToListAsync(cancellationToken);
        int Of(string type) => (int)rows.Where(r => r.ResourceType == type).Sum(r => r.Resources);
        var oldest = rows.Min(r => r.Oldest);
        return new DashboardQueue(Of(ResourceKinds.User), Of(ResourceKinds.Group), rows.Sum(r => r.Changes),
            oldest is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null);
    }

    /// <summary>
    /// Entries per bucket and status, grouped in SQL on the tick column like the log summary API (integer division
    /// works alike on SQLite and PostgreSQL; ticks count from midnight, so buckets are UTC hours and days). The last
    /// bucket is the one now is in.
    /// </summary>
    public async Task<ActivitySeries> ActivityAsync(string unit, TimeSpan size, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (first, end) = Range(size, count, now);
        var (sizeTicks, fromTicks, toTicks) = (size.Ticks, first * size.Ticks, end * size.Ticks);
        var rows = await db.Database.SqlQuery<ActivityRow>(
            $"""
            SELECT "At" / {sizeTicks} AS "Bucket", "Status", COUNT(*) AS "Count"
            FROM "LogEntries" WHERE "At" >= {fromTicks} AND "At" < {toTicks}
            GROUP BY 1, 2
            """).ToListAsync(cancellationToken);
        var statuses = rows.Select(r => r.Status).Distinct()
            .OrderBy(Rank).ThenBy(s => s, StringComparer.Ordinal)
            .ToList();
        var byBucket = rows.ToLookup(r => r.Bucket);
        var buckets = Enumerable.Range(0, count).Select(i => first + i)
            .Select(b => new ActivityBucket(new DateTimeOffset(b * sizeTicks, TimeSpan.Zero), byBucket[b].ToDictionary(r => r.Status, r => r.Count, StringComparer.Ordinal)))
            .ToList();
        return new ActivitySeries(unit, size, statuses, buckets);
    }

    private static ActivitySeries Empty(string unit, TimeSpan size, int count, DateTimeOffset now)
    {
        var (first, _) = Range(size, count, now);
        return new ActivitySeries(unit, size, [],
            Enumerable.Range(0, count).Select(i => new ActivityBucket(new DateTimeOffset((first + i) * size.Ticks, TimeSpan.Zero), new Dictionary<string, long>())).ToList());
    }

    /// <summary>The bucket numbers: <paramref name="count"/> of them ending with the one <paramref name="now"/> is in (exclusive end).</summary>
    private static (long First, long End) Range(TimeSpan size, int count, DateTimeOffset now)
    {
        var current = now.UtcTicks / size.Ticks;
        return (current - count + 1, current + 1);
    }

    private static int Rank(string status)
    {
        var rank = LogStatuses.All.ToList().IndexOf(status);
        return rank < 0 ? int.MaxValue : rank;
    }

    private sealed class QueueRow
    {
        public string ResourceType { get; set; } = "";
        public long Resources { get; set; }
        public long Changes { get; set; }
        public long? Oldest { get; set; }
    }

    private sealed class ActivityRow
    {
        public long Bucket { get; set; }
        public string Status { get; set; } = "";
        public long Count { get; set; }
    }
}
