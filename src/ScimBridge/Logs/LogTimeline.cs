using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;

namespace ScimBridge.Logs;

/// <remarks>A parameterless constructor and init properties: bound by the compile-time request delegate generator.</remarks>
public sealed record TimelineQuery
{
    public TimelineQuery()
    {
    }

    internal TimelineQuery(string? pageSize, string? cursor)
    {
        PageSize = pageSize;
        Cursor = cursor;
    }

    [Description("1 to 500, default 50.")][FromQuery(Name = "pageSize")] public string? PageSize { get; init; }
    [Description("The nextCursor of the previous page.")][FromQuery(Name = "cursor")] public string? Cursor { get; init; }
}

public sealed record TimelinePage(string ResourceType, string Id, IReadOnlyList<TimelineItem> Items, string? NextCursor, int PageSize);

/// <summary>One thing that happened to a resource: a change received over SCIM (<c>kind = received</c>) or a log entry (<c>kind = done</c>).</summary>
public sealed record TimelineItem(
    string Kind,
    DateTimeOffset At,
    long Id,
    [property: Description("received: the SCIM operation (Create, Update, Delete); done: the action.")] string Operation,
    [property: Description("received: the push status of the change; done: the entry's status.")] string Status,
    [property: Description("received: the SCIM client; done: the initiator.")] string Actor,
    string? RequestId,
    IReadOnlyList<string> ChangedAttributes,
    string? Message);

public static class LogTimeline
{
    public const string Received = "received";
    public const string Done = "done";

    // Newest first by (time, kind, id); at the same instant what was done sorts before what was received.
    private const int ReceivedRank = 0;
    private const int DoneRank = 1;

    public static async Task<Ok<TimelinePage>> GetAsync(string resourceType, string id, TimelineQuery query, ScimBridgeDbContext db, CancellationToken ct)
    {
        if (id.Length > 256)
        {
            throw AdminException.NotFound($"There is no {resourceType.ToLowerInvariant()} '{LogsApi.Shorten(id)}'.");
        }
        var pageSize = LogFilter.PageSizeOf(query.PageSize);
        var cursor = Cursor.Decode(query.Cursor);

        var changes = db.Changes.AsNoTracking().Where(c => c.ResourceType == resourceType && c.ResourceId == id);
        var entries = db.LogEntries.AsNoTracking().Where(e => e.ResourceType == resourceType && e.SourceId == id);
        if (cursor is { } k)
        {
            var at = new DateTimeOffset(k.Ticks, TimeSpan.Zero);
            changes = k.Rank > ReceivedRank
                ? changes.Where(c => c.OccurredAt <= at)
                : changes.Where(c => c.OccurredAt < at || (c.OccurredAt == at && c.Id < k.Id));
            entries = k.Rank > DoneRank
                ? entries.Where(e => e.At <= at)
                : k.Rank == DoneRank
                    ? entries.Where(e => e.At < at || (e.At == at && e.Id < k.Id))
                    : entries.Where(e => e.At < at);
        }

        var received = await changes.OrderByDescending(c => c.OccurredAt).ThenByDescending(c => c.Id).Take(pageSize + 1)
            .Select(c => new { c.Id, c.OccurredAt, c.Operation, c.PushStatus, c.Actor, c.RequestId, c.Changes, c.PushError })
            .ToListAsync(ct);
        var done = await entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(pageSize + 1)
            .Select(e => new { e.Id, e.At, e.Action, e.Status, e.Initiator, e.ModifiedProperties, e.Message })
            .ToListAsync(ct);

        if (cursor is null && received.Count == 0 && done.Count == 0 && !await ExistsAsync(resourceType, id, db, ct))
        {
            throw AdminException.NotFound($"There is no {resourceType.ToLowerInvariant()} '{LogsApi.Shorten(id)}', and none ever was.");
        }

        var merged = received
            .Select(c => (Rank: ReceivedRank, Item: new TimelineItem(Received, c.OccurredAt, c.Id, c.Operation, c.PushStatus, c.Actor, c.RequestId,
                ChangedAttributes(c.Changes), c.PushError)))
            .Concat(done.Select(e => (Rank: DoneRank, Item: new TimelineItem(Done, e.At, e.Id, e.Action, e.Status, e.Initiator, null,
                LogText.Changed(LogJson.ModifiedProperties(e.ModifiedProperties)).Select(p => p.Name).ToList(), e.Message))))
            .OrderByDescending(x => x.Item.At).ThenByDescending(x => x.Rank).ThenByDescending(x => x.Item.Id)
            .Take(pageSize + 1)
            .ToList();
        var more = merged.Count > pageSize;
        var items = more ? merged[..pageSize] : merged;
        var next = more ? Cursor.Encode(items[^1].Item.At.UtcTicks, items[^1].Rank, items[^1].Item.Id) : null;
        return TypedResults.Ok(new TimelinePage(resourceType, id, items.Select(x => x.Item).ToList(), next, pageSize));
    }

    private static async Task<bool> ExistsAsync(string resourceType, string id, ScimBridgeDbContext db, CancellationToken ct) =>
        resourceType == ResourceKinds.User
            ? await db.Users.AnyAsync(u => u.Id == id, ct)
            : await db.Groups.AnyAsync(g => g.Id == id, ct);

    /// <summary>The attribute paths of a change row (<c>{"attributes":[{"path":…}], "membersAdded":[…], "membersRemoved":[…]}</c>).</summary>
    private static List<string> ChangedAttributes(string json)
    {
        var names = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return names;
            }
            if (root.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Array)
            {
                names.AddRange(attributes.EnumerateArray()
                    .Select(a => a.ValueKind == JsonValueKind.Object && a.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null)
                    .OfType<string>());
            }
            foreach (var members in new[] { "membersAdded", "membersRemoved" })
            {
                if (root.TryGetProperty(members, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
                {
                    names.Add(members);
                }
            }
        }
        catch (JsonException)
        {
        }
        return names;
    }

    private static class Cursor
    {
        private const string Prefix = "tl1.";

        public static string Encode(long ticks, int rank, long id) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{ticks}.{rank}.{id}")))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static (long Ticks, int Rank, long Id)? Decode(string? cursor)
        {
            if (string.IsNullOrEmpty(cursor))
            {
                return null;
            }
            if (cursor.Length <= 128)
            {
                try
                {
                    var base64 = cursor.Replace('-', '+').Replace('_', '/');
                    base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
                    var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
                    var parts = text.StartsWith(Prefix, StringComparison.Ordinal) ? text[Prefix.Length..].Split('.') : [];
                    if (parts.Length == 3
                        && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                        && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rank) && rank is ReceivedRank or DoneRank
                        && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                    {
                        return (ticks, rank, id);
                    }
                }
                catch (FormatException)
                {
                }
            }
            throw AdminException.Invalid("cursor", "cursor is not one this API gave out; use the nextCursor of the previous page.");
        }
    }
}
