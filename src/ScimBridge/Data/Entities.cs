namespace ScimBridge.Data;

/// <summary>
/// A SCIM user. <see cref="Data"/> holds the canonical resource (without id and meta); the other columns are
/// projections of it that filters, sorting and uniqueness run on in the database.
/// </summary>
public sealed class UserRecord
{
    public required string Id { get; set; }
    public required string UserName { get; set; }
    public required string UserNameNormalized { get; set; }
    public string? ExternalId { get; set; }
    public string? DisplayName { get; set; }
    public string? DisplayNameNormalized { get; set; }
    public bool Active { get; set; }
    public string? Title { get; set; }
    public string? UserType { get; set; }
    public string? NickName { get; set; }
    public string? GivenName { get; set; }
    public string? FamilyName { get; set; }
    public string? FormattedName { get; set; }
    public string? Locale { get; set; }
    public string? Timezone { get; set; }
    public string? PreferredLanguage { get; set; }
    public string? ProfileUrl { get; set; }
    public string? EmployeeNumber { get; set; }
    public string? Department { get; set; }
    public string? CostCenter { get; set; }
    public string? Organization { get; set; }
    public string? Division { get; set; }
    public string? ManagerId { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastModified { get; set; }
    public long Version { get; set; }
    public required string Data { get; set; }
    public List<UserValueRecord> Values { get; set; } = [];
}

/// <summary>One element of a multi-valued user attribute (emails, phoneNumbers, roles, …), for filtering.</summary>
public sealed class UserValueRecord
{
    public long Id { get; set; }
    public string UserId { get; set; } = "";
    public required string Attribute { get; set; }
    public string? Type { get; set; }
    public string? Value { get; set; }
    public string? ValueNormalized { get; set; }
    public string? Display { get; set; }
    public bool Primary { get; set; }
}

/// <summary>A SCIM group. Members live in their own table so large groups are not rewritten whole.</summary>
public sealed class GroupRecord
{
    public required string Id { get; set; }
    public required string DisplayName { get; set; }
    public required string DisplayNameNormalized { get; set; }
    public string? ExternalId { get; set; }
    public DateTimeOffset Created { get; set; }
    public DateTimeOffset LastModified { get; set; }
    public long Version { get; set; }
    public required string Data { get; set; }
    public List<GroupMemberRecord> Members { get; set; } = [];
}

public sealed class GroupMemberRecord
{
    public string GroupId { get; set; } = "";
    public required string MemberId { get; set; }
    public required string MemberType { get; set; }
}

/// <summary>
/// A change to a user or group, written in the same transaction as the change itself.
/// The push to monday.com is driven by these rows.
/// </summary>
public sealed class ChangeRecord
{
    public long Id { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public required string Operation { get; set; }
    public required string Changes { get; set; }
    public required string Actor { get; set; }
    public string? RequestId { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public string PushStatus { get; set; } = PushStatuses.Pending;
    public DateTimeOffset? PushedAt { get; set; }
    /// <summary>Why the push failed or was skipped, or the last retryable error while it is still pending.</summary>
    public string? PushError { get; set; }
    /// <summary>The W3C trace context of the request that made the change, when tracing is on: its push joins that trace.</summary>
    public string? TraceParent { get; set; }
    public string? TraceState { get; set; }
}

public static class PushStatuses
{
    public const string Pending = "Pending";
    public const string Pushed = "Pushed";
    public const string Failed = "Failed";
    public const string Skipped = "Skipped";
}

/// <summary>
/// The push state of one user or group. <see cref="ChangeSeq"/> counts accepted changes (bumped in the same
/// transaction as each change row); the resource needs a push while it is ahead of <see cref="PushedSeq"/>.
/// <see cref="Pushed"/> is what monday.com was last sent, so the worker sends only the difference.
/// </summary>
public sealed class PushStateRecord
{
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public long ChangeSeq { get; set; }
    public long PushedSeq { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? MondayId { get; set; }
    public string? Pushed { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? PushedAt { get; set; }
    /// <summary>When a deprovisioned user is to be deleted in monday.com (the delete-after-retention policy).</summary>
    public DateTimeOffset? DeleteAt { get; set; }
    /// <summary>Who queued the work now waiting (see <see cref="Initiators"/>), for the provisioning log.</summary>
    public string? InitiatorType { get; set; }
    public string? Initiator { get; set; }
    /// <summary>Set while the deletion guard holds a disable or delete for an admin (a staged delete): out of the queue.</summary>
    public DateTimeOffset? HeldAt { get; set; }
    public string? HoldReason { get; set; }
    /// <summary>An admin approved the held disable or delete: the next push sends it without asking the guard.</summary>
    public bool DeprovisionApproved { get; set; }
    /// <summary>
    /// The local resource (same type) already linked to the monday.com object this one would adopt: its push failed
    /// with EntryConflict and is queued again when that resource's link or name changes.
    /// </summary>
    public string? ConflictWith { get; set; }
    /// <summary>
    /// Licence reclamation changed this user in monday.com behind the inbound data: the attribute (<c>active</c> or
    /// <c>userType</c>), the mapped inbound value it overrode (<see cref="ReclaimedBasis"/>) and the value it set. The push
    /// keeps <see cref="ReclaimedValue"/> while the inbound value stays the basis; any other inbound value ends the override.
    /// </summary>
    public string? ReclaimedAttribute { get; set; }
    public string? ReclaimedBasis { get; set; }
    public string? ReclaimedValue { get; set; }
    public long? ReclaimCandidateId { get; set; }
}

/// <summary>One HTTP attempt to monday.com, linked to the newest change it was pushing.</summary>
public sealed class OutboundCallRecord
{
    public long Id { get; set; }
    public long? ChangeId { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public required string Instance { get; set; }
    public required string Method { get; set; }
    public required string Path { get; set; }
    public int Status { get; set; }
    public double DurationMs { get; set; }
    public long? RetryAfterMs { get; set; }
    public int Attempt { get; set; }
    public string? Excerpt { get; set; }
    /// <summary>The request body, redacted and cut like <see cref="Excerpt"/>.</summary>
    public string? RequestExcerpt { get; set; }
    public DateTimeOffset At { get; set; }
    public long? LogEntryId { get; set; }
}

/// <summary>The monday.com connection: quarantined after a credential failure until a probe succeeds.</summary>
public sealed class PushTargetRecord
{
    public required string Id { get; set; }
    public DateTimeOffset? QuarantinedSince { get; set; }
    public int QuarantineLevel { get; set; }
    public DateTimeOffset? NextProbeAt { get; set; }
    public string? Reason { get; set; }
}

/// <summary>A bearer token, for the SCIM endpoint or the admin API (<see cref="Scope"/>); only its SHA-256 hash is stored.</summary>
public sealed class ScimTokenRecord
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public string Scope { get; set; } = TokenScopes.Scim;
    public required string Hash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public static class ResourceKinds
{
    public const string User = "User";
    public const string Group = "Group";
    /// <summary>A seat in a connected app, in the subscription mirror's log entries.</summary>
    public const string Seat = "Seat";
}

public static class ChangeOperations
{
    public const string Create = "Create";
    public const string Update = "Update";
    public const string Delete = "Delete";
}

public static class TokenScopes
{
    public const string Scim = "scim";
    public const string Admin = "admin";
    /// <summary>An HR system: opens /hr/v1 only.</summary>
    public const string Hr = "hr";
}

/// <summary>
/// One provisioning log entry: what one push (or admin action) did to one user or team. Append-only: written once,
/// never updated; pruned only by the retention job.
/// </summary>
public sealed class LogEntryRecord
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The newest change the push settled or tried to.</summary>
    public long? ChangeId { get; set; }
    /// <summary>The batch this entry belongs to: one claim of the push worker, one admin operation.</summary>
    public required string CycleId { get; set; }
    public double DurationMs { get; set; }
    public required string InitiatorType { get; set; }
    public required string Initiator { get; set; }
    public required string ResourceType { get; set; }
    public required string SourceId { get; set; }
    public string? SourceName { get; set; }
    /// <summary>Lower-cased <see cref="SourceName"/>, for case-insensitive prefix search on an index.</summary>
    public string? SourceNameNormalized { get; set; }
    public string? TargetId { get; set; }
    public string? TargetName { get; set; }
    public required string Action { get; set; }
    public required string Status { get; set; }
    public string? ErrorCode { get; set; }
    public string? Message { get; set; }
    public string? RecommendedFix { get; set; }
    /// <summary>JSON array of { name, status, detail }.</summary>
    public required string Steps { get; set; }
    /// <summary>JSON array of { name, old, new }.</summary>
    public required string ModifiedProperties { get; set; }
    public int Attempt { get; set; }
    public DateTimeOffset? NextRetryAt { get; set; }
    public required string Instance { get; set; }
}

public static class LogActions
{
    public const string Create = "Create";
    public const string Update = "Update";
    public const string Disable = "Disable";
    public const string Enable = "Enable";
    public const string Delete = "Delete";
    public const string StagedDelete = "StagedDelete";
    public const string GroupMembership = "GroupMembership";
    public const string Reclaim = "Reclaim";
    /// <summary>A reclaim put back by an admin (the previous seat type restored, or reactivated).</summary>
    public const string ReclaimUndo = "ReclaimUndo";
    /// <summary>The subscription mirror: a seat seen for the first time, changed in the app, gone from it, and a run as a whole.</summary>
    public const string SeatAdded = "SeatAdded";
    public const string SeatChanged = "SeatChanged";
    public const string SeatGone = "SeatGone";
    public const string MirrorRun = "MirrorRun";
    /// <summary>The HR lifecycle: a termination fired or held by the mass-termination guard, then each leaver step.</summary>
    public const string HrTerminate = "HrTerminate";
    public const string HrHeld = "HrHeld";
    public const string HrSnapshot = "HrSnapshot";
    public const string HrDeactivate = "HrDeactivate";
    public const string HrDeactivated = "HrDeactivated";
    public const string HrHold = "HrHold";
    public const string HrTeamRemoval = "HrTeamRemoval";
    public const string HrDelete = "HrDelete";
    public const string HrLeft = "HrLeft";
    /// <summary>A rehire, a move, a rescinded event, an admin's approval or rejection of a held termination, and an admin's override.</summary>
    public const string HrRehire = "HrRehire";
    public const string HrMove = "HrMove";
    public const string HrRescind = "HrRescind";
    public const string HrApprove = "HrApprove";
    public const string HrReject = "HrReject";
    public const string HrOverride = "HrOverride";
    public const string Other = "Other";

    public static readonly IReadOnlyList<string> All =
        [Create, Update, Disable, Enable, Delete, StagedDelete, GroupMembership, Reclaim, ReclaimUndo, SeatAdded, SeatChanged, SeatGone, MirrorRun,
         HrTerminate, HrHeld, HrSnapshot, HrDeactivate, HrDeactivated, HrHold, HrTeamRemoval, HrDelete, HrLeft,
         HrRehire, HrMove, HrRescind, HrApprove, HrReject, HrOverride, Other];
}

public static class LogStatuses
{
    public const string Success = "Success";
    public const string Warning = "Warning";
    public const string Failure = "Failure";
    public const string Skipped = "Skipped";
    public const string Pending = "Pending";
    public const string Retrying = "Retrying";

    public static readonly IReadOnlyList<string> All = [Success, Warning, Failure, Skipped, Pending, Retrying];
}

/// <summary>What started a piece of provisioning work.</summary>
public static class Initiators
{
    public const string Scim = "Scim";
    public const string Hr = "Hr";
    public const string Admin = "Admin";
    public const string Reclamation = "Reclamation";
    public const string Retry = "Retry";
    public const string System = "System";
    public const string Mirror = "Mirror";

    public static readonly IReadOnlyList<string> All = [Scim, Hr, Admin, Reclamation, Retry, System, Mirror];
}

/// <summary>An administrator of the web console and admin API; the password is stored as a salted PBKDF2 hash.</summary>
public sealed class AdminAccountRecord
{
    public required string Id { get; set; }
    public required string UserName { get; set; }
    public required string UserNameNormalized { get; set; }
    public required string PasswordHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastLoginAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }

    // The per-account lockout of the previous release, superseded by AdminSignInFailures. Kept so that pods of that
    // release still work during a rolling upgrade (deploy/README.md: add first, remove in a later release).
    public int FailedAttempts { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>
/// Failed sign-ins to one admin account from one client address: enough in a row lock that address out of that
/// account, so someone guessing from elsewhere cannot lock the real admin out.
/// </summary>
public sealed class AdminSignInFailureRecord
{
    public required string AccountId { get; set; }
    public required string Address { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset LastFailedAt { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>An open console session; its id is in the cookie. Signing out deletes it, which ends the cookie on every replica.</summary>
public sealed class AdminSessionRecord
{
    public required string Id { get; set; }
    public required string AccountId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>An ASP.NET Core Data Protection key, shared by every instance (cookies and protected secrets work on all replicas).</summary>
public sealed class DataProtectionKeyRecord
{
    public long Id { get; set; }
    public string? FriendlyName { get; set; }
    public required string Xml { get; set; }
}

/// <summary>A disable or delete the deletion guard let through; the guard counts these over the last hour.</summary>
public sealed class DeprovisionGrantRecord
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
}
