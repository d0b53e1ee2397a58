using System.ComponentModel;
using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Logs;

/// <summary>
/// The provisioning log, read-only: query, one entry in full, export, summaries and per-resource timelines.
/// Entries are append-only, so no route here changes one; PUT, PATCH and DELETE answer 405.
/// </summary>
public static class LogsApi
{
    public static void MapLogs(this IEndpointRouteBuilder api)
    {
        var logs = api.MapGroup("/logs").WithTags("Provisioning log");
        logs.MapGet("", List).WithName("ListLogEntries")
            .WithSummary("Log entries, newest first, filtered and paged with a cursor; Skipped entries are hidden unless asked for.");
        logs.MapGet("/export", LogExport.Export).WithName("ExportLogEntries")
            .WithSummary("The entries the filters select, streamed as CSV, JSON or NDJSON (?format=csv|json|ndjson; CSV: ?include=steps|properties for one row per step or modified property).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv", additionalContentTypes: ["application/json", "application/x-ndjson"]);
        logs.MapGet("/summary", LogSummaries.Summary).WithName("SummarizeLogEntries")
            .WithSummary("Counts of entries per action and status in each hour or day (?bucket=hour|day) of a time range.");
        logs.MapGet("/cycles", LogSummaries.Cycles).WithName("ListLogCycles")
            .WithSummary("Batches (cycles), newest first, with their counts per status and first and last entry time.");
        logs.MapGet("/{id}", Get).WithName("GetLogEntry")
            .WithSummary("One entry in full: steps, modified properties, the HTTP calls it made and, while it waits, the live retry state.");
        logs.MapMethods("/{id}", [HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete], AppendOnly).ExcludeFromDescription();
        logs.MapMethods("", [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete], AppendOnly).ExcludeFromDescription();

        api.MapGet("/users/{id}/timeline", (string id, [AsParameters] TimelineQuery query, ScimBridgeDbContext db, CancellationToken ct) =>
                LogTimeline.GetAsync(ResourceKinds.User, id, query, db, ct))
            .WithName("GetUserTimeline").WithTags("Provisioning log")
            .WithSummary("What was received for a user (SCIM changes) and what was done with it (log entries), newest first.");
        api.MapGet("/groups/{id}/timeline", (string id, [AsParameters] TimelineQuery query, ScimBridgeDbContext db, CancellationToken ct) =>
                LogTimeline.GetAsync(ResourceKinds.Group, id, query, db, ct))
            .WithName("GetGroupTimeline").WithTags("Provisioning log")
            .WithSummary("What was received for a group (SCIM changes) and what was done with it (log entries), newest first.");
    }

    private static async Task<Ok<LogPage>> List([AsParameters] LogQuery query, ScimBridgeDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await PageAsync(LogFilter.Parse(query), db, ct));

    /// <summary>An entry as a list shows it, translated to SQL.</summary>
    public static readonly Expression<Func<LogEntryRecord, LogEntrySummary>> Summary = e => new LogEntrySummary(e.Id, e.At, e.CycleId,
        e.ChangeId, e.InitiatorType, e.Initiator, e.ResourceType, e.SourceId, e.SourceName, e.TargetId, e.TargetName, e.Action, e.Status,
        e.ErrorCode, e.Message, e.DurationMs, e.Attempt);

    /// <summary>One page of the entries the filter selects, newest first, and the cursor of the next page (if any).</summary>
    public static async Task<LogPage> PageAsync(LogFilter filter, ScimBridgeDbContext db, CancellationToken ct)
    {
        var rows = await filter.Page(db)
            .Take(filter.PageSize + 1)
            .Select(Summary)
            .ToListAsync(ct);
        var more = rows.Count > filter.PageSize;
        var items = more ? rows[..filter.PageSize] : rows;
        return new LogPage(items, more ? LogCursor.Encode(LogPosition.Of(items[^1].At, items[^1].Id)) : null, filter.PageSize);
    }

