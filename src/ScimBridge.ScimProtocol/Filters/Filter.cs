using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Filters;

/// <summary>A parsed RFC 7644 filter (section 3.4.2.2).</summary>
public abstract record Filter;

public enum ComparisonOperator { Eq, Ne, Co, Sw, Ew, Pr, Gt, Ge, Lt, Le }

/// <summary><c>attrPath op value</c>, or <c>attrPath pr</c> (then <see cref="Value"/> is <see cref="FilterValue.None"/>).</summary>
public sealed record ComparisonFilter(AttributePath Path, ComparisonOperator Operator, FilterValue Value) : Filter;

public sealed record AndFilter(Filter Left, Filter Right) : Filter;

public sealed record OrFilter(Filter Left, Filter Right) : Filter;

public sealed record NotFilter(Filter Inner) : Filter;

/// <summary>
/// <c>emails[type eq "work" and value co "@x"]</c>: matches when one element of the multi-valued attribute
/// <see cref="Path"/> matches <see cref="Inner"/>. Paths inside <see cref="Inner"/> are relative to the element
/// (their <see cref="AttributePath.Name"/> is the sub-attribute name, with no URN).
/// </summary>
public sealed record ValuePathFilter(AttributePath Path, Filter Inner) : Filter;

public enum FilterValueKind { None, String, Number, Boolean, Null }

/// <summary>A comparison value: a JSON string, number, boolean or null (or none, for <c>pr</c>).</summary>
public sealed record FilterValue(FilterValueKind Kind, string? String = null, decimal Number = 0, bool Boolean = false)
{
    public static FilterValue None { get; } = new(FilterValueKind.None);
    public static FilterValue Null { get; } = new(FilterValueKind.Null);
    public static FilterValue Of(string value) => new(FilterValueKind.String, String: value);
    public static FilterValue Of(decimal value) => new(FilterValueKind.Number, Number: value);
    public static FilterValue Of(bool value) => new(FilterValueKind.Boolean, Boolean: value);

    /// <summary>The value as a boolean: a JSON boolean, or a string "true"/"false" in any case (Entra writes "True").</summary>
    public bool? AsBoolean() => Kind switch
    {
        FilterValueKind.Boolean => Boolean,
        FilterValueKind.String when bool.TryParse(String, out var b) => b,
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        FilterValueKind.String => String!,
        FilterValueKind.Number => Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        FilterValueKind.Boolean => Boolean ? "true" : "false",
        FilterValueKind.Null => "null",
        _ => string.Empty,
    };
}
