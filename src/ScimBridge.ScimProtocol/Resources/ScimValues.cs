using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Resources;

/// <summary>
/// Turns client-supplied JSON values into canonical ones for one attribute definition. Shared by the
/// normalizer (POST/PUT bodies) and the PATCH engine (operation values), so both accept the same shapes.
/// Every method returns a fresh node (never one still attached to the input) or null for "absent".
/// </summary>
internal static partial class ScimValues
{
    public const string ValueSubAttribute = "value";
    public const string PrimarySubAttribute = "primary";
    public const string ReferenceSubAttribute = "$ref";

    /// <summary>The canonical value of <paramref name="attribute"/>, or null when the value means "absent".</summary>
    public static JsonNode? Coerce(AttributeDefinition attribute, JsonNode? value, string path)
    {
        if (value is null || value.GetValueKind() == JsonValueKind.Null)
        {
            return null;
        }

        if (attribute.MultiValued)
        {
            return CoerceMultiValued(attribute, value, path);
        }

        return attribute.IsComplex ? CoerceComplex(attribute, value, path) : CoerceScalar(attribute, value, path);
    }

    /// <summary>A multi-valued attribute: an array, or a single element wrapped into one. Null when nothing is left.</summary>
    public static JsonArray? CoerceMultiValued(AttributeDefinition attribute, JsonNode value, string path)
    {
        var items = value is JsonArray array ? array.ToList() : [value];
        var result = new JsonArray();
        for (var i = 0; i < items.Count; i++)
        {
            var element = CoerceElement(attribute, items[i], value is JsonArray ? $"{path}[{i}]" : path);
            if (element is not null)
            {
                result.Add(element);
            }
        }

        var distinct = Distinct(attribute, result);
        if (distinct.Count == 0)
        {
            return null;
        }

        EnforceSinglePrimary(distinct, preferred: null);
        return distinct;
    }

    /// <summary>One element of a multi-valued attribute. A plain string stands for <c>{"value": ...}</c>.</summary>
    public static JsonNode? CoerceElement(AttributeDefinition attribute, JsonNode? item, string path)
    {
        if (item is null || item.GetValueKind() == JsonValueKind.Null)
        {
            return null;
        }

        if (!attribute.IsComplex)
        {
            return CoerceScalar(attribute, item, path);
        }

        JsonObject? element;
        if (item is JsonObject obj)
        {
            element = CoerceSubAttributes(attribute, obj, path);
        }
        else if (item.GetValueKind() != JsonValueKind.String)
        {
            // The shorthand is a value string ("emails": "a@b.example"); a bare number or boolean is not an email or a member.
            throw ScimException.InvalidValue($"Each value of '{path}' must be an object or a string, not {Describe(item)}.");
        }
        else
        {
            var valueSub = attribute.FindSubAttribute(ValueSubAttribute)
                ?? throw ScimException.InvalidValue($"Each value of '{path}' must be an object.");
            var scalar = CoerceScalar(valueSub, item, $"{path}.{valueSub.Name}");
            element = scalar is null ? null : new JsonObject { [valueSub.Name] = scalar };
        }

        if (IsIdentifiedByValue(attribute) && (element is null || ValueOf(element) is null))
        {
            throw ScimException.InvalidValue($"Each value of '{path}' needs a non-empty 'value'.");
        }

        return element;
    }

    /// <summary>
    /// A complex single-valued attribute must be an object. One holding a reference (<c>manager</c>) may also
    /// come as a plain string (its value) or as an array of such objects (the first is taken), as Entra sends it.
    /// </summary>
    public static JsonObject? CoerceComplex(AttributeDefinition attribute, JsonNode value, string path)
    {
        var acceptsShorthand = attribute.FindSubAttribute(ValueSubAttribute) is not null;
        switch (value)
        {
            case JsonObject obj:
                return CoerceSubAttributes(attribute, obj, path);
            case JsonArray array when acceptsShorthand:
                var first = array.FirstOrDefault(e => e is not null && e.GetValueKind() != JsonValueKind.Null);
                if (first is JsonArray)
                {
                    throw ScimException.InvalidValue($"Attribute '{path}' must be an object.");
                }

                return first is null ? null : CoerceComplex(attribute, first, path);
            case JsonValue when acceptsShorthand:
                var valueSub = attribute.FindSubAttribute(ValueSubAttribute)!;
                var scalar = CoerceScalar(valueSub, value, $"{path}.{valueSub.Name}");
                return scalar is null ? null : new JsonObject { [valueSub.Name] = scalar };
            default:
                throw ScimException.InvalidValue($"Attribute '{path}' must be an object, not {Describe(value)}.");
        }
    }

    /// <summary>The known sub-attributes of <paramref name="obj"/>, canonically named; unknown ones are dropped.</summary>
    public static JsonObject? CoerceSubAttributes(AttributeDefinition attribute, JsonObject obj, string path)
    {
        var result = new JsonObject();
        foreach (var (key, raw) in obj)
        {
            var sub = attribute.FindSubAttribute(key);
            if (sub is null)
            {
                continue;
            }

            var coerced = Coerce(sub, raw, $"{path}.{sub.Name}");
            if (coerced is not null)
            {
                result[sub.Name] = coerced;
            }
        }

        return result.Count == 0 ? null : result;
    }

