using System.Text.Json.Nodes;

namespace ScimBridge.Monday;

/// <summary>A value monday.com refuses, with the attribute and the rule it breaks.</summary>
public sealed record ValueProblem(string Attribute, string? Value, string Message);

/// <summary>
/// The value rules monday.com enforces on users (the simulator mirrors them; a test keeps the two in step), so a dry
/// run can say which value monday would refuse without sending anything.
/// </summary>
public static class MondayValueRules
{
    public static readonly IReadOnlyList<string> UserTypes = ["admin", "guest", "member", "viewer"];

    public static IReadOnlyList<ValueProblem> CheckUserName(string? userName) =>
        userName is not null && IsLowerCaseEmail(userName)
            ? []
            : [new ValueProblem("userName", userName, "userName must be a lower-case email address (one @, no spaces, no capitals).")];

    public static IReadOnlyList<ValueProblem> CheckDisplayName(string? displayName) =>
        string.IsNullOrWhiteSpace(displayName)
            ? [new ValueProblem("displayName", displayName, "displayName is required.")]
            : displayName.Any(c => c is '<' or '>' || char.IsControl(c))
                ? [new ValueProblem("displayName", displayName, "displayName must not contain '<', '>' or control characters.")]
                : [];

    public static IReadOnlyList<ValueProblem> CheckUserType(string? userType) =>
        userType is null || UserTypes.Contains(userType, StringComparer.Ordinal)
            ? []
            : [new ValueProblem("userType", userType, $"userType must be one of {string.Join(", ", UserTypes)}.")];

    /// <summary>Every rule a new user must pass.</summary>
    public static IReadOnlyList<ValueProblem> CheckUser(string? userName, string? displayName, string? userType) =>
        [.. CheckUserName(userName), .. CheckDisplayName(displayName), .. CheckUserType(userType)];

    /// <summary>The problems in a SCIM request body the bridge would send for a user: a POST of the user, or a PATCH.</summary>
    public static IReadOnlyList<ValueProblem> CheckUserRequest(string method, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (method == "POST")
        {
            return CheckUser(Text(body["userName"]), Text(body["displayName"]), Text(body["userType"]));
        }
        var problems = new List<ValueProblem>();
        foreach (var op in (body["Operations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (!string.Equals(Text(op["op"]), "replace", StringComparison.OrdinalIgnoreCase) && !string.Equals(Text(op["op"]), "add", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var values = Text(op["path"]) is { } path
                ? new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase) { [path] = op["value"] }
                : (op["value"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase) ?? [];
            foreach (var (attribute, value) in values)
            {
                problems.AddRange(attribute.ToLowerInvariant() switch
                {
                    "username" => CheckUserName(Text(value)),
                    "displayname" => CheckDisplayName(Text(value)),
                    "usertype" => CheckUserType(Text(value)),
                    _ => [],
                });
            }
        }
        return problems;
    }

    private static bool IsLowerCaseEmail(string userName)
    {
        var at = userName.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < userName.Length - 1 && userName.IndexOf('@', at + 1) < 0
            && !userName.Any(char.IsWhiteSpace)
            && string.Equals(userName, userName.ToLowerInvariant(), StringComparison.Ordinal);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
