using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ScimBridge.MondaySim.Scim;

/// <summary>SCIM Groups are monday teams; their members are users.</summary>
public static partial class GroupEndpoints
{
    public static RouteGroupBuilder MapGroups(this RouteGroupBuilder scim)
    {
        var groups = scim.MapGroup("/Groups");
        groups.MapPost("", Create);
        groups.MapGet("", List);
        groups.MapGet("/{id}", Get);
        groups.MapPatch("/{id}", Patch);
        groups.MapDelete("/{id}", Delete);
        return scim;
    }

    private static async Task<IResult> Create(HttpRequest request, MondaySimState state)
    {
        var body = await ScimProtocol.ReadObjectAsync(request);
        lock (state.Sync)
        {
            var group = new SimGroup
            {
                Id = state.NextGroupId(),
                DisplayName = ScimProtocol.StringValue(body["displayName"], "displayName") ?? "",
            };
            AddMembers(state, group, body["members"]);
            Validate(state, group);
            state.Groups[group.Id] = group;
            request.HttpContext.Response.Headers.Location = $"/scim/v2/Groups/{group.Id}";
            return ScimProtocol.Json(ToJson(state, group), StatusCodes.Status201Created);
        }
    }

    private static IResult List(HttpRequest request, MondaySimState state)
    {
        var displayName = ScimProtocol.ParseEqFilter(request.Query["filter"], "displayName");
        lock (state.Sync)
        {
            var matches = state.Groups.Values
                .Where(g => displayName is null || string.Equals(g.DisplayName, displayName, StringComparison.OrdinalIgnoreCase))
                .OrderBy(g => long.Parse(g.Id, System.Globalization.CultureInfo.InvariantCulture))
                .Select(g => ToJson(state, g))
                .ToList();
            return ScimProtocol.Json(ScimProtocol.ListResponse(matches, request, state.MaxPageSize));
        }
    }

    private static IResult Get(string id, MondaySimState state)
    {
        lock (state.Sync)
        {
            return ScimProtocol.Json(ToJson(state, Find(state, id)));
        }
    }

    private static async Task<IResult> Patch(string id, HttpRequest request, MondaySimState state)
    {
        var operations = ScimProtocol.Operations(await ScimProtocol.ReadObjectAsync(request));
        lock (state.Sync)
        {
            var group = Find(state, id).Copy();
            foreach (var operation in operations)
            {
                Apply(state, group, operation as JsonObject
                    ?? throw new ScimException(400, "invalidSyntax", "Each operation must be an object."));
            }
            Validate(state, group);
            state.Groups[id] = group;
            return ScimProtocol.Json(ToJson(state, group));
        }
    }

    private static IResult Delete(string id, MondaySimState state)
    {
        lock (state.Sync)
        {
            Find(state, id);
            state.Groups.Remove(id);
            return Results.NoContent();
        }
    }

    private static void Apply(MondaySimState state, SimGroup group, JsonObject operation)
    {
        var op = ScimProtocol.StringValue(operation["op"], "op")?.ToLowerInvariant();
        var path = ScimProtocol.StringValue(operation["path"], "path");
        var value = operation["value"];
        var memberFilter = path is null ? null : MemberFilter().Match(path);

        switch (op, path?.ToLowerInvariant())
        {
            case ("add" or "replace", "displayname"):
                group.DisplayName = ScimProtocol.StringValue(value, "displayName") ?? "";
                break;
            case ("add", "members"):
                AddMembers(state, group, value);
                break;
            case ("replace", "members"):
                group.Members.Clear();
                AddMembers(state, group, value);
                break;
            case ("add" or "replace", null):
                var values = value as JsonObject
                    ?? throw new ScimException(400, "invalidValue", "A PATCH operation without a path needs an object value.");
                if (values["displayName"] is { } name)
                {
                    group.DisplayName = ScimProtocol.StringValue(name, "displayName") ?? "";
                }
                if (values["members"] is { } members)
                {
                    if (op == "replace")
                    {
                        group.Members.Clear();
                    }
                    AddMembers(state, group, members);
                }
                break;
            case ("remove", "members") when value is null:
                group.Members.Clear();
                break;
            case ("remove", "members"):
                foreach (var memberId in MemberIds(value))
                {
                    group.Members.Remove(memberId);
                }
                break;
            case ("remove", _) when memberFilter is { Success: true }:
                group.Members.Remove(memberFilter.Groups[1].Value);
                break;
            case ("add" or "replace" or "remove", _):
                throw new ScimException(400, "invalidPath", $"'{path}' is not a supported group path.");
            default:
                throw new ScimException(400, "invalidSyntax", $"Unknown PATCH op '{op}'.");
        }
    }

    private static void AddMembers(MondaySimState state, SimGroup group, JsonNode? members)
    {
        if (members is null)
        {
            return;
        }
        var ids = MemberIds(members);
        var unknown = ids.Where(id => !state.Users.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            throw new ScimException(400, "invalidValue", $"Unknown member ids: {string.Join(", ", unknown)}.");
        }
        foreach (var id in ids.Where(id => !group.Members.Contains(id)))
        {
            group.Members.Add(id);
        }
    }

    private static List<string> MemberIds(JsonNode? members)
    {
        var list = members switch
        {
            JsonArray array => array,
            JsonObject one => new JsonArray(one.DeepClone()),
            _ => throw new ScimException(400, "invalidValue", "'members' must be an array of {\"value\": id}."),
        };
        return list.Select(m => ScimProtocol.StringValue((m as JsonObject)?["value"], "members.value")
                ?? throw new ScimException(400, "invalidValue", "Each member needs a 'value'."))
            .ToList();
    }

    private static void Validate(MondaySimState state, SimGroup group)
    {
        if (string.IsNullOrWhiteSpace(group.DisplayName))
        {
            throw new ScimException(400, "invalidValue", "displayName is required.");
        }
        if (state.UniqueTeamNames && state.Groups.Values.Any(g => g.Id != group.Id
                && string.Equals(g.DisplayName, group.DisplayName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ScimException(409, "uniqueness", $"A team named '{group.DisplayName}' already exists.");
        }
    }

    private static SimGroup Find(MondaySimState state, string id) =>
        state.Groups.TryGetValue(id, out var group) ? group : throw new ScimException(404, null, $"Group '{id}' not found.");

    public static JsonObject ToJson(MondaySimState state, SimGroup group) => new()
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:Group"),
        ["id"] = group.Id,
        ["displayName"] = group.DisplayName,
        ["members"] = new JsonArray([.. group.Members.Select(id => new JsonObject
        {
            ["value"] = id,
            ["display"] = state.Users.TryGetValue(id, out var user) ? user.DisplayName : null,
        })]),
        ["meta"] = new JsonObject { ["resourceType"] = "Group", ["location"] = $"/scim/v2/Groups/{group.Id}" },
    };

    [GeneratedRegex("""^members\[\s*value\s+eq\s+"([^"]*)"\s*\]$""", RegexOptions.IgnoreCase)]
    private static partial Regex MemberFilter();
}
