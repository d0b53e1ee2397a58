using System.Text.Json;
using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Patch;

public enum PatchOperationType { Add, Replace, Remove }

/// <summary>One PATCH operation. <see cref="Path"/> is the raw path text (null when absent); <see cref="Value"/> is a detached copy.</summary>
public sealed record PatchOperation(PatchOperationType Op, string? Path, JsonNode? Value);

/// <summary>A parsed RFC 7644 PatchOp message (section 3.5.2).</summary>
public sealed record PatchRequest(IReadOnlyList<PatchOperation> Operations)
{
    /// <summary>More operations than this in one request are refused (400 invalidValue): a guard against oversized bodies.</summary>
    public const int MaxOperations = 1000;

    /// <summary>
    /// Parses a PatchOp body leniently where real clients differ (op and key case, a missing <c>schemas</c>) and
    /// strictly where the meaning would be unclear (400 invalidSyntax; remove without a path is 400 noTarget).
    /// </summary>
    public static PatchRequest Parse(JsonNode? body)
    {
        if (body is not JsonObject obj)
        {
            throw ScimException.InvalidSyntax($"A PATCH body must be a JSON object, not {ScimValues.Describe(body)}.");
        }

        CheckSchemas(obj);
        var operationsNode = AttributeNames.GetIgnoringCase(obj, "Operations", out _);
        if (operationsNode is not JsonArray operations || operations.Count == 0)
        {
            throw ScimException.InvalidSyntax("A PATCH body needs a non-empty 'Operations' array.");
        }

        if (operations.Count > MaxOperations)
        {
            throw ScimException.InvalidValue($"The request has too many operations ({operations.Count}); at most {MaxOperations} are accepted.");
        }

        var parsed = new List<PatchOperation>(operations.Count);
        for (var i = 0; i < operations.Count; i++)
        {
            parsed.Add(ParseOperation(operations[i], i));
        }

        return new PatchRequest(parsed);
    }

    private static void CheckSchemas(JsonObject body)
    {
        var node = AttributeNames.GetIgnoringCase(body, "schemas", out _);
        var urns = node switch
        {
            null => [],
            JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
            JsonArray a => a.Select(e => e is JsonValue v && v.GetValueKind() == JsonValueKind.String
                ? v.GetValue<string>()
                : throw ScimException.InvalidSyntax("'schemas' must contain only strings.")).ToList(),
            _ => throw ScimException.InvalidSyntax("'schemas' must be an array of schema URNs."),
        };

        if (urns.Count > 0 && !urns.Any(u => string.Equals(u.Trim(), SchemaUrns.PatchOp, StringComparison.OrdinalIgnoreCase)))
        {
            throw ScimException.InvalidValue($"A PATCH body's 'schemas' must be ['{SchemaUrns.PatchOp}'], not [{string.Join(", ", urns)}].");
        }
    }

    private static PatchOperation ParseOperation(JsonNode? node, int index)
    {
        var where = $"Operations[{index}]";
        if (node is not JsonObject operation)
        {
            throw ScimException.InvalidSyntax($"{where} must be an object, not {ScimValues.Describe(node)}.");
        }

        var opNode = AttributeNames.GetIgnoringCase(operation, "op", out _);
        var opText = opNode is JsonValue ov && ov.GetValueKind() == JsonValueKind.String ? ov.GetValue<string>().Trim() : null;
        var op = opText?.ToUpperInvariant() switch
        {
            "ADD" => PatchOperationType.Add,
            "REPLACE" => PatchOperationType.Replace,
            "REMOVE" => PatchOperationType.Remove,
            _ => throw ScimException.InvalidSyntax(
                $"{where} has op {ScimValues.Describe(opNode)}; it must be \"add\", \"replace\" or \"remove\"."),
        };

        var pathNode = AttributeNames.GetIgnoringCase(operation, "path", out _);
        var path = pathNode switch
        {
            null => null,
            JsonValue pv when pv.GetValueKind() == JsonValueKind.String => pv.GetValue<string>().Trim(),
            _ => throw ScimException.InvalidSyntax($"{where}.path must be a string, not {ScimValues.Describe(pathNode)}."),
        };
        if (path is { Length: 0 })
        {
            path = null;
        }

        var value = AttributeNames.GetIgnoringCase(operation, "value", out _)?.DeepClone();
        if (op == PatchOperationType.Remove && path is null)
        {
            throw ScimException.NoTarget($"{where}: a remove operation needs a 'path'.");
        }

        if (op != PatchOperationType.Remove && value is null)
        {
            throw ScimException.InvalidSyntax($"{where}: the \"{opText}\" operation needs a 'value'.");
        }

        return new PatchOperation(op, path, value);
    }
}
