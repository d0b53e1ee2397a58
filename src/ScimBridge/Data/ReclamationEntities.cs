namespace ScimBridge.Data;

/// <summary>
/// A licence-reclamation rule. <see cref="Definition"/> is a <c>ReclaimRuleDefinition</c> as JSON; every change bumps
/// <see cref="Version"/> and is kept in <c>ReclaimRuleVersions</c>. A deleted rule stays (its candidates name it).
/// </summary>
public sealed class ReclaimRuleRecord
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public bool Enabled { get; set; }
    public int Version { get; set; }
    public required string Definition { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }
    public string? DeletedBy { get; set; }
}

/// <summary>One version of a rule: who changed what, when (Created, Updated, Deleted).</summary>
public sealed class ReclaimRuleVersionRecord
{
    public long Id { get; set; }
    public long RuleId { get; set; }
    public int Version { get; set; }
    public required string Change { get; set; }
    public required string Name { get; set; }
    public bool Enabled { get; set; }
    public required string Definition { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public required string ChangedBy { get; set; }
}

/// <summary>
/// A seat a rule found unused, and what became of it. At most one open candidate per seat (<see cref="ClosedAt"/> null);
/// every state change is a <see cref="ReclaimTransitionRecord"/>.
/// </summary>
public sealed class ReclaimCandidateRecord
{
    public long Id { get; set; }
    public long RuleId { get; set; }
    public int RuleVersion { get; set; }
    /// <summary>See <c>MirrorApps</c>.</summary>
    public required string App { get; set; }
    /// <summary>The mirror's <c>MirrorSeats.Id</c>.</summary>
    public long SeatId { get; set; }
    /// <summary>The app's id of the user.</summary>
    public required string AccountId { get; set; }
    /// <summary>The inbound SCIM user, when the seat is linked to one.</summary>
    public string? UserId { get; set; }
    public string? Email { get; set; }
    public string? Name { get; set; }
    /// <summary>The seat type when the candidate was found.</summary>
    public required string SeatType { get; set; }
    /// <summary>See <c>ReclaimActions</c>: downgrade, deactivate, report.</summary>
    public required string Action { get; set; }
    /// <summary>See <c>CandidateStates</c>.</summary>
    public required string State { get; set; }
    /// <summary>Why the seat is a candidate ("No activity for 74 days").</summary>
    public required string Reason { get; set; }
    /// <summary>Why it is in its state: no linked user, the app's refusal, the guard's hold, a kept seat.</summary>
    public string? StateReason { get; set; }
    /// <summary>The app's error code when a reclaim or undo failed (USER_NOT_FOUND, CANNOT_UPDATE_SELF, …).</summary>
    public string? ErrorCode { get; set; }
    /// <summary>Last activity the mirror knew when the candidate was found; a newer one before acting cancels it.</summary>
    public DateTimeOffset? LastActivity { get; set; }
    public DateTimeOffset? CreatedInApp { get; set; }
    /// <summary>Monthly saving if reclaimed (seat cost, less the viewer's for a downgrade); null when no cost is configured.</summary>
    public decimal? MonthlySaving { get; set; }
    public required string Currency { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The reclaim request this candidate was part of (the guard holds and approves a wave as a whole).</summary>
    public string? WaveId { get; set; }
    /// <summary>Set when the deletion guard held the wave; <see cref="GuardApproved"/> once an admin let it through.</summary>
    public DateTimeOffset? HeldAt { get; set; }
    public bool GuardApproved { get; set; }

    /// <summary>The request to forego: when the notice went, reminders sent, the next one, and when silence means give up.</summary>
    public DateTimeOffset? NoticeDueAt { get; set; }
    public DateTimeOffset? NoticeSentAt { get; set; }
    public int Reminders { get; set; }
    public DateTimeOffset? NextReminderAt { get; set; }
    public DateTimeOffset? AutoReclaimAt { get; set; }
    /// <summary>keep or give-up, and when.</summary>
    public string? Answer { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
    /// <summary>Who decides a keep: manager or admins; the manager's inbound user id.</summary>
    public string? ApproverKind { get; set; }
    public string? ApproverUserId { get; set; }
    public DateTimeOffset? ApprovalNoticeSentAt { get; set; }
    /// <summary>No new candidate for this seat before this time (after a kept seat or an undo).</summary>
    public DateTimeOffset? CooldownUntil { get; set; }

    /// <summary>The revoker's claim while it acts on the candidate.</summary>
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public int Attempts { get; set; }

    /// <summary>What the reclaim changed, so that undo can put it back.</summary>
    public string? PreviousSeatType { get; set; }
    public bool? PreviousActive { get; set; }
    public string? NewSeatType { get; set; }
    public bool? NewActive { get; set; }
    public DateTimeOffset? ReclaimedAt { get; set; }
    public string? ReclaimedBy { get; set; }
    public DateTimeOffset? UndoneAt { get; set; }
    public string? UndoneBy { get; set; }
}

/// <summary>One state change of a candidate, with its time and actor.</summary>
public sealed class ReclaimTransitionRecord
{
    public long Id { get; set; }
    public long CandidateId { get; set; }
    public string? FromState { get; set; }
    public required string ToState { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>See <c>ReclaimActors</c>: Admin, User, Manager, System.</summary>
    public required string ActorType { get; set; }
    public required string Actor { get; set; }
    public string? Note { get; set; }
}

/// <summary>A person never reclaimed from, in any app: matched on a seat's email or the linked user's userName (folded).</summary>
public sealed class ReclaimVipRecord
{
    public long Id { get; set; }
    public required string Match { get; set; }
    public required string MatchNormalized { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public required string AddedBy { get; set; }
}

/// <summary>The savings figures of one app on one day (UTC), so trends can be drawn.</summary>
public sealed class ReclaimSnapshotRecord
{
    /// <summary>yyyy-MM-dd (UTC).</summary>
    public required string Day { get; set; }
    public required string App { get; set; }
    public int? SeatsBought { get; set; }
    public int Assigned { get; set; }
    public int Active { get; set; }
    public int Unused { get; set; }
    public decimal MonthlySpend { get; set; }
    public decimal PotentialMonthly { get; set; }
    public decimal RealisedThisYear { get; set; }
    public required string Currency { get; set; }
    public DateTimeOffset TakenAt { get; set; }
}

/// <summary>A named lease for background work that must run on one instance at a time (the reclamation tick).</summary>
public sealed class WorkLeaseRecord
{
    public required string Name { get; set; }
    public string? Owner { get; set; }
    public DateTimeOffset? Until { get; set; }
    /// <summary>When the work last completed (e.g. the last evaluation, the last snapshot).</summary>
    public DateTimeOffset? LastDoneAt { get; set; }
}
