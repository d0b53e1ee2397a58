using System.Text.Json.Nodes;

namespace ScimBridge.MondaySim.Scim;

public static class UserEndpoints
{
    private static readonly string[] UserTypes = ["admin", "guest", "member", "viewer"];

    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder scim)
    {
        var users = scim.MapGroup("/Users");
        users.MapPost("", Create);
        users.MapGet("", List);
        users.MapGet("/{id}", Get);
        users.MapPut("/{id}", Replace);
        users.MapPatch("/{id}", Patch);
        users.MapDelete("/{id}", Delete);
        return scim;
    }

    private static async Task<IResult> Create(HttpRequest request, MondaySimState state)
    {
        var body = await ScimProtocol.ReadObjectAsync(request);
        lock (state.Sync)
        {
            var user = new SimUser
            {
                Id = state.NextUserId(),
                ScimProvisioned = true,
                UserType = "member",
                CreatedAt = state.Time.GetUtcNow(),
            };
            foreach (var (name, value) in body)
            {
                Set(user, name, value, ignoreUnknown: true);
            }
            Validate(state, user);
            state.Users[user.Id] = user;
            request.HttpContext.Response.Headers.Location = $"/scim/v2/Users/{user.Id}";
            return ScimProtocol.Json(ToJson(user), StatusCodes.Status201Created);
        }
    }

    private static IResult List(HttpRequest request, MondaySimState state)
    {
        var userName = ScimProtocol.ParseEqFilter(request.Query["filter"], "userName");
        var includeAll = ScimProtocol.IncludeAll(request);
        lock (state.Sync)
        {
            var matches = state.Users.Values
                .Where(u => !u.IsDeleted && (includeAll || u.ScimProvisioned))
                .Where(u => userName is null || string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase))
                .OrderBy(u => long.Parse(u.Id, System.Globalization.CultureInfo.InvariantCulture))
                .Select(ToJson)
                .ToList();
            return ScimProtocol.Json(ScimProtocol.ListResponse(matches, request, state.MaxPageSize));
        }
    }

    private static IResult Get(string id, MondaySimState state)
    {
        lock (state.Sync)
        {
            return ScimProtocol.Json(ToJson(Find(state, id)));
        }
    }

    private static async Task<IResult> Replace(string id, HttpRequest request, MondaySimState state)
    {
        var body = await ScimProtocol.ReadObjectAsync(request);
        lock (state.Sync)
        {
            var existing = Find(state, id);
            var user = new SimUser
            {
                Id = id,
                ScimProvisioned = existing.ScimProvisioned,
                UserType = existing.UserType,
                CreatedAt = existing.CreatedAt,
                LastActivity = existing.LastActivity,
                IsPending = existing.IsPending,
            };
            foreach (var (name, value) in body)
            {
                Set(user, name, value, ignoreUnknown: true);
            }
            Validate(state, user);
            state.Users[id] = user;
            return ScimProtocol.Json(ToJson(user));
        }
    }

    private static async Task<IResult> Patch(string id, HttpRequest request, MondaySimState state)
    {
        var operations = ScimProtocol.Operations(await ScimProtocol.ReadObjectAsync(request));
        lock (state.Sync)
        {
            var user = Find(state, id).Copy();
            foreach (var operation in operations)
            {
                Apply(user, operation as JsonObject
                    ?? throw new ScimException(400, "invalidSyntax", "Each operation must be an object."));
            }
            Validate(state, user);
            state.Users[id] = user;
            return ScimProtocol.Json(ToJson(user));
        }
    }

    private static IResult Delete(string id, MondaySimState state)
    {
        lock (state.Sync)
        {
            var user = Find(state, id);
            switch (state.DeleteBehavior)
            {
                case DeleteBehavior.Deactivate:
                    user.Active = false;
                    return Results.NoContent();
                case DeleteBehavior.Delete:
                    state.Users.Remove(id);
                    foreach (var group in state.Groups.Values)
                    {
                        group.Members.Remove(id);
                    }
                    return Results.NoContent();
                case DeleteBehavior.NotAllowed:
                    throw new ScimException(405, null, "DELETE is not supported; deactivate with active=false.");
                default:
                    throw new ScimException(501, null, "DELETE is not implemented; deactivate with active=false.");
            }
        }
    }

    private static void Apply(SimUser user, JsonObject operation)
    {
        var op = ScimProtocol.StringValue(operation["op"], "op")?.ToLowerInvariant();
        var path = ScimProtocol.StringValue(operation["path"], "path");
        var value = operation["value"];
        switch (op)
        {
            case "add" or "replace" when path is not null:
                Set(user, path, value, ignoreUnknown: false);
                break;
            case "add" or "replace":
                var values = value as JsonObject
                    ?? throw new ScimException(400, "invalidValue", "A PATCH operation without a path needs an object value.");
                foreach (var (name, item) in values)
                {
                    Set(user, name, item, ignoreUnknown: true);
                }
                break;
            case "remove" when path is not null:
                Set(user, path, null, ignoreUnknown: false);
                break;
            case "remove":
                throw new ScimException(400, "noTarget", "A remove operation needs a path.");
            default:
                throw new ScimException(400, "invalidSyntax", $"Unknown PATCH op '{op}'.");
        }
    }

    private static void Set(SimUser user, string attribute, JsonNode? value, bool ignoreUnknown)
    {
        switch (attribute.ToLowerInvariant())
        {
            case "username": user.UserName = ScimProtocol.StringValue(value, attribute) ?? ""; break;
            case "displayname": user.DisplayName = ScimProtocol.StringValue(value, attribute) ?? ""; break;
            case "usertype": user.UserType = ScimProtocol.StringValue(value, attribute); break;
            case "title": user.Title = ScimProtocol.StringValue(value, attribute); break;
            case "locale": user.Locale = ScimProtocol.StringValue(value, attribute); break;
            case "timezone": user.Timezone = ScimProtocol.StringValue(value, attribute); break;
            case "active": user.Active = ActiveValue(value); break;
            case "roles":
                user.Roles = value switch
                {
                    null => null,
                    JsonArray roles => (JsonArray)roles.DeepClone(),
                    _ => throw new ScimException(400, "invalidValue", "'roles' must be an array."),
                };
                break;
            case "schemas" or "id" or "meta":
                break;
            default:
                if (!ignoreUnknown)
                {
                    throw new ScimException(400, "invalidPath", $"'{attribute}' is not a supported attribute.");
                }
                break;
        }
    }

    // Entra has sent "False" as a string; accept both forms.
    private static bool ActiveValue(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out string? s) && bool.TryParse(s, out var b) => b,
        _ => throw new ScimException(400, "invalidValue", "'active' must be a boolean."),
    };

    private static void Validate(MondaySimState state, SimUser user)
    {
        if (state.RefuseUserNamesContaining is { Length: > 0 } refused && user.UserName.Contains(refused, StringComparison.OrdinalIgnoreCase))
        {
            throw new ScimException(400, "invalidValue", "userName is refused by this account's policy.");
        }
        if (!IsLowerCaseEmail(user.UserName))
        {
            throw new ScimException(400, "invalidValue", "userName is required and must be a lower-case email address.");
        }
        if (string.IsNullOrWhiteSpace(user.DisplayName))
        {
            throw new ScimException(400, "invalidValue", "displayName is required.");
        }
        if (user.DisplayName.Any(c => c is '<' or '>' || char.IsControl(c)))
        {
            throw new ScimException(400, "invalidValue", "displayName must not contain '<', '>' or control characters.");
        }
        if (user.UserType is not null && !UserTypes.Contains(user.UserType, StringComparer.Ordinal))
        {
            throw new ScimException(400, "invalidValue", "userType must be one of admin, guest, member, viewer.");
        }
        if (state.Users.Values.Any(u => u.Id != user.Id
                && string.Equals(u.UserName, user.UserName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScimException(409, "uniqueness", $"userName '{user.UserName}' is already taken.");
        }
    }

    private static bool IsLowerCaseEmail(string userName)
    {
        var at = userName.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < userName.Length - 1 && userName.IndexOf('@', at + 1) < 0
            && !userName.Any(char.IsWhiteSpace)
            && string.Equals(userName, userName.ToLowerInvariant(), StringComparison.Ordinal);
    }

    private static SimUser Find(MondaySimState state, string id) =>
        state.Users.TryGetValue(id, out var user) ? user : throw new ScimException(404, null, $"User '{id}' not found.");

    public static JsonObject ToJson(SimUser user)
    {
        var json = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["id"] = user.Id,
            ["userName"] = user.UserName,
            ["displayName"] = user.DisplayName,
            ["active"] = user.Active,
        };
        AddIfSet(json, "userType", user.UserType);
        AddIfSet(json, "title", user.Title);
        AddIfSet(json, "locale", user.Locale);
        AddIfSet(json, "timezone", user.Timezone);
        if (user.Roles is not null)
        {
            json["roles"] = user.Roles.DeepClone();
        }
        json["meta"] = new JsonObject { ["resourceType"] = "User", ["location"] = $"/scim/v2/Users/{user.Id}" };
        return json;
    }

    private static void AddIfSet(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }
}
