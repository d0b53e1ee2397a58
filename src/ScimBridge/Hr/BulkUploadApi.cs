using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using ScimBridge.Data;
using ScimBridge.Scim;
using ScimBridge.ScimProtocol;

namespace ScimBridge.Hr;

/// <summary>
/// Entra's API-driven inbound provisioning, asynchronous as Entra's own bulkUpload API is: the SCIM BulkRequest is checked
/// and queued (202 and a job to poll), then run by <see cref="HrJobWorker"/>.
/// </summary>
public static class BulkUploadApi
{
    private const int MaxListed = 200;

    /// <summary>POST /hr/v1/bulkUpload (202 and a job to poll), GET /hr/v1/jobs/{id}, GET /hr/v1/jobs.</summary>
    public static void MapBulkUpload(this RouteGroupBuilder hr)
    {
        ArgumentNullException.ThrowIfNull(hr);
        hr.MapPost("/bulkUpload", UploadAsync)
            .WithSummary("Queues a SCIM BulkRequest of users (Entra API-driven inbound provisioning); answers 202 with the job to poll.")
            // Described rather than declared with Accepts, whose content-type matching would answer 415 before the handler explains.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                var body = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Description = "A SCIM BulkRequest (RFC 7644 section 3.7): schemas, Operations (POST, PUT, PATCH, DELETE on /Users and /Groups), failOnErrors.",
                    },
                };
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/scim+json"] = body, ["application/json"] = body },
                };
                return Task.CompletedTask;
            })
            .Produces<JobAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        hr.MapGet("/jobs/{id}", GetAsync).WithSummary("A bulk upload job: status, counts and per-operation results.");
        hr.MapGet("/jobs", ListAsync).WithSummary("The most recent jobs, newest first.");
    }

    private static async Task<IResult> UploadAsync(HttpContext context, HrJobs jobs, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not null && !string.Equals(mediaType, ScimHttp.ContentType, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new HrException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the BulkRequest as application/scim+json or application/json, not {mediaType}.");
        }

        var limits = options.Value.Bulk;
        BulkRequest request;
        System.Text.Json.Nodes.JsonNode body;
        try
        {
            body = await ScimHttp.ReadJsonAsync(context.Request, limits.MaxPayloadBytes, "setting Scim:Bulk:MaxPayloadBytes", ct);
            request = BulkRequest.Parse(body, limits);
        }
        catch (ScimException ex)
        {
            throw ex.Status == StatusCodes.Status413PayloadTooLarge
                ? new HrException(ex.Status, "Payload too large", ex.Detail)
                : HrException.Invalid(ex.Detail.Contains("failOnErrors", StringComparison.Ordinal) ? "failOnErrors" : "Operations", ex.Detail);
        }

        var actor = context.User.FindFirst(ClaimTypes.Name)?.Value ?? "unknown";
        var job = await jobs.EnqueueBulkUploadAsync(body.ToJsonString(), request.Operations.Count, actor, ct);
        return TypedResults.Accepted($"/hr/v1/jobs/{job.Id}", new JobAccepted(job.Id, job.Status, job.Total));
    }

    private static async Task<IResult> GetAsync(string id, HrJobs jobs, CancellationToken ct)
    {
        var job = await jobs.GetAsync(id, ct) ?? throw HrException.NotFound($"No job {id}.");
        var operations = HrJobs.Results(job).OrderBy(r => r.Index).Select(r => new JobOperation(
            r.Index, r.Method, r.BulkId, r.Status, r.ResourceType == "Users" ? r.Id : null, r.ResourceType == "Groups" ? r.Id : null,
            r.Succeeded ? null : new JobError(r.ScimType, r.Detail))).ToList();
        var summary = Summary(job);
        return TypedResults.Ok(new JobDetails(summary.Id, summary.Kind, summary.Status, summary.Actor, summary.Total, summary.Succeeded, summary.Failed,
            summary.CreatedAt, summary.StartedAt, summary.CompletedAt, summary.DurationSeconds, summary.Error, operations));
    }

    private static async Task<IResult> ListAsync(HrJobs jobs, CancellationToken ct, int? limit = null)
    {
        if (limit is < 1 or > MaxListed)
        {
            throw HrException.Invalid("limit", $"limit must be between 1 and {MaxListed}.");
        }

        var list = await jobs.ListAsync(limit ?? 50, ct);
        return TypedResults.Ok(list.Select(Summary).ToList());
    }

    private static JobSummary Summary(HrJobRecord job) => new(
        job.Id, job.Kind, job.Status, job.Actor, job.Total, job.Succeeded, job.Failed, job.CreatedAt, job.StartedAt, job.CompletedAt,
        job.StartedAt is { } started ? ((job.CompletedAt ?? started) - started).TotalSeconds : null, job.Error);
}

/// <summary>The answer to a bulk upload: the job to poll at /hr/v1/jobs/{id}.</summary>
public sealed record JobAccepted(string Id, string Status, int Operations);

/// <summary>A job's status and counts (total operations, succeeded and failed so far) and timings.</summary>
public sealed record JobSummary(
    string Id, string Kind, string Status, string Actor, int Total, int Succeeded, int Failed,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, double? DurationSeconds, string? Error);

/// <summary>A job's summary and its per-operation results so far, in request order.</summary>
public sealed record JobDetails(
    string Id, string Kind, string Status, string Actor, int Total, int Succeeded, int Failed,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, double? DurationSeconds, string? Error,
    IReadOnlyList<JobOperation> Operations);

/// <summary>One operation's outcome: its HTTP status as SCIM /Bulk would answer it, the user (or group) it wrote, or the error.</summary>
public sealed record JobOperation(int Index, string Method, string? BulkId, int Status, string? UserId, string? GroupId, JobError? Error);

public sealed record JobError(string? ScimType, string? Detail);
