using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using ScimBridge.Data;
using ScimBridge.Monday;

namespace ScimBridge.Hr;

/// <summary>/hr/v1: terminate, rescind, rehire and move workers; read the events and a worker's state. Idempotent by client request id.</summary>
public static class HrApi
{
    private const string IdempotencyText =
        "Send Idempotency-Key (or Microsoft Graph's client-request-id, at most 255 characters) to make a retry safe: the same id with the same " +
        "request replays the first answer (same status and body, header Idempotent-Replayed: true) without a second effect; the same id with " +
        "another request is a 422. Only successful answers are remembered (a refused request can be retried with its id once fixed); ids are " +
        "kept Hr:RequestRetentionHours (72 by default).";

    private const string EffectiveText =
        "effective is a date (2027-03-31), a wall-clock date and time (2027-03-31T17:00) in the worker's time zone, or an instant with offset " +
        "(2027-03-31T17:00:00Z). The zone is timeZone (IANA, e.g. America/Los_Angeles; Windows ids are refused), else the user's SCIM " +
        "timezone, else Hr:DefaultTimeZone. A wall-clock time inside a DST gap moves forward by the gap (02:30 → 03:30); one inside a DST " +
        "overlap takes the first (earlier) instant; the event's note says which instant was chosen. No effective fires now; a past time " +
        "fires now too (firesNow: true, and the note says so).";

    private static readonly string[] TerminationFields = ["worker", "effective", "timeZone", "reason"];
    private static readonly string[] RescissionFields = ["worker", "eventId", "reason"];
    private static readonly string[] ReasonOnly = ["reason"];
    private static readonly string[] MoveFields = ["worker", "title", "department", "manager", "seatType", "effective", "timeZone", "reason"];

