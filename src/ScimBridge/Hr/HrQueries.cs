using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Mirror;

namespace ScimBridge.Hr;

/// <summary>The HR event lists' query string, as sent (checked by <see cref="HrEventFilter.Parse"/>).</summary>
/// <remarks>A parameterless constructor and init properties: bound by the compile-time request delegate generator.</remarks>
public sealed record HrEventListQuery
{
    public HrEventListQuery()
    {
    }

    internal HrEventListQuery(string? kind, string? state, string? source, string? q, string? userId, string? from, string? to, string? page, string? pageSize)
    {
        Kind = kind;
        State = state;
        Source = source;
        Q = q;
        UserId = userId;
        From = from;
        To = to;
        Page = page;
        PageSize = pageSize;
    }

    [Description("Terminate, Rehire or Move, comma-separated.")][FromQuery(Name = "kind")] public string? Kind { get; init; }
    [Description("Scheduled, Held, Fired, Rescinded, Superseded or Failed, comma-separated.")][FromQuery(Name = "state")] public string? State { get; init; }
    [Description("Api, Bulk, Roster or Console.")][FromQuery(Name = "source")] public string? Source { get; init; }
    [Description("Part of the worker's userName or employee number (case-insensitive).")][FromQuery(Name = "q")] public string? Q { get; init; }
    [Description("The worker's user id.")][FromQuery(Name = "userId")] public string? UserId { get; init; }
    [Description("Effective on or after: a date (UTC day) or an instant with offset.")][FromQuery(Name = "from")] public string? From { get; init; }
    [Description("Effective on or before: a date (the whole UTC day) or an instant with offset.")][FromQuery(Name = "to")] public string? To { get; init; }
    [Description("1-based page number (default 1).")][FromQuery(Name = "page")] public string? Page { get; init; }
    [Description("Rows per page, 1 to 500 (default 100).")][FromQuery(Name = "pageSize")] public string? PageSize { get; init; }

    public static readonly HrEventListQuery Empty = new(null, null, null, null, null, null, null, null, null);
}

/// <summary>A checked HR event filter; every bad value is refused naming the field and the allowed values (400).</summary>
public sealed record HrEventFilter(
    IReadOnlyList<string>? Kinds, IReadOnlyList<string>? States, string? Source, string? Search, string? UserId,
    DateTimeOffset? From, DateTimeOffset? To, int Page, int PageSize)
{
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 100;
    public const int MaxOffset = 100_000;

    public static readonly HrEventFilter None = new(null, null, null, null, null, null, null, 1, DefaultPageSize);

    public static HrEventFilter Parse(HrEventListQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var kinds = Names("kind", query.Kind, HrEventKinds.All);
        var states = Names("state", query.State, HrEventStates.All);
        var source = Names("source", query.Source, [HrSources.Api, HrSources.Bulk, HrSources.Roster, HrSources.Console]) switch
        {
            null => null,
            [var one] => one,
            _ => throw AdminException.Invalid("source", "source is one of Api, Bulk, Roster or Console."),
        };
        var search = Blank(query.Q);
        if (search is { Length: > 256 })
        {
            throw AdminException.Invalid("q", "q is at most 256 characters.");
        }
        var userId = Blank(query.UserId);
        if (userId is { Length: > 256 })
        {
            throw AdminException.Invalid("userId", "userId is at most 256 characters.");
        }
        var from = Instant("from", query.From, endOfDay: false);
        var to = Instant("to", query.To, endOfDay: true);
        if (from is not null && to is not null && from > to)
        {
            throw AdminException.Invalid("to", "to is before from.");
        }
        var pageSize = Blank(query.PageSize) is { } size ? MirrorQuery.Number("pageSize", size, 1, MaxPageSize) : DefaultPageSize;
        var page = Blank(query.Page) is { } p ? MirrorQuery.Number("page", p, 1, int.MaxValue) : 1;
        if ((long)(page - 1) * pageSize > MaxOffset)
        {
            throw AdminException.Invalid("page", $"Pages reach at most {MaxOffset:N0} rows deep; narrow the filter instead.");
        }
        return new HrEventFilter(kinds, states, source, search, userId, from, to, page, pageSize);
    }

    /// <summary>
    /// A date (yyyy-MM-dd, a UTC day: its start, or with <paramref name="endOfDay"/> the start of the next day, exclusive)
    /// or an instant with offset.
    /// </summary>
    public static DateTimeOffset? Instant(string field, string? value, bool endOfDay)
    {
        if (Blank(value) is not { } text)
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1).AddTicks(-1) : start;
        }
        if (text.Length > 10 && text[10] == 'T' && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.ToUniversalTime();
        }
        throw AdminException.Invalid(field, $"{field} must be a date (2027-03-31) or an instant with offset (2027-03-31T17:00:00Z); got '{MirrorQuery.Shorten(text)}'.");
    }

    private static List<string>? Names(string field, string? value, IReadOnlyList<string> allowed)
    {
        if (Blank(value) is not { } text)
        {
            return null;
        }
        var names = new List<string>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            names.Add(allowed.FirstOrDefault(a => a.Equals(part, StringComparison.OrdinalIgnoreCase))
                ?? throw AdminException.Invalid(field, $"'{MirrorQuery.Shorten(part)}' is not a known {field}; allowed: {string.Join(", ", allowed)} (comma-separated)."));
        }
        return names.Count == 0 ? null : [.. names.Distinct()];
    }

    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One HR event as the admin API and the console show it.</summary>
