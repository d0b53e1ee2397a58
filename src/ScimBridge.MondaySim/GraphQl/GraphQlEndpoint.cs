using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimBridge.MondaySim.GraphQl;

/// <summary>
/// monday's GraphQL API v2 at <c>POST /v2</c> (<c>../shared/reference/monday-api.md</c> section 2): <c>users</c>,
/// <c>account</c> and the <c>deactivate_users</c>/<c>activate_users</c>/<c>update_users_role</c> mutations, over the
/// same user records the SCIM side serves. Authentication and faults are in <see cref="Faults"/>.
/// </summary>
public static class GraphQlEndpoint
{
    public const string DefaultVersion = "2025-07";
    private const string StatusFieldsVersion = "2026-07";
    private const string RemovalVersion = "2026-10";
    private const int BatchLimit = 200;
    private const int SilentCap = 200;

    private static readonly HashSet<string> RemovedUserFields =
        ["is_guest", "is_admin", "is_view_only", "is_pending", "enabled", "is_verified", "join_date"];
    private static readonly HashSet<string> NewUserFields = ["status", "is_deleted", "became_active_at"];
    private static readonly HashSet<string> RemovedUsersArguments = ["kind", "newest_first", "non_active"];
    private static readonly HashSet<string> UsersArguments =
        ["ids", "emails", "name", "kind", "limit", "page", "newest_first", "non_active"];

    private static readonly object ScopesKey = new();

    /// <summary>The scope each root field needs from an OAuth token; personal tokens need none.</summary>
    private static readonly Dictionary<string, string> RequiredScopes = new()
    {
        ["users"] = "users:read",
        ["account"] = "account:read",
        ["deactivate_users"] = "users:write",
        ["activate_users"] = "users:write",
        ["update_users_role"] = "users:write",
    };

    /// <summary>Limits this request to an OAuth token's scopes.</summary>
    public static void SetScopes(HttpContext context, IReadOnlySet<string> scopes) => context.Items[ScopesKey] = scopes;

    public static WebApplication MapGraphQl(this WebApplication app)
    {
        app.MapPost("/v2", HandleAsync);
        return app;
    }

    /// <summary>Monday-shaped error body.</summary>
    public static JsonObject ErrorBody(string message, string code, int? statusCode = null, int line = 0, int column = 0)
    {
        var extensions = new JsonObject { ["code"] = code };
        if (statusCode is { } status)
        {
            extensions["status_code"] = status;
        }
        var error = new JsonObject { ["message"] = message };
        if (line > 0)
        {
            error["locations"] = new JsonArray(new JsonObject { ["line"] = line, ["column"] = column });
        }
        error["extensions"] = extensions;
        return new JsonObject { ["errors"] = new JsonArray(error), ["account_id"] = 1 };
    }

    public static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    /// <summary>The request's JSON object, or null and why not (the Roadmunk simulator reads its bodies so too).</summary>
    public static async Task<(JsonObject? Body, string? Error)> ReadBodyAsync(HttpRequest request)
    {
        try
        {
            return (await JsonNode.ParseAsync(request.Body) as JsonObject, "Invalid JSON body: the body must be a JSON object.");
        }
        catch (JsonException e)
        {
            return (null, $"Invalid JSON body: {e.Message}");
        }
    }

    private static async Task<IResult> HandleAsync(HttpRequest request, MondaySimState state)
    {
        var (body, error) = await ReadBodyAsync(request);
        if (body is null)
        {
            return Json(ErrorBody(error!, "INVALID_JSON", 400), StatusCodes.Status400BadRequest);
        }
        var version = state.ForcedApiVersion ?? request.Headers["API-Version"].ToString();
        if (string.IsNullOrWhiteSpace(version))
        {
            version = state.DefaultApiVersion;
        }
        try
        {
            var query = body["query"] is JsonValue q && q.TryGetValue(out string? text) ? text
                : throw new GraphQlException("No query string was present", "PARSING_ERROR");
            var operation = GraphQlParser.Parse(query);
            CheckScopes(operation, request.HttpContext.Items[ScopesKey] as IReadOnlySet<string>);
            var context = new Execution(state, version.Trim(), body["variables"] as JsonObject);
            var data = context.Run(operation);
            return Json(new JsonObject { ["data"] = data, ["account_id"] = 1 });
        }
        catch (GraphQlException e)
        {
            return Json(ErrorBody(e.Message, e.Code, e.StatusCode, e.Line, e.Column));
        }
    }

