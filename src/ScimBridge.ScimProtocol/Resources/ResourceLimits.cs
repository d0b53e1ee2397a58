using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Resources;

/// <summary>Bounds on one resource's size, so that no single record makes every later request on it expensive.</summary>
public static class ResourceLimits
{
    /// <summary>
    /// Throws 400 invalidValue when a multi-valued attribute of the canonical <paramref name="resource"/> holds more
    /// than <paramref name="maxValues"/> values. References to other resources (a group's <c>members</c>) are exempt:
    /// they live in their own table, and real groups have far more members than anyone has emails.
    /// </summary>
    public static void CheckValueCount(JsonObject resource, ResourceTypeDefinition type, int maxValues)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(type);
        Check(resource, type.Schema.Attributes, null, maxValues);
        foreach (var extension in type.Extensions)
        {
            if (resource[extension.Schema.Id] is JsonObject data)
            {
                Check(data, extension.Schema.Attributes, extension.Schema.Id, maxValues);
            }
        }
    }

    private static void Check(JsonObject container, IReadOnlyList<AttributeDefinition> attributes, string? urn, int maxValues)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.MultiValued && !ScimValues.IsIdentifiedByValue(attribute)
                && container[attribute.Name] is JsonArray values && values.Count > maxValues)
            {
                var name = urn is null ? attribute.Name : $"{urn}:{attribute.Name}";
                throw ScimException.InvalidValue(
                    $"Attribute '{name}' has {values.Count} values; this server accepts at most {maxValues} values per multi-valued attribute (Scim:MaxValuesPerAttribute).");
            }
        }
    }
}
