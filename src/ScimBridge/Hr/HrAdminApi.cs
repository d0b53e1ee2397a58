using System.ComponentModel;
using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Mirror;

namespace ScimBridge.Hr;

public sealed record HrDecision([property: Description("How many held terminations the decision applied to.")] int Count);

public sealed record HrOverrideResult(string UserId, [property: Description("The worker's HR status after the override (Active).")] string Status);

/// <summary>
/// The HR lifecycle on the admin API (/admin/api/hr): pending events, terminations held by the mass-termination guard
/// and the decision on them, history, the leaver SLA, one worker and the override of its termination's precedence.
/// </summary>
public static class HrAdminApi
{
    public const int MaxHeldPageSize = 500;

    public static RouteGroupBuilder MapHrAdmin(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var hr = api.MapGroup("/hr").WithTags("HR lifecycle");
        hr.MapGet("/pending", Pending).WithName("AdminListHrPending")
            .WithSummary("Scheduled and held events (terminations, rehires, moves), soonest effective first; the state filter is ignored.");
        hr.MapGet("/held", Held).WithName("AdminListHrHeld")
            .WithSummary("Terminations the mass-termination guard holds for an admin, with the reason (error), soonest effective first.");
        hr.MapPost("/held/approve-all", ApproveAll).WithName("AdminApproveAllHrHeld").WithSummary("Let every held termination fire.");
        hr.MapPost("/held/reject-all", RejectAll).WithName("AdminRejectAllHrHeld").WithSummary("Refuse every held termination: closed as Rescinded, nothing sent to monday.com.");
        hr.MapPost("/held/{id}/approve", Approve).WithName("AdminApproveHrHeld").WithSummary("Let one held termination fire.");
        hr.MapPost("/held/{id}/reject", Reject).WithName("AdminRejectHrHeld").WithSummary("Refuse one held termination.");
        hr.MapGet("/history", History).WithName("AdminListHrHistory")
            .WithSummary("Every HR event in any state, newest recorded first, filtered and paged; format=csv streams every event the filter selects.")
            .Produces<HrAdminEventPage>(StatusCodes.Status200OK, "application/json", "text/csv");
        hr.MapGet("/events/{id}", Event).WithName("AdminGetHrEvent").WithSummary("One HR event.");
        hr.MapPost("/events/{id}/rescind", Rescind).WithName("AdminRescindHrEvent")
            .WithSummary("Rescind an event as the admin: a pending one is closed; a fired termination is undone.");
        hr.MapGet("/sla", Sla).WithName("AdminGetHrLeaverSla")
            .WithSummary("Leaver SLA for terminations fired in the period (default: the last 30 days): effective time to deactivation confirmed in monday.com, and the seats freed.");
        hr.MapGet("/workers/{userId}", Worker).WithName("AdminGetHrWorker")
            .WithSummary("A worker's HR status, termination in force, leaver step, membership snapshot and events.");
        hr.MapPost("/workers/{userId}/override", Override).WithName("AdminOverrideHrWorker")
            .WithSummary("End the termination's precedence for the worker: the identity provider decides again, the pending leaver steps stop.");
        return api;
    }

    private static async Task<Ok<HrAdminEventPage>> Pending([AsParameters] HrEventListQuery query, ScimBridgeDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await HrQueries.PendingAsync(db, HrEventFilter.Parse(query), ct));

    private static async Task<Ok<HrAdminEventPage>> Held(
        [Description("1-based page number.")] string? page,
        [Description("Rows per page, 1 to 500 (default 100).")] string? pageSize,
        ScimBridgeDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await HrQueries.HeldAsync(db,
            string.IsNullOrWhiteSpace(page) ? 1 : MirrorQuery.Number("page", page.Trim(), 1, 100_000),
            string.IsNullOrWhiteSpace(pageSize) ? HrEventFilter.DefaultPageSize : MirrorQuery.Number("pageSize", pageSize.Trim(), 1, MaxHeldPageSize), ct));

