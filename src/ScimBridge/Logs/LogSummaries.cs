using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;

namespace ScimBridge.Logs;

/// <remarks>A parameterless constructor and init properties: bound by the compile-time request delegate generator.</remarks>
public sealed record SummaryQuery
{
    public SummaryQuery()
    {
    }

    internal SummaryQuery(string? bucket, string? from, string? to)
    {
        Bucket = bucket;
        From = from;
        To = to;
    }

    [Description("hour (default) or day.")][FromQuery(Name = "bucket")] public string? Bucket { get; init; }
    [Description("Start of the range (ISO 8601); default: 24 hours (hour) or 30 days (day) before to.")][FromQuery(Name = "from")] public string? From { get; init; }
    [Description("End of the range (ISO 8601, exclusive); default: now.")][FromQuery(Name = "to")] public string? To { get; init; }
}

/// <remarks>A parameterless constructor and init properties: bound by the compile-time request delegate generator.</remarks>
public sealed record CycleQuery
{
    public CycleQuery()
    {
    }

    internal CycleQuery(string? from, string? to, string? pageSize, string? cursor)
    {
        From = from;
        To = to;
        PageSize = pageSize;
        Cursor = cursor;
    }

    [Description("Cycles with entries at or after this instant (ISO 8601).")][FromQuery(Name = "from")] public string? From { get; init; }
    [Description("Cycles with entries before this instant (ISO 8601, exclusive).")][FromQuery(Name = "to")] public string? To { get; init; }
    [Description("1 to 500, default 50.")][FromQuery(Name = "pageSize")] public string? PageSize { get; init; }
    [Description("The nextCursor of the previous page.")][FromQuery(Name = "cursor")] public string? Cursor { get; init; }
}

public sealed record LogSummary(string Bucket, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<LogSummaryBucket> Buckets);

public sealed record LogSummaryBucket(DateTimeOffset Start, long Total, IReadOnlyList<LogSummaryCount> Counts);

public sealed record LogSummaryCount(string Action, string Status, long Count);

public sealed record CyclePage(IReadOnlyList<CycleSummary> Items, string? NextCursor, int PageSize);

public sealed record CycleSummary(string CycleId, DateTimeOffset FirstAt, DateTimeOffset LastAt, long Total, IReadOnlyDictionary<string, long> ByStatus);

public static class LogSummaries
{
    private const int MaxBuckets = 10_000;
    private const int CycleScanChunk = 5_000;

    /// <summary>
    /// Buckets are computed in SQL on the tick column (integer division works alike on SQLite and PostgreSQL); buckets
    /// without entries are left out. Ticks count from midnight, so hours and days are aligned to UTC.
    /// </summary>
    public static async Task<Ok<LogSummary>> Summary([AsParameters] SummaryQuery query, ScimBridgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (bucketName, size) = (query.Bucket ?? "hour").ToLowerInvariant() switch
        {
            "hour" => ("hour", TimeSpan.FromHours(1)),
            "day" => ("day", TimeSpan.FromDays(1)),
            _ => throw AdminException.Invalid("bucket", "bucket must be hour or day."),
        };
        var (fromArg, toArg) = LogFilter.ParseRange(query.From, query.To);
        var to = toArg ?? time.GetUtcNow();
        var from = fromArg ?? to - (bucketName == "hour" ? TimeSpan.FromHours(24) : TimeSpan.FromDays(30));
        if (from > to)
        {
            throw AdminException.Invalid("from", "from must not be after to.");
        }
        if ((to - from) / size > MaxBuckets)
        {
            throw AdminException.Invalid("from", $"The range spans more than {MaxBuckets} buckets; narrow it or use bucket=day.");
        }

        var (bucketTicks, fromTicks, toTicks) = (size.Ticks, from.UtcTicks, to.UtcTicks);
        var rows = await db.Database.SqlQuery<SummaryRow>(
            $"""
            SELECT "At" / {bucketTicks} AS "Bucket", "Action", "Status", COUNT(*) AS "Count"
            FROM "LogEntries" WHERE "At" >= {fromTicks} AND "At" < {toTicks}
            GROUP BY 1, 2, 3
            """).ToListAsync(ct);
        var buckets = rows.GroupBy(r => r.Bucket).OrderBy(g => g.Key)
            .Select(g => new LogSummaryBucket(
                new DateTimeOffset(g.Key * bucketTicks, TimeSpan.Zero),
                g.Sum(r => r.Count),
                g.OrderBy(r => r.Action, StringComparer.Ordinal).ThenBy(r => r.Status, StringComparer.Ordinal)
                    .Select(r => new LogSummaryCount(r.Action, r.Status, r.Count)).ToList()))
            .ToList();
        return TypedResults.Ok(new LogSummary(bucketName, from, to, buckets));
    }

