using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Logs;

/// <summary>The query string of the log endpoints, as sent: every value is a string so that bad input gets our 400, not the binder's.</summary>
/// <remarks>A parameterless constructor and init properties: bound by the compile-time request delegate generator.</remarks>
public sealed record LogQuery
{
    public LogQuery()
    {
    }

    internal LogQuery(string? from, string? to, string? identity, string[]? action, string[]? status, string? errorCode, string? initiator, string? cycle, string? resourceType, string? includeSkipped, string? pageSize, string? cursor)
    {
        From = from;
        To = to;
        Identity = identity;
        Action = action;
        Status = status;
        ErrorCode = errorCode;
        Initiator = initiator;
        Cycle = cycle;
        ResourceType = resourceType;
        IncludeSkipped = includeSkipped;
        PageSize = pageSize;
        Cursor = cursor;
    }

    [Description("Entries at or after this instant (ISO 8601).")][FromQuery(Name = "from")] public string? From { get; init; }
    [Description("Entries before this instant (ISO 8601, exclusive).")][FromQuery(Name = "to")] public string? To { get; init; }
    [Description("A user or group: its id, its monday.com id, or the start of its name (case-insensitive).")][FromQuery(Name = "identity")] public string? Identity { get; init; }
    [Description("Actions, repeated or comma-separated.")][FromQuery(Name = "action")] public string[]? Action { get; init; }
    [Description("Statuses, repeated or comma-separated. Skipped entries are hidden unless asked for here or with includeSkipped.")][FromQuery(Name = "status")] public string[]? Status { get; init; }
    [Description("Error code, exactly.")][FromQuery(Name = "errorCode")] public string? ErrorCode { get; init; }
    [Description("Who started the work: a type (Scim, Hr, Admin, Reclamation, Retry, System) or else a name, e.g. the SCIM token's.")][FromQuery(Name = "initiator")] public string? Initiator { get; init; }
    [Description("The batch (cycle) id.")][FromQuery(Name = "cycle")] public string? Cycle { get; init; }
    [Description("User or Group.")][FromQuery(Name = "resourceType")] public string? ResourceType { get; init; }
    [Description("true shows Skipped (out-of-scope) entries too.")][FromQuery(Name = "includeSkipped")] public string? IncludeSkipped { get; init; }
    [Description("1 to 500, default 50.")][FromQuery(Name = "pageSize")] public string? PageSize { get; init; }
    [Description("The nextCursor of the previous page.")][FromQuery(Name = "cursor")] public string? Cursor { get; init; }
}

