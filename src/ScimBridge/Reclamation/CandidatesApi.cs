using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Mirror;

namespace ScimBridge.Reclamation;

/// <summary>A bulk command's body: the candidates by id, or every candidate of one wave.</summary>
public sealed record BulkCommandRequest(
    [property: Description("Candidate ids, 1 to 10,000.")] IReadOnlyList<long>? Ids,
    [property: Description("A wave id: every candidate of that wave.")] string? WaveId);

public sealed record BulkCommandResults(IReadOnlyList<CandidateCommandResult> Results);

/// <summary>The reclamation candidates on the admin API: list (JSON or CSV), one with its transitions, and the workflow's commands.</summary>
public static class CandidatesApi
{
    public const int MaxBulkIds = 10_000;

    public static RouteGroupBuilder MapCandidatesApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/reclamation/candidates").WithTags("Licence reclamation");
        group.MapGet("", List).WithName("ListReclaimCandidates")
            .WithSummary("Candidates, newest first, filtered and paged; format=csv (or Accept: text/csv) streams every match as CSV.")
            .Produces<CandidatePage>(StatusCodes.Status200OK, "application/json", "text/csv");
        group.MapGet("/{id}", Get).WithName("GetReclaimCandidate")
            .WithSummary("One candidate with its state changes (transitions), oldest first.");
        group.MapPost("/{id}/{command}", RunOne).WithName("RunReclaimCandidateCommand")
            .WithSummary("reclaim, approve, skip or undo one candidate; 409 with the reason when the workflow refuses.");
        group.MapPost("/{command}", RunBulk).WithName("RunReclaimCandidatesCommand")
            .WithSummary("reclaim, approve, skip or undo candidates by id ({\"ids\":[1,2]}) or a whole wave ({\"waveId\":\"…\"}); one result per candidate.")
            .Accepts<BulkCommandRequest>("application/json");
        return api;
    }

    private static async Task<Results<Ok<CandidatePage>, CandidateCsv>> List(
        [AsParameters] CandidateListQuery query,
        [Description("json (default) or csv.")] string? format,
        HttpContext context, ScimBridgeDbContext db, TimeProvider time, CancellationToken ct)
    {
        var filter = CandidateFilter.Parse(query);
        if (WantsCsv(context, format))
        {
            return new CandidateCsv(filter, time.GetUtcNow());
        }
        return TypedResults.Ok(await CandidateQuery.PageAsync(db, filter, ct));
    }

    /// <summary>format=csv, or no format and an Accept header asking for text/csv.</summary>
    public static bool WantsCsv(HttpContext context, string? format)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (format?.Trim().ToLowerInvariant()) switch
        {
            null or "" => context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)),
            "csv" => true,
            "json" => false,
            _ => throw AdminException.Invalid("format", "format must be json or csv."),
        };
    }

    private static async Task<Ok<CandidateView>> Get(string id, ScimBridgeDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await CandidateQuery.DetailAsync(db, ParseId(id), ct) ?? throw AdminException.NotFound($"There is no candidate {id}."));

    private static async Task<Ok<CandidateCommandResult>> RunOne(string id, string command, HttpContext context, ScimBridgeDbContext db, ReclaimWorkflow workflow, CancellationToken ct)
    {
        var candidateId = ParseId(id);
        var known = Command(command);
        if (!await db.ReclaimCandidates.AnyAsync(c => c.Id == candidateId, ct))
        {
            throw AdminException.NotFound($"There is no candidate {candidateId}.");
        }
        var result = (await workflow.RunAsync(known, [candidateId], ReclaimActor.Admin(AdminApi.ActorName(context)), ct))[0];
        return result.Done
            ? TypedResults.Ok(result)
            : throw new AdminException(StatusCodes.Status409Conflict, $"Cannot {known} candidate {candidateId}", result.Error);
    }

    private static async Task<Ok<BulkCommandResults>> RunBulk(string command, HttpContext context, ScimBridgeDbContext db, ReclaimWorkflow workflow, CancellationToken ct)
    {
        var known = Command(command);
        var (ids, waveId) = await ReadBulkAsync(context.Request, ct);
        if (waveId is not null)
        {
            ids = await db.ReclaimCandidates.AsNoTracking().Where(c => c.WaveId == waveId).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
            if (ids.Count == 0)
            {
                throw AdminException.NotFound($"There is no wave '{MirrorQuery.Shorten(waveId)}'.");
            }
        }
        var results = await workflow.RunAsync(known, ids!, ReclaimActor.Admin(AdminApi.ActorName(context)), ct);
        return TypedResults.Ok(new BulkCommandResults(results));
    }

    /// <summary>
    /// Reads <c>{"ids": [...]}</c> or <c>{"waveId": "..."}</c> by hand, so that malformed JSON and wrong types are
    /// ProblemDetails naming the field rather than the framework's bare 400.
    /// </summary>
    public static async Task<(List<long>? Ids, string? WaveId)> ReadBulkAsync(HttpRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
        }
        catch (JsonException ex)
        {
            throw AdminException.Invalid("body", $"The body is not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}); send {{\"ids\": [1, 2]}} or {{\"waveId\": \"…\"}}.");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw AdminException.Invalid("body", "The body must be a JSON object: {\"ids\": [1, 2]} or {\"waveId\": \"…\"}.");
            }
            List<long>? ids = null;
            string? waveId = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("ids"))
                {
                    ids = Ids(property.Value);
                }
                else if (property.NameEquals("waveId"))
                {
                    waveId = property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 and <= 64 } wave && !string.IsNullOrWhiteSpace(wave)
                        ? wave.Trim()
                        : throw AdminException.Invalid("waveId", "waveId must be a wave's id (a non-empty string of at most 64 characters).");
                }
                else
                {
                    throw AdminException.Invalid(property.Name, $"Unknown field '{MirrorQuery.Shorten(property.Name)}'; send ids or waveId.");
                }
            }
            if (ids is not null && waveId is not null)
            {
                throw AdminException.Invalid("ids", "Send either ids or waveId, not both.");
            }
            if (ids is null && waveId is null)
            {
                throw AdminException.Invalid("ids", "Send the candidates' ids ({\"ids\": [1, 2]}) or a waveId.");
            }
            return (ids, waveId);
        }
    }

    private static List<long> Ids(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw AdminException.Invalid("ids", "ids must be an array of candidate ids (whole numbers).");
        }
        var count = value.GetArrayLength();
        if (count == 0)
        {
            throw AdminException.Invalid("ids", "ids is empty; send at least one candidate id.");
        }
        if (count > MaxBulkIds)
        {
            throw AdminException.Invalid("ids", $"ids has {count:N0} entries; at most {MaxBulkIds:N0} per request.");
        }
        var ids = new List<long>(count);
        foreach (var item in value.EnumerateArray())
        {
            ids.Add(item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var id) && id > 0
                ? id
                : throw AdminException.Invalid("ids", $"ids must hold candidate ids (positive whole numbers); {MirrorQuery.Shorten(item.GetRawText())} is not one."));
        }
        return ids;
    }

    /// <summary>A candidate id from the route: anything but a number names no candidate (404).</summary>
    public static long ParseId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw AdminException.NotFound($"There is no candidate '{MirrorQuery.Shorten(id)}'; candidate ids are numbers.");

    private static string Command(string command) =>
        CandidateCommands.All.FirstOrDefault(c => c.Equals(command, StringComparison.OrdinalIgnoreCase))
            ?? throw AdminException.NotFound($"There is no command '{MirrorQuery.Shorten(command)}'; known: {string.Join(", ", CandidateCommands.All)}.");

    public static readonly string[] CsvColumns =
    [
        "id", "ruleId", "ruleName", "app", "accountId", "userId", "email", "name", "seatType", "action", "state", "stateDisplay", "reason",
        "stateReason", "errorCode", "lastActivity", "monthlySaving", "currency", "waveId", "heldAt", "answer", "createdAt", "updatedAt",
        "closedAt", "reclaimedAt", "previousSeatType", "newSeatType", "previousActive", "newActive", "undoneAt",
    ];

    /// <summary>Every candidate the filter selects, newest first, read in keyset chunks and written as they come.</summary>
    public sealed class CandidateCsv(CandidateFilter filter, DateTimeOffset now) : IResult
    {
        private const int ChunkSize = 2_000;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var ct = httpContext.RequestAborted;
            var response = httpContext.Response;
            response.StartAttachment("text/csv; charset=utf-8", string.Create(CultureInfo.InvariantCulture, $"reclaim-candidates-{now:yyyyMMdd-HHmmss}.csv"));
            var db = httpContext.RequestServices.GetRequiredService<ScimBridgeDbContext>();

            await using var csv = CsvWriter.Create(response.Body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
            foreach (var column in CsvColumns)
            {
                csv.WriteField(column);
            }
            await csv.EndRecordAsync(ct);
            var candidates = CandidateQuery.Filtered(db, filter);
            (DateTimeOffset CreatedAt, long Id)? after = null;
            while (true)
            {
                var chunkQuery = candidates;
                if (after is { } last)
                {
                    var (at, id) = last;
                    chunkQuery = chunkQuery.Where(c => c.CreatedAt < at || (c.CreatedAt == at && c.Id < id));
                }
                var chunk = await CandidateQuery.NewestFirst(chunkQuery).Take(ChunkSize).ToListAsync(ct);
                foreach (var c in await CandidateQuery.ViewsAsync(db, chunk, ct))
                {
                    WriteRow(csv, c);
                    await csv.EndRecordAsync(ct);
                }
                await csv.FlushAsync(ct);
                if (chunk.Count < ChunkSize)
                {
                    break;
                }
                after = (chunk[^1].CreatedAt, chunk[^1].Id);
            }
        }

        private static void WriteRow(CsvWriter csv, CandidateView c)
        {
            csv.WriteField(c.Id.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(c.RuleId.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(c.RuleName);
            csv.WriteField(c.App);
            csv.WriteField(c.AccountId);
            csv.WriteField(c.UserId);
            csv.WriteField(c.Email);
            csv.WriteField(c.Name);
            csv.WriteField(c.SeatType);
            csv.WriteField(c.Action);
            csv.WriteField(c.State);
            csv.WriteField(c.StateDisplay);
            csv.WriteField(c.Reason);
            csv.WriteField(c.StateReason);
            csv.WriteField(c.ErrorCode);
            csv.WriteField(Time(c.LastActivity));
            csv.WriteField(c.MonthlySaving?.ToString("0.00", CultureInfo.InvariantCulture));
            csv.WriteField(c.Currency);
            csv.WriteField(c.WaveId);
            csv.WriteField(Time(c.HeldAt));
            csv.WriteField(c.Answer);
            csv.WriteField(Time(c.CreatedAt));
            csv.WriteField(Time(c.UpdatedAt));
            csv.WriteField(Time(c.ClosedAt));
            csv.WriteField(Time(c.ReclaimedAt));
            csv.WriteField(c.PreviousSeatType);
            csv.WriteField(c.NewSeatType);
            csv.WriteField(Bool(c.PreviousActive));
            csv.WriteField(Bool(c.NewActive));
            csv.WriteField(Time(c.UndoneAt));
        }

        private static string? Bool(bool? value) => value switch { true => "true", false => "false", null => null };
    }

    public static string? Time(DateTimeOffset? value) => value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