    /// <summary>
    /// Cycles ordered by their newest entry. The entries are walked newest first (on the primary key) until a page of
    /// cycles is found, then only those cycles are counted (on the CycleId index): no pass over the whole table.
    /// </summary>
    public static async Task<Ok<CyclePage>> Cycles([AsParameters] CycleQuery query, ScimBridgeDbContext db, CancellationToken ct)
    {
        var (from, to) = LogFilter.ParseRange(query.From, query.To);
        var pageSize = LogFilter.PageSizeOf(query.PageSize);
        var cursor = LogCursor.Decode(query.Cursor)?.Id;
        var range = new LogFilter(from, to, null, [], [], null, null, null, null, IncludeSkipped: true, pageSize, null);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var page = new List<CycleSummary>();
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        var before = cursor;
        while (page.Count <= pageSize)
        {
            var scan = range.Apply(db);
            if (before is { } b)
            {
                scan = scan.Where(e => e.Id < b);
            }
            var chunk = await scan.OrderByDescending(e => e.Id).Take(CycleScanChunk)
                .Select(e => new { e.Id, e.CycleId })
                .ToListAsync(ct);
            if (chunk.Count == 0)
            {
                break;
            }
            var found = chunk.Where(e => seen.Add(e.CycleId)).ToList();
            if (found.Count > 0)
            {
                var ids = found.Select(e => e.CycleId).ToList();
                var counts = await range.Apply(db)
                    .Where(e => ids.Contains(e.CycleId))
                    .GroupBy(e => new { e.CycleId, e.Status })
                    .Select(g => new { g.Key.CycleId, g.Key.Status, Count = g.LongCount(), First = g.Min(e => e.At), Last = g.Max(e => e.At), MaxId = g.Max(e => e.Id) })
                    .ToListAsync(ct);
                foreach (var cycle in found)
                {
                    var rows = counts.Where(c => c.CycleId == cycle.CycleId).ToList();
                    var maxId = rows.Max(r => r.MaxId);
                    // A cycle with an entry at or above the cursor was on an earlier page.
                    if (cursor is { } c && maxId >= c)
                    {
                        continue;
                    }
                    newest[cycle.CycleId] = maxId;
                    page.Add(new CycleSummary(cycle.CycleId, rows.Min(r => r.First), rows.Max(r => r.Last), rows.Sum(r => r.Count),
                        rows.OrderBy(r => r.Status, StringComparer.Ordinal).ToDictionary(r => r.Status, r => r.Count)));
                }
            }
            if (chunk.Count < CycleScanChunk)
            {
                break;
            }
            before = chunk[^1].Id;
        }

        var more = page.Count > pageSize;
        var items = more ? page[..pageSize] : page;
        return TypedResults.Ok(new CyclePage(items, more ? LogCursor.Encode(new LogPosition(items[^1].LastAt.UtcTicks, newest[items[^1].CycleId])) : null, pageSize));
    }

    private sealed class SummaryRow
    {
        public long Bucket { get; set; }
        public string Action { get; set; } = "";
        public string Status { get; set; } = "";
        public long Count { get; set; }
    }
}