    /// <summary>A single value of a simple type. Empty strings mean absent.</summary>
    public static JsonNode? CoerceScalar(AttributeDefinition attribute, JsonNode value, string path)
    {
        var kind = value.GetValueKind();
        if (kind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (kind is JsonValueKind.Object or JsonValueKind.Array)
        {
            throw ScimException.InvalidValue(
                $"Attribute '{path}' must be a single {TypeName(attribute.Type)} value, not {Describe(value)}.");
        }

        var text = kind == JsonValueKind.String ? value.GetValue<string>() : null;
        if (text is { Length: 0 })
        {
            return null;
        }

        switch (attribute.Type)
        {
            case AttributeType.Boolean:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    return JsonValue.Create(kind == JsonValueKind.True);
                }

                if (text is not null && bool.TryParse(text, out var flag))
                {
                    return JsonValue.Create(flag);
                }

                throw ScimException.InvalidValue($"Attribute '{path}' must be a boolean (true or false), not {Describe(value)}.");

            case AttributeType.Integer:
                if (long.TryParse(text ?? (kind == JsonValueKind.Number ? value.ToJsonString() : null), NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
                {
                    return JsonValue.Create(integer);
                }

                throw ScimException.InvalidValue($"Attribute '{path}' must be an integer, not {Describe(value)}.");

            case AttributeType.Decimal:
                if (decimal.TryParse(text ?? (kind == JsonValueKind.Number ? value.ToJsonString() : null), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return JsonValue.Create(number);
                }

                throw ScimException.InvalidValue($"Attribute '{path}' must be a number, not {Describe(value)}.");

            case AttributeType.DateTime:
                if (text is not null && IsIsoDateTime(text))
                {
                    return JsonValue.Create(text);
                }

                throw ScimException.InvalidValue($"Attribute '{path}' must be an ISO 8601 date and time (e.g. 2024-05-01T12:00:00Z), not {Describe(value)}.");

            default:
                // String, Reference, Binary. HR tools send employeeNumber as a number; keep its JSON text.
                return kind switch
                {
                    JsonValueKind.String => JsonValue.Create(text),
                    JsonValueKind.Number => JsonValue.Create(value.ToJsonString()),
                    JsonValueKind.True => JsonValue.Create("true"),
                    JsonValueKind.False => JsonValue.Create("false"),
                    _ => throw ScimException.InvalidValue($"Attribute '{path}' must be a string, not {Describe(value)}."),
                };
        }
    }

    /// <summary>References (members, groups) are the same element when their <c>value</c>s are equal.</summary>
    public static bool IsIdentifiedByValue(AttributeDefinition attribute) =>
        attribute.MultiValued
        && attribute.FindSubAttribute(ValueSubAttribute) is not null
        && attribute.FindSubAttribute(ReferenceSubAttribute) is not null;

    public static string? ValueOf(JsonNode? element) =>
        element is JsonObject obj && obj[ValueSubAttribute] is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : null;

    public static StringComparer ValueComparer(AttributeDefinition attribute) =>
        attribute.FindSubAttribute(ValueSubAttribute) is { CaseExact: false } ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>
    /// Appends each element of <paramref name="elements"/> that is not already in <paramref name="target"/>
    /// (by value for references, by deep equality otherwise) and returns the ones appended.
    /// </summary>
    public static List<JsonNode> AppendDistinct(AttributeDefinition attribute, JsonArray target, IEnumerable<JsonNode?> elements)
    {
        var added = new List<JsonNode>();
        if (IsIdentifiedByValue(attribute))
        {
            var seen = new HashSet<string>(target.Select(ValueOf).OfType<string>(), ValueComparer(attribute));
            foreach (var element in elements)
            {
                if (element is not null && ValueOf(element) is { } value && seen.Add(value))
                {
                    var copy = element.DeepClone();
                    target.Add(copy);
                    added.Add(copy);
                }
            }

            return added;
        }

        // A set, not a scan of the target per element: checking each of N values against all the others was quadratic.
        var present = new HashSet<JsonNode>(target.OfType<JsonNode>(), JsonNodeEquality.Instance);
        foreach (var element in elements)
        {
            if (element is not null && present.Add(element))
            {
                var copy = element.DeepClone();
                target.Add(copy);
                added.Add(copy);
            }
        }

        return added;
    }

    /// <summary>
    /// At most one element may have <c>primary</c> true. <paramref name="preferred"/> keeps it when it is primary
    /// (the element a PATCH just set); otherwise the first primary element keeps it. The others get false.
    /// </summary>
    public static void EnforceSinglePrimary(JsonArray elements, JsonObject? preferred)
    {
        var keeper = preferred is not null && IsPrimary(preferred)
            ? preferred
            : elements.OfType<JsonObject>().FirstOrDefault(IsPrimary);
        if (keeper is null)
        {
            return;
        }

        foreach (var element in elements.OfType<JsonObject>())
        {
            if (!ReferenceEquals(element, keeper) && IsPrimary(element))
            {
                element[PrimarySubAttribute] = false;
            }
        }
    }

    public static bool IsPrimary(JsonObject element) =>
        element[PrimarySubAttribute] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static string Describe(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {Truncate(value.ToJsonString())}",
        JsonValueKind.Number => $"the number {Truncate(value.ToJsonString())}",
        _ => value.ToJsonString(),
    };

    private static JsonArray Distinct(AttributeDefinition attribute, JsonArray elements)
    {
        var result = new JsonArray();
        AppendDistinct(attribute, result, elements);
        return result;
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");

    private static string TypeName(AttributeType type) => type switch
    {
        AttributeType.DateTime => "dateTime",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static bool IsIsoDateTime(string text) =>
        IsoDateTime().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoDateTime();
}
