using System.Globalization;
using ScimBridge.ScimProtocol.Filters;

namespace ScimBridge.ScimProtocol.Tests.Filters;

/// <summary>Renders a parsed filter fully parenthesised, so tests can state the expected tree in one line.</summary>
internal static class FilterFormat
{
    public static string Show(Filter filter) => filter switch
    {
        AndFilter a => $"({Show(a.Left)} and {Show(a.Right)})",
        OrFilter o => $"({Show(o.Left)} or {Show(o.Right)})",
        NotFilter n => $"not({Show(n.Inner)})",
        ValuePathFilter v => $"{v.Path}[{Show(v.Inner)}]",
        ComparisonFilter c when c.Operator == ComparisonOperator.Pr => $"{c.Path} pr",
        ComparisonFilter c => $"{c.Path} {c.Operator.ToString().ToLowerInvariant()} {Show(c.Value)}",
        _ => throw new InvalidOperationException(filter.GetType().Name),
    };

    public static string Show(FilterValue value) => value.Kind switch
    {
        FilterValueKind.String => "\"" + value.String!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        FilterValueKind.Number => value.Number.ToString(CultureInfo.InvariantCulture),
        FilterValueKind.Boolean => value.Boolean ? "true" : "false",
        FilterValueKind.Null => "null",
        _ => "",
    };
}
