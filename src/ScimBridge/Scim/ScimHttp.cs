using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ScimBridge.Scim.Schemas;

namespace ScimBridge.Scim;

/// <summary>Reading SCIM requests and writing SCIM responses.</summary>
public static class ScimHttp
{
    public const string ContentType = "application/scim+json";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowTrailingCommas = false, AllowDuplicateProperties = false };

    /// <summary>Reads the body as JSON, enforcing the configured size limit (413) and reporting bad JSON as invalidSyntax.</summary>
    public static async Task<JsonNode> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = request.HttpContext.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value.MaxRequestBytes;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and var length ? (int)length : 4096);
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                if (buffer.WrittenCount + segment.Length > limit)
                {
                    reader.AdvanceTo(result.Buffer.End);
                    throw TooLarge(limit);
                }

                buffer.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        if (buffer.WrittenCount == 0)
        {
            throw ScimException.InvalidSyntax("The request body is empty; a JSON object was expected.");
        }

        try
        {
            var body = JsonNode.Parse(buffer.WrittenSpan, NodeOptions, DocumentOptions)
                ?? throw ScimException.InvalidSyntax("The request body is JSON null; a JSON object was expected.");
            CheckStrings(body);
            return body;
        }
        catch (JsonException ex)
        {
            throw ScimException.InvalidSyntax($"The request body is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // A lone surrogate escape ("\ud800"): valid JSON grammar, but not text.
            throw ScimException.InvalidSyntax($"The request body is not valid JSON text: {ex.Message}");
        }
    }

    /// <summary>
    /// Reads every string once, so that one a client cannot have meant (a lone surrogate) fails here and not wherever
    /// it is first used; and refuses U+0000, which PostgreSQL cannot store.
    /// </summary>
    private static void CheckStrings(JsonNode body)
    {
        var pending = new Stack<JsonNode?>();
        pending.Push(body);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        RejectNul(key);
                        pending.Push(value);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        pending.Push(item);
                    }

                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    RejectNul(value.GetValue<string>());
                    break;
            }
        }

        static void RejectNul(string text)
        {
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                throw ScimException.InvalidValue("Strings must not contain the NUL character (\\u0000).");
            }
        }
    }

    public static JsonObject ReadObject(JsonNode body) =>
        body as JsonObject ?? throw ScimException.InvalidSyntax("The request body must be a JSON object.");

    public static IResult Json(JsonNode body, int status = StatusCodes.Status200OK, string? etag = null, string? location = null) =>
        new ScimJsonResult(body, status, etag, location);

    public static IResult Error(ScimException error) => Json(ErrorBody(error.Status, error.Detail, error.ScimType), error.Status);

    public static JsonObject ErrorBody(int status, string detail, string? scimType = null)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(SchemaUrns.Error),
            ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (scimType is not null)
        {
            body["scimType"] = scimType;
        }

        body["detail"] = detail;
        return body;
    }

    public static async Task WriteErrorAsync(HttpContext context, int status, string detail, string? scimType = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await WriteAsync(context.Response, ErrorBody(status, detail, scimType));
    }

    private static async Task WriteAsync(HttpResponse response, JsonNode body)
    {
        await using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            body.WriteTo(writer);
        }

        await response.BodyWriter.FlushAsync();
    }

    private static ScimException TooLarge(int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {limit} bytes this server accepts (Scim:MaxRequestBytes).");

    private sealed class ScimJsonResult(JsonNode body, int status, string? etag, string? location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = ContentType;
            if (etag is not null)
            {
                response.Headers.ETag = etag;
            }

            if (location is not null)
            {
                response.Headers.Location = location;
            }

            return WriteAsync(response, body);
        }
    }
}
