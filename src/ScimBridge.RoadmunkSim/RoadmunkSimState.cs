namespace ScimBridge.RoadmunkSim;

public sealed class RoadmunkUser
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string DisplayName { get; set; } = "";
    public string AccountRole { get; set; } = "collaborator";
    public DateTimeOffset? LastLogin { get; set; }
    public bool IsInvited { get; set; }

    /// <summary>Not in the GraphQL listing: only the User CSV report shows it; <c>deactivateUser</c> turns it off.</summary>
    public bool Active { get; set; } = true;

    public DateTimeOffset Created { get; init; }
}

/// <summary>The real report's headers are not published, so the simulator can speak two plausible dialects.</summary>
public enum ReportHeaders
{
    /// <summary><c>Email,Name,Role,Status,Last Login</c>, status <c>Active</c>/<c>Inactive</c>.</summary>
    Standard,

    /// <summary><c>EMAIL ADDRESS,FULL NAME,ACCOUNT ROLE,ACTIVE,LAST LOGIN DATE</c>, active <c>Yes</c>/<c>No</c>.</summary>
    Alternative,
}

/// <summary>What <c>inviteUser</c> answers: Roadmunk documents the mutation but not its result type.</summary>
public enum InviteReturns
{
    /// <summary>The invited <c>User</c>, with a selection.</summary>
    User,

    /// <summary><c>true</c>, like <c>deactivateUser</c>; a selection is a validation error.</summary>
    Boolean,
}

/// <summary>Users and switches, shared by every request; guarded by <see cref="Sync"/>.</summary>
public sealed class RoadmunkSimState(string apiToken, TimeProvider time, int randomSeed)
{
    public const int DefaultMaxLimit = 100;

    public static readonly string[] Roles = ["account_admin", "collaborator", "reviewer"];

    public object Sync { get; } = new();
    public string ApiToken { get; } = apiToken;
    public TimeProvider Time { get; } = time;
    public Random Random { get; } = new(randomSeed);
    public List<RoadmunkUser> Users { get; } = [];
    public Queue<DateTimeOffset> RecentRequests { get; } = new();
    public int GraphQlCalls { get; set; }

    public int MaxLimit { get; set; } = DefaultMaxLimit;
    public ReportHeaders ReportHeaders { get; set; }
    public InviteReturns InviteReturns { get; set; }
    /// <summary>
    /// Roadmunk documents no reactivation: true (the default) lets <c>inviteUser</c> reactivate a deactivated user with the
    /// asked role; false refuses it as any existing user ("A user with this email already exists.").
    /// </summary>
    public bool InviteReactivates { get; set; } = true;
    public int RateLimitPerMinute { get; set; }
    public double FailureRate { get; set; }
    public bool DropConnections { get; set; }
    public bool TokenRevoked { get; set; }

    /// <summary>The first N GraphQL calls (counted from when it is set) succeed, every later one fails with 500.</summary>
    public int? FailAfterCalls { get; set; }

    private long _nextId = 1;

    public RoadmunkUser AddUser(string email, string firstName, string lastName, string accountRole, bool isInvited = false)
    {
        var user = new RoadmunkUser
        {
            Id = (_nextId++).ToString("x24", System.Globalization.CultureInfo.InvariantCulture),
            Email = email,
            FirstName = firstName,
            LastName = lastName,
            DisplayName = $"{firstName} {lastName}".Trim(),
            AccountRole = accountRole,
            IsInvited = isInvited,
            Created = Time.GetUtcNow(),
        };
        Users.Add(user);
        return user;
    }

    public RoadmunkUser? FindByEmail(string email) =>
        Users.Find(u => string.Equals(u.Email, email, StringComparison.OrdinalIgnoreCase));

    /// <summary>Empties the account and turns the faults off; <see cref="MaxLimit"/>, <see cref="ReportHeaders"/> and <see cref="InviteReturns"/> stay.</summary>
    public void Reset()
    {
        Users.Clear();
        RecentRequests.Clear();
        GraphQlCalls = 0;
        RateLimitPerMinute = 0;
        FailureRate = 0;
        DropConnections = false;
        TokenRevoked = false;
        FailAfterCalls = null;
    }
}