    private static async Task<Ok<LogEntryDetail>> Get(string id, ScimBridgeDbContext db, CancellationToken ct)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var entryId))
        {
            throw AdminException.NotFound($"There is no log entry '{Shorten(id)}'; log entry ids are numbers.");
        }
        return TypedResults.Ok(await DetailAsync(entryId, db, ct));
    }

    /// <summary>One entry in full; 404 (<see cref="AdminException"/>) when there is none.</summary>
    public static async Task<LogEntryDetail> DetailAsync(long entryId, ScimBridgeDbContext db, CancellationToken ct)
    {
        var entry = await db.LogEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, ct)
            ?? throw AdminException.NotFound($"There is no log entry {entryId}.");
        var calls = await db.OutboundCalls.AsNoTracking()
            .Where(c => c.LogEntryId == entryId)
            .OrderBy(c => c.At).ThenBy(c => c.Id)
            .Select(c => new LogOutboundCall(c.Id, c.At, c.Method, c.Path, c.Status, c.DurationMs, c.RetryAfterMs, c.Attempt, c.Excerpt, c.Instance, c.RequestExcerpt))
            .ToListAsync(ct);
        LiveRetryState? retry = null;
        if (entry.Status is LogStatuses.Pending or LogStatuses.Retrying)
        {
            retry = await db.PushStates.AsNoTracking()
                .Where(p => p.ResourceType == entry.ResourceType && p.ResourceId == entry.SourceId)
                .Select(p => new LiveRetryState(p.Attempts, p.DueAt, p.LastError, p.HeldAt != null, p.HeldAt, p.HoldReason, p.ChangeSeq > p.PushedSeq, null))
                .FirstOrDefaultAsync(ct);
            // While the connection is quarantined nothing is pushed before a probe finds the credentials accepted.
            var quarantine = await db.PushTargets.AsNoTracking().Where(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null)
                .Select(t => new { t.NextProbeAt, t.Reason }).FirstOrDefaultAsync(ct);
            if (retry is { WorkPending: true, Held: false } && quarantine is not null)
            {
                var probe = quarantine.NextProbeAt ?? retry.NextRetryAt;
                retry = retry with { NextRetryAt = probe > retry.NextRetryAt ? probe : retry.NextRetryAt, Quarantine = quarantine.Reason ?? "credentials refused" };
            }
        }
        return new LogEntryDetail(
            entry.Id, entry.At, entry.CycleId, entry.ChangeId, entry.InitiatorType, entry.Initiator, entry.ResourceType, entry.SourceId,
            entry.SourceName, entry.TargetId, entry.TargetName, entry.Action, entry.Status, entry.ErrorCode, entry.Message, entry.RecommendedFix,
            entry.DurationMs, entry.Attempt, entry.NextRetryAt, entry.Instance,
            LogJson.Steps(entry.Steps), LogJson.ModifiedProperties(entry.ModifiedProperties), calls, retry);
    }

    private static ProblemHttpResult AppendOnly(HttpContext context)
    {
        context.Response.Headers.Allow = HttpMethods.Get;
        return TypedResults.Problem("Provisioning log entries are append-only: they cannot be created, changed or deleted through the API.",
            statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed");
    }

    internal static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

public sealed record LogPage(IReadOnlyList<LogEntrySummary> Items, string? NextCursor, int PageSize);

public sealed record LogEntrySummary(
    long Id, DateTimeOffset At, string CycleId, long? ChangeId, string InitiatorType, string Initiator, string ResourceType, string SourceId,
    string? SourceName, string? TargetId, string? TargetName, string Action, string Status, string? ErrorCode, string? Message,
    double DurationMs, int Attempt);

public sealed record LogEntryDetail(
    long Id, DateTimeOffset At, string CycleId, long? ChangeId, string InitiatorType, string Initiator, string ResourceType, string SourceId,
    string? SourceName, string? TargetId, string? TargetName, string Action, string Status, string? ErrorCode, string? Message,
    string? RecommendedFix, double DurationMs, int Attempt, DateTimeOffset? NextRetryAt, string Instance,
    IReadOnlyList<LogStep> Steps, IReadOnlyList<LogModifiedProperty> ModifiedProperties,
    IReadOnlyList<LogOutboundCall> OutboundCalls,
    [property: Description("While the entry is Pending or Retrying: the resource's retry state now (null otherwise).")] LiveRetryState? Retry);

public sealed record LogStep(string Name, string Status, string? Detail);

public sealed record LogModifiedProperty(string Name, string? Old, string? New);

public sealed record LogOutboundCall(
    long Id, DateTimeOffset At, string Method, string Path, int Status, double DurationMs, long? RetryAfterMs, int Attempt, string? Excerpt, string Instance,
    [property: Description("The request body sent, redacted and cut like the answer's excerpt (null for none, and for calls logged before it was kept).")] string? RequestExcerpt);

public sealed record LiveRetryState(
    int Attempts, DateTimeOffset NextRetryAt, string? LastError, bool Held, DateTimeOffset? HeldAt, string? HoldReason, bool WorkPending,
    [property: Description("Set while the monday.com connection is quarantined (why): the next attempt is then the next probe.")] string? Quarantine);

/// <summary>Reads the JSON columns of an entry; they are written by the bridge, but an odd value must not make the API fail.</summary>
internal static class LogJson
{
    public static IReadOnlyList<LogStep> Steps(string json) => Read(json, e => new LogStep(Text(e, "name") ?? "", Text(e, "status") ?? "", Text(e, "detail")));

    public static IReadOnlyList<LogModifiedProperty> ModifiedProperties(string json) =>
        Read(json, e => new LogModifiedProperty(Text(e, "name") ?? "", Text(e, "old"), Text(e, "new")));

    private static List<T> Read<T>(string json, Func<JsonElement, T> map)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(map).ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.String => value.GetString(),
                _ => value.GetRawText(),
            }
            : null;
}
