using System.Globalization;
using System.Text.Json.Nodes;
using ScimBridge.MondaySim.Scim;

namespace ScimBridge.MondaySim;

/// <summary>
/// <c>/_sim</c>: lets a test in another process inspect the simulator, seed it and switch faults.
/// Protected by the SCIM token (but not by TokenRevoked).
/// </summary>
public static class AdminEndpoints
{
    public static WebApplication MapSimulatorAdmin(this WebApplication app)
    {
        var sim = app.MapGroup("/_sim");
        sim.MapGet("/state", GetState);
        sim.MapPost("/faults", SetFaults);
        sim.MapPost("/seed/users", SeedUsers);
        sim.MapPost("/activity", SetActivity);
        return app;
    }

    private static IResult GetState(MondaySimState state)
    {
        lock (state.Sync)
        {
            return ScimProtocol.Json(new JsonObject
            {
                ["users"] = new JsonArray([.. state.Users.Values.Select(u =>
                {
                    var json = UserEndpoints.ToJson(u);
                    json["scimProvisioned"] = u.ScimProvisioned;
                    return json;
                })]),
                ["groups"] = new JsonArray([.. state.Groups.Values.Select(g => GroupEndpoints.ToJson(state, g))]),
                ["faults"] = FaultsJson(state),
                ["requests"] = new JsonArray([.. state.Requests.Select(r => new JsonObject
                {
                    ["method"] = r.Method, ["path"] = r.Path, ["status"] = r.Status,
                })]),
            });
        }
    }

