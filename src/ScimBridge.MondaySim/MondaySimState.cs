using System.Text.Json.Nodes;

namespace ScimBridge.MondaySim;

public enum DeleteBehavior
{
    /// <summary>monday's documented de-provisioning: the user is kept with active=false.</summary>
    Deactivate,
    Delete,
    /// <summary>405 Method Not Allowed.</summary>
    NotAllowed,
    /// <summary>501 Not Implemented.</summary>
    NotImplemented,
}

public sealed class SimUser
{
    public required string Id { get; init; }
    public string UserName { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string? UserType { get; set; }
    public string? Title { get; set; }
    public string? Locale { get; set; }
    public string? Timezone { get; set; }
    public bool Active { get; set; } = true;
    public JsonArray? Roles { get; set; }
    public bool ScimProvisioned { get; set; }

    public SimUser Copy() => new()
    {
        Id = Id, UserName = UserName, DisplayName = DisplayName, UserType = UserType, Title = Title,
        Locale = Locale, Timezone = Timezone, Active = Active, ScimProvisioned = ScimProvisioned,
        Roles = (JsonArray?)Roles?.DeepClone(),
    };
}

public sealed class SimGroup
{
    public required string Id { get; init; }
    public string DisplayName { get; set; } = "";
    public List<string> Members { get; set; } = [];

    public SimGroup Copy() => new() { Id = Id, DisplayName = DisplayName, Members = [.. Members] };
}

public sealed record RecordedRequest(string Method, string Path, int Status);

/// <summary>
/// Everything the simulator knows, shared by the endpoints and by tests. Read or change the collections
/// only inside <c>lock (state.Sync)</c>; the fault switches can be set at any time.
/// </summary>
public sealed class MondaySimState(string scimToken, string? apiToken, TimeProvider time, int randomSeed = 1)
{
    private long nextUserId = 50000001;
    private long nextGroupId = 9000001;

    public object Sync { get; } = new();
    public string ScimToken { get; } = scimToken;
    /// <summary>For the GraphQL API (not simulated yet).</summary>
    public string? ApiToken { get; } = apiToken;
    public TimeProvider Time { get; } = time;
    public Random Random { get; } = new(randomSeed);

    public Dictionary<string, SimUser> Users { get; } = [];
    public Dictionary<string, SimGroup> Groups { get; } = [];
    public List<RecordedRequest> Requests { get; } = [];

    // Behaviours monday does not document: switches.
    public int MaxPageSize { get; set; } = 100;
    public DeleteBehavior DeleteBehavior { get; set; } = DeleteBehavior.Deactivate;

    // Faults.
    /// <summary>SCIM requests allowed per sliding minute; 0 or less means unlimited.</summary>
    public int RateLimitPerMinute { get; set; }
    /// <summary>0..1: share of SCIM requests answered 500 or 503.</summary>
    public double FailureRate { get; set; }
    public int LatencyMs { get; set; }
    public bool DropConnections { get; set; }
    public bool TokenRevoked { get; set; }

    internal Queue<DateTimeOffset> RecentRequests { get; } = new();

    internal string NextUserId() => (nextUserId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
    internal string NextGroupId() => (nextGroupId++).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A user that exists in monday but was not provisioned over SCIM.</summary>
    public SimUser SeedUser(string userName, string displayName, string userType = "member", bool active = true)
    {
        lock (Sync)
        {
            var user = new SimUser
            {
                Id = NextUserId(), UserName = userName, DisplayName = displayName, UserType = userType,
                Active = active, ScimProvisioned = false,
            };
            Users[user.Id] = user;
            return user.Copy();
        }
    }

    public SimUser? FindUser(string id)
    {
        lock (Sync)
        {
            return Users.TryGetValue(id, out var user) ? user.Copy() : null;
        }
    }

    public SimGroup? FindGroup(string id)
    {
        lock (Sync)
        {
            return Groups.TryGetValue(id, out var group) ? group.Copy() : null;
        }
    }

    public IReadOnlyList<RecordedRequest> RequestsSnapshot()
    {
        lock (Sync)
        {
            return [.. Requests];
        }
    }
}