    private static async Task<Results<Ok<HrAdminEventPage>, HistoryCsv>> History(
        [AsParameters] HrEventListQuery query,
        [Description("json (default) or csv: every event the filter selects (not one page), newest recorded first.")] string? format,
        ScimBridgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        var filter = HrEventFilter.Parse(query);
        return (format?.Trim().ToLowerInvariant()) switch
        {
            null or "" or "json" => TypedResults.Ok(await HrQueries.HistoryAsync(db, filter, ct)),
            "csv" => new HistoryCsv(filter, time.GetUtcNow()),
            _ => throw AdminException.Invalid("format", "format must be json or csv."),
        };
    }

    private static async Task<Ok<HrAdminEvent>> Event(string id, HrLifecycle lifecycle, CancellationToken ct) =>
        TypedResults.Ok(HrAdminEvent.Of(await lifecycle.GetAsync(EventId(id), ct) ?? throw AdminException.NotFound($"There is no HR event {id}.")));

    private static async Task<Ok<HrAdminEvent>> Rescind(string id, HrLifecycle lifecycle, HttpContext context, CancellationToken ct)
    {
        var eventId = EventId(id);
        _ = await lifecycle.GetAsync(eventId, ct) ?? throw AdminException.NotFound($"There is no HR event {eventId}.");
        var rescinded = await CallAsync(() => lifecycle.RescindAsync(eventId, null, new HrActor(AdminApi.ActorName(context), HrSources.Console), ct));
        return TypedResults.Ok(HrAdminEvent.Of(rescinded));
    }

