using System.Globalization;
using System.Text.Json.Nodes;
using ScimBridge.MondaySim.GraphQl;

namespace ScimBridge.RoadmunkSim;

/// <summary>Validates and runs one operation under the state's lock, so a mutation is all-or-nothing.</summary>
internal sealed class RoadmunkExecution(RoadmunkSimState state, JsonObject? variables)
{
    private static readonly string[] InvitableRoles = ["collaborator", "reviewer"];

    public JsonObject Run(GqlOperation operation)
    {
        lock (state.Sync)
        {
            var data = new JsonObject();
            foreach (var field in operation.Selection)
            {
                data[field.ResponseKey] = (operation.IsMutation, field.Name) switch
                {
                    (false, "users") => Users(field),
                    (true, "deactivateUser") => Deactivate(field),
                    (true, "inviteUser") => Invite(field),
                    _ => throw Undefined(field, operation.IsMutation ? "Mutation" : "Query"),
                };
            }
            return data;
        }
    }

    private JsonObject Users(GqlField field)
    {
        var args = Arguments(field, "limit", "offset", "accountRoles", "searchString");
        var limit = AsInt(Required(field, args, "limit"), "limit");
        var offset = AsInt(Required(field, args, "offset"), "offset");
        if (limit < 1 || limit > state.MaxLimit || offset < 0)
        {
            throw new GraphQlException(
                $"limit must be between 1 and {state.MaxLimit} and offset must not be negative.", GraphQlEndpoint.BadUserInput, field.Line, field.Column);
        }
        IEnumerable<RoadmunkUser> users = state.Users;
        if (args.GetValueOrDefault("accountRoles") is { } roles)
        {
            var wanted = AsList(roles, "accountRoles").Select(r => AsRole(r, "accountRoles", RoadmunkSimState.Roles)).ToHashSet();
            users = users.Where(u => wanted.Contains(u.AccountRole));
        }
        if (args.GetValueOrDefault("searchString") is { } search)
        {
            var part = AsString(search, "searchString");
            users = users.Where(u => new[] { u.DisplayName, u.FirstName, u.LastName, u.Email }
                .Any(s => s.Contains(part, StringComparison.OrdinalIgnoreCase)));
        }
        var matching = users.ToList();
        var page = matching.Skip(offset).Take(limit).ToList();
        return Project(RequireSelection(field), "UsersPage", f => f.Name switch
        {
            "page" => UserList(page, RequireSelection(f)),
            "hasMore" => offset + page.Count < matching.Count,
            _ => throw Undefined(f, "UsersPage"),
        });
    }

    private static JsonArray UserList(List<RoadmunkUser> users, List<GqlField> selection)
    {
        User(new RoadmunkUser { Id = "", Email = "" }, selection); // validates even an empty page
        return new JsonArray([.. users.Select(u => (JsonNode)User(u, selection))]);
    }

    private static JsonObject User(RoadmunkUser user, List<GqlField> selection) => Project(selection, "User", f => f.Name switch
    {
        "id" => user.Id,
        "displayName" => user.DisplayName,
        "firstName" => user.FirstName,
        "lastName" => user.LastName,
        "email" => user.Email,
        "accountRole" => user.AccountRole,
        "lastLogin" => user.LastLogin is { } last ? Iso(last) : null,
        "isInvited" => user.IsInvited,
        _ => throw Undefined(f, "User"),
    });

