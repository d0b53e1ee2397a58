using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using ScimBridge.Admin;
using ScimBridge.Data;

namespace ScimBridge.Mirror.Roadmunk;

/// <summary><c>POST /admin/api/mirror/roadmunk/user-report</c>: import Roadmunk's User CSV report.</summary>
public static class RoadmunkReportApi
{
    public static RouteGroupBuilder MapRoadmunkReport(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/mirror/roadmunk/user-report", ImportAsync)
            .WithName("ImportRoadmunkUserReport")
            .WithTags("Mirror")
            .WithSummary("Import Roadmunk's User CSV report (multipart field 'file', or a text/csv body) to mark inactive seats.")
            .WithDescription("Columns are found by header name, case-insensitively (an email column and a status or active column; "
                + "emailColumn and statusColumn name unusual ones). The newest report wins: one older than the applied report is 409. "
                + "A malformed file is 400 with the errors per row, and nothing is applied. At most 20 MB.")
            // Described here rather than with Accepts, whose content-type matching would answer a wrong type before the handler could explain.
            .AddOpenApiOperationTransformer(DescribeBody)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return api;
    }

    private static Task DescribeBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The User CSV report (Account Settings > Reports > Download User CSV).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                ["multipart/form-data"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "file" },
                        Properties = new Dictionary<string, IOpenApiSchema> { ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }

    private static async Task<Ok<RoadmunkReportResult>> ImportAsync(
        HttpRequest request, ScimBridgeDbContext db, TimeProvider time,
        string? emailColumn, string? statusColumn, string? reportedAt, CancellationToken cancellationToken)
    {
        var at = ReportedAt(reportedAt);
        using var csv = await ReadCsvAsync(request, cancellationToken);
        try
        {
            return TypedResults.Ok(await RoadmunkUserReport.ImportAsync(db, csv, time, emailColumn, statusColumn, at, cancellationToken));
        }
        catch (RoadmunkReportException e)
        {
            throw new AdminException(e.Status, e.Title, e.Message, e.Errors.Count == 0 ? null
                : e.Errors.GroupBy(x => x.Row == 0 ? "file" : $"row {x.Row}").ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()));
        }
    }

    private static DateTimeOffset? ReportedAt(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw AdminException.Invalid("reportedAt", $"reportedAt '{value}' is not a time; use ISO 8601, e.g. 2026-12-01T09:00:00Z.");
    }

    /// <summary>The report from a multipart field <c>file</c> or a raw CSV body, refused over <see cref="RoadmunkUserReport.MaxBytes"/>.</summary>
    private static async Task<TextReader> ReadCsvAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Room for the multipart envelope around a file of the largest size.
        const long Envelope = 64 * 1024;
        if (request.ContentLength > RoadmunkUserReport.MaxBytes + Envelope)
        {
            throw TooLarge();
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = RoadmunkUserReport.MaxBytes + Envelope;
        }
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = RoadmunkUserReport.MaxBytes + Envelope }, cancellationToken);
            }
            catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
            {
                throw TooLarge();
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw AdminException.Invalid("file", $"The multipart form could not be read ({e.Message}); send the report as the form field 'file'.");
            }
            var file = form.Files.GetFile("file") ?? throw AdminException.Invalid("file", "Send the report as the multipart form field 'file'.");
            if (file.Length > RoadmunkUserReport.MaxBytes)
            {
                throw TooLarge();
            }
            return new StreamReader(file.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        }
        var type = request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.Value : null;
        if (type is not ("text/csv" or "application/csv" or "text/plain"))
        {
            throw new AdminException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the report as multipart/form-data (field 'file') or as a text/csv body.");
        }
        var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > RoadmunkUserReport.MaxBytes)
            {
                throw TooLarge();
            }
            body.Write(buffer, 0, read);
        }
        body.Position = 0;
        return new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    private static AdminException TooLarge() => new(StatusCodes.Status413PayloadTooLarge, "Report too large",
        $"The report is larger than {RoadmunkUserReport.MaxBytes / (1024 * 1024)} MB; a Roadmunk user report is far smaller. Check the file.");
}
