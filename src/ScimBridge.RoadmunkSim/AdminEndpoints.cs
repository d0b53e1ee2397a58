using System.Globalization;
using System.Text.Json.Nodes;

namespace ScimBridge.RoadmunkSim;

/// <summary>
/// <c>/_sim</c>: lets a test in another process seed the account, inspect it, switch faults and download the
/// User CSV report. Protected by the API token (but not by TokenRevoked); bad input is a ProblemDetails 400.
/// </summary>
public static class AdminEndpoints
{
    public static WebApplication MapRoadmunkAdmin(this WebApplication app)
    {
        var sim = app.MapGroup("/_sim");
        sim.MapGet("/state", GetState);
        sim.MapPost("/users", AddUsersAsync);
        sim.MapPost("/reset", Reset);
        sim.MapPost("/faults", SetFaultsAsync);
        sim.MapGet("/reports/users.csv", UserReport.Get);
        return app;
    }

    private static IResult GetState(RoadmunkSimState state)
    {
        lock (state.Sync)
        {
            return Results.Text(new JsonObject
            {
                ["users"] = new JsonArray([.. state.Users.Select(u => (JsonNode)ToJson(u))]),
                ["faults"] = FaultsJson(state),
                ["graphQlCalls"] = state.GraphQlCalls,
            }.ToJsonString(), "application/json");
        }
    }

    /// <summary><c>{"users":[{"email","firstName"?,"lastName"?,"displayName"?,"accountRole"?,"lastLogin"?,"isInvited"?,"active"?}]}</c>.</summary>
    private static async Task<IResult> AddUsersAsync(HttpRequest request, RoadmunkSimState state)
    {
        var users = (await ReadAsync(request))?["users"] as JsonArray;
        if (users is null || users.Any(u => u is not JsonObject))
        {
            return Bad("Send {\"users\": [{\"email\": \"…\", \"firstName\", \"lastName\", \"accountRole\", \"lastLogin\", \"isInvited\", \"active\"}]}.");
        }
        try
        {
            lock (state.Sync)
            {
                var seeds = users.Cast<JsonObject>().Select(ToSeed).ToList();
                // All or nothing: every email is checked before any user is added.
                if (seeds.GroupBy(s => s.Email, StringComparer.OrdinalIgnoreCase)
                    .FirstOrDefault(g => g.Count() > 1 || state.FindByEmail(g.Key) is not null) is { } taken)
                {
                    return Bad($"A user with the email '{taken.Key}' already exists.");
                }
                var added = seeds.Select(seed => ToJson(Add(state, seed))).ToList();
                return Results.Text(new JsonObject { ["users"] = new JsonArray([.. added]) }.ToJsonString(), "application/json",
                    statusCode: StatusCodes.Status201Created);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            return Bad(e.Message);
        }
    }

    private sealed record Seed(string Email, string FirstName, string LastName, string? DisplayName, string Role,
        DateTimeOffset? LastLogin, bool IsInvited, bool Active);

    private static Seed ToSeed(JsonObject user)
    {
        var email = user["email"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException("Each user needs an 'email'.");
        }
        var role = user["accountRole"]?.GetValue<string>() ?? "collaborator";
        var lastLogin = user["lastLogin"]?.GetValue<string>() is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : (DateTimeOffset?)null;
        return new Seed(email, user["firstName"]?.GetValue<string>() ?? "", user["lastName"]?.GetValue<string>() ?? "",
            user["displayName"]?.GetValue<string>(), role, lastLogin,
            user["isInvited"]?.GetValue<bool>() ?? false, user["active"]?.GetValue<bool>() ?? true);
    }

    private static RoadmunkUser Add(RoadmunkSimState state, Seed seed)
    {
        var user = state.AddUser(seed.Email, seed.FirstName, seed.LastName, seed.Role, seed.IsInvited);
        user.DisplayName = seed.DisplayName ?? user.DisplayName;
        user.LastLogin = seed.LastLogin;
        user.Active = seed.Active;
        return user;
    }

    private static IResult Reset(RoadmunkSimState state)
    {
        lock (state.Sync)
        {
            state.Reset();
        }
        return Results.NoContent();
    }

    private static async Task<IResult> SetFaultsAsync(HttpRequest request, RoadmunkSimState state)
    {
        var body = await ReadAsync(request);
        if (body is null)
        {
            return Bad("Send a JSON object of faults, e.g. {\"failAfterCalls\": 3}.");
        }
        lock (state.Sync)
        {
            foreach (var (name, value) in body)
            {
                try
                {
                    SetFault(state, name, value);
                }
                catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
                {
                    return Bad($"Bad value for '{name}': {e.Message}");
                }
            }
            return Results.Text(FaultsJson(state).ToJsonString(), "application/json");
        }
    }

    private static void SetFault(RoadmunkSimState state, string name, JsonNode? value)
    {
        switch (name.ToLowerInvariant())
        {
            case "ratelimitperminute": state.RateLimitPerMinute = value!.GetValue<int>(); break;
            case "failurerate": state.FailureRate = value!.GetValue<double>(); break;
            case "dropconnections": state.DropConnections = value!.GetValue<bool>(); break;
            case "tokenrevoked": state.TokenRevoked = value!.GetValue<bool>(); break;
            case "failaftercalls":
                state.FailAfterCalls = value?.GetValue<int>();
                state.GraphQlCalls = 0;
                break;
            case "maxlimit": state.MaxLimit = value!.GetValue<int>(); break;
            case "reportheaders": state.ReportHeaders = Enum.Parse<ReportHeaders>(value!.GetValue<string>(), ignoreCase: true); break;
            case "invitereturns": state.InviteReturns = Enum.Parse<InviteReturns>(value!.GetValue<string>(), ignoreCase: true); break;
            case "invitereactivates": state.InviteReactivates = value!.GetValue<bool>(); break;
            default: throw new ArgumentException($"Unknown fault '{name}'.");
        }
    }

    private static JsonObject FaultsJson(RoadmunkSimState state) => new()
    {
        ["rateLimitPerMinute"] = state.RateLimitPerMinute,
        ["failureRate"] = state.FailureRate,
        ["dropConnections"] = state.DropConnections,
        ["tokenRevoked"] = state.TokenRevoked,
        ["failAfterCalls"] = state.FailAfterCalls,
        ["maxLimit"] = state.MaxLimit,
        ["reportHeaders"] = state.ReportHeaders.ToString(),
        ["inviteReturns"] = state.InviteReturns.ToString(),
    };

    private static JsonObject ToJson(RoadmunkUser user) => new()
    {
        ["id"] = user.Id,
        ["email"] = user.Email,
        ["firstName"] = user.FirstName,
        ["lastName"] = user.LastName,
        ["displayName"] = user.DisplayName,
        ["accountRole"] = user.AccountRole,
        ["lastLogin"] = user.LastLogin?.ToString("O", CultureInfo.InvariantCulture),
        ["isInvited"] = user.IsInvited,
        ["active"] = user.Active,
        ["created"] = user.Created.ToString("O", CultureInfo.InvariantCulture),
    };

    private static async Task<JsonObject?> ReadAsync(HttpRequest request) =>
        (await ScimBridge.MondaySim.GraphQl.GraphQlEndpoint.ReadBodyAsync(request)).Body;

    private static IResult Bad(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad simulator request");
}
