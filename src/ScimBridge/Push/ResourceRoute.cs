using ScimBridge.Admin;
using ScimBridge.Data;

namespace ScimBridge.Push;

public static class ResourceRoute
{
    /// <summary>"users"/"groups" in routes, "User"/"Group" in the tables.</summary>
    public static string Kind(string value) => value.ToLowerInvariant() switch
    {
        "users" or "user" => ResourceKinds.User,
        "groups" or "group" => ResourceKinds.Group,
        _ => throw AdminException.Invalid("resourceType", "resourceType is 'users' or 'groups'."),
    };
}