    /// <summary>The whole request is refused when a field needs a scope the token lacks, so no mutation half-runs.</summary>
    private static void CheckScopes(GqlOperation operation, IReadOnlySet<string>? scopes)
    {
        if (scopes is null)
        {
            return;
        }
        var missing = operation.Selection
            .Select(f => RequiredScopes.GetValueOrDefault(f.Name))
            .OfType<string>()
            .Where(scope => !scopes.Contains(scope))
            .Distinct()
            .ToList();
        if (missing.Count > 0)
        {
            throw new GraphQlException(
                $"Your app is missing the required permissions: {string.Join(", ", missing)}", "missingRequiredPermissions", statusCode: 403);
        }
    }

    private sealed class Execution(MondaySimState state, string version, JsonObject? variables)
    {
        private bool HasNewFields => string.CompareOrdinal(version, StatusFieldsVersion) >= 0;
        private bool HasRemovals => string.CompareOrdinal(version, RemovalVersion) >= 0;

        public JsonObject Run(GqlOperation operation)
        {
            var type = operation.IsMutation ? "Mutation" : "Query";
            // Validated and executed under one lock, so a mutation is all-or-nothing against concurrent requests.
            lock (state.Sync)
            {
                var data = new JsonObject();
                foreach (var field in operation.Selection)
                {
                    data[field.ResponseKey] = (operation.IsMutation, field.Name) switch
                    {
                        (false, "users") => Users(field),
                        (false, "account") => Account(field),
                        (true, "deactivate_users") => SetActive(field, active: false, "deactivated_users"),
                        (true, "activate_users") => SetActive(field, active: true, "activated_users"),
                        (true, "update_users_role") => UpdateRole(field),
                        _ => throw Undefined(field, type),
                    };
                }
                return data;
            }
        }

        private JsonArray Users(GqlField field)
        {
            CheckArguments(field, UsersArguments, HasRemovals ? RemovedUsersArguments : []);
            var selection = RequireSelection(field);
            ValidateUserSelection(selection);
            IEnumerable<SimUser> users = state.Users.Values
                .Where(u => HasNewFields || !u.IsDeleted)
                .OrderBy(u => long.Parse(u.Id, CultureInfo.InvariantCulture));
            if (Argument(field, "ids") is { } ids)
            {
                var wanted = StringList(ids, "ids").ToHashSet(StringComparer.Ordinal);
                users = users.Where(u => wanted.Contains(u.Id));
            }
            if (Argument(field, "emails") is { } emails)
            {
                var wanted = StringList(emails, "emails").ToHashSet(StringComparer.OrdinalIgnoreCase);
                users = users.Where(u => wanted.Contains(u.UserName));
            }
            if (Argument(field, "name") is { } name)
            {
                var part = AsString(name, "name");
                users = users.Where(u => u.DisplayName.Contains(part, StringComparison.OrdinalIgnoreCase));
            }
            if (Argument(field, "kind") is { } kind)
            {
                users = AsEnum(kind, "kind") switch
                {
                    "all" => users,
                    "non_guests" => users.Where(u => u.UserType != "guest"),
                    "guests" => users.Where(u => u.UserType == "guest"),
                    "non_pending" => users.Where(u => !u.IsPending),
                    var other => throw Invalid($"Argument 'kind' on Field 'users' has an invalid value ({other})."),
                };
            }
            // non_active: true lists only deactivated users; otherwise every user is listed.
            if (Argument(field, "non_active") is { } nonActive && AsBool(nonActive, "non_active"))
            {
                users = users.Where(u => !u.Active);
            }
            if (Argument(field, "newest_first") is { } newest && AsBool(newest, "newest_first"))
            {
                users = users.Reverse();
            }
            var limit = Argument(field, "limit") is { } l ? AsInt(l, "limit") : SilentCap;
            var page = Argument(field, "page") is { } p ? AsInt(p, "page") : 1;
            if (limit < 1 || page < 1)
            {
                throw Invalid("'limit' and 'page' must be positive.");
            }
            return new JsonArray([.. users.Skip((page - 1) * limit).Take(limit).Select(u => (JsonNode)User(u, selection))]);
        }

