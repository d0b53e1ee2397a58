using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Mirror;

/// <summary>The seat list's query string, as sent (parsed and checked by <see cref="SeatFilter.Parse"/>).</summary>
/// <remarks>A parameterless constructor and init properties: bound by the compile-time request delegate generator.</remarks>
public sealed record SeatListQuery
{
    public SeatListQuery()
    {
    }

    internal SeatListQuery(string? app, string? seatType, string? status, string? link, string? lastActivityOlderThanDays, string? neverActive, string? gone, string? search, string? sort, string? order, string? page, string? pageSize)
    {
        App = app;
        SeatType = seatType;
        Status = status;
        Link = link;
        LastActivityOlderThanDays = lastActivityOlderThanDays;
        NeverActive = neverActive;
        Gone = gone;
        Search = search;
        Sort = sort;
        Order = order;
        Page = page;
        PageSize = pageSize;
    }

    [Description("monday or roadmunk.")][FromQuery(Name = "app")] public string? App { get; init; }
    [Description("A seat type of the app (monday: admin, member, viewer, guest; Roadmunk: account_admin, collaborator, reviewer).")][FromQuery(Name = "seatType")] public string? SeatType { get; init; }
    [Description("active, inactive or pending.")][FromQuery(Name = "status")] public string? Status { get; init; }
    [Description("linked (to an inbound user) or shadow (linked to none).")][FromQuery(Name = "link")] public string? Link { get; init; }
    [Description("Seats whose last activity is older than this many days (never-active seats are not included unless neverActive=true, which then widens the filter to either).")][FromQuery(Name = "lastActivityOlderThanDays")] public string? LastActivityOlderThanDays { get; init; }
    [Description("true: only seats never active (or, with lastActivityOlderThanDays, never active or inactive that long); false: only seats with some activity.")][FromQuery(Name = "neverActive")] public string? NeverActive { get; init; }
    [Description("false (default): seats still in the app; true: only seats gone from the app; any: both.")][FromQuery(Name = "gone")] public string? Gone { get; init; }
    [Description("The start of the seat's email (case-insensitive), or its exact account id.")][FromQuery(Name = "search")] public string? Search { get; init; }
    [Description("email (default) or lastActivity.")][FromQuery(Name = "sort")] public string? Sort { get; init; }
    [Description("asc (default) or desc. lastActivity asc lists never-active seats first, desc lists them last.")][FromQuery(Name = "order")] public string? Order { get; init; }
    [Description("1-based page number (default 1).")][FromQuery(Name = "page")] public string? Page { get; init; }
    [Description("Rows per page, 1 to 500 (default 100).")][FromQuery(Name = "pageSize")] public string? PageSize { get; init; }

    public static readonly SeatListQuery Empty = new(null, null, null, null, null, null, null, null, null, null, null, null);
}

public enum SeatSort { Email, LastActivity }

public enum GoneFilter { Present, Gone, Any }

