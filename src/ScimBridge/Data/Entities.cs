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
    public DateTimeOffset At { get; set; }
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

/// <summary>An inbound SCIM bearer token; only its SHA-256 hash is stored.</summary>
public sealed class ScimTokenRecord
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Hash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

public static class ResourceKinds
{
    public const string User = "User";
    public const string Group = "Group";
}

public static class ChangeOperations
{
    public const string Create = "Create";
    public const string Update = "Update";
    public const string Delete = "Delete";
}