        private JsonObject User(SimUser user, List<GqlField> selection) => Project(selection, "User", f => f.Name switch
        {
            "id" => user.Id,
            "email" => user.UserName,
            "name" => user.DisplayName,
            "title" => user.Title,
            "time_zone_identifier" => user.Timezone,
            "current_language" => user.Locale,
            "created_at" => Iso(user.CreatedAt),
            "last_activity" => user.LastActivity is { } last ? Iso(last) : null,
            "teams" => Teams(user, RequireSelection(f)),
            // The account role, kept across the 2026 User update (monday: "User.kind" needs no change); values as UserRole's.
            "kind" => user.UserType switch
            {
                "admin" => "ADMIN",
                "guest" => "GUEST",
                "viewer" => "VIEW_ONLY",
                _ => "MEMBER",
            },
            _ when RemovedUserFields.Contains(f.Name) && HasRemovals => throw Undefined(f, "User"),
            "enabled" => user.Active,
            "is_admin" => user.UserType == "admin",
            "is_guest" => user.UserType == "guest",
            "is_view_only" => user.UserType == "viewer",
            "is_pending" => user.IsPending,
            "is_verified" => !user.IsPending,
            "join_date" => user.IsPending ? null : user.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            _ when NewUserFields.Contains(f.Name) && !HasNewFields => throw Undefined(f, "User"),
            "status" => user.IsPending ? "PENDING" : user.Active ? "ACTIVE" : "INACTIVE",
            "is_deleted" => user.IsDeleted,
            "became_active_at" => user.IsPending ? null : Iso(user.CreatedAt),
            _ => throw Undefined(f, "User"),
        });

        /// <summary>Checks a User selection even when no user will be listed (as GraphQL validation does).</summary>
        private void ValidateUserSelection(List<GqlField> selection) => User(new SimUser { Id = "0" }, selection);

        private JsonArray Teams(SimUser user, List<GqlField> selection)
        {
            JsonObject Team(SimGroup group) => Project(selection, "Team", t => t.Name switch
            {
                "id" => group.Id,
                "name" => group.DisplayName,
                _ => throw Undefined(t, "Team"),
            });
            Team(new SimGroup { Id = "0" });
            return new JsonArray([.. state.Groups.Values.Where(g => g.Members.Contains(user.Id)).Select(g => (JsonNode)Team(g))]);
        }

        private JsonObject Account(GqlField field)
        {
            CheckArguments(field, [], []);
            // Seats in use: enabled users who are neither guests nor viewers (monday bills neither), pending included.
            var active = state.Users.Values.Count(u => u.Active && !u.IsDeleted && u.UserType is not ("guest" or "viewer"));
            return Project(RequireSelection(field), "Account", f => f.Name switch
            {
                "id" => 1,
                "name" => "Simulated Account",
                "slug" => "simulated",
                "tier" => "enterprise",
                "active_members_count" => active,
                "plan" when state.NoPlan => ValidatedPlan(RequireSelection(f)),
                "plan" => Project(RequireSelection(f), "Plan", p => p.Name switch
                {
                    "max_users" => state.MaxUsers,
                    "period" => "yearly",
                    "tier" => "enterprise",
                    _ => throw Undefined(p, "Plan"),
                }),
                _ => throw Undefined(f, "Account"),
            });
        }