/// <summary>A checked seat filter; every bad value is refused with the field and why (400).</summary>
public sealed record SeatFilter(
    string? App, string? SeatType, string? Status, bool? Linked, int? OlderThanDays, bool? NeverActive, GoneFilter Gone, string? Search,
    SeatSort Sort, bool Descending, int Page, int PageSize)
{
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 100;
    /// <summary>Offset paging is fine up to here; beyond it a narrower filter is the answer.</summary>
    public const int MaxOffset = 100_000;

    public static SeatFilter Parse(SeatListQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var app = MirrorQuery.App(query.App);
        string? seatType = null;
        if (Blank(query.SeatType) is { } type)
        {
            var known = app is null ? MirrorApps.All.SelectMany(SeatTypes.For).ToList() : SeatTypes.For(app).ToList();
            seatType = known.FirstOrDefault(t => t.Equals(type, StringComparison.OrdinalIgnoreCase))
                ?? throw AdminException.Invalid("seatType", $"seatType must be one of {string.Join(", ", known)}{(app is null ? "" : $" for {app}")}.");
        }
        string? status = null;
        if (Blank(query.Status) is { } s)
        {
            status = SeatStatuses.All.FirstOrDefault(v => v.Equals(s, StringComparison.OrdinalIgnoreCase))
                ?? throw AdminException.Invalid("status", $"status must be one of {string.Join(", ", SeatStatuses.All)}.");
        }
        bool? linked = Blank(query.Link)?.ToLowerInvariant() switch
        {
            null => null,
            "linked" => true,
            "shadow" => false,
            _ => throw AdminException.Invalid("link", "link must be linked or shadow."),
        };
        int? olderThan = Blank(query.LastActivityOlderThanDays) is { } days
            ? MirrorQuery.Number("lastActivityOlderThanDays", days, 0, 36_500)
            : null;
        var neverActive = MirrorQuery.Bool("neverActive", query.NeverActive);
        var gone = Blank(query.Gone)?.ToLowerInvariant() switch
        {
            null or "false" => GoneFilter.Present,
            "true" => GoneFilter.Gone,
            "any" => GoneFilter.Any,
            _ => throw AdminException.Invalid("gone", "gone must be true, false or any."),
        };
        var search = Blank(query.Search);
        if (search is { Length: > 256 })
        {
            throw AdminException.Invalid("search", "search is at most 256 characters.");
        }
        var sort = Blank(query.Sort)?.ToLowerInvariant() switch
        {
            null or "email" => SeatSort.Email,
            "lastactivity" => SeatSort.LastActivity,
            _ => throw AdminException.Invalid("sort", "sort must be email or lastActivity."),
        };
        var descending = Blank(query.Order)?.ToLowerInvariant() switch
        {
            null or "asc" => false,
            "desc" => true,
            _ => throw AdminException.Invalid("order", "order must be asc or desc."),
        };
        var pageSize = Blank(query.PageSize) is { } size ? MirrorQuery.Number("pageSize", size, 1, MaxPageSize) : DefaultPageSize;
        var page = Blank(query.Page) is { } p ? MirrorQuery.Number("page", p, 1, int.MaxValue) : 1;
        if ((long)(page - 1) * pageSize > MaxOffset)
        {
            throw AdminException.Invalid("page", $"Pages reach at most {MaxOffset:N0} rows deep; narrow the filter (or export it as CSV) instead.");
        }
        return new SeatFilter(app, seatType, status, linked, olderThan, neverActive, gone, search, sort, descending, page, pageSize);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One seat as lists and exports show it, with its configured monthly cost and the linked user's userName.</summary>
public sealed record SeatRow(
    long Id, string App, string AccountId, string? Email, string? Name, string SeatType, string Status, string? ListedStatus,
    DateTimeOffset? CreatedInApp, DateTimeOffset? LastActivity, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, DateTimeOffset? GoneAt,
    bool ProvisionedByBridge, string? UserId, string? UserName, string? LinkedBy, string? ReportStatus, DateTimeOffset? ReportAt,
    [property: Description("Mirror:Apps:<app>:SeatCosts:<seatType>, in the page's currency; null when not configured.")] decimal? MonthlyCost);

public sealed record SeatPage(IReadOnlyList<SeatRow> Items, int Page, int PageSize, int Total, string Currency);

/// <summary>One app on the Subscriptions page: what is bought, assigned, used and spent.</summary>
public sealed record AppSummary(
    string App,
    string DisplayName,
    [property: Description("Mirror:Apps:<app>:SeatsBought when configured, else the app's plan; null when neither says.")] int? SeatsBought,
    [property: Description("plan, configuration or null.")] string? SeatsBoughtFrom,
    [property: Description("Seats in the app that are not inactive (active or pending).")] int Assigned,
    [property: Description("Seats in the app with activity in the last ActiveWindowDays days.")] int ActiveRecently,
    int ActiveWindowDays,
    [property: Description("Seats in the app linked to no inbound user.")] int Shadow,
    int Inactive,
    int NeverActive,
    [property: Description("The app's own count of active members (monday), when it says.")] int? AppActiveMembers,
    [property: Description("Assigned seats times their configured monthly cost; seats of a type without a cost are left out (see UnpricedSeats).")] decimal MonthlySpend,
    int UnpricedSeats,
    string Currency,
    IReadOnlyDictionary<string, int> AssignedByType,
    DateTimeOffset? LastCompleteAt,
    long? RunningRunId);

public sealed record MirrorSummary(IReadOnlyList<AppSummary> Apps, string Currency);

/// <summary>The seat list shared by the admin API, the console and the CSV export. Fast at 100,000 seats: see the indexes on MirrorSeats.</summary>
public static class SeatQuery
{
    public static IQueryable<MirrorSeatRecord> Filtered(ScimBridgeDbContext db, SeatFilter filter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var seats = db.MirrorSeats.AsNoTracking();
        if (filter.App is { } app)
        {
            seats = seats.Where(s => s.App == app);
        }
        if (filter.SeatType is { } type)
        {
            seats = seats.Where(s => s.SeatType == type);
        }
        if (filter.Status is { } status)
        {
            seats = seats.Where(s => s.Status == status);
        }
        seats = filter.Linked switch
        {
            true => seats.Where(s => s.UserId != null),
            false => seats.Where(s => s.UserId == null),
            null => seats,
        };
        if (filter.OlderThanDays is { } days)
        {
            var before = now.AddDays(-days);
            seats = filter.NeverActive == true
                ? seats.Where(s => s.LastActivity == null || s.LastActivity < before)
                : seats.Where(s => s.LastActivity != null && s.LastActivity < before);
        }
        else if (filter.NeverActive is { } never)
        {
            seats = never ? seats.Where(s => s.LastActivity == null) : seats.Where(s => s.LastActivity != null);
        }
        seats = filter.Gone switch
        {
            GoneFilter.Present => seats.Where(s => s.GoneAt == null),
            GoneFilter.Gone => seats.Where(s => s.GoneAt != null),
            _ => seats,
        };
        if (filter.Search is { } search)
        {
            var folded = ScimText.Fold(search);
            seats = seats.Where(s => (s.EmailNormalized != null && s.EmailNormalized.StartsWith(folded)) || s.AccountId == search);
        }
        return seats;
    }

    /// <summary>
    /// One page in the filter's order. Seats without the sort key (never active, no email) form their own segment
    /// (first for ascending, last for descending, the same on SQLite and PostgreSQL), so each segment reads in index order.
    /// </summary>
    public static async Task<SeatPage> PageAsync(ScimBridgeDbContext db, SeatFilter filter, MirrorOptions options, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var seats = Filtered(db, filter, now);
        var (first, second) = Segments(seats, filter);
        var firstCount = await first.CountAsync(ct);
        var secondCount = await second.CountAsync(ct);
        var skip = (filter.Page - 1) * filter.PageSize;
        var rows = new List<MirrorSeatRecord>(filter.PageSize);
        if (skip < firstCount)
        {
            rows.AddRange(await first.Skip(skip).Take(filter.PageSize).ToListAsync(ct));
        }
        if (rows.Count < filter.PageSize)
        {
            rows.AddRange(await second.Skip(Math.Max(0, skip - firstCount)).Take(filter.PageSize - rows.Count).ToListAsync(ct));
        }
        return new SeatPage(await RowsAsync(db, rows, options, ct), filter.Page, filter.PageSize, firstCount + secondCount, options.Currency);
    }

    private static (IQueryable<MirrorSeatRecord> First, IQueryable<MirrorSeatRecord> Second) Segments(IQueryable<MirrorSeatRecord> seats, SeatFilter filter)
    {
        if (filter.Sort == SeatSort.LastActivity)
        {
            var none = seats.Where(s => s.LastActivity == null).OrderBy(s => s.Id);
            var some = seats.Where(s => s.LastActivity != null);
            return filter.Descending
                ? (some.OrderByDescending(s => s.LastActivity).ThenByDescending(s => s.Id), none)
                : (none, some.OrderBy(s => s.LastActivity).ThenBy(s => s.Id));
        }
        var noEmail = seats.Where(s => s.EmailNormalized == null).OrderBy(s => s.Id);
        var email = seats.Where(s => s.EmailNormalized != null);
        return filter.Descending
            ? (email.OrderByDescending(s => s.EmailNormalized).ThenByDescending(s => s.Id), noEmail)
            : (noEmail, email.OrderBy(s => s.EmailNormalized).ThenBy(s => s.Id));
    }

    /// <summary>The rows with their cost and linked userName (one query for the names of the whole batch).</summary>
    public static async Task<List<SeatRow>> RowsAsync(ScimBridgeDbContext db, IReadOnlyList<MirrorSeatRecord> seats, MirrorOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(seats);
        ArgumentNullException.ThrowIfNull(options);
        var userIds = seats.Select(s => s.UserId).OfType<string>().Distinct().ToList();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in userIds.Chunk(500))
        {
            foreach (var user in await db.Users.AsNoTracking().Where(u => chunk.Contains(u.Id)).Select(u => new { u.Id, u.UserName }).ToListAsync(ct))
            {
                names[user.Id] = user.UserName;
            }
        }
        return seats.Select(s => new SeatRow(s.Id, s.App, s.AccountId, s.Email, s.Name, s.SeatType, s.Status, s.ListedStatus, s.CreatedInApp,
            s.LastActivity, s.FirstSeen, s.LastSeen, s.GoneAt, s.ProvisionedByBridge, s.UserId, s.UserId is { } id ? names.GetValueOrDefault(id) : null,
            s.LinkedBy, s.ReportStatus, s.ReportAt, options.MonthlyCost(s.App, s.SeatType))).ToList();
    }

    /// <summary>Every known app, also one never downloaded (with zeros), so the page shows what is still to connect.</summary>
    public static async Task<MirrorSummary> SummaryAsync(ScimBridgeDbContext db, MirrorOptions options, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        var activeSince = now.AddDays(-options.ActiveWindowDays);
        var groups = await db.MirrorSeats.AsNoTracking()
            .Where(s => s.GoneAt == null)
            .GroupBy(s => new { s.App, s.SeatType, s.Status })
            .Select(g => new
            {
                g.Key.App,
                g.Key.SeatType,
                g.Key.Status,
                Count = g.Count(),
                Shadow = g.Sum(s => s.UserId == null ? 1 : 0),
                Recent = g.Sum(s => s.LastActivity != null && s.LastActivity >= activeSince ? 1 : 0),
                Never = g.Sum(s => s.LastActivity == null ? 1 : 0),
            })
            .ToListAsync(ct);
        var records = await db.MirrorApps.AsNoTracking().ToDictionaryAsync(a => a.App, ct);
        var apps = new List<AppSummary>();
        foreach (var app in MirrorApps.All)
        {
            var mine = groups.Where(g => g.App == app).ToList();
            var assigned = mine.Where(g => g.Status != SeatStatuses.Inactive).ToList();
            var byType = assigned.GroupBy(g => g.SeatType).ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal);
            decimal spend = 0;
            var unpriced = 0;
            foreach (var (type, count) in byType)
            {
                if (options.MonthlyCost(app, type) is { } cost)
                {
                    spend += cost * count;
                }
                else
                {
                    unpriced += count;
                }
            }
            var record = records.GetValueOrDefault(app);
            var configured = options.For(app).SeatsBought;
            apps.Add(new AppSummary(
                app,
                MirrorApps.DisplayName(app),
                configured ?? record?.SeatsBought,
                configured is not null ? "configuration" : record?.SeatsBought is not null ? "plan" : null,
                assigned.Sum(g => g.Count),
                mine.Sum(g => g.Recent),
                options.ActiveWindowDays,
                mine.Sum(g => g.Shadow),
                mine.Where(g => g.Status == SeatStatuses.Inactive).Sum(g => g.Count),
                mine.Sum(g => g.Never),
                record?.ActiveMembers,
                spend,
                unpriced,
                options.Currency,
                byType,
                record?.LastCompleteAt,
                record?.RunningRunId));
        }
        return new MirrorSummary(apps, options.Currency);
    }
}

/// <summary>Parsing shared by the mirror's endpoints: every bad value is a 400 naming the field.</summary>
public static class MirrorQuery
{
    public static string? App(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return MirrorApps.All.FirstOrDefault(a => a.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw AdminException.Invalid("app", $"'{Shorten(value)}' is not a known app; known: {string.Join(", ", MirrorApps.All)}.");
    }

    public static int Number(string field, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw AdminException.Invalid(field, $"{field} must be a whole number from {min} to {max.ToString(CultureInfo.InvariantCulture)}.");

    public static bool? Bool(string field, string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "true" => true,
        "false" => false,
        _ => throw AdminException.Invalid(field, $"{field} must be true or false."),
    };

    public static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