public sealed record HrAdminEvent(
    long Id,
    [property: Description("Terminate, Rehire or Move.")] string Kind,
    [property: Description("Scheduled, Held, Fired, Rescinded, Superseded or Failed.")] string State,
    string UserId,
    string? UserName,
    string? EmployeeNumber,
    string MatchedBy,
    [property: Description("The instant it fires (UTC).")] DateTimeOffset EffectiveAt,
    [property: Description("The wall-clock time asked for, in TimeZone.")] string? EffectiveLocal,
    string TimeZone,
    string? Reason,
    [property: Description("What the bridge decided: a DST gap or overlap, a past date firing now, a replaced termination.")] string? Note,
    [property: Description("A move's changes (JSON).")] string? Details,
    [property: Description("Api, Bulk, Roster or Console.")] string Source,
    string Actor,
    string? ClientRequestId,
    string? BatchId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FiredAt,
    DateTimeOffset? ClosedAt,
    string? ClosedBy,
    [property: Description("Why the mass-termination guard holds it, or why it failed.")] string? Error,
    bool Approved)
{
    public static HrAdminEvent Of(HrEventRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Id, e.Kind, e.State, e.UserId, e.UserName, e.EmployeeNumber, e.MatchedBy, e.EffectiveAt, e.EffectiveLocal, e.TimeZone,
            e.Reason, e.Note, e.Details, e.Source, e.Actor, e.ClientRequestId, e.BatchId, e.CreatedAt, e.FiredAt, e.ClosedAt, e.ClosedBy,
            e.Error, e.Approved);
    }

    /// <summary>A move's changes as "title: Lead; department: (cleared)"; null for none or unreadable details.</summary>
    [JsonIgnore]
    public string? ChangesDisplay
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Details))
            {
                return null;
            }
            try
            {
                var changes = JsonSerializer.Deserialize<MoveChanges>(Details, JsonSerializerOptions.Web);
                if (changes is null)
                {
                    return null;
                }
                var parts = new[] { ("title", changes.Title), ("department", changes.Department), ("manager", changes.Manager), ("seatType", changes.SeatType) }
                    .Where(p => p.Item2 is not null)
                    .Select(p => $"{p.Item1}: {(p.Item2!.Length == 0 ? "(cleared)" : p.Item2)}")
                    .ToList();
                return parts.Count == 0 ? null : string.Join("; ", parts);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>"2027-03-31 19:00 Europe/Paris": the wall-clock time it was asked for, in its zone.</summary>
    [JsonIgnore]
    public string LocalDisplay => EffectiveLocal is { } local
        ? $"{local.Replace('T', ' ')[..Math.Min(16, local.Length)]} {TimeZone}"
        : TimeZone;
}

public sealed record HrAdminEventPage(IReadOnlyList<HrAdminEvent> Items, int Page, int PageSize, int Total);

/// <summary>A group a worker was in when the termination fired (for a rehire to restore).</summary>
public sealed record HrAdminTeam(string Id, string? DisplayName);