        private static JsonNode? ValidatedPlan(List<GqlField> selection)
        {
            Project(selection, "Plan", p => p.Name is "max_users" or "period" or "tier" ? null : throw Undefined(p, "Plan"));
            return null;
        }

        private JsonObject SetActive(GqlField field, bool active, string resultName) =>
            Mutate(field, [], resultName, user => user.Active = active, removesAdmin: !active);

        private JsonObject UpdateRole(GqlField field)
        {
            var role = Argument(field, "new_role") is { } r ? AsEnum(r, "new_role")
                : throw Invalid("Field 'update_users_role' is missing required argument 'new_role'.");
            var userType = role switch
            {
                "GUEST" => "guest",
                "VIEW_ONLY" => "viewer",
                "MEMBER" => "member",
                "ADMIN" => "admin",
                _ => throw Invalid($"Argument 'new_role' on Field 'update_users_role' has an invalid value ({role})."),
            };
            return Mutate(field, ["new_role"], "updated_users", user => user.UserType = userType, removesAdmin: userType != "admin");
        }

        /// <summary>Validates everything first, then applies <paramref name="change"/> to each known id (partial success).</summary>
        private JsonObject Mutate(GqlField field, HashSet<string> extraArguments, string resultName, Action<SimUser> change, bool removesAdmin)
        {
            CheckArguments(field, [.. extraArguments, "user_ids"], []);
            var selection = RequireSelection(field);
            var ids = Argument(field, "user_ids") is { } value ? StringList(value, "user_ids")
                : throw Invalid($"Field '{field.Name}' is missing required argument 'user_ids'.");
            if (ids.Count > BatchLimit)
            {
                throw new GraphQlException($"Too many user ids: {ids.Count}, at most {BatchLimit} per call.", "EXCEEDS_BATCH_LIMIT", field.Line, field.Column);
            }
            var changed = new List<SimUser>();
            var errors = new List<(string Message, string Code, string UserId)>();
            // Admins that stay active admins after this call: the last one is kept.
            var admins = state.Users.Values.Count(u => u.Active && !u.IsDeleted && u.UserType == "admin");
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (!state.Users.TryGetValue(id, out var user) || user.IsDeleted)
                {
                    errors.Add(($"User {id} not found", "USER_NOT_FOUND", id));
                }
                else if (id == state.TokenUserId)
                {
                    errors.Add(("You cannot update your own user", "CANNOT_UPDATE_SELF", id));
                }
                else if (removesAdmin && state.ProtectLastAdmin && user.Active && user.UserType == "admin" && admins <= 1)
                {
                    errors.Add(("Cannot deactivate or change the role of the account's last admin", "FAILED", id));
                }
                else
                {
                    if (removesAdmin && user.Active && user.UserType == "admin")
                    {
                        admins--;
                    }
                    changed.Add(user);
                }
            }
            // Project before changing so an unknown field in the selection changes nothing.
            Project(selection, field.Name + "Result", f => f.Name switch
            {
                _ when f.Name == resultName => Validated(f),
                "errors" => new JsonArray(Project(RequireSelection(f), "UserError", x => x.Name is "message" or "code" or "user_id"
                    ? null
                    : throw Undefined(x, "UserError"))),
                _ => throw Undefined(f, field.Name + "Result"),
            });
            state.Mutations.Add(new RecordedMutation(field.Name, ids));
            foreach (var user in changed)
            {
                change(user);
            }
            return Project(selection, field.Name + "Result", f => f.Name switch
            {
                _ when f.Name == resultName => new JsonArray([.. changed.Select(u => (JsonNode)User(u, RequireSelection(f)))]),
                _ => new JsonArray([.. errors.Select(e => (JsonNode)Project(RequireSelection(f), "UserError", x => x.Name switch
                {
                    "message" => e.Message,
                    "code" => e.Code,
                    "user_id" => e.UserId,
                    _ => throw Undefined(x, "UserError"),
                }))]),
            });
        }

