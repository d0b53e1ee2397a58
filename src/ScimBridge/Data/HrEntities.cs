namespace ScimBridge.Data;

/// <summary>
/// One HR lifecycle event for one worker (an inbound user): a termination, rehire or move, now or at
/// <see cref="EffectiveAt"/>. The schedule is this table: the HR scheduler fires a <c>Scheduled</c> event once it is due,
/// exactly once, by moving it out of <c>Scheduled</c> with a conditional update in the same transaction as its effects.
/// </summary>
public sealed class HrEventRecord
{
    public long Id { get; set; }
    /// <summary>See <c>HrEventKinds</c>.</summary>
    public required string Kind { get; set; }
    /// <summary>See <c>HrEventStates</c>.</summary>
    public required string State { get; set; }
    public required string UserId { get; set; }
    /// <summary>The worker's userName when the event was recorded, for lists (the user may be deleted later).</summary>
    public string? UserName { get; set; }
    public string? EmployeeNumber { get; set; }
    /// <summary>How the request named the worker: employeeNumber, externalId, userName or email.</summary>
    public required string MatchedBy { get; set; }
    /// <summary>The instant the event fires (UTC).</summary>
    public DateTimeOffset EffectiveAt { get; set; }
    /// <summary>The wall-clock time in <see cref="TimeZone"/> it was asked for, as ISO 8601 without offset.</summary>
    public string? EffectiveLocal { get; set; }
    /// <summary>IANA time zone the effective time was read in.</summary>
    public required string TimeZone { get; set; }
    public string? Reason { get; set; }
    /// <summary>What the bridge decided on the way (a DST gap or overlap, a past date firing now, a replaced termination).</summary>
    public string? Note { get; set; }
    /// <summary>Kind-specific JSON: a move's attribute changes (title, department, manager, seatType).</summary>
    public string? Details { get; set; }
    /// <summary>See <c>HrSources</c>: Api, Bulk, Roster, Console.</summary>
    public required string Source { get; set; }
    /// <summary>The HR token's name, or the admin.</summary>
    public required string Actor { get; set; }
    public string? ClientRequestId { get; set; }
    /// <summary>Events recorded by one request, upload or roster import: the mass-termination guard counts a batch.</summary>
    public string? BatchId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FiredAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    /// <summary>Why the mass-termination guard holds it (State Held), or why it failed.</summary>
    public string? Error { get; set; }
    /// <summary>An admin let a held termination through: it fires without asking the guard again.</summary>
    public bool Approved { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
}

/// <summary>
/// A worker's HR state, read by the push: while <see cref="Deactivated"/> the user stays deactivated in monday.com
/// whatever the IdP says (an HR termination's precedence), while <see cref="RemovedFromTeams"/> team pushes leave the user
/// out, and <see cref="Deleted"/> deletes the monday.com user. The leaver pipeline moves <see cref="Step"/> on.
/// </summary>
public sealed class HrWorkerRecord
{
    public required string UserId { get; set; }
    /// <summary>See <c>HrWorkerStatuses</c>.</summary>
    public required string Status { get; set; }
    /// <summary>The termination in force (HrEvents.Id).</summary>
    public long? TerminationId { get; set; }
    /// <summary>The next leaver step to run (see <c>LeaverSteps</c>), null when none is left.</summary>
    public string? Step { get; set; }
    public DateTimeOffset? StepDueAt { get; set; }
    /// <summary>JSON array of { id, displayName }: the user's groups when the termination fired, for a rehire to restore.</summary>
    public string? Memberships { get; set; }
    public DateTimeOffset? SnapshotAt { get; set; }
    public bool Deactivated { get; set; }
    public bool RemovedFromTeams { get; set; }
    public bool Deleted { get; set; }
    /// <summary>The user's PushStates.ChangeSeq when the deactivation was queued: pushed past it, monday.com has it.</summary>
    public long? DeactivateSeq { get; set; }
    /// <summary>The termination's effective instant and when monday.com confirmed the deactivation: the leaver SLA.</summary>
    public DateTimeOffset? EffectiveAt { get; set; }
    public DateTimeOffset? DeactivatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
}

/// <summary>An asynchronous HR job: a /hr/v1/bulkUpload payload (Entra's API-driven inbound) or a roster import.</summary>
public sealed class HrJobRecord
{
    public required string Id { get; set; }
    /// <summary>See <c>HrJobKinds</c>.</summary>
    public required string Kind { get; set; }
    /// <summary>See <c>HrJobStatuses</c>.</summary>
    public required string Status { get; set; }
    public required string Actor { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    /// <summary>The request as received (the Bulk payload, the CSV); cleared once the job is done.</summary>
    public string? Input { get; set; }
    /// <summary>JSON: per-operation or per-row results.</summary>
    public string? Result { get; set; }
    public int Total { get; set; }
    public int Succeeded { get; set; }
    public int Failed { get; set; }
    public string? Error { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
}

/// <summary>
/// A client request id already answered on /hr/v1: the same id with the same body gets the same answer, never a second
/// effect; with another body, a conflict. Key is the caller and the id.
/// </summary>
public sealed class HrRequestRecord
{
    public required string Key { get; set; }
    public required string RequestHash { get; set; }
    public int Status { get; set; }
    public required string Response { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
