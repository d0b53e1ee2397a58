using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Filters;

/// <summary>
/// Evaluates a filter in memory against canonical resource JSON (used for PATCH filtered paths and scoping rules).
/// </summary>
/// <remarks>
/// Semantics (a server-side translator must agree):
/// <list type="bullet">
/// <item>An attribute the resource type does not define, or that is absent or JSON null, is "absent":
/// <c>pr</c>, <c>eq</c>, <c>co</c>, <c>sw</c>, <c>ew</c>, <c>gt</c>, <c>ge</c>, <c>lt</c>, <c>le</c> are false;
/// <c>ne</c> is true; <c>eq null</c> is true and <c>ne null</c> is false.</item>
/// <item>Multi-valued: any value matching makes the comparison true. <c>ne</c> is true when there are no values
/// or when any value is absent or different (RFC "any value" applied to <c>ne</c>).</item>
/// <item>A complex attribute without a sub-attribute compares its <c>value</c> sub-attribute
/// (<c>pr</c> and null comparisons test the whole attribute).</item>
/// <item>Strings compare per <c>caseExact</c> (ordinal, or ordinal ignoring case); numbers as decimal; dates as
/// <see cref="DateTimeOffset"/> instants; booleans via <see cref="FilterValue.AsBoolean"/>, with only eq/ne.</item>
/// <item>Type errors (gt on a boolean, a non-date compared to a date...) throw <c>invalidFilter</c> before any
/// value is looked at, whatever the resource holds.</item>
/// </list>
/// </remarks>
public static class FilterEvaluator
{
    /// <summary>True when the resource (canonical JSON) matches the filter.</summary>
    public static bool Matches(Filter filter, JsonObject resource, ResourceTypeDefinition type)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(type);
        return Compile(filter, type)(resource);
    }

    /// <summary>
    /// True when one element of a multi-valued attribute matches; paths in <paramref name="filter"/> are
    /// sub-attribute names relative to the element (<c>value</c> is the element itself when it is a primitive).
    /// </summary>
    public static bool MatchesElement(Filter filter, JsonNode? element, AttributeDefinition multiValuedAttribute)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(multiValuedAttribute);
        return CompileElement(filter, multiValuedAttribute)(element);
    }

    private static Func<JsonObject, bool> Compile(Filter filter, ResourceTypeDefinition type)
    {
        switch (filter)
        {
            case AndFilter and:
                {
                    var left = Compile(and.Left, type);
                    var right = Compile(and.Right, type);
                    return r => left(r) && right(r);
                }

            case OrFilter or:
                {
                    var left = Compile(or.Left, type);
                    var right = Compile(or.Right, type);
                    return r => left(r) || right(r);
                }

            case NotFilter not:
                {
                    var inner = Compile(not.Inner, type);
                    return r => !inner(r);
                }

            case ComparisonFilter comparison:
                return CompileComparison(comparison, type);
            case ValuePathFilter valuePath:
                return CompileValuePath(valuePath, type);
            default:
                throw ScimException.InvalidFilter($"Unsupported filter expression '{filter.GetType().Name}'.");
        }
    }

    private static Func<JsonNode?, bool> CompileElement(Filter filter, AttributeDefinition attribute)
    {
        switch (filter)
        {
            case AndFilter and:
                {
                    var left = CompileElement(and.Left, attribute);
                    var right = CompileElement(and.Right, attribute);
                    return e => left(e) && right(e);
                }

            case OrFilter or:
                {
                    var left = CompileElement(or.Left, attribute);
                    var right = CompileElement(or.Right, attribute);
                    return e => left(e) || right(e);
                }

            case NotFilter not:
                {
                    var inner = CompileElement(not.Inner, attribute);
                    return e => !inner(e);
                }

            case ComparisonFilter comparison:
                return CompileElementComparison(comparison, attribute);
            case ValuePathFilter:
                throw ScimException.InvalidFilter($"Nested value paths are not allowed inside '{attribute.Name}[...]'.");
            default:
                throw ScimException.InvalidFilter($"Unsupported filter expression '{filter.GetType().Name}'.");
        }
    }

    private static Func<JsonObject, bool> CompileComparison(ComparisonFilter comparison, ResourceTypeDefinition type)
    {
        var (path, op, value) = (comparison.Path, comparison.Operator, comparison.Value);
        CheckValue(comparison);
        var resolved = type.Resolve(path);
        if (resolved is null)
        {
            var absent = WhenAbsent(op, value);
            return _ => absent;
        }

        if (resolved.Attribute is null)
        {
            // The path names a whole extension: only presence makes sense.
            if (!IsPresenceTest(op, value))
            {
                throw ScimException.InvalidFilter($"'{path}' names a whole schema extension; only 'pr' applies to it.");
            }

            return r => Presence(op, [Container(r, resolved)]);
        }

        var attribute = resolved.Attribute;
        var sub = resolved.SubAttribute;
        if (sub is null && attribute.IsComplex && !IsPresenceTest(op, value))
        {
            sub = attribute.FindSubAttribute("value")
                ?? throw ScimException.InvalidFilter(
                    $"'{path}' is a complex attribute; compare one of its sub-attributes ({string.Join(", ", attribute.SubAttributes.Select(a => $"{path}.{a.Name}"))}).");
        }

        Func<JsonObject, IReadOnlyList<JsonNode?>> candidates = sub is null
            ? r => WholeValues(Lookup(Container(r, resolved), attribute.Name))
            : r => SubValues(Lookup(Container(r, resolved), attribute.Name), sub.Name);

        if (IsPresenceTest(op, value))
        {
            return r => Presence(op, candidates(r));
        }

        var test = BuildTest(op, value, sub ?? attribute, path.ToString());
        return r => Evaluate(op, test, candidates(r));
    }

    private static Func<JsonObject, bool> CompileValuePath(ValuePathFilter valuePath, ResourceTypeDefinition type)
    {
        var resolved = type.Resolve(valuePath.Path);
        if (resolved is null)
        {
            // Validate the inner filter anyway, so that errors do not depend on the resource type.
            _ = CompileElement(valuePath.Inner, new AttributeDefinition(valuePath.Path.Name, AttributeType.Complex, MultiValued: true));
            return _ => false;
        }

        if (resolved.Attribute is null || resolved.SubAttribute is not null)
        {
            throw ScimException.InvalidFilter($"'{valuePath.Path}' cannot carry a value filter; it must name a multi-valued attribute such as 'emails'.");
        }

        var attribute = resolved.Attribute;
        var inner = CompileElement(valuePath.Inner, attribute);
        return r => Elements(Lookup(Container(r, resolved), attribute.Name)).Any(inner);
    }

    private static Func<JsonNode?, bool> CompileElementComparison(ComparisonFilter comparison, AttributeDefinition attribute)
    {
        var (path, op, value) = (comparison.Path, comparison.Operator, comparison.Value);
        CheckValue(comparison);
        if (path.SchemaUrn is not null || path.SubAttribute is not null)
        {
            throw ScimException.InvalidFilter(
                $"Inside '{attribute.Name}[...]', '{path}' must be a plain sub-attribute name such as 'type' or 'value'.");
        }

        var name = path.Name;
        var isValue = name.Equals("value", StringComparison.OrdinalIgnoreCase);
        var definition = attribute.IsComplex ? attribute.FindSubAttribute(name) : isValue ? attribute : null;
        if (definition is null)
        {
            var absent = WhenAbsent(op, value);
            return _ => absent;
        }

        Func<JsonNode?, IReadOnlyList<JsonNode?>> candidates = element => element switch
        {
            JsonObject obj => [Lookup(obj, name)],
            JsonValue primitive when isValue => [primitive],
            _ => [],
        };

        if (IsPresenceTest(op, value))
        {
            return e => Presence(op, candidates(e));
        }

        var test = BuildTest(op, value, definition, $"{attribute.Name}.{name}");
        return e => Evaluate(op, test, candidates(e));
    }

    private static void CheckValue(ComparisonFilter comparison)
    {
        var (op, value) = (comparison.Operator, comparison.Value);
        if (op == ComparisonOperator.Pr ? value.Kind != FilterValueKind.None : value.Kind == FilterValueKind.None)
        {
            throw ScimException.InvalidFilter(op == ComparisonOperator.Pr
                ? $"'{comparison.Path} pr' takes no value."
                : $"'{comparison.Path} {op.ToString().ToLowerInvariant()}' needs a value.");
        }

        if (value.Kind == FilterValueKind.Null && op is not (ComparisonOperator.Eq or ComparisonOperator.Ne))
        {
            throw ScimException.InvalidFilter($"null can only be compared with 'eq' or 'ne' ('{comparison.Path}').");
        }
    }

    private static bool IsPresenceTest(ComparisonOperator op, FilterValue value) =>
        op == ComparisonOperator.Pr || value.Kind == FilterValueKind.Null;

    /// <summary><c>pr</c> and <c>ne null</c>: some value is present; <c>eq null</c>: none is.</summary>
    private static bool Presence(ComparisonOperator op, IReadOnlyList<JsonNode?> candidates)
    {
        var present = candidates.Any(IsPresent);
        return op == ComparisonOperator.Eq ? !present : present;
    }

    private static bool WhenAbsent(ComparisonOperator op, FilterValue value) => op switch
    {
        ComparisonOperator.Eq => value.Kind == FilterValueKind.Null,
        ComparisonOperator.Ne => value.Kind != FilterValueKind.Null,
        _ => false,
    };

    private static bool Evaluate(ComparisonOperator op, Func<JsonNode, bool> test, IReadOnlyList<JsonNode?> candidates)
    {
        if (op == ComparisonOperator.Ne)
        {
            return candidates.Count == 0 || candidates.Any(c => c is null || test(c));
        }

        return candidates.Any(c => c is not null && test(c));
    }

    /// <summary>Builds the test of one present value against the operand, checking types first.</summary>
    private static Func<JsonNode, bool> BuildTest(ComparisonOperator op, FilterValue value, AttributeDefinition definition, string pathText)
    {
        var isSubstring = op is ComparisonOperator.Co or ComparisonOperator.Sw or ComparisonOperator.Ew;
        switch (definition.Type)
        {
            case AttributeType.Boolean:
                {
                    if (op is not (ComparisonOperator.Eq or ComparisonOperator.Ne))
                    {
                        throw ScimException.InvalidFilter(
                            $"'{pathText}' is a boolean; only 'eq', 'ne' and 'pr' apply to it, not '{op.ToString().ToLowerInvariant()}'.");
                    }

                    var expected = value.AsBoolean()
                        ?? throw ScimException.InvalidFilter($"'{pathText}' is a boolean, but '{value}' is not true or false.");
                    return Ordered(op, n => ReadBoolean(n) is { } actual ? (actual == expected ? 0 : 1) : null);
                }

            case AttributeType.Decimal or AttributeType.Integer:
                {
                    if (isSubstring)
                    {
                        throw ScimException.InvalidFilter(
                            $"'{pathText}' is a number; '{op.ToString().ToLowerInvariant()}' applies only to strings.");
                    }

                    var expected = value.Kind switch
                    {
                        FilterValueKind.Number => value.Number,
                        FilterValueKind.String when TryParseDecimal(value.String!, out var parsed) => parsed,
                        _ => throw ScimException.InvalidFilter($"'{pathText}' is a number, but '{value}' is not."),
                    };
                    return Ordered(op, n => ReadDecimal(n) is { } actual ? actual.CompareTo(expected) : null);
                }

            case AttributeType.DateTime when !isSubstring:
                {
                    var expected = value.Kind == FilterValueKind.String && TryParseDate(value.String!, out var parsed)
                        ? parsed
                        : throw ScimException.InvalidFilter($"'{pathText}' is a date and time, but '{value}' is not an ISO 8601 date and time.");
                    return Ordered(op, n => ReadDate(n) is { } actual ? actual.CompareTo(expected) : null);
                }

            default:
                {
                    // Case-insensitive means folded on both sides, as the database's normalised columns are.
                    Func<string, string> key = definition.CaseExact ? text => text : ScimText.Fold;
                    var expected = key(value.ToString());
                    return op switch
                    {
                        ComparisonOperator.Co => n => ReadString(n) is { } actual && key(actual).Contains(expected, StringComparison.Ordinal),
                        ComparisonOperator.Sw => n => ReadString(n) is { } actual && key(actual).StartsWith(expected, StringComparison.Ordinal),
                        ComparisonOperator.Ew => n => ReadString(n) is { } actual && key(actual).EndsWith(expected, StringComparison.Ordinal),
                        _ => Ordered(op, n => ReadString(n) is { } actual ? string.CompareOrdinal(key(actual), expected) : null),
                    };
                }
        }
    }

    /// <summary>eq/ne/gt/ge/lt/le from a three-way comparison; null means "not comparable" (only ne holds).</summary>
    private static Func<JsonNode, bool> Ordered(ComparisonOperator op, Func<JsonNode, int?> compare) => op switch
    {
        ComparisonOperator.Eq => n => compare(n) == 0,
        ComparisonOperator.Ne => n => compare(n) != 0,
        ComparisonOperator.Gt => n => compare(n) > 0,
        ComparisonOperator.Ge => n => compare(n) >= 0,
        ComparisonOperator.Lt => n => compare(n) < 0,
        ComparisonOperator.Le => n => compare(n) <= 0,
        _ => throw ScimException.InvalidFilter($"The operator '{op.ToString().ToLowerInvariant()}' does not apply here."),
    };

    private static JsonNode? Container(JsonObject resource, ResolvedAttribute resolved) =>
        resolved.IsExtension ? Lookup(resource, resolved.Schema.Id) : resource;

    /// <summary>A property looked up exactly first, then ignoring case.</summary>
    private static JsonNode? Lookup(JsonNode? node, string name)
    {
        if (node is not JsonObject obj)
        {
            return null;
        }

        if (obj.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The values of an attribute without sub-attribute: the array's elements when multi-valued, else the node.</summary>
    private static IReadOnlyList<JsonNode?> WholeValues(JsonNode? node) => node is JsonArray array ? [.. array] : [node];

    /// <summary>The sub-attribute of each element (or of the single complex value).</summary>
    private static IReadOnlyList<JsonNode?> SubValues(JsonNode? node, string subName) =>
        [.. Elements(node).Select(e => e is JsonObject obj ? Lookup(obj, subName) : e is JsonValue && subName.Equals("value", StringComparison.OrdinalIgnoreCase) ? e : null)];

    private static IEnumerable<JsonNode?> Elements(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Where(e => e is not null),
        _ => [node],
    };

    /// <summary>Present: not null, not an empty string, and (for arrays and objects) with some present member.</summary>
    private static bool IsPresent(JsonNode? node) => node switch
    {
        null => false,
        JsonObject obj => obj.Any(p => IsPresent(p.Value)),
        JsonArray array => array.Any(IsPresent),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => false,
            JsonValueKind.String => ReadString(v)?.Length > 0,
            _ => true,
        },
        _ => false,
    };

    private static string? ReadString(JsonNode node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                if (value.TryGetValue<string>(out var s))
                {
                    return s;
                }

                using (var document = JsonDocument.Parse(value.ToJsonString()))
                {
                    return document.RootElement.GetString();
                }

            case JsonValueKind.Number:
                return value.ToJsonString();
            case JsonValueKind.True:
                return "true";
            case JsonValueKind.False:
                return "false";
            default:
                return null;
        }
    }

    private static bool? ReadBoolean(JsonNode node) => node is JsonValue value
        ? value.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(ReadString(value), out var b) => b,
            _ => null,
        }
        : null;

    private static decimal? ReadDecimal(JsonNode node) =>
        node is JsonValue value
        && value.GetValueKind() is JsonValueKind.Number or JsonValueKind.String
        && ReadString(value) is { } text
        && TryParseDecimal(text, out var d)
            ? d
            : null;

    private static DateTimeOffset? ReadDate(JsonNode node) =>
        ReadString(node) is { } text && node.GetValueKind() == JsonValueKind.String && TryParseDate(text, out var date) ? date : null;

    private static bool TryParseDecimal(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static bool TryParseDate(string text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
}