        private JsonArray Validated(GqlField usersField)
        {
            ValidateUserSelection(RequireSelection(usersField));
            return [];
        }

        private static JsonObject Project(List<GqlField> selection, string type, Func<GqlField, JsonNode?> resolve)
        {
            var result = new JsonObject();
            foreach (var field in selection)
            {
                if (field.Arguments.Count > 0)
                {
                    throw new GraphQlException($"Field '{field.Name}' on type '{type}' doesn't accept arguments", "argumentNotAccepted", field.Line, field.Column);
                }
                result[field.ResponseKey] = resolve(field);
            }
            return result;
        }

        private static List<GqlField> RequireSelection(GqlField field) => field.Selection
            ?? throw new GraphQlException($"Field '{field.Name}' must have a selection of subfields", "selectionMismatch", field.Line, field.Column);

        private static void CheckArguments(GqlField field, HashSet<string> known, HashSet<string> removed)
        {
            foreach (var name in field.Arguments.Keys)
            {
                if (!known.Contains(name) || removed.Contains(name))
                {
                    throw new GraphQlException($"Field '{field.Name}' doesn't accept argument '{name}'", "argumentNotAccepted", field.Line, field.Column);
                }
            }
        }

        private object? Argument(GqlField field, string name)
        {
            var value = field.Arguments.GetValueOrDefault(name);
            return Resolve(value);
        }

        private object? Resolve(object? value) => value switch
        {
            GqlVariable v => FromJson(variables?[v.Name]),
            List<object?> list => list.Select(Resolve).ToList(),
            _ => value,
        };

        private static object? FromJson(JsonNode? node) => node switch
        {
            null => null,
            JsonArray array => array.Select(FromJson).ToList(),
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonValue v when v.TryGetValue(out bool b) => b,
            JsonValue v when v.TryGetValue(out long n) => n,
            JsonValue v when v.TryGetValue(out double d) => d,
            _ => throw Invalid("Variables must be strings, numbers, booleans or lists."),
        };

        private static List<string> StringList(object value, string name) => value switch
        {
            List<object?> list => [.. list.Select(item => item switch
            {
                string s => s,
                long n => n.ToString(CultureInfo.InvariantCulture),
                _ => throw Invalid($"Argument '{name}' must be a list of IDs or strings."),
            })],
            // GraphQL input coercion: a single value where a list is expected is a list of one.
            string s => [s],
            long n => [n.ToString(CultureInfo.InvariantCulture)],
            _ => throw Invalid($"Argument '{name}' must be a list."),
        };

        private static string AsString(object value, string name) =>
            value as string ?? throw Invalid($"Argument '{name}' must be a string.");

        private static string AsEnum(object value, string name) => value switch
        {
            GqlEnum e => e.Name,
            string s => s, // enums arrive as strings in variables
            _ => throw Invalid($"Argument '{name}' must be an enum value."),
        };

        private static bool AsBool(object value, string name) =>
            value is bool b ? b : throw Invalid($"Argument '{name}' must be a Boolean.");

        private static int AsInt(object value, string name) =>
            value is long n && n is >= int.MinValue and <= int.MaxValue ? (int)n : throw Invalid($"Argument '{name}' must be an Int.");

        private static string Iso(DateTimeOffset time) =>
            time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        private static GraphQlException Invalid(string message) => new(message, "INVALID_INPUT");

        private static GraphQlException Undefined(GqlField field, string type) =>
            new($"Field '{field.Name}' doesn't exist on type '{type}'", "undefinedField", field.Line, field.Column);
    }
}