    private JsonNode Deactivate(GqlField field)
    {
        var args = Arguments(field, "deactivateUserInput");
        RequireNoSelection(field);
        var input = Required(field, args, "deactivateUserInput") as Dictionary<string, object?>
            ?? throw BadInput(field, "deactivateUserInput must be an object { id, email }.");
        var id = input.GetValueOrDefault("id") is { } i ? AsString(i, "id") : null;
        var email = input.GetValueOrDefault("email") is { } e ? AsString(e, "email") : null;
        if (id is null && email is null)
        {
            throw BadInput(field, "deactivateUserInput needs an id or an email.");
        }
        var user = state.Users.Find(u => (id is null || u.Id == id)
                && (email is null || string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase)))
            ?? throw new GraphQlException("User not found.", "NOT_FOUND", field.Line, field.Column);
        if (!RoadmunkSimState.Roles.Contains(user.AccountRole))
        {
            throw new GraphQlException($"Users with the role '{user.AccountRole}' cannot be deactivated.", "FORBIDDEN", field.Line, field.Column);
        }
        user.Active = false;
        return true;
    }

    private JsonNode Invite(GqlField field)
    {
        var args = Arguments(field, "email", "accountRole", "firstName", "lastName");
        var selection = state.InviteReturns == InviteReturns.User ? RequireSelection(field) : null;
        if (selection is null)
        {
            RequireNoSelection(field);
        }
        else
        {
            User(new RoadmunkUser { Id = "", Email = "" }, selection);
        }
        var email = AsString(Required(field, args, "email"), "email");
        var role = AsRole(Required(field, args, "accountRole"), "accountRole", InvitableRoles);
        if (!email.Contains('@', StringComparison.Ordinal))
        {
            throw BadInput(field, $"'{email}' is not an email address.");
        }
        if (state.FindByEmail(email) is { Active: false, IsInvited: false } deactivated && state.InviteReactivates)
        {
            deactivated.Active = true;
            deactivated.AccountRole = role;
            return selection is null ? true : User(deactivated, selection);
        }
        if (state.FindByEmail(email) is { } existing)
        {
            throw new GraphQlException(existing.IsInvited ? "User has already been invited." : "A user with this email already exists.",
                "ALREADY_EXISTS", field.Line, field.Column);
        }
        var firstName = args.GetValueOrDefault("firstName") is { } f ? AsString(f, "firstName") : "";
        var lastName = args.GetValueOrDefault("lastName") is { } l ? AsString(l, "lastName") : "";
        var invited = state.AddUser(email, firstName, lastName, role, isInvited: true);
        return selection is null ? true : User(invited, selection);
    }

    /// <summary>The field's arguments with variables substituted; an argument not in <paramref name="known"/> is a validation error.</summary>
    private Dictionary<string, object?> Arguments(GqlField field, params string[] known)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in field.Arguments)
        {
            if (!known.Contains(name))
            {
                throw new GraphQlException($"Unknown argument \"{name}\" on field \"{field.Name}\".", GraphQlEndpoint.ValidationFailed, field.Line, field.Column);
            }
            result[name] = Resolve(value);
        }
        return result;
    }

    private object? Resolve(object? value) => value switch
    {
        GqlVariable v => FromJson(variables?[v.Name]),
        List<object?> list => list.Select(Resolve).ToList(),
        Dictionary<string, object?> input => input.ToDictionary(p => p.Key, p => Resolve(p.Value), StringComparer.Ordinal),
        _ => value,
    };

    private static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonArray array => array.Select(FromJson).ToList(),
        JsonObject input => input.ToDictionary(p => p.Key, p => FromJson(p.Value), StringComparer.Ordinal),
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out long n) => n,
        _ => throw new GraphQlException("Variables must be strings, integers, booleans, lists or objects.", GraphQlEndpoint.BadUserInput),
    };

    private static object Required(GqlField field, Dictionary<string, object?> args, string name) =>
        args.GetValueOrDefault(name) ?? throw new GraphQlException(
            $"Field \"{field.Name}\" argument \"{name}\" is required, but it was not provided.", GraphQlEndpoint.ValidationFailed, field.Line, field.Column);

    private static JsonObject Project(List<GqlField> selection, string type, Func<GqlField, JsonNode?> resolve)
    {
        var result = new JsonObject();
        foreach (var field in selection)
        {
            result[field.ResponseKey] = resolve(field);
        }
        return result;
    }

    private static List<GqlField> RequireSelection(GqlField field) => field.Selection ?? throw new GraphQlException(
        $"Field \"{field.Name}\" must have a selection of subfields.", GraphQlEndpoint.ValidationFailed, field.Line, field.Column);

    private static void RequireNoSelection(GqlField field)
    {
        if (field.Selection is not null)
        {
            throw new GraphQlException($"Field \"{field.Name}\" must not have a selection since type \"Boolean\" has no subfields.",
                GraphQlEndpoint.ValidationFailed, field.Line, field.Column);
        }
    }

    private static List<object?> AsList(object value, string name) => value switch
    {
        List<object?> list => list,
        GqlEnum or string => [value], // input coercion: one value where a list is expected
        _ => throw new GraphQlException($"Argument '{name}' must be a list.", GraphQlEndpoint.BadUserInput),
    };

    private static string AsRole(object? value, string name, string[] allowed)
    {
        var role = value switch
        {
            GqlEnum e => e.Name,
            string s => s, // enums arrive as strings in variables
            _ => null,
        };
        return role is not null && allowed.Contains(role) ? role
            : throw new GraphQlException($"Argument '{name}' must be one of {string.Join(", ", allowed)}.", GraphQlEndpoint.BadUserInput);
    }

    private static string AsString(object value, string name) =>
        value as string ?? throw new GraphQlException($"Argument '{name}' must be a String.", GraphQlEndpoint.BadUserInput);

    private static int AsInt(object value, string name) => value is long n && n is >= int.MinValue and <= int.MaxValue ? (int)n
        : throw new GraphQlException($"Argument '{name}' must be an Int.", GraphQlEndpoint.BadUserInput);

    private static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static GraphQlException BadInput(GqlField field, string message) =>
        new(message, GraphQlEndpoint.BadUserInput, field.Line, field.Column);

    private static GraphQlException Undefined(GqlField field, string type) =>
        new($"Cannot query field \"{field.Name}\" on type \"{type}\".", GraphQlEndpoint.ValidationFailed, field.Line, field.Column);
}
