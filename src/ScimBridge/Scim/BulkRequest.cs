using System.Text.Json;
using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

/// <summary>
/// One operation of a bulk request as read. An operation that cannot run as written (not an object, an unknown method,
/// a bad path, data that is not an object) carries its <see cref="Error"/> and fails alone; the others still run.
/// </summary>
public sealed record BulkOperation(
    int Index, string Method, string? BulkId, string? Version, string? ResourceType, string? TargetId, JsonObject? Data, ScimException? Error)
{
    public const string BulkIdPrefix = "bulkId:";

    /// <summary>The bulkIds this operation refers to: in its path and in any string of its data ("bulkId:xyz").</summary>
    public IReadOnlySet<string> References { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public string Path => TargetId is null ? $"/{ResourceType}" : $"/{ResourceType}/{TargetId}";
}

/// <summary>A parsed BulkRequest (RFC 7644 §3.7): its operations in request order and failOnErrors.</summary>
public sealed record BulkRequest(IReadOnlyList<BulkOperation> Operations, int? FailOnErrors)
{
    public const string ResponseSchema = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

    private static readonly string[] Methods = ["POST", "PUT", "PATCH", "DELETE"];

    /// <summary>
    /// Reads the envelope: a malformed request as a whole is a 400 invalidSyntax and more operations than
    /// <see cref="BulkOptions.MaxOperations"/> a 413; a malformed operation only fails itself.
    /// </summary>
    public static BulkRequest Parse(JsonNode body, BulkOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var request = body as JsonObject ?? throw ScimException.InvalidSyntax("A bulk request is a JSON object with 'schemas' and 'Operations'.");
        if (Get(request, "schemas") is not JsonArray schemas
            || !schemas.Any(s => s is JsonValue v && v.TryGetValue<string>(out var urn) && string.Equals(urn, SchemaUrns.BulkRequest, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.InvalidSyntax($"'schemas' must be [\"{SchemaUrns.BulkRequest}\"].");
        }

        if (Get(request, "Operations") is not JsonArray operations)
        {
            throw ScimException.InvalidSyntax("'Operations' must be an array of operations.");
        }

        if (operations.Count == 0)
        {
            throw ScimException.InvalidSyntax("'Operations' is empty: send at least one operation.");
        }

        if (operations.Count > limits.MaxOperations)
        {
            throw new ScimException(StatusCodes.Status413PayloadTooLarge,
                $"The bulk request has {operations.Count} operations; this server accepts at most {limits.MaxOperations} in one request "
                + "(maxOperations in /ServiceProviderConfig, setting Scim:Bulk:MaxOperations). Split it into several requests.");
        }

        int? failOnErrors = null;
        if (Get(request, "failOnErrors") is { } fail)
        {
            failOnErrors = fail is JsonValue value && value.TryGetValue<int>(out var n) && n >= 1
                ? n
                : throw ScimException.InvalidValue($"'failOnErrors' must be an integer of at least 1, not {Describe(fail)}.");
        }

        var parsed = new List<BulkOperation>(operations.Count);
        var declared = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < operations.Count; i++)
        {
            parsed.Add(ParseOperation(i, operations[i], declared));
        }

        return new BulkRequest(parsed, failOnErrors);
    }

    private static BulkOperation ParseOperation(int index, JsonNode? node, HashSet<string> declared)
    {
        if (node is not JsonObject operation)
        {
            return Invalid(index, "", null, $"Operation {index + 1} must be a JSON object, not {Describe(node)}.");
        }

        var method = Text(operation, "method");
        var bulkId = Text(operation, "bulkId");
        var version = Text(operation, "version");
        var path = Text(operation, "path");
        var shownMethod = method?.ToUpperInvariant() ?? "";
        if (method is null || !Methods.Contains(shownMethod))
        {
            return Invalid(index, shownMethod, bulkId, $"'method' must be one of {string.Join(", ", Methods)}, not {Describe(Get(operation, "method"))}.");
        }

        foreach (var key in new[] { "bulkId", "version", "path" })
        {
            if (Get(operation, key) is { } value && value.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return Invalid(index, shownMethod, bulkId, $"'{key}' must be a string, not {Describe(value)}.");
            }
        }

        if (shownMethod == "POST" && string.IsNullOrEmpty(bulkId))
        {
            return Invalid(index, shownMethod, bulkId, "'bulkId' is required for POST: it names the new resource in the response and in other operations.");
        }

        if (bulkId is not null && shownMethod == "POST" && !declared.Add(bulkId))
        {
            return Invalid(index, shownMethod, bulkId, $"bulkId '{bulkId}' is used by an earlier POST of this request; bulkIds must be unique.");
        }

        var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resourceType = segments.Length > 0 ? ResourceTypeOf(segments[0]) : null;
        var pathOk = path is not null && path.StartsWith('/') && resourceType is not null
            && (shownMethod == "POST" ? segments.Length == 1 : segments.Length == 2);
        if (!pathOk)
        {
            return Invalid(index, shownMethod, bulkId, shownMethod == "POST"
                ? $"'path' of a POST must be /Users or /Groups, not '{path}'."
                : $"'path' of a {shownMethod} must be /Users/{{id}} or /Groups/{{id}} (the id may be bulkId:xyz), not '{path}'.");
        }

        var targetId = segments.Length == 2 ? Uri.UnescapeDataString(segments[1]) : null;
        var data = Get(operation, "data");
        if (shownMethod != "DELETE" && data is not JsonObject)
        {
            return Invalid(index, shownMethod, bulkId, $"'data' of a {shownMethod} must be a JSON object, not {Describe(data)}.") with
            {
                ResourceType = resourceType,
                TargetId = targetId,
            };
        }

        var references = new HashSet<string>(StringComparer.Ordinal);
        if (targetId?.StartsWith(BulkOperation.BulkIdPrefix, StringComparison.Ordinal) == true)
        {
            references.Add(targetId[BulkOperation.BulkIdPrefix.Length..]);
        }

        if (data is JsonObject && shownMethod != "DELETE")
        {
            CollectReferences(data, references);
        }

        return new BulkOperation(index, shownMethod, bulkId, version, resourceType, targetId, shownMethod == "DELETE" ? null : (JsonObject)data!, null)
        {
            References = references,
        };
    }

    private static void CollectReferences(JsonNode root, HashSet<string> references)
    {
        var pending = new Stack<JsonNode?>();
        pending.Push(root);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (_, value) in obj)
                    {
                        pending.Push(value);
                    }

                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        pending.Push(item);
                    }

                    break;
                case JsonValue value when value.TryGetValue<string>(out var text) && text.StartsWith(BulkOperation.BulkIdPrefix, StringComparison.Ordinal):
                    references.Add(text[BulkOperation.BulkIdPrefix.Length..]);
                    break;
            }
        }
    }

    /// <summary>A copy of <paramref name="data"/> with every "bulkId:xyz" string replaced by the id it resolved to.</summary>
    public static JsonObject Resolve(JsonObject data, IReadOnlyDictionary<string, string> ids)
    {
        var copy = (JsonObject)data.DeepClone();
        var pending = new Stack<JsonNode>();
        pending.Push(copy);
        while (pending.TryPop(out var node))
        {
            if (node is JsonObject obj)
            {
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (Replacement(obj[key], ids) is { } id)
                    {
                        obj[key] = id;
                    }
                    else if (obj[key] is { } child)
                    {
                        pending.Push(child);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    if (Replacement(array[i], ids) is { } id)
                    {
                        array[i] = id;
                    }
                    else if (array[i] is { } child)
                    {
                        pending.Push(child);
                    }
                }
            }
        }

        return copy;
    }

    private static string? Replacement(JsonNode? node, IReadOnlyDictionary<string, string> ids) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.StartsWith(BulkOperation.BulkIdPrefix, StringComparison.Ordinal)
            ? ids.GetValueOrDefault(text[BulkOperation.BulkIdPrefix.Length..])
            : null;

    private static string? ResourceTypeOf(string segment) =>
        string.Equals(segment, "Users", StringComparison.OrdinalIgnoreCase) ? "Users"
        : string.Equals(segment, "Groups", StringComparison.OrdinalIgnoreCase) ? "Groups"
        : null;

    private static BulkOperation Invalid(int index, string method, string? bulkId, string detail) =>
        new(index, method, bulkId, null, null, null, null, ScimException.InvalidSyntax(detail));

    private static string Describe(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null (or missing)",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Truncate(value.GetValue<string>())}\"",
        JsonValueKind.Number => $"the number {value.ToJsonString()}",
        _ => $"the boolean {value.ToJsonString()}",
    };

    private static string Truncate(string text) => text.Length > 40 ? text[..40] + "…" : text;

    /// <summary>SCIM attribute names are case-insensitive ("Operations", "operations").</summary>
    private static JsonNode? Get(JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static string? Text(JsonObject obj, string name) =>
        Get(obj, name) is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
