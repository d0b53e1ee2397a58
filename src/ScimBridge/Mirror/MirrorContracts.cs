namespace ScimBridge.Mirror;

/// <summary>The apps the mirror downloads seats from.</summary>
public static class MirrorApps
{
    public const string Monday = "monday";
    public const string Roadmunk = "roadmunk";

    public static readonly IReadOnlyList<string> All = [Monday, Roadmunk];

    public static string DisplayName(string app) => app switch
    {
        Monday => "monday.com",
        Roadmunk => "Roadmunk",
        _ => app,
    };
}

/// <summary>Seat types, in the apps' own terms (lower case).</summary>
public static class SeatTypes
{
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Viewer = "viewer";
    public const string Guest = "guest";
    public const string AccountAdmin = "account_admin";
    public const string Collaborator = "collaborator";
    public const string Reviewer = "reviewer";

    public static IReadOnlyList<string> For(string app) => app switch
    {
        MirrorApps.Monday => [Admin, Member, Viewer, Guest],
        MirrorApps.Roadmunk => [AccountAdmin, Collaborator, Reviewer],
        _ => [],
    };
}

public static class SeatStatuses
{
    public const string Active = "active";
    public const string Inactive = "inactive";
    public const string Pending = "pending";

    public static readonly IReadOnlyList<string> All = [Active, Inactive, Pending];
}

/// <summary>How a seat was linked to an inbound user.</summary>
public static class SeatLinks
{
    /// <summary>The push path created or adopted the app's user for this inbound user (monday.com).</summary>
    public const string Push = "push";
    /// <summary>The seat's email equals the user's userName or one of its emails (case-insensitively, folded).</summary>
    public const string Email = "email";
    /// <summary>An admin linked it.</summary>
    public const string Admin = "admin";
}

public static class MirrorRunStatuses
{
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
}

public static class MirrorInitiators
{
    public const string Schedule = "Schedule";
    public const string Admin = "Admin";
    public const string Cli = "Cli";
}

/// <summary>One seat as the app lists it.</summary>
public sealed record AppSeat(
    string AccountId,
    string? Email,
    string? Name,
    string SeatType,
    string Status,
    DateTimeOffset? CreatedInApp,
    DateTimeOffset? LastActivity);

/// <summary>What the app says of the account as a whole; any part may be unknown.</summary>
public sealed record AppAccount(string? AccountId, string? Name, int? SeatsBought, int? ActiveMembers);

/// <summary>
/// Where one app's seats come from. A listing is a sequence of pages; any failure is thrown (a
/// <see cref="MirrorSourceException"/> when it has a clear cause) and ends the run as failed, with nothing marked gone.
/// </summary>
public interface ISeatSource
{
    string App { get; }

    /// <summary>Null when the source can run; otherwise why not (no credentials, a missing OAuth scope), for the admin.</summary>
    Task<MirrorSourceProblem?> CheckAsync(CancellationToken cancellationToken);

    Task<AppAccount> GetAccountAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<IReadOnlyList<AppSeat>> ListSeatsAsync(CancellationToken cancellationToken);
}

/// <summary>Why a source cannot run or failed: a stable code (NotConfigured, MissingScope, Unauthorized, …) and a message.</summary>
public sealed record MirrorSourceProblem(string Code, string Message);

public sealed class MirrorSourceException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
