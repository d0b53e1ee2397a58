using System.Text.Json;
using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Resources;

/// <summary>
/// The last step of normalizing and patching: keys in schema order, empty values dropped, and
/// <c>schemas</c> recomputed as the core URN plus the URN of every extension present.
/// </summary>
internal static class CanonicalForm
{
    public const string SchemasKey = "schemas";
    public const string IdKey = "id";
    public const string ExternalIdKey = "externalId";
    public const string MetaKey = "meta";

    /// <summary>A fresh canonical copy of <paramref name="resource"/>, which is not modified.</summary>
    public static JsonObject Finish(JsonObject resource, ResourceTypeDefinition type)
    {
        var schemas = new JsonArray(JsonValue.Create(type.Schema.Id));
        var result = new JsonObject { [SchemasKey] = schemas };
        var handled = new HashSet<string>(StringComparer.Ordinal) { SchemasKey };

        void Copy(string key, AttributeDefinition attribute)
        {
            handled.Add(key);
            if (Clean(resource[key], attribute) is { } cleaned)
            {
                result[key] = cleaned;
            }
        }

        var common = ScimSchemas.CommonAttributes;
        Copy(IdKey, common.First(a => a.Name == IdKey));
        Copy(ExternalIdKey, common.First(a => a.Name == ExternalIdKey));
        foreach (var attribute in type.Schema.Attributes)
        {
            Copy(attribute.Name, attribute);
        }

        foreach (var extension in type.Extensions)
        {
            var urn = extension.Schema.Id;
            handled.Add(urn);
            if (resource[urn] is JsonObject data && CleanObject(data, extension.Schema.Attributes) is { } cleaned)
            {
                result[urn] = cleaned;
                schemas.Add(urn);
            }
        }

        Copy(MetaKey, common.First(a => a.Name == MetaKey));

        // Keys the schema does not know never come from the normalizer; keep any the server stored itself.
        foreach (var (key, value) in resource)
        {
            if (!handled.Contains(key) && value is not null)
            {
                result[key] = value.DeepClone();
            }
        }

        return result;
    }

    /// <summary>A clean copy of an attribute value, or null when it is empty (null, "", [], {}).</summary>
    public static JsonNode? Clean(JsonNode? value, AttributeDefinition attribute)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonArray array when attribute.MultiValued:
                var elements = new JsonArray();
                foreach (var element in array)
                {
                    if (CleanSingle(element, attribute) is { } cleaned)
                    {
                        elements.Add(cleaned);
                    }
                }

                return elements.Count == 0 ? null : elements;
            default:
                return CleanSingle(value, attribute);
        }
    }

    private static JsonNode? CleanSingle(JsonNode? value, AttributeDefinition attribute) => value switch
    {
        null => null,
        JsonObject obj when attribute.IsComplex => CleanObject(obj, attribute.SubAttributes),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0 => null,
        _ => value.DeepClone(),
    };

    private static JsonObject? CleanObject(JsonObject obj, IReadOnlyList<AttributeDefinition> attributes)
    {
        var result = new JsonObject();
        foreach (var attribute in attributes)
        {
            if (Clean(obj[attribute.Name], attribute) is { } cleaned)
            {
                result[attribute.Name] = cleaned;
            }
        }

        foreach (var (key, value) in obj)
        {
            if (value is not null && !result.ContainsKey(key) && !attributes.Any(a => a.Name == key))
            {
                result[key] = value.DeepClone();
            }
        }

        return result.Count == 0 ? null : result;
    }
}

/// <summary>Attribute names and paths as clients write them.</summary>
internal static class AttributeNames
{
    /// <summary>Rewrites the malformed enterprise URN of older Entra documentation (<c>...enterprise:2.0User</c>) to the real one.</summary>
    public static string FixMalformedUrn(string text)
    {
        var trimmed = text.Trim();
        var malformed = SchemaUrns.MalformedEnterpriseUser;
        if (trimmed.StartsWith(malformed, StringComparison.OrdinalIgnoreCase)
            && (trimmed.Length == malformed.Length || trimmed[malformed.Length] == ':'))
        {
            return string.Concat(SchemaUrns.EnterpriseUser, trimmed.AsSpan(malformed.Length));
        }

        return trimmed;
    }

    /// <summary>Resolves a key or path against the resource type; null when it is not a valid or known attribute path.</summary>
    public static ResolvedAttribute? TryResolve(ResourceTypeDefinition type, string text)
    {
        try
        {
            return type.Resolve(AttributePath.Parse(FixMalformedUrn(text)));
        }
        catch (ScimException)
        {
            return null;
        }
    }

    /// <summary>How messages name an attribute: <c>name.givenName</c>, <c>urn:...:User:employeeNumber</c>.</summary>
    public static string Display(ResolvedAttribute resolved, AttributeDefinition? subAttribute = null)
    {
        var sub = subAttribute ?? resolved.SubAttribute;
        var local = resolved.Attribute is null ? null : sub is null ? resolved.Attribute.Name : $"{resolved.Attribute.Name}.{sub.Name}";
        if (local is null)
        {
            return resolved.Schema.Id;
        }

        return resolved.IsExtension ? $"{resolved.Schema.Id}:{local}" : local;
    }

    public static JsonNode? GetIgnoringCase(JsonObject obj, string key, out string? actualKey)
    {
        if (obj.TryGetPropertyValue(key, out var exact))
        {
            actualKey = key;
            return exact;
        }

        foreach (var (name, value) in obj)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                actualKey = name;
                return value;
            }
        }

        actualKey = null;
        return null;
    }
}
