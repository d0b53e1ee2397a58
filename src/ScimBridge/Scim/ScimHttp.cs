using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

/// <summary>Reading SCIM requests and writing SCIM responses.</summary>
public static class ScimHttp
{
    public const string ContentType = "application/scim+json";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowTrailingCommas = false, AllowDuplicateProperties = false };

    /// <summary>Reads the body as JSON, enforcing the configured size limit (413) and reporting bad JSON as invalidSyntax.</summary>
    public static Task<JsonNode> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value;
        return ReadJsonAsync(request, options.MaxRequestBytes, "Scim:MaxRequestBytes", cancellationToken);
    }

    /// <summary>As above, with another body limit (<paramref name="limitKey"/> names its setting in the 413).</summary>
    public static async Task<JsonNode> ReadJsonAsync(HttpRequest request, int limit, string limitKey, CancellationToken cancellationToken)
    {
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit, limitKey);
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
                    throw TooLarge(limit, limitKey);
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
            CheckBody(body, options.MaxValueLength);
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
    /// Reads every key and string once, before any other work: a string a client cannot have meant (a lone surrogate)
    /// fails here and not wherever it is first used; U+0000, which PostgreSQL cannot store, and strings over
    /// Scim:MaxValueLength are refused; and so are two keys of one object that differ only in case, since SCIM
    /// attribute names are case-insensitive and the parser only refuses exact duplicates.
    /// </summary>
    private static void CheckBody(JsonNode body, int maxValueLength)
    {
        var pending = new Stack<JsonNode?>();
        pending.Push(body);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case JsonObject obj:
                    RejectCaseDuplicates(obj);
                    foreach (var (key, value) in obj)
                    {
                        CheckString(key, obj, maxValueLength, isKey: true);
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
                    CheckString(value.GetValue<string>(), value, maxValueLength, isKey: false);
                    break;
            }
        }
    }

    private static void CheckString(string text, JsonNode where, int maxValueLength, bool isKey)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw ScimException.InvalidValue("Strings must not contain the NUL character (\\u0000).");
        }

        if (text.Length > maxValueLength)
        {
            throw ScimException.InvalidValue(
                $"{(isKey ? $"A key of the object at '{where.GetPath()}' (starting '{text[..32]}')" : $"The string at '{where.GetPath()}'")} is {text.Length} characters long; "
                + $"this server accepts at most {maxValueLength} characters in one value (Scim:MaxValueLength).");
        }
    }

    private static void RejectCaseDuplicates(JsonObject obj)
    {
        // Most objects have a handful of keys: compare those pairwise rather than allocate a set for each.
        if (obj.Count <= 8)
        {
            for (var i = 1; i < obj.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (string.Equals(obj.GetAt(i).Key, obj.GetAt(j).Key, StringComparison.OrdinalIgnoreCase))
                    {
                        throw CaseDuplicate(obj, obj.GetAt(j).Key, obj.GetAt(i).Key);
                    }
                }
            }

            return;
        }

        var seen = new Dictionary<string, string>(obj.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, _) in obj)
        {
            if (!seen.TryAdd(key, key))
            {
                throw CaseDuplicate(obj, seen[key], key);
            }
        }
    }

    private static ScimException CaseDuplicate(JsonObject obj, string first, string second) => ScimException.InvalidSyntax(
        $"The keys '{first}' and '{second}' at '{obj.GetPath()}' name one attribute twice (attribute names are case-insensitive).");

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

    private static ScimException TooLarge(int limit, string limitKey) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {limit} bytes this server accepts ({limitKey}).");

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