/// <summary>One worker's HR state, the termination in force, the membership snapshot and every event.</summary>
public sealed record HrAdminWorker(
    string UserId,
    string? UserName,
    string? EmployeeNumber,
    [property: Description("The inbound user's active flag (what the identity provider says); null when the user is gone.")] bool? IdpActive,
    string? TimeZone,
    [property: Description("Active, Leaving or Left.")] string Status,
    HrAdminEvent? Termination,
    [property: Description("The next leaver step, null when none is left.")] string? Step,
    DateTimeOffset? StepDueAt,
    IReadOnlyList<HrAdminTeam> Memberships,
    DateTimeOffset? SnapshotAt,
    bool Deactivated,
    bool RemovedFromTeams,
    bool Deleted,
    DateTimeOffset? EffectiveAt,
    DateTimeOffset? DeactivatedAt,
    [property: Description("false when the termination was settled without sending a deactivation (the user was never in monday.com).")] bool DeactivationSent,
    DateTimeOffset? UpdatedAt,
    IReadOnlyList<HrAdminEvent> Events)
{
    /// <summary>A termination is in force (its precedence can be overridden).</summary>
    public bool Terminated => Status != HrWorkerStatuses.Active;

    /// <summary>The worker's pending termination (Scheduled or Held), if any.</summary>
    [JsonIgnore]
    public HrAdminEvent? PendingTermination =>
        Events.Where(e => e.Kind == HrEventKinds.Terminate && HrEventStates.Pending.Contains(e.State)).OrderByDescending(e => e.Id).FirstOrDefault();
}

/// <summary>One leaver in the SLA report: how long monday.com took to confirm the deactivation.</summary>
public sealed record LeaverDelay(string UserId, string? UserName, string? EmployeeNumber, long TerminationId, DateTimeOffset EffectiveAt,
    DateTimeOffset? DeactivatedAt, [property: Description("DeactivatedAt − EffectiveAt in seconds; null while waiting.")] double? Seconds);

/// <summary>Seats freed by leavers deactivated in the period, priced from the subscription mirror.</summary>
public sealed record SeatsFreed(
    [property: Description("Leavers whose deactivation monday.com confirmed in the period.")] int Deactivated,
    [property: Description("Of those, the monday.com users deleted since.")] int Deleted,
    [property: Description("The monthly cost of their seats (the mirror's seat type times Mirror:Apps:monday:SeatCosts).")] decimal MonthlyCost,
    [property: Description("Leavers without a mirrored seat linked to them, or of a seat type without a configured cost: unknown cost.")] int UnknownCost,
    string Currency,
    IReadOnlyList<SeatsFreedRow> BySeatType);

public sealed record SeatsFreedRow(string SeatType, int Count, decimal? MonthlyCost);

/// <summary>The leaver SLA over a period: effective time → deactivation confirmed in monday.com.</summary>
public sealed record LeaverSla(
    DateTimeOffset From,
    DateTimeOffset To,
    [property: Description("Terminations fired in the period.")] int Fired,
    [property: Description("Of those, with the deactivation confirmed.")] int Confirmed,
    [property: Description("Of those, still waiting for monday.com to confirm.")] int Waiting,
    [property: Description("Median delay in seconds (the mean of the middle two for an even count).")] double? MedianSeconds,
    [property: Description("95th percentile delay in seconds (nearest rank).")] double? P95Seconds,
    LeaverDelay? Worst,
    [property: Description("The oldest leavers still waiting (at most 50).")] IReadOnlyList<LeaverDelay> WaitingLeavers,
    SeatsFreed SeatsFreed,
    [property: Description("More terminations fired than the report reads; it covers the first ones.")] bool Truncated);

/// <summary>The HR lists shared by the admin API and the console: pending, held, history, a worker, the leaver SLA.</summary>
public static class HrQueries
{
    public const int MaxSlaRows = 100_000;
    public const int MaxWorkerEvents = 500;