/// <summary>A validated log query: every field is checked here, so what reaches the database is well-formed.</summary>
public sealed record LogFilter(
    DateTimeOffset? From,
    DateTimeOffset? To,
    string? Identity,
    IReadOnlyList<string> Actions,
    IReadOnlyList<string> Statuses,
    string? ErrorCode,
    string? Initiator,
    string? Cycle,
    string? ResourceType,
    bool IncludeSkipped,
    int PageSize,
    LogPosition? Before)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    private const int MaxValueLength = 256;
    private static readonly string[] ResourceTypes = [ResourceKinds.User, ResourceKinds.Group, ResourceKinds.Seat];

    public static LogFilter Parse(LogQuery query)
    {
        var (from, to) = ParseRange(query.From, query.To);
        return new LogFilter(
            from,
            to,
            Text("identity", query.Identity),
            Names("action", query.Action, LogActions.All),
            Names("status", query.Status, LogStatuses.All),
            Text("errorCode", query.ErrorCode),
            Text("initiator", query.Initiator),
            Text("cycle", query.Cycle),
            Names("resourceType", query.ResourceType is null ? null : [query.ResourceType], ResourceTypes).SingleOrDefault(),
            Flag("includeSkipped", query.IncludeSkipped),
            PageSizeOf(query.PageSize),
            LogCursor.Decode(query.Cursor));
    }

    public static (DateTimeOffset? From, DateTimeOffset? To) ParseRange(string? fromText, string? toText)
    {
        var from = Instant("from", fromText);
        var to = Instant("to", toText);
        if (from is not null && to is not null && from > to)
        {
            throw AdminException.Invalid("from", "from must not be after to.");
        }
        return (from, to);
    }

    public static int PageSizeOf(string? text)
    {
        if (text is null)
        {
            return DefaultPageSize;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= MaxPageSize
            ? size
            : throw AdminException.Invalid("pageSize", $"pageSize must be a whole number from 1 to {MaxPageSize}.");
    }

    /// <summary>
    /// The page after <see cref="Before"/>, newest first by (At, Id). Every filter column has an index on
    /// (column, At, Id), so a filter, a time range or both are one index range read in page order: a page reads about
    /// its own rows however many match.
    /// </summary>
    public IQueryable<LogEntryRecord> Page(ScimBridgeDbContext db)
    {
        var entries = Apply(db);
        if (Before is { } before)
        {
            var at = new DateTimeOffset(before.AtTicks, TimeSpan.Zero);
            // The redundant At <= at is an index bound PostgreSQL can seek to; the OR alone it can only filter with.
            entries = entries.Where(e => e.At <= at && (e.At < at || e.Id < before.Id));
        }
        return entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id);
    }

    /// <summary>The entries this filter selects, in no particular order.</summary>
    public IQueryable<LogEntryRecord> Apply(ScimBridgeDbContext db)
    {
        var entries = db.LogEntries.AsNoTracking();
        if (From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }
        if (To is { } to)
        {
            entries = entries.Where(e => e.At < to);
        }
        if (Identity is { } identity)
        {
            // SourceNameNormalized is compared by bytes (SQLite BINARY, PostgreSQL COLLATE "C", as its index is), so the
            // names starting with the prefix are exactly one range of the index.
            var low = ScimText.Fold(identity);
            var high = low + char.ConvertFromUtf32(0x10FFFF);
            entries = db.IsPostgres
                ? entries.Where(e => e.SourceId == identity || e.TargetId == identity
                    || (string.Compare(EF.Functions.Collate(e.SourceNameNormalized, "C"), low) >= 0
                        && string.Compare(EF.Functions.Collate(e.SourceNameNormalized, "C"), high) < 0))
                : entries.Where(e => e.SourceId == identity || e.TargetId == identity
                    || (string.Compare(e.SourceNameNormalized, low) >= 0 && string.Compare(e.SourceNameNormalized, high) < 0));
        }
        if (Actions.Count > 0)
        {
            var actions = Actions;
            entries = actions.Count == 1 ? entries.Where(e => e.Action == actions[0]) : entries.Where(e => actions.Contains(e.Action));
        }
        if (Statuses.Count > 0)
        {
            var statuses = Statuses;
            entries = statuses.Count == 1 ? entries.Where(e => e.Status == statuses[0]) : entries.Where(e => statuses.Contains(e.Status));
        }
        else if (!IncludeSkipped)
        {
            entries = entries.Where(e => e.Status != LogStatuses.Skipped);
        }
        if (ErrorCode is { } errorCode)
        {
            entries = entries.Where(e => e.ErrorCode == errorCode);
        }
        if (Initiator is { } initiator)
        {
            // A type name (Scim, Admin, …) means every initiator of that type; anything else is one initiator's name.
            entries = Initiators.All.Contains(initiator)
                ? entries.Where(e => e.InitiatorType == initiator)
                : entries.Where(e => e.Initiator == initiator);
        }
        if (Cycle is { } cycle)
        {
            entries = entries.Where(e => e.CycleId == cycle);
        }
        if (ResourceType is { } resourceType)
        {
            entries = entries.Where(e => e.ResourceType == resourceType);
        }
        return entries;
    }

    private static DateTimeOffset? Instant(string field, string? text)
    {
        if (text is null)
        {
            return null;
        }
        return text.Length <= 64 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime()
            : throw AdminException.Invalid(field, $"{field} must be an ISO 8601 date and time, e.g. 2026-11-24T08:00:00Z.");
    }

    private static string? Text(string field, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return text.Length <= MaxValueLength ? text : throw AdminException.Invalid(field, $"{field} must be at most {MaxValueLength} characters.");
    }

    private static bool Flag(string field, string? text) => text switch
    {
        null or "" => false,
        _ when bool.TryParse(text, out var value) => value,
        _ => throw AdminException.Invalid(field, $"{field} must be true or false."),
    };

    /// <summary>Values repeated or comma-separated, matched case-insensitively and returned as spelled in <paramref name="allowed"/>.</summary>
    private static List<string> Names(string field, string[]? values, IReadOnlyList<string> allowed)
    {
        var names = new List<string>();
        foreach (var value in (values ?? []).SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var name = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase))
                ?? throw AdminException.Invalid(field, $"{field} '{Shorten(value)}' is unknown; use one of {string.Join(", ", allowed)}.");
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }
        return names;
    }

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>Where a page ends: the last entry's time and id.</summary>
public sealed record LogPosition(long AtTicks, long Id)
{
    public static LogPosition Of(DateTimeOffset at, long id) => new(at.UtcTicks, id);
}

/// <summary>An opaque keyset cursor: the position the next page starts after.</summary>
public static class LogCursor
{
    private const string Prefix = "le1.";

    public static string Encode(LogPosition position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{position.AtTicks}.{position.Id}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static LogPosition? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }
        if (cursor.Length <= 96)
        {
            try
            {
                var base64 = cursor.Replace('-', '+').Replace('_', '/');
                base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
                var parts = text.StartsWith(Prefix, StringComparison.Ordinal) ? text[Prefix.Length..].Split('.') : [];
                if (parts.Length == 2
                    && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTimeOffset.MaxValue.UtcTicks
                    && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
                {
                    return new LogPosition(ticks, id);
                }
            }
            catch (FormatException)
            {
            }
        }
        throw AdminException.Invalid("cursor", "cursor is not one this API gave out; use the nextCursor of the previous page.");
    }
}
