using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace ScimBridge.Hr;

/// <summary><c>POST /hr/v1/rosters</c>: a CSV roster, previewed (dryRun=true) or applied.</summary>
public static class RosterApi
{
    /// <summary>POST /hr/v1/rosters (dry run or apply).</summary>
    public static void MapRosters(this RouteGroupBuilder hr)
    {
        ArgumentNullException.ThrowIfNull(hr);
        hr.MapPost("/rosters", ImportAsync)
            .WithName("ImportRoster")
            .WithTags("Rosters")
            .WithSummary("Import a CSV roster (a text/csv body, or the multipart field 'file'): preview every change (dryRun=true) or apply it.")
            .WithDescription("Columns by header, case-insensitively: employeeId and status (active | terminated) are required; email, lastDayOfWork "
                + "(yyyy-MM-dd), timeZone (IANA), department and manager (employee id or email) are optional. Separator ',' or ';', UTF-8, at most "
                + "10 MiB and 50,000 rows. mode all-or-nothing (default) applies nothing when a row has an error (422 with the errors); good-rows applies "
                + "the valid rows and reports the others. Re-importing the same roster changes nothing.")
            .AddOpenApiOperationTransformer(DescribeBody)
            .Produces<RosterResult>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, RosterImport roster, string? dryRun, string? mode, CancellationToken cancellationToken)
    {
        var preview = dryRun?.Trim().ToLowerInvariant() switch
        {
            null or "" or "false" => false,
            "true" => true,
            _ => throw HrException.Invalid("dryRun", $"dryRun '{dryRun}' is not true or false."),
        };
        var checkedMode = RosterModes.Parse(mode);
        var csv = await ReadCsvAsync(request, cancellationToken);
        var actor = new HrActor(request.HttpContext.User.Identity?.Name is { Length: > 0 } name ? name : "hr", HrSources.Roster);
        var result = await roster.ImportAsync(csv, preview, checkedMode, actor, cancellationToken);
        if (!result.Refused)
        {
            return TypedResults.Ok(result);
        }
        return TypedResults.Problem(result.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Roster refused",
            extensions: new Dictionary<string, object?>
            {
                ["jobId"] = result.JobId,
                ["totals"] = result.Totals,
                ["errors"] = result.Errors,
            });
    }

    private static Task DescribeBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The roster CSV.",
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

    /// <summary>The roster from a multipart field <c>file</c> or a raw CSV body, refused over <see cref="RosterCsv.MaxBytes"/>.</summary>
    private static async Task<byte[]> ReadCsvAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        const long Envelope = 64 * 1024;
        if (request.ContentLength > RosterCsv.MaxBytes + Envelope)
        {
            throw RosterCsv.TooLarge();
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = RosterCsv.MaxBytes + Envelope;
        }
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = RosterCsv.MaxBytes + Envelope }, cancellationToken);
            }
            catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
            {
                throw RosterCsv.TooLarge();
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw HrException.Invalid("file", $"The multipart form could not be read ({e.Message}); send the roster as the form field 'file'.");
            }
            var file = form.Files.GetFile("file") ?? throw HrException.Invalid("file", "Send the roster as the multipart form field 'file'.");
            if (file.Length > RosterCsv.MaxBytes)
            {
                throw RosterCsv.TooLarge();
            }
            await using var stream = file.OpenReadStream();
            return await RosterFiles.ReadAsync(stream, cancellationToken);
        }
        else
        {
            var type = request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType.Value : null;
            if (type is not ("text/csv" or "application/csv" or "text/plain"))
            {
                throw new HrException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                    "Send the roster as a text/csv body or as multipart/form-data (field 'file').");
            }
            return await RosterFiles.ReadAsync(request.Body, cancellationToken);
        }
    }
}

/// <summary>Reads a roster's bytes, refusing a file over <see cref="RosterCsv.MaxBytes"/> without reading it all.</summary>
public static class RosterFiles
{
    public static async Task<byte[]> ReadAsync(Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > RosterCsv.MaxBytes)
            {
                throw RosterCsv.TooLarge();
            }
            body.Write(buffer, 0, read);
        }
        return body.ToArray();
    }
}
