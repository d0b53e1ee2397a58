using System.Text.Json.Nodes;
using ScimBridge.MondaySim.OAuth;

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
    /// <summary>When the user was created in monday (GraphQL <c>created_at</c>).</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>GraphQL <c>last_activity</c>; null for a user who never logged in.</summary>
    public DateTimeOffset? LastActivity { get; set; }
    /// <summary>Invited but has not accepted yet (GraphQL <c>is_pending</c>, status PENDING).</summary>
    public bool IsPending { get; set; }
    /// <summary>Soft-deleted: GraphQL 2026-07 and later list it with <c>is_deleted: true</c>; older versions leave it out.</summary>
    public bool IsDeleted { get; set; }

    public SimUser Copy() => new()
    {
        Id = Id,
        UserName = UserName,
        DisplayName = DisplayName,
        UserType = UserType,
        Title = Title,
        Locale = Locale,
        Timezone = Timezone,
        Active = Active,
        ScimProvisioned = ScimProvisioned,
        Roles = (JsonArray?)Roles?.DeepClone(),
        CreatedAt = CreatedAt,
        LastActivity = LastActivity,
        IsPending = IsPending,
        IsDeleted = IsDeleted,
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

/// <summary>One GraphQL user mutation as asked (before per-id errors): which field, and the user ids it named.</summary>
public sealed record RecordedMutation(string Field, IReadOnlyList<string> UserIds);

/// <summary>
/// Everything the simulator knows, shared by the endpoints and by tests. Read or change the collections
/// only inside <c>lock (state.Sync)</c>; the fault switches can be set at any time.
/// </summary>
public sealed class MondaySimState(string scimToken, string? apiToken, TimeProvider time, int randomSeed = 1)
{
    private long _nextUserId = 50000001;
    private long _nextGroupId = 9000001;

    public object Sync { get; } = new();
    public string ScimToken { get; } = scimToken;
    /// <summary>For the GraphQL API at <c>/v2</c>.</summary>
    public string? ApiToken { get; } = apiToken;
    public TimeProvider Time { get; } = time;
    /// <summary>The OAuth app whose tokens GraphQL <c>/v2</c> also takes, limited to their scopes.</summary>
    public OAuthApp OAuth { get; } = new(time);
    public Random Random { get; } = new(randomSeed);

    public Dictionary<string, SimUser> Users { get; } = [];
    public Dictionary<string, SimGroup> Groups { get; } = [];
    public List<RecordedRequest> Requests { get; } = [];
    /// <summary>GraphQL <c>deactivate_users</c>/<c>activate_users</c>/<c>update_users_role</c> calls that passed validation.</summary>
    public List<RecordedMutation> Mutations { get; } = [];

    // Behaviours monday does not document: switches.
    public int MaxPageSize { get; set; } = 100;
    public DeleteBehavior DeleteBehavior { get; set; } = DeleteBehavior.Deactivate;
    /// <summary>Whether a second team with the same name (case-insensitively) is refused with 409 uniqueness, or created.</summary>
    public bool UniqueTeamNames { get; set; } = true;
    /// <summary>The API token's own user: GraphQL user mutations naming it fail with CANNOT_UPDATE_SELF.</summary>
    public string? TokenUserId { get; set; }
    /// <summary>Whether deactivating or demoting the last active admin is refused per id (code FAILED), as monday does in its UI.</summary>
    public bool ProtectLastAdmin { get; set; } = true;

    // Faults.
    /// <summary>SCIM and GraphQL requests allowed per sliding minute (one shared window); 0 or less means unlimited.</summary>
    public int RateLimitPerMinute { get; set; }
    /// <summary>0..1: share of SCIM and GraphQL requests answered 500 or 503.</summary>
    public double FailureRate { get; set; }
    /// <summary>0..1: share of SCIM and GraphQL requests answered 429 with <c>Retry-After: 1</c> (a storm, apart from the window limit).</summary>
    public double TooManyRequestsRate { get; set; }
    public int LatencyMs { get; set; }

    private int _inFlight;
    private int _peakInFlight;

    /// <summary>The most requests being answered at once since <see cref="ResetPeakInFlight"/>: how parallel the client is.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    public void ResetPeakInFlight() => Volatile.Write(ref _peakInFlight, Volatile.Read(ref _inFlight));

    internal void Entered()
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var peak = Volatile.Read(ref _peakInFlight); now > peak; peak = Volatile.Read(ref _peakInFlight))
        {
            Interlocked.CompareExchange(ref _peakInFlight, now, peak);
        }
    }

    internal void Left() => Interlocked.Decrement(ref _inFlight);
    public bool DropConnections { get; set; }
    public bool TokenRevoked { get; set; }
    /// <summary>Users whose userName contains this are refused with 400 invalidValue (a value the target will not take, until fixed there).</summary>
    public string? RefuseUserNamesContaining { get; set; }
    /// <summary>Every GraphQL request gets monday's older complexity body with HTTP 429.</summary>
    public bool ComplexityExhausted { get; set; }
    /// <summary>GraphQL requests get the complexity error until then, told truthfully how many seconds remain.</summary>
    public DateTimeOffset? ComplexityExhaustedUntil { get; set; }
    /// <summary>The complexity error in the newer form (<c>errors[].extensions.code</c> COMPLEXITY_BUDGET_EXHAUSTED, <c>retry_in_seconds</c>) instead of the older body.</summary>
    public bool ComplexityNewForm { get; set; }
    /// <summary>Every GraphQL request is refused with DAILY_LIMIT_EXCEEDED (HTTP 429), as when the plan's daily call cap is used up.</summary>
    public bool DailyLimitExceeded { get; set; }
    /// <summary>After this many more GraphQL requests, every further one is answered 500 (a run that fails half-way); null: off.</summary>
    public int? FailGraphQlAfterCalls { get; set; }
    /// <summary>The API version served when a request sends no <c>API-Version</c> header.</summary>
    public string DefaultApiVersion { get; set; } = GraphQl.GraphQlEndpoint.DefaultVersion;
    /// <summary>Served whatever <c>API-Version</c> a request asks for, as monday does once the asked version is retired; null: off.</summary>
    public string? ForcedApiVersion { get; set; }

    /// <summary>GraphQL <c>account.plan.max_users</c>.</summary>
    public int MaxUsers { get; set; } = 100;
    /// <summary>GraphQL <c>account.plan</c> is null, as monday answers for some plans.</summary>
    public bool NoPlan { get; set; }

    internal Queue<DateTimeOffset> RecentRequests { get; } = new();

    internal string NextUserId() => (_nextUserId++).ToString(System.Globalization.CultureInfo.InvariantCulture);
    internal string NextGroupId() => (_nextGroupId++).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A user that exists in monday but was not provisioned over SCIM.</summary>
    public SimUser SeedUser(
        string userName, string displayName, string userType = "member", bool active = true,
        DateTimeOffset? lastActivity = null)
    {
        lock (Sync)
        {
            var user = new SimUser
            {
                Id = NextUserId(),
                UserName = userName,
                DisplayName = displayName,
                UserType = userType,
                Active = active,
                ScimProvisioned = false,
                CreatedAt = Time.GetUtcNow(),
                LastActivity = lastActivity,
            };
            Users[user.Id] = user;
            return user.Copy();
        }
    }

    /// <summary>Sets GraphQL <c>last_activity</c>; false when there is no such user.</summary>
    public bool SetLastActivity(string userId, DateTimeOffset lastActivity)
    {
        lock (Sync)
        {
            if (!Users.TryGetValue(userId, out var user))
            {
                return false;
            }
            user.LastActivity = lastActivity;
            return true;
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
