using System.Globalization;
using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Filters;

namespace ScimBridge.Scim;

/// <summary>The query of a list or search request (RFC 7644 sections 3.4.2 and 3.4.3).</summary>
public sealed record ListQuery(
    Filter? Filter,
    int StartIndex,
    int Count,
    string? SortBy,
    bool Descending,
    string? Attributes,
    string? ExcludedAttributes)
{
    public static ListQuery FromQueryString(IQueryCollection query, ScimOptions options) => Create(
        query["filter"].ToString(),
        ParseInt(query["startIndex"].ToString(), "startIndex"),
        ParseInt(query["count"].ToString(), "count"),
        query["sortBy"].ToString(),
        query["sortOrder"].ToString(),
        query["attributes"].ToString(),
        query["excludedAttributes"].ToString(),
        options);

    public static ListQuery FromSearchRequest(JsonObject body, ScimOptions options)
    {
        string? Text(string name) => Property(body, name) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonArray a => string.Join(',', a.Select(e => e is JsonValue ev && ev.TryGetValue<string>(out var s) ? s
                : throw ScimException.InvalidValue($"'{name}' must be a list of attribute names."))),
            _ => throw ScimException.InvalidValue($"'{name}' must be a string."),
        };

        int? Number(string name) => Property(body, name) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<int>(out var i) => i,
            JsonValue v when v.TryGetValue<string>(out var s) => ParseInt(s, name),
            _ => throw ScimException.InvalidValue($"'{name}' must be an integer."),
        };

        return Create(Text("filter"), Number("startIndex"), Number("count"), Text("sortBy"), Text("sortOrder"),
            Text("attributes"), Text("excludedAttributes"), options);
    }

    private static ListQuery Create(
        string? filter, int? startIndex, int? count, string? sortBy, string? sortOrder,
        string? attributes, string? excludedAttributes, ScimOptions options)
    {
        var descending = sortOrder?.Trim().ToLowerInvariant() switch
        {
            null or "" or "ascending" => false,
            "descending" => true,
            _ => throw ScimException.InvalidValue($"sortOrder must be 'ascending' or 'descending', not '{sortOrder}'."),
        };

        if (filter?.Contains('\0', StringComparison.Ordinal) == true)
        {
            throw ScimException.InvalidFilter("The filter must not contain the NUL character (\\u0000).");
        }

        // startIndex below 1 means 1; a negative count means 0 (RFC 7644 section 3.4.2.4).
        var start = Math.Max(1, startIndex ?? 1);
        var size = Math.Clamp(count ?? options.DefaultPageSize, 0, options.MaxPageSize);
        return new ListQuery(
            string.IsNullOrWhiteSpace(filter) ? null : FilterParser.Parse(filter),
            start,
            size,
            string.IsNullOrWhiteSpace(sortBy) ? null : sortBy.Trim(),
            descending,
            string.IsNullOrWhiteSpace(attributes) ? null : attributes,
            string.IsNullOrWhiteSpace(excludedAttributes) ? null : excludedAttributes);
    }

    private static JsonNode? Property(JsonObject body, string name) =>
        body.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static int? ParseInt(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return (int)Math.Clamp(value, int.MinValue, int.MaxValue);
        }

        throw ScimException.InvalidValue($"'{name}' must be an integer, not '{text}'.");
    }
}

/// <param name="Truncated">The page stopped short of its count at the response budget, not at the end of the results.</param>
public sealed record ListPage<T>(IReadOnlyList<T> Resources, int TotalResults, int StartIndex, bool Truncated = false);

/// <summary>
/// Scim:MaxResponseBytes: a page of stored resources is read one at a time and stops once their stored size passes
/// the budget, so a page of large resources never sits in memory whole. RFC 7644 (3.4.2.4) lets a page hold fewer
/// resources than asked; itemsPerPage says how many, and the client asks for the next page from there.
/// </summary>
internal static class ResponseBudget
{
    /// <summary>The resources that fit, always at least one so that paging moves on, and whether some were left out.</summary>
    public static async Task<(List<T> Page, bool Truncated)> TakeAsync<T>(
        IAsyncEnumerable<T> source, Func<T, int> size, int budget, CancellationToken cancellationToken)
    {
        var page = new List<T>();
        long used = 0;
        await foreach (var item in source.WithCancellation(cancellationToken))
        {
            used += size(item);
            if (used > budget && page.Count > 0)
            {
                return (page, true);
            }

            page.Add(item);
        }

        return (page, false);
    }
}