    public static IQueryable<HrEventRecord> Filtered(ScimBridgeDbContext db, HrEventFilter filter)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var events = db.HrEvents.AsNoTracking();
        if (filter.Kinds is { } kinds)
        {
            events = events.Where(e => kinds.Contains(e.Kind));
        }
        if (filter.States is { } states)
        {
            events = events.Where(e => states.Contains(e.State));
        }
        if (filter.Source is { } source)
        {
            events = events.Where(e => e.Source == source);
        }
        if (filter.UserId is { } userId)
        {
            events = events.Where(e => e.UserId == userId);
        }
        if (filter.From is { } from)
        {
            events = events.Where(e => e.EffectiveAt >= from);
        }
        if (filter.To is { } to)
        {
            events = events.Where(e => e.EffectiveAt <= to);
        }
        if (filter.Search is { } search)
        {
            var lower = search.ToLowerInvariant();
            events = events.Where(e => (e.UserName != null && e.UserName.ToLower().Contains(lower))
                || (e.EmployeeNumber != null && e.EmployeeNumber.ToLower().Contains(lower)));
        }
        return events;
    }

    /// <summary>Pending events (Scheduled or Held) by effective time, soonest first; the filter's states are ignored.</summary>
    public static Task<HrAdminEventPage> PendingAsync(ScimBridgeDbContext db, HrEventFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return PageAsync(Filtered(db, filter with { States = HrEventStates.Pending }).OrderBy(e => e.EffectiveAt).ThenBy(e => e.Id), filter, ct);
    }

    /// <summary>Terminations the mass-termination guard holds, by effective time.</summary>
    public static Task<HrAdminEventPage> HeldAsync(ScimBridgeDbContext db, int page, int pageSize, CancellationToken ct) =>
        PageAsync(Held(db).OrderBy(e => e.EffectiveAt).ThenBy(e => e.Id), HrEventFilter.None with { Page = page, PageSize = pageSize }, ct);

    public static Task<int> HeldCountAsync(ScimBridgeDbContext db, CancellationToken ct) => Held(db).CountAsync(ct);

    private static IQueryable<HrEventRecord> Held(ScimBridgeDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.HrEvents.AsNoTracking().Where(e => e.State == HrEventStates.Held && e.Kind == HrEventKinds.Terminate);
    }

    /// <summary>Every event, newest recorded first.</summary>
    public static Task<HrAdminEventPage> HistoryAsync(ScimBridgeDbContext db, HrEventFilter filter, CancellationToken ct) =>
        PageAsync(Filtered(db, filter).OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id), filter, ct);

    private static async Task<HrAdminEventPage> PageAsync(IOrderedQueryable<HrEventRecord> events, HrEventFilter filter, CancellationToken ct)
    {
        var total = await events.CountAsync(ct);
        var rows = await events.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(ct);
        return new HrAdminEventPage([.. rows.Select(HrAdminEvent.Of)], filter.Page, filter.PageSize, total);
    }

    /// <summary>A worker by user id: its HR row (if any), the inbound user (if not deleted) and its events; null when none of them exists.</summary>
    public static async Task<HrAdminWorker?> WorkerAsync(ScimBridgeDbContext db, string userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.UserName, u.EmployeeNumber, u.Active, u.Timezone }).FirstOrDefaultAsync(ct);
        var worker = await db.HrWorkers.AsNoTracking().FirstOrDefaultAsync(w => w.UserId == userId, ct);
        var events = await db.HrEvents.AsNoTracking().Where(e => e.UserId == userId)
            .OrderByDescending(e => e.CreatedAt).ThenByDescending(e => e.Id).Take(MaxWorkerEvents).ToListAsync(ct);
        if (user is null && worker is null && events.Count == 0)
        {
            return null;
        }
        HrEventRecord? termination = null;
        if (worker is { Status: not HrWorkerStatuses.Active, TerminationId: { } terminationId })
        {
            termination = events.FirstOrDefault(e => e.Id == terminationId)
                ?? await db.HrEvents.AsNoTracking().FirstOrDefaultAsync(e => e.Id == terminationId, ct);
        }
        var latest = events.FirstOrDefault();
        return new HrAdminWorker(
            userId,
            user?.UserName ?? latest?.UserName,
            user?.EmployeeNumber ?? latest?.EmployeeNumber,
            user?.Active,
            user?.Timezone,
            worker?.Status ?? HrWorkerStatuses.Active,
            termination is null ? null : HrAdminEvent.Of(termination),
            worker?.Step,
            worker?.StepDueAt,
            Memberships(worker?.Memberships),
            worker?.SnapshotAt,
            worker?.Deactivated ?? false,
            worker?.RemovedFromTeams ?? false,
            worker?.Deleted ?? false,
            worker?.EffectiveAt,
            worker?.DeactivatedAt,
            worker?.DeactivateSeq is not null,
            worker?.UpdatedAt,
            [.. events.Select(HrAdminEvent.Of)]);
    }

    /// <summary>The snapshot's groups; an unreadable snapshot shows as none rather than failing the page.</summary>
    public static IReadOnlyList<HrAdminTeam> Memberships(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }
        try
        {
            return JsonSerializer.Deserialize<List<HrAdminTeam>>(json, JsonSerializerOptions.Web)?.Where(m => m.Id is not null).ToList() ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The period of an SLA report: from and to as dates or instants; by default the last 30 days up to now.</summary>
    public static (DateTimeOffset From, DateTimeOffset To) Period(string? from, string? to, DateTimeOffset now)
    {
        var end = HrEventFilter.Instant("to", to, endOfDay: true) ?? now;
        var start = HrEventFilter.Instant("from", from, endOfDay: false) ?? end.AddDays(-30);
        if (start > end)
        {
            throw AdminException.Invalid("to", "to is before from.");
        }
        if (end - start > TimeSpan.FromDays(3700))
        {
            throw AdminException.Invalid("from", "The period is at most ten years.");
        }
        return (start, end);
    }

    private sealed record Leaver(long Id, string UserId, string? UserName, string? EmployeeNumber, DateTimeOffset EventEffectiveAt,
        DateTimeOffset? WorkerEffectiveAt, DateTimeOffset? DeactivatedAt, bool InForce);

    /// <summary>
    /// The leaver SLA for terminations fired in [from, to]: effective time (HrWorkers.EffectiveAt) to the deactivation
    /// confirmed in monday.com (HrWorkers.DeactivatedAt), and the seats freed by the leavers confirmed in the period.
    /// Delays are computed here (at most <see cref="MaxSlaRows"/> rows): the databases store instants as ticks.
    /// </summary>
    public static async Task<LeaverSla> SlaAsync(ScimBridgeDbContext db, DateTimeOffset from, DateTimeOffset to, MirrorOptions mirror, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(mirror);
        // A termination that was rescinded after firing is undone: it is no leaver. One the worker's row no longer
        // points at (rehired or overridden since) keeps its fired time but has no confirmation to measure.
        var fired = await db.HrEvents.AsNoTracking()
            .Where(e => e.Kind == HrEventKinds.Terminate && e.State == HrEventStates.Fired && e.FiredAt != null && e.FiredAt >= from && e.FiredAt <= to)
            .OrderBy(e => e.FiredAt).ThenBy(e => e.Id)
            .Take(MaxSlaRows + 1)
            .Select(e => new { e.Id, e.UserId, e.UserName, e.EmployeeNumber, e.EffectiveAt })
            .ToListAsync(ct);
        var truncated = fired.Count > MaxSlaRows;
        fired = [.. fired.Take(MaxSlaRows)];
        var workers = new Dictionary<long, (DateTimeOffset? EffectiveAt, DateTimeOffset? DeactivatedAt, bool Sent)>();
        foreach (var chunk in fired.Select(f => (long?)f.Id).Chunk(500))
        {
            foreach (var w in await db.HrWorkers.AsNoTracking().Where(w => chunk.Contains(w.TerminationId))
                .Select(w => new { w.TerminationId, w.EffectiveAt, w.DeactivatedAt, w.DeactivateSeq }).ToListAsync(ct))
            {
                // Confirmed with no deactivation sent: the user was never in monday.com, so there is nothing to measure.
                workers[w.TerminationId!.Value] = (w.EffectiveAt, w.DeactivatedAt, w.DeactivatedAt is null || w.DeactivateSeq is not null);
            }
        }
        var leavers = fired.Select(f => workers.TryGetValue(f.Id, out var w)
            ? new Leaver(f.Id, f.UserId, f.UserName, f.EmployeeNumber, f.EffectiveAt, w.EffectiveAt, w.DeactivatedAt, w.Sent)
            : new Leaver(f.Id, f.UserId, f.UserName, f.EmployeeNumber, f.EffectiveAt, null, null, false)).ToList();

        LeaverDelay Delay(Leaver l)
        {
            var effective = l.WorkerEffectiveAt ?? l.EventEffectiveAt;
            double? seconds = l.DeactivatedAt is { } done ? Math.Max(0, (done - effective).TotalSeconds) : null;
            return new LeaverDelay(l.UserId, l.UserName, l.EmployeeNumber, l.Id, effective, l.DeactivatedAt, seconds);
        }

        var delays = leavers.Where(l => l.InForce).Select(Delay).ToList();
        var confirmed = delays.Where(d => d.Seconds is not null).OrderBy(d => d.Seconds).ToList();
        var waiting = delays.Where(d => d.Seconds is null).OrderBy(d => d.EffectiveAt).ToList();
        var seconds = confirmed.Select(d => d.Seconds!.Value).ToList();

        return new LeaverSla(from, to, leavers.Count, confirmed.Count, waiting.Count, Median(seconds), Percentile(seconds, 95),
            confirmed.Count == 0 ? null : confirmed[^1], [.. waiting.Take(50)], await SeatsFreedAsync(db, from, to, mirror, ct), truncated);
    }

    /// <summary>The middle value of sorted values (the mean of the middle two for an even count); null for none.</summary>
    public static double? Median(IReadOnlyList<double> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return null;
        }
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The nearest-rank percentile of sorted values: the smallest value with at least p % of them at or below it.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, int percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return null;
        }
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }

    /// <summary>Leavers whose deactivation monday.com confirmed in the period, with their monday.com seat's monthly cost.</summary>
    private static async Task<SeatsFreed> SeatsFreedAsync(ScimBridgeDbContext db, DateTimeOffset from, DateTimeOffset to, MirrorOptions mirror, CancellationToken ct)
    {
        var workers = await db.HrWorkers.AsNoTracking()
            .Where(w => w.TerminationId != null && w.DeactivateSeq != null && w.DeactivatedAt != null && w.DeactivatedAt >= from && w.DeactivatedAt <= to)
            .OrderBy(w => w.DeactivatedAt).Take(MaxSlaRows)
            .Select(w => new { w.UserId, w.Deleted })
            .ToListAsync(ct);
        var seatTypes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in workers.Select(w => w.UserId).Chunk(500))
        {
            // A user's newest monday.com seat: the one the deactivation freed (a deleted user's seat is gone from the listing).
            var seats = await db.MirrorSeats.AsNoTracking()
                .Where(s => s.App == MirrorApps.Monday && s.UserId != null && chunk.Contains(s.UserId))
                .Select(s => new { s.UserId, s.SeatType, s.LastSeen, s.Id })
                .ToListAsync(ct);
            foreach (var seat in seats.GroupBy(s => s.UserId!).Select(g => g.OrderByDescending(s => s.LastSeen).ThenByDescending(s => s.Id).First()))
            {
                seatTypes[seat.UserId!] = seat.SeatType;
            }
        }
        decimal total = 0;
        var unknown = 0;
        var byType = new SortedDictionary<string, (int Count, decimal? Cost)>(StringComparer.Ordinal);
        foreach (var w in workers)
        {
            var type = seatTypes.GetValueOrDefault(w.UserId);
            var cost = type is null ? null : mirror.MonthlyCost(MirrorApps.Monday, type);
            if (cost is { } known)
            {
                total += known;
            }
            else
            {
                unknown++;
            }
            var key = type ?? "(no mirrored seat)";
            var row = byType.GetValueOrDefault(key);
            byType[key] = (row.Count + 1, cost is null ? row.Cost : (row.Cost ?? 0) + cost);
        }
        return new SeatsFreed(workers.Count, workers.Count(w => w.Deleted), total, unknown, mirror.Currency,
            [.. byType.Select(r => new SeatsFreedRow(r.Key, r.Value.Count, r.Value.Cost))]);
    }

    /// <summary>A delay in seconds as the console shows it: "42 s", "12 min 5 s", "3 h 20 min", "2 d 4 h".</summary>
    public static string Duration(double? seconds)
    {
        if (seconds is not { } s)
        {
            return "—";
        }
        var span = TimeSpan.FromSeconds(Math.Round(s));
        return span.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{span.Seconds} s")
            : span.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{span.Minutes} min {span.Seconds} s")
            : span.TotalHours < 24 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} d {span.Hours} h");
    }
}