    private static async Task<IResult> SetFaults(HttpRequest request, MondaySimState state)
    {
        var body = await ScimProtocol.ReadObjectAsync(request);
        foreach (var (name, value) in body)
        {
            try
            {
                SetFault(state, name, value);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
            {
                throw new ScimException(400, "invalidValue", $"Bad value for '{name}': {e.Message}");
            }
        }
        return ScimProtocol.Json(FaultsJson(state));
    }

    private static void SetFault(MondaySimState state, string name, JsonNode? value)
    {
        var v = value?.AsValue() ?? throw new ScimException(400, "invalidValue", $"'{name}' needs a value.");
        switch (name.ToLowerInvariant())
        {
            case "ratelimitperminute": state.RateLimitPerMinute = v.GetValue<int>(); break;
            case "failurerate": state.FailureRate = v.GetValue<double>(); break;
            case "toomanyrequestsrate": state.TooManyRequestsRate = v.GetValue<double>(); break;
            case "latencyms": state.LatencyMs = v.GetValue<int>(); break;
            case "dropconnections": state.DropConnections = v.GetValue<bool>(); break;
            case "tokenrevoked": state.TokenRevoked = v.GetValue<bool>(); break;
            case "complexityexhausted": state.ComplexityExhausted = v.GetValue<bool>(); break;
            case "complexityresetseconds":
                state.ComplexityExhaustedUntil = state.Time.GetUtcNow().AddSeconds(NonNegative(v.GetValue<int>()));
                break;
            case "dailylimitexceeded": state.DailyLimitExceeded = v.GetValue<bool>(); break;
            case "complexitynewform": state.ComplexityNewForm = v.GetValue<bool>(); break;
            case "failgraphqlaftercalls": state.FailGraphQlAfterCalls = v.GetValue<int>() is >= 0 and var calls ? calls : null; break;
            case "forceapiversion": state.ForcedApiVersion = NullIfEmpty(v.GetValue<string>()); break;
            case "maxusers": state.MaxUsers = v.GetValue<int>(); break;
            case "noplan": state.NoPlan = v.GetValue<bool>(); break;
            case "maxpagesize": state.MaxPageSize = v.GetValue<int>(); break;
            case "deletebehavior": state.DeleteBehavior = Enum.Parse<DeleteBehavior>(v.GetValue<string>(), ignoreCase: true); break;
            case "uniqueteamnames": state.UniqueTeamNames = v.GetValue<bool>(); break;
            case "tokenuserid": state.TokenUserId = NullIfEmpty(v.GetValue<string>()); break;
            case "protectlastadmin": state.ProtectLastAdmin = v.GetValue<bool>(); break;
            default: throw new ScimException(400, "invalidValue", $"Unknown fault '{name}'.");
        }
    }

    private static int NonNegative(int value) =>
        value >= 0 ? value : throw new ArgumentException("must be 0 or more.");

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static async Task<IResult> SeedUsers(HttpRequest request, MondaySimState state)
    {
        var body = await ScimProtocol.ReadObjectAsync(request);
        var users = body["users"] as JsonArray
            ?? throw new ScimException(400, "invalidValue", "Send {\"users\": [{\"userName\", \"displayName\", \"userType\"?, \"active\"?}]}.");
        var seeded = new JsonArray();
        foreach (var user in users.OfType<JsonObject>())
        {
            var userName = ScimProtocol.StringValue(user["userName"], "userName")
                ?? throw new ScimException(400, "invalidValue", "userName is required.");
            var seed = state.SeedUser(
                userName,
                ScimProtocol.StringValue(user["displayName"], "displayName") ?? userName,
                ScimProtocol.StringValue(user["userType"], "userType") ?? "member",
                user["active"]?.GetValue<bool>() ?? true,
                ParseTime(user["lastActivity"]));
            seeded.Add(UserEndpoints.ToJson(seed));
        }
        return ScimProtocol.Json(new JsonObject { ["users"] = seeded }, StatusCodes.Status201Created);
    }

    /// <summary><c>{"userId":"…","lastActivity":"ISO 8601"}</c>: sets GraphQL <c>last_activity</c>.</summary>
    private static async Task<IResult> SetActivity(HttpRequest request, MondaySimState state)
    {
        var body = await ScimProtocol.ReadObjectAsync(request);
        var userId = ScimProtocol.StringValue(body["userId"], "userId")
            ?? throw new ScimException(400, "invalidValue", "userId is required.");
        var lastActivity = ParseTime(body["lastActivity"])
            ?? throw new ScimException(400, "invalidValue", "lastActivity is required.");
        if (!state.SetLastActivity(userId, lastActivity))
        {
            throw new ScimException(404, null, $"User {userId} not found.");
        }
        return ScimProtocol.Json(new JsonObject { ["userId"] = userId, ["lastActivity"] = lastActivity.ToString("O", CultureInfo.InvariantCulture) });
    }

    private static DateTimeOffset? ParseTime(JsonNode? value)
    {
        var text = ScimProtocol.StringValue(value, "lastActivity");
        if (text is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new ScimException(400, "invalidValue", $"'{text}' is not an ISO 8601 time.");
    }

    private static JsonObject FaultsJson(MondaySimState state) => new()
    {
        ["rateLimitPerMinute"] = state.RateLimitPerMinute,
        ["failureRate"] = state.FailureRate,
        ["tooManyRequestsRate"] = state.TooManyRequestsRate,
        ["latencyMs"] = state.LatencyMs,
        ["dropConnections"] = state.DropConnections,
        ["tokenRevoked"] = state.TokenRevoked,
        ["complexityExhausted"] = state.ComplexityExhausted,
        ["complexityExhaustedUntil"] = state.ComplexityExhaustedUntil?.ToString("O", CultureInfo.InvariantCulture),
        ["complexityNewForm"] = state.ComplexityNewForm,
        ["dailyLimitExceeded"] = state.DailyLimitExceeded,
        ["failGraphQlAfterCalls"] = state.FailGraphQlAfterCalls,
        ["forceApiVersion"] = state.ForcedApiVersion,
        ["maxUsers"] = state.MaxUsers,
        ["noPlan"] = state.NoPlan,
        ["maxPageSize"] = state.MaxPageSize,
        ["deleteBehavior"] = state.DeleteBehavior.ToString(),
        ["uniqueTeamNames"] = state.UniqueTeamNames,
    };
}
