using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScimBridge.MondaySim.Scim;

public sealed class ScimException(int status, string? scimType, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string? ScimType { get; } = scimType;
}

/// <summary>SCIM wire helpers shared by the user and group endpoints.</summary>
public static partial class ScimProtocol
{
    public const string MediaType = "application/scim+json";
    private const string ErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
    private const string ListSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

    public static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(), MediaType, Encoding.UTF8, status);

    public static JsonObject Error(int status, string? scimType, string detail)
    {
        var error = new JsonObject
        {
            ["schemas"] = new JsonArray(ErrorSchema),
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
            ["detail"] = detail,
        };
        if (scimType is not null)
        {
            error["scimType"] = scimType;
        }
        return error;
    }

    public static async Task WriteErrorAsync(HttpContext context, int status, string? scimType, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = MediaType;
        await context.Response.WriteAsync(Error(status, scimType, detail).ToJsonString());
    }

    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body) as JsonObject
                ?? throw new ScimException(400, "invalidSyntax", "The body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ScimException(400, "invalidSyntax", $"The body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Only <c>attribute eq "value"</c> on the one filterable attribute is supported, as on monday.</summary>
    public static string? ParseEqFilter(string? filter, string attribute)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return null;
        }
        var match = EqFilter().Match(filter);
        if (!match.Success || !string.Equals(match.Groups[1].Value, attribute, StringComparison.OrdinalIgnoreCase))
        {
            throw new ScimException(400, "invalidFilter", $"Only '{attribute} eq \"...\"' filters are supported.");
        }
        return Regex.Unescape(match.Groups[2].Value);
    }

    public static JsonObject ListResponse(IReadOnlyList<JsonObject> matches, HttpRequest request, int maxPageSize)
    {
        var startIndex = Math.Max(1, IntQuery(request, "startIndex") ?? 1);
        var count = Math.Clamp(IntQuery(request, "count") ?? maxPageSize, 0, maxPageSize);
        var page = matches.Skip(startIndex - 1).Take(count).ToList();
        return new JsonObject
        {
            ["schemas"] = new JsonArray(ListSchema),
            ["totalResults"] = matches.Count,
            ["startIndex"] = startIndex,
            ["itemsPerPage"] = page.Count,
            ["Resources"] = new JsonArray([.. page]),
        };
    }

    public static bool IncludeAll(HttpRequest request) =>
        string.Equals(request.Query["scim_provisioned_only"], "false", StringComparison.OrdinalIgnoreCase);

    public static JsonArray Operations(JsonObject body) =>
        body["Operations"] as JsonArray
        ?? throw new ScimException(400, "invalidSyntax", "A PATCH body needs an 'Operations' array.");

    public static string? StringValue(JsonNode? value, string attribute) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw new ScimException(400, "invalidValue", $"'{attribute}' must be a string."),
    };

    private static int? IntQuery(HttpRequest request, string name)
    {
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            return null;
        }
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ScimException(400, "invalidValue", $"'{name}' must be an integer.");
    }

    [GeneratedRegex("""^\s*([A-Za-z.]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex EqFilter();
}
