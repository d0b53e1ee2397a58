using System.ComponentModel;
using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;

namespace ScimBridge.Mirror;

public sealed record MirrorRunView(
    long Id, string App, string InitiatorType, string Initiator, string Instance, string Status, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    int Seen, int Added, int Changed, int Gone, int Unchanged, int Pages, string? Error, string? ErrorCode)
{
    public static MirrorRunView Of(MirrorRunRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.App, r.InitiatorType, r.Initiator, r.Instance, r.Status, r.StartedAt, r.EndedAt, r.Seen, r.Added, r.Changed, r.Gone,
            r.Unchanged, r.Pages, r.Error, r.ErrorCode);
    }
}

public sealed record RunPage(IReadOnlyList<MirrorRunView> Items, int Page, int PageSize, int Total);

public sealed record StartRunRequest([property: Description("monday or roadmunk; absent: every enabled app that can run.")] string? App);

/// <summary>An app a run for every app left out, and why (its source is not configured, or a run is going).</summary>
public sealed record SkippedApp(string App, string Code, string Message);

public sealed record StartedRuns(IReadOnlyList<MirrorRunView> Runs, IReadOnlyList<SkippedApp> Skipped);

/// <summary>The subscription mirror's admin API: seats (JSON or CSV), the per-app summary, runs, and the drift view with its actions.</summary>
public static class MirrorApi
{
    public static RouteGroupBuilder MapMirrorApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var mirror = api.MapGroup("/mirror").WithTags("Subscription mirror");
        mirror.MapGet("/seats", Seats).WithName("ListMirrorSeats")
            .WithSummary("Seats in the connected apps, filtered, sorted and paged; format=csv (or Accept: text/csv) streams every seat the filter selects as CSV.")
            .Produces<SeatPage>(StatusCodes.Status200OK, "application/json", "text/csv");
        mirror.MapGet("/summary", Summary).WithName("SummarizeMirror")
            .WithSummary("Per app: seats bought, assigned, active in the last ActiveWindowDays days, shadow seats and monthly spend.");
        mirror.MapGet("/runs", Runs).WithName("ListMirrorRuns").WithSummary("Mirror runs, newest first, paged.");
        mirror.MapGet("/runs/{id}", Run).WithName("GetMirrorRun").WithSummary("One mirror run with its counts and error.");
        mirror.MapPost("/runs", Start).WithName("StartMirrorRun")
            .WithSummary("Start a run of one app ({\"app\":\"monday\"}) or of every enabled app (no body); 409 while one is going or when the app cannot be read.");
        mirror.MapGet("/drift", DriftList).WithName("ListMirrorDrift")
            .WithSummary("Where the apps and the inbound users disagree: shadow seats, active users without a seat, seat types the mapping would change, seats of deactivated users.");
        mirror.MapPost("/drift/link", Link).WithName("LinkMirrorSeat")
            .WithSummary("Adopt a seat for an inbound user; monday.com links go through the push's one-to-one links (409 when the seat or the user is taken).");
        mirror.MapPost("/drift/repush", Repush).WithName("RepushMirrorUser")
            .WithSummary("Queue an inbound user's monday.com push again, after correcting what the push believes monday.com holds from the mirror.");
        return api;
    }

    private static async Task<Results<Ok<SeatPage>, SeatCsv>> Seats(
        [AsParameters] SeatListQuery query,
        [Description("json (default) or csv.")] string? format,
        HttpContext context, ScimBridgeDbContext db, IOptions<MirrorOptions> options, TimeProvider time, CancellationToken ct)
    {
        var filter = SeatFilter.Parse(query);
        var csv = (format?.Trim().ToLowerInvariant()) switch
        {
            null or "" => context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)),
            "csv" => true,
            "json" => false,
            _ => throw AdminException.Invalid("format", "format must be json or csv."),
        };
        if (csv)
        {
            return new SeatCsv(filter, time.GetUtcNow());
        }
        return TypedResults.Ok(await SeatQuery.PageAsync(db, filter, options.Value, time.GetUtcNow(), ct));
    }

    private static async Task<Ok<MirrorSummary>> Summary(ScimBridgeDbContext db, IOptions<MirrorOptions> options, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await SeatQuery.SummaryAsync(db, options.Value, time.GetUtcNow(), ct));

    private static async Task<Ok<RunPage>> Runs(
        [Description("monday or roadmunk.")] string? app,
        [Description("1-based page number.")] string? page,
        [Description("Runs per page, 1 to 200 (default 20).")] string? pageSize,
        ScimBridgeDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await RunsAsync(db, MirrorQuery.App(app),
            string.IsNullOrWhiteSpace(page) ? 1 : MirrorQuery.Number("page", page.Trim(), 1, 100_000),
            string.IsNullOrWhiteSpace(pageSize) ? 20 : MirrorQuery.Number("pageSize", pageSize.Trim(), 1, 200), ct));

    /// <summary>Runs newest first, of one app or all.</summary>
    public static async Task<RunPage> RunsAsync(ScimBridgeDbContext db, string? app, int page, int pageSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var runs = db.MirrorRuns.AsNoTracking().Where(r => app == null || r.App == app);
        var total = await runs.CountAsync(ct);
        var items = await runs.OrderByDescending(r => r.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return new RunPage(items.Select(MirrorRunView.Of).ToList(), page, pageSize, total);
    }

    private static async Task<Ok<MirrorRunView>> Run(string id, ScimBridgeDbContext db, CancellationToken ct)
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var runId))
        {
            throw AdminException.NotFound($"There is no mirror run '{MirrorQuery.Shorten(id)}'; run ids are numbers.");
        }
        var run = await db.MirrorRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct)
            ?? throw AdminException.NotFound($"There is no mirror run {runId}.");
        return TypedResults.Ok(MirrorRunView.Of(run));
    }

    private static async Task<Accepted<StartedRuns>> Start(
        [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] StartRunRequest? body,
        MirrorRunner runner, IOptions<MirrorOptions> options, HttpContext context, CancellationToken ct)
    {
        var started = await StartAsync(runner, options.Value, MirrorQuery.App(body?.App), AdminApi.ActorName(context), ct);
        var location = started.Runs.Count == 1 ? $"/admin/api/mirror/runs/{started.Runs[0].Id}" : "/admin/api/mirror/runs";
        return TypedResults.Accepted(location, started);
    }

    /// <summary>
    /// One app: its run, or the refusal (409 busy; 409 the source cannot run, with its message). Every app: the runs
    /// that started and the apps left out; refused only when none could start.
    /// </summary>
    public static async Task<StartedRuns> StartAsync(MirrorRunner runner, MirrorOptions options, string? app, string admin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        if (app is not null)
        {
            try
            {
                return new StartedRuns([MirrorRunView.Of(await runner.StartAsync(app, MirrorInitiators.Admin, admin, ct))], []);
            }
            catch (MirrorBusyException ex)
            {
                throw new AdminException(StatusCodes.Status409Conflict, "Run in progress", ex.Message);
            }
            catch (MirrorSourceException ex)
            {
                throw Refused(app, ex);
            }
        }
        var runs = new List<MirrorRunView>();
        var skipped = new List<SkippedApp>();
        foreach (var each in MirrorApps.All.Where(a => options.For(a).Enabled))
        {
            try
            {
                runs.Add(MirrorRunView.Of(await runner.StartAsync(each, MirrorInitiators.Admin, admin, ct)));
            }
            catch (MirrorBusyException ex)
            {
                skipped.Add(new SkippedApp(each, "Busy", ex.Message));
            }
            catch (MirrorSourceException ex)
            {
                skipped.Add(new SkippedApp(each, ex.Code, ex.Message));
            }
        }
        if (runs.Count == 0)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "No app can run",
                skipped.Count == 0
                    ? "Every app is disabled (Mirror:Apps:<app>:Enabled)."
                    : string.Join(" ", skipped.Select(s => $"{MirrorApps.DisplayName(s.App)}: {s.Message}")));
        }
        return new StartedRuns(runs, skipped);
    }

    private static AdminException Refused(string app, MirrorSourceException ex) =>
        new(StatusCodes.Status409Conflict, ex.Code switch
        {
            "NotConfigured" => $"{MirrorApps.DisplayName(app)} is not configured",
            "MissingScope" => $"{MirrorApps.DisplayName(app)} lacks a permission",
            _ => $"{MirrorApps.DisplayName(app)} cannot be read ({ex.Code})",
        }, ex.Message);

    private static async Task<Ok<DriftPage>> DriftList(
        [Description("shadowSeat, noSeat, seatTypeMismatch or deactivatedStillActive; absent: all, in that order.")] string? kind,
        [Description("monday or roadmunk.")] string? app,
        [Description("1-based page number.")] string? page,
        [Description("Rows per page, 1 to 500 (default 100).")] string? pageSize,
        HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(await DriftOf(context).PageAsync(DriftFilter.Parse(kind, app, page, pageSize), ct));

    private static async Task<Ok<LinkResult>> Link(LinkRequest request, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(await DriftOf(context).LinkAsync(request, AdminApi.ActorName(context), ct));

    private static async Task<Ok<Push.RequeueResult>> Repush(RepushRequest request, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(await DriftOf(context).RepushAsync(request, AdminApi.ActorName(context), ct));

    /// <summary>The drift view for this request (built here so the feature needs no registration of its own).</summary>
    public static Drift DriftOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ActivatorUtilities.CreateInstance<Drift>(context.RequestServices);
    }

    /// <summary>Columns of the seat export.</summary>
    public static readonly string[] CsvColumns =
    [
        "app", "accountId", "email", "name", "seatType", "status", "listedStatus", "lastActivity", "createdInApp", "firstSeen", "lastSeen", "goneAt",
        "provisionedByBridge", "userId", "userName", "linkedBy", "reportStatus", "reportAt", "monthlyCost", "currency",
    ];

    /// <summary>
    /// Every seat the filter selects (not one page), in id order, read in keyset chunks (short queries, flat memory) and
    /// written as they come. Cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
    /// </summary>
    public sealed class SeatCsv(SeatFilter filter, DateTimeOffset now) : IResult
    {
        private const int ChunkSize = 5_000;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var ct = httpContext.RequestAborted;
            var response = httpContext.Response;
            response.StartAttachment("text/csv; charset=utf-8",
                string.Create(CultureInfo.InvariantCulture, $"seats{(filter.App is { } a ? "-" + a : "")}-{now:yyyyMMdd-HHmmss}.csv"));
            var db = httpContext.RequestServices.GetRequiredService<ScimBridgeDbContext>();
            var options = httpContext.RequestServices.GetRequiredService<IOptions<MirrorOptions>>().Value;

            // Escape: a cell starting with = + - @ (or tab, CR) gets a leading apostrophe, so a spreadsheet shows it as text.
            await using var csv = CsvWriter.Create(response.Body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
            foreach (var column in CsvColumns)
            {
                csv.WriteField(column);
            }
            await csv.EndRecordAsync(ct);
            var seats = SeatQuery.Filtered(db, filter, now);
            long after = 0;
            while (true)
            {
                var chunk = await seats.Where(s => s.Id > after).OrderBy(s => s.Id).Take(ChunkSize).ToListAsync(ct);
                foreach (var row in await SeatQuery.RowsAsync(db, chunk, options, ct))
                {
                    csv.WriteField(row.App);
                    csv.WriteField(row.AccountId);
                    csv.WriteField(row.Email);
                    csv.WriteField(row.Name);
                    csv.WriteField(row.SeatType);
                    csv.WriteField(row.Status);
                    csv.WriteField(row.ListedStatus);
                    csv.WriteField(Time(row.LastActivity));
                    csv.WriteField(Time(row.CreatedInApp));
                    csv.WriteField(Time(row.FirstSeen));
                    csv.WriteField(Time(row.LastSeen));
                    csv.WriteField(Time(row.GoneAt));
                    csv.WriteField(row.ProvisionedByBridge ? "true" : "false");
                    csv.WriteField(row.UserId);
                    csv.WriteField(row.UserName);
                    csv.WriteField(row.LinkedBy);
                    csv.WriteField(row.ReportStatus);
                    csv.WriteField(Time(row.ReportAt));
                    csv.WriteField(row.MonthlyCost?.ToString(CultureInfo.InvariantCulture));
                    csv.WriteField(row.MonthlyCost is null ? null : options.Currency);
                    await csv.EndRecordAsync(ct);
                }
                await csv.FlushAsync(ct);
                if (chunk.Count < ChunkSize)
                {
                    break;
                }
                after = chunk[^1].Id;
            }
        }

        private static string? Time(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