    public static void MapHrApi(this RouteGroupBuilder hr)
    {
        ArgumentNullException.ThrowIfNull(hr);
        var api = hr.MapGroup("").WithTags("HR lifecycle");
        api.MapPost("/terminations", Terminate).WithName("TerminateWorker")
            .WithSummary("Terminate a worker now or at an effective date and time in the worker's time zone.")
            .WithDescription(
                "Records a termination (201, Location /hr/v1/events/{id}); the scheduler fires it when due. A date alone fires at " +
                "Hr:DefaultTerminationTime (19:00 unless configured) in the worker's zone. " + EffectiveText + " A second termination of a " +
                "worker whose termination is still pending supersedes it (the note names the replaced one); a worker already terminated is a 409. " +
                IdempotencyText)
            .Command<TerminationRequest>(StatusCodes.Status201Created);
        api.MapPost("/rescissions", Rescind).WithName("RescindTermination")
            .WithSummary("Rescind a worker's pending or fired termination, named by worker or by eventId.")
            .WithDescription(
                "A pending event is closed as Rescinded; a fired termination is undone (the user reactivated, its teams restored) and then " +
                "closed. Answers 200 with the event; 409 when there is nothing to rescind. " + IdempotencyText)
            .Command<RescissionRequest>(StatusCodes.Status200OK);
        api.MapPost("/events/{id}/rescind", RescindEvent).WithName("RescindEvent")
            .WithSummary("Rescind one event by id (the body, with a reason, is optional).")
            .WithDescription("As POST /hr/v1/rescissions with eventId. " + IdempotencyText)
            .Command<RescindEventRequest>(StatusCodes.Status200OK, optionalBody: true);
        api.MapPost("/rehires", Rehire).WithName("RehireWorker")
            .WithSummary("Rehire a terminated worker: the same monday.com account is reactivated and its teams restored.")
            .WithDescription(
                "Records a rehire (201). A date alone takes effect at 00:00 (the start of that day) in the worker's zone. " + EffectiveText +
                " A worker who is not terminated is a 409 (a termination still pending is rescinded, not rehired). " + IdempotencyText)
            .Command<RehireRequest>(StatusCodes.Status201Created);
        api.MapPost("/moves", Move).WithName("MoveWorker")
            .WithSummary("Change a worker's title, department, manager or monday.com seat type, now or on a date.")
            .WithDescription(
                "Records a move (201). At least one of title, department, manager or seatType; \"\" clears title, department or manager. " +
                "manager names a worker like worker does. seatType is a monday.com user kind: admin, member, viewer or guest. A date alone " +
                "takes effect at 00:00 in the worker's zone. " + EffectiveText + " " + IdempotencyText)
            .Command<MoveRequest>(StatusCodes.Status201Created);
        api.MapGet("/events", Events).WithName("ListHrEvents")
            .WithSummary("HR events, filtered, in effectiveAt then id order, a page at a time (cursor).")
            .ProducesValidationProblem();
        api.MapGet("/events/{id}", Event).WithName("GetHrEvent")
            .WithSummary("One HR event; 404 when unknown, 400 when the id is not a number.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/workers/{key}", Worker).WithName("GetHrWorker")
            .WithSummary("A worker's HR state (status, termination in force, leaver step, snapshot's teams) and its pending events.")
            .WithDescription("by names the key: employeeNumber (default), externalId, userName or email. 404 unknown, 409 when two workers share the key.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static RouteHandlerBuilder Command<TRequest>(this RouteHandlerBuilder builder, int success, bool optionalBody = false) => builder
        // Described here rather than with Accepts, whose content-type matching would answer a wrong type (415) before the handler could explain.
        .AddOpenApiOperationTransformer(async (operation, context, ct) => operation.RequestBody = new OpenApiRequestBody
        {
            Required = !optionalBody,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(TRequest), null, ct) },
            },
        })
        .Produces<HrEventView>(success)
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static Task<IResult> Terminate(
        HttpContext context,
        [FromHeader(Name = Idempotency.Header), Description("Client request id: a retry with the same id and body replays the first answer.")] string? idempotencyKey,
        [FromHeader(Name = Idempotency.GraphHeader), Description("Microsoft Graph's client request id; the same as Idempotency-Key.")] string? clientRequestId,
        WorkerDirectory directory, HrLifecycle lifecycle, IOptions<HrOptions> options, TimeProvider time) =>
        ScheduleAsync(context, idempotencyKey, clientRequestId, directory, options.Value, time, options.Value.TerminationTime, lifecycle.TerminateAsync);

    private static Task<IResult> Rehire(
        HttpContext context,
        [FromHeader(Name = Idempotency.Header), Description("Client request id: a retry with the same id and body replays the first answer.")] string? idempotencyKey,
        [FromHeader(Name = Idempotency.GraphHeader), Description("Microsoft Graph's client request id; the same as Idempotency-Key.")] string? clientRequestId,
        WorkerDirectory directory, HrLifecycle lifecycle, IOptions<HrOptions> options, TimeProvider time) =>
        ScheduleAsync(context, idempotencyKey, clientRequestId, directory, options.Value, time, TimeOnly.MinValue, lifecycle.RehireAsync);

    /// <summary>A termination or rehire: the worker, when (a date alone at <paramref name="dateTime"/> local) and why.</summary>
    private static Task<IResult> ScheduleAsync(HttpContext context, string? idempotencyKey, string? clientRequestId, WorkerDirectory directory, HrOptions options,
        TimeProvider time, TimeOnly dateTime, Func<ResolvedWorker, EffectiveInstant, string?, HrActor, CancellationToken, Task<HrEventRecord>> record) =>
        CommandAsync(context, idempotencyKey, clientRequestId, optionalBody: false, TerminationFields, async (body, actor, ct) =>
        {
            var now = time.GetUtcNow();
            var key = body.RequiredWorker();
            var effective = body.Effective(now);
            var zone = body.TimeZone();
            var reason = body.Reason();
            var worker = await directory.FindAsync(key, ct);
            var instant = EffectiveTime.Resolve(effective, WorkerDirectory.ZoneFor(zone, worker, options), dateTime, now);
            return Created(context, await record(worker, instant, reason, actor, ct));
        });

    private static Task<IResult> Move(
        HttpContext context,
        [FromHeader(Name = Idempotency.Header), Description("Client request id: a retry with the same id and body replays the first answer.")] string? idempotencyKey,
        [FromHeader(Name = Idempotency.GraphHeader), Description("Microsoft Graph's client request id; the same as Idempotency-Key.")] string? clientRequestId,
        WorkerDirectory directory, HrLifecycle lifecycle, IOptions<HrOptions> options, TimeProvider time) =>
        CommandAsync(context, idempotencyKey, clientRequestId, optionalBody: false, MoveFields, async (body, actor, ct) =>
        {
            var now = time.GetUtcNow();
            var key = body.RequiredWorker();
            var title = body.String("title", allowEmpty: true);
            var department = body.String("department", allowEmpty: true);
            var managerKey = body.KindOf("manager") switch
            {
                JsonValueKind.Object => body.Worker("manager"),
                JsonValueKind.String when body.String("manager", allowEmpty: true) is { Length: 0 } => null,
                JsonValueKind.Undefined or JsonValueKind.Null => null,
                _ => throw HrException.Invalid("manager", "manager names a worker ({\"employeeNumber\": \"E42\"}, or externalId, userName, email), or is \"\" to clear it."),
            };
            var manager = body.KindOf("manager") == JsonValueKind.String ? "" : null;
            var seatType = SeatType(body.String("seatType", 32));
            var effective = body.Effective(now);
            var zone = body.TimeZone();
            var reason = body.Reason();
            if (title is null && department is null && manager is null && managerKey is null && seatType is null)
            {
                throw HrException.Invalid("title", "A move changes at least one of title, department, manager or seatType.");
            }
            var worker = await directory.FindAsync(key, ct);
            if (managerKey is not null)
            {
                try
                {
                    manager = (await directory.FindAsync(managerKey, ct)).UserId;
                }
                catch (HrException ex) when (ex.Status != StatusCodes.Status400BadRequest)
                {
                    throw new HrException(ex.Status, ex.Title, $"Manager: {ex.Detail}", "manager");
                }
            }
            var instant = EffectiveTime.Resolve(effective, WorkerDirectory.ZoneFor(zone, worker, options.Value), TimeOnly.MinValue, now);
            return Created(context, await lifecycle.MoveAsync(worker, new MoveChanges(title, department, manager, seatType), instant, reason, actor, ct));
        });

    /// <summary>A monday.com user kind the mapping can push (MondayMappingOptions.MondayUserTypes), lower case.</summary>
    private static string? SeatType(string? value)
    {
        if (value is null)
        {
            return null;
        }
        var kind = MondayMappingOptions.MondayUserTypes.FirstOrDefault(t => t.Equals(value, StringComparison.OrdinalIgnoreCase));
        return kind ?? throw HrException.Invalid("seatType",
            $"'{HrJson.Shorten(value, 32)}' is not a monday.com seat type; use one of {string.Join(", ", MondayMappingOptions.MondayUserTypes)}.");
    }

    private static Task<IResult> Rescind(
        HttpContext context,
        [FromHeader(Name = Idempotency.Header), Description("Client request id: a retry with the same id and body replays the first answer.")] string? idempotencyKey,
        [FromHeader(Name = Idempotency.GraphHeader), Description("Microsoft Graph's client request id; the same as Idempotency-Key.")] string? clientRequestId,
        WorkerDirectory directory, HrLifecycle lifecycle) =>
        CommandAsync(context, idempotencyKey, clientRequestId, optionalBody: false, RescissionFields, async (body, actor, ct) =>
        {
            var key = body.Worker();
            var eventId = body.Id("eventId");
            if ((key is null) == (eventId is null))
            {
                throw HrException.Invalid(key is null ? "worker" : "eventId",
                    "Name what to rescind by exactly one of worker ({\"employeeNumber\": \"E1234\"}) or eventId.");
            }
            var reason = body.Reason();
            if (eventId is { } id)
            {
                _ = await lifecycle.GetAsync(id, ct) ?? throw HrException.NotFound($"There is no HR event {id}.");
                return Ok(context, await lifecycle.RescindAsync(id, reason, actor, ct));
            }
            var worker = await directory.FindAsync(key!, ct);
            return Ok(context, await lifecycle.RescindWorkerAsync(worker, reason, actor, ct));
        });

    private static Task<IResult> RescindEvent(
        HttpContext context,
        [Description("The event id.")] string id,
        [FromHeader(Name = Idempotency.Header), Description("Client request id: a retry with the same id and body replays the first answer.")] string? idempotencyKey,
        [FromHeader(Name = Idempotency.GraphHeader), Description("Microsoft Graph's client request id; the same as Idempotency-Key.")] string? clientRequestId,
        HrLifecycle lifecycle) =>
        CommandAsync(context, idempotencyKey, clientRequestId, optionalBody: true, ReasonOnly, async (body, actor, ct) =>
        {
            var eventId = EventId(id);
            var reason = body.Reason();
            _ = await lifecycle.GetAsync(eventId, ct) ?? throw HrException.NotFound($"There is no HR event {eventId}.");
            return Ok(context, await lifecycle.RescindAsync(eventId, reason, actor, ct));
        });

    /// <summary>
    /// Every command: the body read and checked before the client request id is claimed (a malformed request never holds
    /// an id), then run once per id. The actor is the HR token's name, one batch per request.
    /// </summary>
    private static async Task<IResult> CommandAsync(HttpContext context, string? idempotencyKey, string? clientRequestId, bool optionalBody,
        string[] allowed, Func<HrBody, HrActor, CancellationToken, Task<HrAnswer>> run)
    {
        var ct = context.RequestAborted;
        var requestId = Idempotency.RequestId(idempotencyKey, clientRequestId);
        var raw = await HrJson.ReadBodyAsync(context.Request, ct);
        var body = HrJson.Parse(raw, optionalBody, allowed);
        var actor = new HrActor(context.User.Identity?.Name is { Length: > 0 } name ? name : "hr", HrSources.Api, requestId, Guid.CreateVersion7().ToString("N"));
        return await Idempotency.RunAsync(context, raw, requestId, () => run(body, actor, ct));
    }

    private static HrAnswer Created(HttpContext context, HrEventRecord record) =>
        new(StatusCodes.Status201Created, Serialize(context, HrEventView.Of(record)), $"/hr/v1/events/{record.Id}");

    private static HrAnswer Ok(HttpContext context, HrEventRecord record) =>
        new(StatusCodes.Status200OK, Serialize(context, HrEventView.Of(record)));

    private static string Serialize<T>(HttpContext context, T value) =>
        JsonSerializer.Serialize(value, context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);

    private static long EventId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw HrException.Invalid("id", $"'{HrJson.Shorten(id, 64)}' is not an event id; event ids are positive whole numbers.");

    private static async Task<Ok<HrEventView>> Event([Description("The event id.")] string id, HrLifecycle lifecycle, CancellationToken ct)
    {
        var eventId = EventId(id);
        var record = await lifecycle.GetAsync(eventId, ct) ?? throw HrException.NotFound($"There is no HR event {eventId}.");
        return TypedResults.Ok(HrEventView.Of(record));
    }

    private static async Task<Ok<HrEventPage>> Events(
        [Description("One state (Scheduled, Held, Fired, Rescinded, Superseded, Failed) or pending (Scheduled or Held).")] string? state,
        [Description("Terminate, Rehire or Move.")] string? kind,
        [Description("The worker's userName, employeeNumber or user id.")] string? worker,
        [Description("Events effective at or after this date (00:00Z) or instant (2027-03-31T17:00:00Z).")] string? from,
        [Description("Events effective before this date (00:00Z) or instant.")] string? to,
        [Description("Events per page, 1 to 500 (default 100).")] string? limit,
        [Description("nextCursor of the previous page.")] string? cursor,
        ScimBridgeDbContext db, CancellationToken ct)
    {
        var events = db.HrEvents.AsNoTracking();
        if (Choice("state", state, [.. HrEventStates.All, "pending"]) is { } s)
        {
            events = s == "pending" ? events.Where(e => HrEventStates.Pending.Contains(e.State)) : events.Where(e => e.State == s);
        }
        if (Choice("kind", kind, HrEventKinds.All) is { } k)
        {
            events = events.Where(e => e.Kind == k);
        }
        if (!string.IsNullOrWhiteSpace(worker))
        {
            var w = worker.Trim();
            if (w.Length > 512)
            {
                throw HrException.Invalid("worker", "worker is longer than 512 characters.");
            }
            var lower = w.ToLowerInvariant();
            events = events.Where(e => e.UserId == w || e.EmployeeNumber == w || e.UserName == w || e.UserName!.ToLower() == lower);
        }
        if (Instant("from", from) is { } f)
        {
            events = events.Where(e => e.EffectiveAt >= f);
        }
        if (Instant("to", to) is { } t)
        {
            events = events.Where(e => e.EffectiveAt < t);
        }
        var size = 100;
        if (!string.IsNullOrWhiteSpace(limit)
            && (!int.TryParse(limit.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > 500))
        {
            throw HrException.Invalid("limit", "limit must be a whole number from 1 to 500.");
        }
        if (!string.IsNullOrWhiteSpace(cursor))
        {
            var (at, after) = Cursor(cursor.Trim());
            events = events.Where(e => e.EffectiveAt > at || (e.EffectiveAt == at && e.Id > after));
        }
        var page = await events.OrderBy(e => e.EffectiveAt).ThenBy(e => e.Id).Take(size + 1).ToListAsync(ct);
        string? next = null;
        if (page.Count > size)
        {
            page.RemoveAt(size);
            var last = page[^1];
            next = Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.EffectiveAt.UtcTicks}.{last.Id}")))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }
        return TypedResults.Ok(new HrEventPage(page.Select(HrEventView.Of).ToList(), next, size));
    }

    private static string? Choice(string field, string? value, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return allowed.FirstOrDefault(a => a.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw HrException.Invalid(field, $"'{HrJson.Shorten(value, 64)}' is not a {field}; use one of {string.Join(", ", allowed)}.");
    }

    private static DateTimeOffset? Instant(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        value = value.Trim();
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        if (value.Length > 10 && value[10] == 'T'
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.ToUniversalTime();
        }
        throw HrException.Invalid(field, $"'{HrJson.Shorten(value, 64)}' is not a date (2027-03-31) or an instant (2027-03-31T17:00:00Z).");
    }

    private static (DateTimeOffset At, long Id) Cursor(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('.');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks)
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
            }
        }
        catch (FormatException)
        {
        }
        throw HrException.Invalid("cursor", "cursor is not one this API gave out; pass nextCursor from the previous page unchanged.");
    }

    private static async Task<Ok<HrWorkerStateView>> Worker(
        [Description("The worker's key, of the kind named by by.")] string key,
        [Description("employeeNumber (default), externalId, userName or email.")] string? by,
        WorkerDirectory directory, ScimBridgeDbContext db, CancellationToken ct)
    {
        var kind = Choice("by", by, WorkerKey.All) ?? WorkerKey.EmployeeNumber;
        var worker = await directory.FindAsync(new WorkerKey(kind, key), ct);
        var state = await db.HrWorkers.AsNoTracking().FirstOrDefaultAsync(w => w.UserId == worker.UserId, ct);
        var pending = await db.HrEvents.AsNoTracking()
            .Where(e => e.UserId == worker.UserId && HrEventStates.Pending.Contains(e.State))
            .OrderBy(e => e.EffectiveAt).ThenBy(e => e.Id).ToListAsync(ct);
        return TypedResults.Ok(new HrWorkerStateView(
            new HrWorkerView(worker.UserId, worker.UserName, worker.EmployeeNumber, worker.MatchedBy), worker.Active, worker.TimeZone,
            state?.Status ?? HrWorkerStatuses.Active, state is { Status: not HrWorkerStatuses.Active } ? state.TerminationId : null, state?.Step, state?.StepDueAt?.UtcDateTime, state?.EffectiveAt?.UtcDateTime,
            state?.DeactivatedAt?.UtcDateTime, state?.Deactivated ?? false, state?.RemovedFromTeams ?? false, state?.Deleted ?? false,
            Teams(state?.Memberships), pending.Select(HrEventView.Of).ToList()));
    }

    /// <summary>The team names of a snapshot (JSON array of { id, displayName }); an unreadable snapshot shows none.</summary>
    private static List<string> Teams(string? memberships)
    {
        if (string.IsNullOrEmpty(memberships))
        {
            return [];
        }
        try
        {
            using var document = JsonDocument.Parse(memberships);
            return document.RootElement.ValueKind != JsonValueKind.Array
                ? []
                : document.RootElement.EnumerateArray()
                    .Select(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("displayName", out var n) && n.ValueKind == JsonValueKind.String
                        ? n.GetString()! : m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var i) ? i.ToString() : null)
                    .OfType<string>().ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
