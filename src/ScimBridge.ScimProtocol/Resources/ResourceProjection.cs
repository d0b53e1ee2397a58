using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Resources;

/// <summary>
/// The <c>attributes</c> and <c>excludedAttributes</c> query parameters (RFC 7644 sections 3.4.2.5 and 3.9).
/// </summary>
/// <remarks>
/// <c>schemas</c> and <c>returned: always</c> attributes (<c>id</c>) are always returned; <c>returned: never</c>
/// (<c>password</c>) never is; <c>returned: request</c> only when named in <c>attributes</c>. Names are
/// case-insensitive, may be sub-attribute paths (<c>name.givenName</c>, <c>emails.value</c>, <c>meta.lastModified</c>),
/// URN-qualified, or a whole extension URN; unknown names are ignored. When both parameters are given, the
/// attributes are selected first and the excluded ones then removed. An extension left empty is dropped, but
/// <c>schemas</c> is returned unchanged (it still names the extension: the resource has it, it is just not shown).
/// </remarks>
public static class ResourceProjection
{
    public static JsonObject Apply(JsonObject resource, ResourceTypeDefinition type, string? attributes, string? excludedAttributes)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(type);
        var include = ParseList(attributes, type);
        var exclude = ParseList(excludedAttributes, type) ?? [];

        var result = new JsonObject();
        foreach (var (key, value) in resource)
        {
            if (value is null)
            {
                continue;
            }

            if (string.Equals(key, CanonicalForm.SchemasKey, StringComparison.OrdinalIgnoreCase))
            {
                result[key] = value.DeepClone();
                continue;
            }

            if (type.FindExtension(key) is { } extension)
            {
                if (value is JsonObject data && ProjectExtension(data, extension.Schema, include, exclude) is { } projected)
                {
                    result[key] = projected;
                }

                continue;
            }

            var attribute = ScimSchemas.FindCommonAttribute(key) ?? type.Schema.FindAttribute(key);
            if (attribute is null)
            {
                if (include is null)
                {
                    result[key] = value.DeepClone(); // Not in the schema: shown by default, never selected by name.
                }

                continue;
            }

            if (Project(value, attribute, type.Schema.Id, include, exclude) is { } kept)
            {
                result[key] = kept;
            }
        }

        return result;
    }

    /// <summary>One name from the query: schema, attribute (null for a whole extension), sub-attribute; canonical names.</summary>
    private sealed record Selection(string Schema, string? Attribute, string? SubAttribute);

    private static List<Selection>? ParseList(string? text, ResourceTypeDefinition type)
    {
        var parts = text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (parts.Length == 0)
        {
            return null; // Not given (or only separators).
        }

        var selections = new List<Selection>();
        foreach (var part in parts)
        {
            if (AttributeNames.TryResolve(type, part) is { } resolved)
            {
                selections.Add(new Selection(resolved.Schema.Id, resolved.Attribute?.Name, resolved.SubAttribute?.Name));
            }
        }

        return selections;
    }

    private static JsonObject? ProjectExtension(JsonObject data, SchemaDefinition schema, List<Selection>? include, List<Selection> exclude)
    {
        var result = new JsonObject();
        foreach (var (key, value) in data)
        {
            var attribute = schema.FindAttribute(key);
            if (value is null || attribute is null)
            {
                if (value is not null && include is null)
                {
                    result[key] = value.DeepClone();
                }

                continue;
            }

            if (Project(value, attribute, schema.Id, include, exclude) is { } kept)
            {
                result[key] = kept;
            }
        }

        return result.Count == 0 ? null : result;
    }

    private static JsonNode? Project(JsonNode value, AttributeDefinition attribute, string schema, List<Selection>? include, List<Selection> exclude)
    {
        if (attribute.Returned == Returned.Never)
        {
            return null;
        }

        bool Names(Selection s) => s.Schema == schema && (s.Attribute is null || s.Attribute == attribute.Name);
        bool NamesWhole(Selection s) => Names(s) && s.SubAttribute is null;
        var always = attribute.Returned == Returned.Always;

        HashSet<string>? onlySubs = null;
        if (!always && include is not null)
        {
            if (!include.Any(NamesWhole))
            {
                var subs = include.Where(s => Names(s) && s.Attribute is not null && s.SubAttribute is not null).Select(s => s.SubAttribute!).ToList();
                if (subs.Count == 0)
                {
                    return null;
                }

                onlySubs = new HashSet<string>(subs, StringComparer.Ordinal);
            }
        }
        else if (attribute.Returned == Returned.Request && (include is null || !include.Any(s => Names(s) && s.Attribute is not null)))
        {
            return null;
        }

        if (!always && exclude.Any(NamesWhole))
        {
            return null;
        }

        var excludedSubs = always
            ? []
            : exclude.Where(s => Names(s) && s.Attribute is not null && s.SubAttribute is not null).Select(s => s.SubAttribute!).ToHashSet(StringComparer.Ordinal);

        if (!attribute.IsComplex)
        {
            return value.DeepClone();
        }

        return value switch
        {
            JsonArray array => ProjectArray(array, attribute, onlySubs, excludedSubs),
            JsonObject obj => ProjectSubAttributes(obj, attribute, onlySubs, excludedSubs),
            _ => value.DeepClone(),
        };
    }

    private static JsonArray? ProjectArray(JsonArray array, AttributeDefinition attribute, HashSet<string>? onlySubs, HashSet<string> excludedSubs)
    {
        var result = new JsonArray();
        foreach (var element in array)
        {
            var kept = element is JsonObject obj ? ProjectSubAttributes(obj, attribute, onlySubs, excludedSubs) : element?.DeepClone();
            if (kept is not null)
            {
                result.Add(kept);
            }
        }

        return result.Count == 0 ? null : result;
    }

    private static JsonObject? ProjectSubAttributes(JsonObject obj, AttributeDefinition attribute, HashSet<string>? onlySubs, HashSet<string> excludedSubs)
    {
        var result = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (value is null)
            {
                continue;
            }

            var sub = attribute.FindSubAttribute(key);
            var name = sub?.Name ?? key;
            var keep = sub?.Returned switch
            {
                Returned.Never => false,
                Returned.Always => true,
                Returned.Request => onlySubs?.Contains(name) == true,
                _ => (onlySubs is null || onlySubs.Contains(name)) && !excludedSubs.Contains(name),
            };
            if (keep)
            {
                result[key] = value.DeepClone();
            }
        }

        return result.Count == 0 ? null : result;
    }
}
