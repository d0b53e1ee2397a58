using ScimBridge.Mirror;

namespace ScimBridge.Reclamation;

/// <summary>
/// A candidate's states (ServiceNow SAM's, which admins know). Open: AttentionRequired … AwaitingRevocation; closed:
/// the three Closed ones. Values are stored and accepted by the API; <see cref="DisplayName"/> is for people.
/// </summary>
public static class CandidateStates
{
    /// <summary>No linked user, or the reclaim (or undo) failed: an admin decides.</summary>
    public const string AttentionRequired = "AttentionRequired";
    /// <summary>May be reclaimed (by an admin, or at once when the rule reclaims automatically).</summary>
    public const string Ready = "Ready";
    /// <summary>The user was asked to keep or give up the seat.</summary>
    public const string AwaitingUser = "AwaitingUser";
    /// <summary>A keep waits for the manager or the admins, or a wave waits for the deletion guard's approval.</summary>
    public const string AwaitingApproval = "AwaitingApproval";
    /// <summary>Queued for the revoker, which re-checks activity and acts.</summary>
    public const string AwaitingRevocation = "AwaitingRevocation";
    public const string ClosedComplete = "ClosedComplete";
    public const string ClosedSkipped = "ClosedSkipped";
    /// <summary>New activity before acting, or the reclaim was undone.</summary>
    public const string ClosedCanceled = "ClosedCanceled";

    public static readonly IReadOnlyList<string> Open = [AttentionRequired, Ready, AwaitingUser, AwaitingApproval, AwaitingRevocation];
    public static readonly IReadOnlyList<string> Closed = [ClosedComplete, ClosedSkipped, ClosedCanceled];
    public static readonly IReadOnlyList<string> All = [.. Open, .. Closed];

    public static bool IsOpen(string state) => Open.Contains(state);

    public static string DisplayName(string state) => state switch
    {
        AttentionRequired => "Attention Required",
        AwaitingUser => "Awaiting User",
        AwaitingApproval => "Awaiting Approval",
        AwaitingRevocation => "Awaiting Revocation",
        ClosedComplete => "Closed Complete",
        ClosedSkipped => "Closed Skipped",
        ClosedCanceled => "Closed Canceled",
        _ => state,
    };

    /// <summary>A state from the API or a form: the stored value or its display name, any case; null when unknown.</summary>
    public static string? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var compact = text.Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return All.FirstOrDefault(s => string.Equals(s, compact, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>What a rule does to a seat it takes.</summary>
public static class ReclaimActions
{
    /// <summary>monday.com: the seat becomes a viewer (no paid seat; data and read access kept).</summary>
    public const string Downgrade = "downgrade";
    /// <summary>monday.com: deactivate (GraphQL <c>deactivate_users</c>, or SCIM active=false); Roadmunk: <c>deactivateUser</c>.</summary>
    public const string Deactivate = "deactivate";
    /// <summary>Find and count only; never acts.</summary>
    public const string Report = "report";

    public static readonly IReadOnlyList<string> All = [Downgrade, Deactivate, Report];
}

/// <summary>Who decides when a user asks to keep a seat.</summary>
public static class KeepApprovals
{
    /// <summary>The keep stands: the candidate closes as skipped, with the cool-down.</summary>
    public const string None = "none";
    /// <summary>The user's manager (the inbound enterprise <c>manager</c>), else the admins.</summary>
    public const string Manager = "manager";
    public const string Admins = "admins";

    public static readonly IReadOnlyList<string> All = [None, Manager, Admins];
}

/// <summary>Who made a transition.</summary>
public static class ReclaimActors
{
    public const string Admin = "Admin";
    public const string User = "User";
    public const string Manager = "Manager";
    public const string System = "System";
}

/// <summary>What an admin (or a signed link) can ask of candidates.</summary>
public static class CandidateCommands
{
    public const string Reclaim = "reclaim";
    public const string Approve = "approve";
    public const string Skip = "skip";
    public const string Undo = "undo";

    public static readonly IReadOnlyList<string> All = [Reclaim, Approve, Skip, Undo];
}

/// <summary>
/// A rule as stored (JSON, camelCase) and as the API and console edit it. Defaults are the reference products':
/// 60 days without activity, never-active seats after 14 days, admins excluded.
/// </summary>
public sealed class ReclaimRuleDefinition
{
    public string Name { get; set; } = "";
    public bool Enabled { get; set; } = true;
    /// <summary>monday and/or roadmunk.</summary>
    public List<string> Apps { get; set; } = [MirrorApps.Monday];
    /// <summary>Seat types it applies to; empty means every type not excluded.</summary>
    public List<string> SeatTypes { get; set; } = [];
    public int InactiveDays { get; set; } = 60;
    public bool IncludeNeverActive { get; set; } = true;
    /// <summary>A never-active seat is taken only this many days after it was created in the app.</summary>
    public int NeverActiveGraceDays { get; set; } = 14;
    /// <summary>Seats created in the app within this many days are left alone; null: no such rule.</summary>
    public int? IgnoreCreatedWithinDays { get; set; }
    /// <summary>Inbound users (id or userName) this rule never takes.</summary>
    public List<string> ExcludeUsers { get; set; } = [];
    /// <summary>Inbound groups (id or displayName) whose members this rule never takes.</summary>
    public List<string> ExcludeGroups { get; set; } = [];
    public List<string> ExcludeSeatTypes { get; set; } = [Mirror.SeatTypes.Admin, Mirror.SeatTypes.AccountAdmin];
    /// <summary>See <see cref="ReclaimActions"/>.</summary>
    public string Action { get; set; } = ReclaimActions.Downgrade;
    /// <summary>Ready candidates are reclaimed without waiting for an admin.</summary>
    public bool AutoReclaim { get; set; }
    /// <summary>Null: no notice; candidates go straight to Ready.</summary>
    public ReclaimNotice? Notify { get; set; }
    /// <summary>After a kept seat (or an undo), no new candidate for it for this many days.</summary>
    public int CooldownDays { get; set; } = 90;
}

/// <summary>The request to forego: a webhook (Slack/Teams-compatible JSON) with signed keep and give-up links.</summary>
public sealed class ReclaimNotice
{
    public string WebhookUrl { get; set; } = "";
    public int ReminderEveryDays { get; set; } = 3;
    /// <summary>Without an answer after this many days, the seat is reclaimed; null: it goes to Ready for an admin.</summary>
    public int? AutoReclaimAfterDays { get; set; } = 7;
    /// <summary>See <see cref="KeepApprovals"/>.</summary>
    public string KeepApproval { get; set; } = KeepApprovals.None;
}