    private static async Task<Ok<HrDecision>> ApproveAll(HrLifecycle lifecycle, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(new HrDecision(await CallAsync(() => lifecycle.ApproveAsync(null, AdminApi.ActorName(context), ct))));

    private static async Task<Ok<HrDecision>> RejectAll(HrLifecycle lifecycle, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(new HrDecision(await CallAsync(() => lifecycle.RejectAsync(null, AdminApi.ActorName(context), ct))));

    private static async Task<Ok<HrDecision>> Approve(string id, HrLifecycle lifecycle, HttpContext context, CancellationToken ct)
    {
        var eventId = await HeldIdAsync(id, lifecycle, ct);
        return TypedResults.Ok(new HrDecision(NotDecided(await CallAsync(() => lifecycle.ApproveAsync(eventId, AdminApi.ActorName(context), ct)), eventId)));
    }

    private static async Task<Ok<HrDecision>> Reject(string id, HrLifecycle lifecycle, HttpContext context, CancellationToken ct)
    {
        var eventId = await HeldIdAsync(id, lifecycle, ct);
        return TypedResults.Ok(new HrDecision(NotDecided(await CallAsync(() => lifecycle.RejectAsync(eventId, AdminApi.ActorName(context), ct)), eventId)));
    }

    private static async Task<Ok<LeaverSla>> Sla(
        [Description("Start of the period: a date (UTC) or an instant with offset; default 30 days before to.")] string? from,
        [Description("End of the period: a date (the whole UTC day) or an instant with offset; default now.")] string? to,
        ScimBridgeDbContext db, IOptions<MirrorOptions> mirror, TimeProvider time, CancellationToken ct)
    {
        var (start, end) = HrQueries.Period(from, to, time.GetUtcNow());
        return TypedResults.Ok(await HrQueries.SlaAsync(db, start, end, mirror.Value, ct));
    }

    private static async Task<Ok<HrAdminWorker>> Worker(string userId, ScimBridgeDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await HrQueries.WorkerAsync(db, UserId(userId), ct) ?? throw AdminException.NotFound($"There is no worker '{MirrorQuery.Shorten(userId)}'."));

    private static async Task<Ok<HrOverrideResult>> Override(string userId, ScimBridgeDbContext db, HrLifecycle lifecycle, HttpContext context, CancellationToken ct)
    {
        var id = UserId(userId);
        _ = await HrQueries.WorkerAsync(db, id, ct) ?? throw AdminException.NotFound($"There is no worker '{MirrorQuery.Shorten(userId)}'.");
        await CallAsync(async () =>
        {
            await lifecycle.OverrideAsync(id, AdminApi.ActorName(context), ct);
            return 0;
        });
        var after = await HrQueries.WorkerAsync(db, id, ct);
        return TypedResults.Ok(new HrOverrideResult(id, after?.Status ?? HrWorkerStatuses.Active));
    }

    /// <summary>The engine's refusals (HrException) as the admin API's ProblemDetails.</summary>
    public static async Task<T> CallAsync<T>(Func<Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (HrException ex)
        {
            throw ToAdmin(ex);
        }
        catch (NotImplementedException)
        {
            throw new AdminException(StatusCodes.Status501NotImplemented, "Not available yet", "This HR action is not available in this build.");
        }
    }

    public static AdminException ToAdmin(HrException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex.Field is { } field && ex.Status == StatusCodes.Status400BadRequest
            ? AdminException.Invalid(field, ex.Detail)
            : new AdminException(ex.Status, ex.Title, ex.Detail);
    }

    private static long EventId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var eventId) && eventId > 0
            ? eventId
            : throw AdminException.NotFound($"There is no HR event '{MirrorQuery.Shorten(id)}'; event ids are numbers.");

    private static string UserId(string userId) =>
        string.IsNullOrWhiteSpace(userId) || userId.Length > 256
            ? throw AdminException.NotFound($"There is no worker '{MirrorQuery.Shorten(userId ?? "")}'.")
            : userId;

    /// <summary>The event, when it exists and the guard holds it: 404 when unknown, 409 when in another state.</summary>
    private static async Task<long> HeldIdAsync(string id, HrLifecycle lifecycle, CancellationToken ct)
    {
        var eventId = EventId(id);
        var found = await lifecycle.GetAsync(eventId, ct) ?? throw AdminException.NotFound($"There is no HR event {eventId}.");
        return found.State == HrEventStates.Held
            ? eventId
            : throw new AdminException(StatusCodes.Status409Conflict, "Not held", $"HR event {eventId} is {found.State}, not held by the mass-termination guard.");
    }

    private static int NotDecided(int count, long eventId) =>
        count > 0 ? count : throw new AdminException(StatusCodes.Status409Conflict, "Not held", $"HR event {eventId} is no longer held: someone may have decided on it already.");

    /// <summary>Columns of the history export.</summary>
    public static readonly string[] CsvColumns =
    [
        "id", "kind", "state", "userId", "userName", "employeeNumber", "effectiveAt", "effectiveLocal", "timeZone", "reason", "note", "details",
        "source", "actor", "clientRequestId", "batchId", "createdAt", "firedAt", "closedAt", "closedBy", "error", "approved",
    ];

    /// <summary>
    /// Every event the filter selects, newest recorded (highest id) first, read in keyset chunks and written as they come;
    /// cells a spreadsheet would run as a formula get a leading apostrophe.
    /// </summary>
    public sealed class HistoryCsv(HrEventFilter filter, DateTimeOffset now) : IResult
    {
        private const int ChunkSize = 5_000;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var ct = httpContext.RequestAborted;
            var response = httpContext.Response;
            response.StartAttachment("text/csv; charset=utf-8", string.Create(CultureInfo.InvariantCulture, $"hr-events-{now:yyyyMMdd-HHmmss}.csv"));
            var db = httpContext.RequestServices.GetRequiredService<ScimBridgeDbContext>();
            await using var csv = CsvWriter.Create(response.Body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
            foreach (var column in CsvColumns)
            {
                csv.WriteField(column);
            }
            await csv.EndRecordAsync(ct);
            var events = HrQueries.Filtered(db, filter);
            var before = long.MaxValue;
            while (true)
            {
                var chunk = await events.Where(e => e.Id < before).OrderByDescending(e => e.Id).Take(ChunkSize).ToListAsync(ct);
                foreach (var e in chunk)
                {
                    foreach (var field in new[]
                    {
                        e.Id.ToString(CultureInfo.InvariantCulture), e.Kind, e.State, e.UserId, e.UserName, e.EmployeeNumber, Time(e.EffectiveAt),
                        e.EffectiveLocal, e.TimeZone, e.Reason, e.Note, e.Details, e.Source, e.Actor, e.ClientRequestId, e.BatchId, Time(e.CreatedAt),
                        Time(e.FiredAt), Time(e.ClosedAt), e.ClosedBy, e.Error, e.Approved ? "true" : "false",
                    })
                    {
                        csv.WriteField(field);
                    }
                    await csv.EndRecordAsync(ct);
                }
                await csv.FlushAsync(ct);
                if (chunk.Count < ChunkSize)
                {
                    break;
                }
                before = chunk[^1].Id;
            }
        }

        private static string? Time(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
