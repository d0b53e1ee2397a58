using System.Text.Json;
using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Resources;

/// <summary>
/// Turns a client's POST/PUT body into the canonical resource form: canonical attribute names, extension data
/// under its URN key, JSON booleans, arrays for multi-valued attributes, no nulls or empty values, and no
/// server-owned attributes (<c>id</c>, <c>meta</c>, read-only <c>groups</c>).
/// </summary>
public static class ResourceNormalizer
{
    /// <summary>Client body (POST/PUT) → canonical resource. Throws a 400 <see cref="ScimException"/> when it cannot be one.</summary>
    public static JsonObject Normalize(JsonNode? body, ResourceTypeDefinition type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (body is not JsonObject obj)
        {
            throw ScimException.InvalidSyntax($"The request body must be a JSON object, not {ScimValues.Describe(body)}.");
        }

        CheckSchemas(obj, type);
        var result = new JsonObject();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (value is null || string.Equals(key, CanonicalForm.SchemasKey, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (string.Equals(key.Trim(), type.Schema.Id, StringComparison.OrdinalIgnoreCase))
            {
                WriteNested(result, named, type, type.Schema, key, value);
            }
            else
            {
                WriteKey(result, named, type, key, value);
            }
        }

        return CanonicalForm.Finish(result, type);
    }

    private static void WriteKey(JsonObject result, HashSet<string> named, ResourceTypeDefinition type, string key, JsonNode value)
    {
        var resolved = AttributeNames.TryResolve(type, key);
        if (resolved is null)
        {
            return; // Unknown attributes are ignored, as RFC 7644 lets a service provider do.
        }

        if (resolved.Attribute is null)
        {
            WriteNested(result, named, type, resolved.Schema, key, value);
        }
        else
        {
            Write(result, named, resolved, key, value);
        }
    }

    /// <summary>The required attributes (<c>userName</c>, Group <c>displayName</c>) must be present and not blank.</summary>
    public static void ValidateRequired(JsonObject resource, ResourceTypeDefinition type)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(type);
        foreach (var attribute in type.Schema.Attributes.Where(a => a.Required))
        {
            if (IsBlank(resource[attribute.Name]))
            {
                throw ScimException.InvalidValue($"Attribute '{attribute.Name}' is required and must not be empty.");
            }
        }

        foreach (var extension in type.Extensions)
        {
            var data = resource[extension.Schema.Id] as JsonObject;
            if (extension.Required && data is null)
            {
                throw ScimException.InvalidValue($"The extension '{extension.Schema.Id}' is required.");
            }

            foreach (var attribute in extension.Schema.Attributes.Where(a => a.Required))
            {
                if (data is not null && IsBlank(data[attribute.Name]))
                {
                    throw ScimException.InvalidValue($"Attribute '{extension.Schema.Id}:{attribute.Name}' is required and must not be empty.");
                }
            }
        }
    }

    private static bool IsBlank(JsonNode? value) => value switch
    {
        null => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => string.IsNullOrWhiteSpace(v.GetValue<string>()),
        JsonValue v => v.GetValueKind() == JsonValueKind.Null,
        JsonArray a => a.Count == 0,
        JsonObject o => o.Count == 0,
        _ => false,
    };

    private static void CheckSchemas(JsonObject body, ResourceTypeDefinition type)
    {
        var node = AttributeNames.GetIgnoringCase(body, CanonicalForm.SchemasKey, out _);
        if (node is null)
        {
            return; // Lenient: some clients leave it out.
        }

        if (node is not JsonArray array)
        {
            throw ScimException.InvalidSyntax($"'schemas' must be an array of schema URNs, not {ScimValues.Describe(node)}.");
        }

        var urns = new List<string>();
        foreach (var item in array)
        {
            if (item is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                throw ScimException.InvalidSyntax($"'schemas' must contain only strings, not {ScimValues.Describe(item)}.");
            }

            urns.Add(v.GetValue<string>().Trim());
        }

        if (urns.Count > 0 && !urns.Contains(type.Schema.Id, StringComparer.OrdinalIgnoreCase))
        {
            throw ScimException.InvalidValue(
                $"'schemas' must include '{type.Schema.Id}' for a {type.Name} at {type.Endpoint}; it has [{string.Join(", ", urns)}].");
        }
    }

    /// <summary>
    /// A schema's attributes nested under its URN key: an extension's, as every client sends them, or the core schema's,
    /// as some do (RFC 7644 lets a client qualify any attribute by its schema). Resolved as their qualified names.
    /// </summary>
    private static void WriteNested(JsonObject result, HashSet<string> named, ResourceTypeDefinition type, SchemaDefinition schema, string key, JsonNode value)
    {
        if (value is not JsonObject data)
        {
            throw ScimException.InvalidValue($"'{key}' must be an object holding the {schema.Name} attributes, not {ScimValues.Describe(value)}.");
        }

        foreach (var (innerKey, innerValue) in data)
        {
            if (innerValue is not null && !innerKey.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
            {
                WriteKey(result, named, type, $"{schema.Id}:{innerKey}", innerValue);
            }
        }
    }

    private static void Write(JsonObject result, HashSet<string> named, ResolvedAttribute resolved, string key, JsonNode value)
    {
        var attribute = resolved.Attribute!;
        var path = AttributeNames.Display(resolved);
        if (!named.Add(path))
        {
            // A plain key and its URN-qualified form (or the same key at the top and under the schema's URN) name one attribute twice.
            throw ScimException.InvalidSyntax($"The key '{key}' names '{path}', which another key of the body names too.");
        }

        if (attribute.Mutability == Mutability.ReadOnly)
        {
            return; // id, meta and groups belong to the server.
        }

        var container = resolved.IsExtension ? ChildObject(result, resolved.Schema.Id) : result;
        if (resolved.SubAttribute is { } sub)
        {
            // A dotted key such as "name.givenName".
            if (attribute.MultiValued)
            {
                var element = ScimValues.Coerce(attribute, new JsonObject { [sub.Name] = value.DeepClone() }, path);
                if (element is JsonArray elements)
                {
                    ScimValues.AppendDistinct(attribute, ChildArray(container, attribute.Name), elements);
                }

                return;
            }

            if (ScimValues.Coerce(sub, value, path) is { } subValue)
            {
                ChildObject(container, attribute.Name)[sub.Name] = subValue;
            }

            return;
        }

        var coerced = ScimValues.Coerce(attribute, value, path);
        switch (coerced)
        {
            case null:
                return;
            case JsonObject subValues when container[attribute.Name] is JsonObject existing:
                foreach (var (subKey, subValue) in subValues.ToList())
                {
                    existing[subKey] = subValue?.DeepClone();
                }

                return;
            case JsonArray elements when container[attribute.Name] is JsonArray existing:
                ScimValues.AppendDistinct(attribute, existing, elements);
                ScimValues.EnforceSinglePrimary(existing, preferred: null);
                return;
            default:
                container[attribute.Name] = coerced;
                return;
        }
    }

    internal static JsonObject ChildObject(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    internal static JsonArray ChildArray(JsonObject parent, string key)
    {
        if (parent[key] is JsonArray existing)
        {
            return existing;
        }

        var created = new JsonArray();
        parent[key] = created;
        return created;
    }
}
