namespace ScimBridge.Data;

/// <summary>
/// One seat in a connected app (monday.com, Roadmunk), as the last mirror runs saw it. Unique per (App, AccountId).
/// <see cref="LastActivity"/> only ever moves forward; <see cref="GoneAt"/> is set only by a complete run.
/// </summary>
public sealed class MirrorSeatRecord
{
    public long Id { get; set; }
    /// <summary>See <c>MirrorApps</c>: "monday" or "roadmunk".</summary>
    public required string App { get; set; }
    /// <summary>The app's own id of the user.</summary>
    public required string AccountId { get; set; }
    public string? Email { get; set; }
    /// <summary><see cref="Email"/> folded with <c>ScimText.Fold</c>, for linking and search.</summary>
    public string? EmailNormalized { get; set; }
    public string? Name { get; set; }
    /// <summary>See <c>SeatTypes</c>.</summary>
    public required string SeatType { get; set; }
    /// <summary>The effective status (see <c>SeatStatuses</c>): the app's, or a newer imported report's.</summary>
    public required string Status { get; set; }
    /// <summary>The status the app's listing itself reported on the last run that saw the seat.</summary>
    public string? ListedStatus { get; set; }
    public DateTimeOffset? CreatedInApp { get; set; }
    public DateTimeOffset? LastActivity { get; set; }
    public DateTimeOffset FirstSeen { get; set; }
    public DateTimeOffset LastSeen { get; set; }
    public DateTimeOffset? GoneAt { get; set; }
    /// <summary>The run that last added or changed this seat.</summary>
    public long LastRunId { get; set; }
    public bool ProvisionedByBridge { get; set; }
    /// <summary>The inbound SCIM user this seat belongs to; null is a shadow account.</summary>
    public string? UserId { get; set; }
    /// <summary>How <see cref="UserId"/> was found: see <c>SeatLinks</c> (push, email, admin).</summary>
    public string? LinkedBy { get; set; }
    /// <summary>From an imported user report (Roadmunk's User CSV): active or inactive, and the report's time.</summary>
    public string? ReportStatus { get; set; }
    public DateTimeOffset? ReportAt { get; set; }
}

/// <summary>One download of one app's seats.</summary>
public sealed class MirrorRunRecord
{
    public long Id { get; set; }
    public required string App { get; set; }
    /// <summary>Schedule, Admin, Cli (see <c>MirrorInitiators</c>).</summary>
    public required string InitiatorType { get; set; }
    public required string Initiator { get; set; }
    public required string Instance { get; set; }
    /// <summary>See <c>MirrorRunStatuses</c>: Running, Succeeded, Failed.</summary>
    public required string Status { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public int Seen { get; set; }
    public int Added { get; set; }
    public int Changed { get; set; }
    public int Gone { get; set; }
    public int Unchanged { get; set; }
    /// <summary>Pages fetched so far; a run restarted after a crash starts over (only a complete run decides gone).</summary>
    public int Pages { get; set; }
    public string? Error { get; set; }
    public string? ErrorCode { get; set; }
}

/// <summary>
/// Per app: the run lease (never two runs of one app at once, across instances) and what the app said of the account.
/// </summary>
public sealed class MirrorAppRecord
{
    public required string App { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public long? RunningRunId { get; set; }
    public long? LastCompleteRunId { get; set; }
    public DateTimeOffset? LastCompleteAt { get; set; }
    public string? AccountId { get; set; }
    public string? AccountName { get; set; }
    /// <summary>Seats bought, from the app's plan (monday: account.plan.max_users).</summary>
    public int? SeatsBought { get; set; }
    /// <summary>The app's own count of active members (monday: account.active_members_count).</summary>
    public int? ActiveMembers { get; set; }
    /// <summary>The newest imported user report (Roadmunk User CSV) and its summary.</summary>
    public DateTimeOffset? ReportAt { get; set; }
    public string? ReportSummary { get; set; }
}

/// <summary>
/// An OAuth connection to an app (monday.com): the access token encrypted with Data Protection, and what was granted.
/// </summary>
public sealed class AppConnectionRecord
{
    public required string App { get; set; }
    public required string ProtectedAccessToken { get; set; }
    public string? ProtectedRefreshToken { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>Space-separated granted scopes.</summary>
    public required string Scopes { get; set; }
    public string? AccountId { get; set; }
    public required string ConnectedBy { get; set; }
    public DateTimeOffset ConnectedAt { get; set; }
}
