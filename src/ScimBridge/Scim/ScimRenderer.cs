using System.Globalization;
using System.Text.Json.Nodes;
using ScimBridge.Data;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

public sealed record GroupReference(string Id, string DisplayName);

/// <summary>What rendering a stored user or group needs: the filter columns stay in the database.</summary>
public sealed record StoredResource(string Id, string Data, DateTimeOffset Created, DateTimeOffset LastModified, long Version)
{
    public static StoredResource Of(UserRecord user) => new(user.Id, user.Data, user.Created, user.LastModified, user.Version);

    public static StoredResource Of(GroupRecord group) => new(group.Id, group.Data, group.Created, group.LastModified, group.Version);
}

public sealed record MemberReference(string Id, string Type, string? Display);

/// <summary>Builds the SCIM representation of stored users and groups, with id, meta and derived attributes.</summary>
internal static class ScimRenderer
{
    public static JsonObject User(StoredResource record, IReadOnlyList<GroupReference>? groups, string baseUrl)
    {
        var stored = Json.ParseObject(record.Data);
        var resource = Start(stored, record.Id);
        if (groups is { Count: > 0 })
        {
            resource["groups"] = new JsonArray(groups.Select(g => (JsonNode)new JsonObject
            {
                ["value"] = g.Id,
                ["$ref"] = ResourceLocations.Group(baseUrl, g.Id),
                ["display"] = g.DisplayName,
                ["type"] = "direct",
            }).ToArray());
        }

        resource["meta"] = Meta("User", record.Created, record.LastModified, ResourceLocations.User(baseUrl, record.Id), record.Version);
        return resource;
    }

    public static JsonObject Group(StoredResource record, IReadOnlyList<MemberReference>? members, string baseUrl)
    {
        var stored = Json.ParseObject(record.Data);
        var resource = Start(stored, record.Id);
        if (members is { Count: > 0 })
        {
            resource["members"] = new JsonArray(members.Select(m =>
            {
                var member = new JsonObject
                {
                    ["value"] = m.Id,
                    ["$ref"] = m.Type == "Group" ? ResourceLocations.Group(baseUrl, m.Id) : ResourceLocations.User(baseUrl, m.Id),
                    ["type"] = m.Type,
                };
                if (m.Display is not null)
                {
                    member["display"] = m.Display;
                }

                return (JsonNode)member;
            }).ToArray());
        }

        resource["meta"] = Meta("Group", record.Created, record.LastModified, ResourceLocations.Group(baseUrl, record.Id), record.Version);
        return resource;
    }

    /// <summary>The resource as PATCH sees it: stored attributes plus id.</summary>
    public static JsonObject ForPatch(string data, string id)
    {
        var stored = Json.ParseObject(data);
        return Start(stored, id);
    }

    public static JsonObject ListResponse(IEnumerable<JsonObject> resources, int totalResults, int startIndex)
    {
        var array = new JsonArray(resources.Cast<JsonNode>().ToArray());
        return new JsonObject
        {
            ["schemas"] = new JsonArray(SchemaUrns.ListResponse),
            ["totalResults"] = totalResults,
            ["startIndex"] = startIndex,
            ["itemsPerPage"] = array.Count,
            ["Resources"] = array,
        };
    }

    private static JsonObject Start(JsonObject stored, string id)
    {
        var resource = new JsonObject();
        if (stored["schemas"] is { } schemas)
        {
            stored.Remove("schemas");
            resource["schemas"] = schemas;
        }

        resource["id"] = id;
        foreach (var (key, value) in stored.ToList())
        {
            stored.Remove(key);
            resource[key] = value;
        }

        return resource;
    }

    private static JsonObject Meta(string resourceType, DateTimeOffset created, DateTimeOffset lastModified, string location, long version) => new()
    {
        ["resourceType"] = resourceType,
        ["created"] = Timestamp(created),
        ["lastModified"] = Timestamp(lastModified),
        ["location"] = location,
        ["version"] = Preconditions.ETag(version),
    };

    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Whether a response needs an attribute, so derived ones (groups, members) are only loaded when asked for.</summary>
    public static bool Wants(string attribute, string? attributes, string? excludedAttributes)
    {
        static bool Names(string? list, string attribute) => list is not null && list.Split(',')
            .Select(a => a.Trim())
            .Any(a => a.Equals(attribute, StringComparison.OrdinalIgnoreCase)
                || a.StartsWith(attribute + ".", StringComparison.OrdinalIgnoreCase)
                || a.EndsWith(":" + attribute, StringComparison.OrdinalIgnoreCase)
                || a.Contains(":" + attribute + ".", StringComparison.OrdinalIgnoreCase));

        if (attributes is not null)
        {
            return Names(attributes, attribute);
        }

        return !Names(excludedAttributes, attribute);
    }
}
