using ScimBridge.Monday;

namespace ScimBridge.Push;

/// <summary>
/// Stable codes for why a push failed, waited or was skipped, each with a fix in plain words. Admins filter the log
/// by these; the names follow Entra's provisioning-log codes where one exists (EntryConflict, TooManyRequests …).
/// </summary>
public static class LogCodes
{
    public const string CredentialsRejected = "CredentialsRejected";
    public const string TooManyRequests = "TooManyRequests";
    public const string TargetUnreachable = "TargetUnreachable";
    public const string TargetError = "TargetError";
    public const string EntryConflict = "EntryConflict";
    public const string InvalidValue = "InvalidValue";
    public const string TargetEntryNotFound = "TargetEntryNotFound";
    public const string TargetRejected = "TargetRejected";
    public const string MissingUserName = "MissingUserName";
    public const string OutOfScope = "OutOfScope";
    public const string InactiveNotProvisioned = "InactiveNotProvisioned";
    public const string DeletedBeforePush = "DeletedBeforePush";
    public const string MemberPending = "MemberPending";
    public const string DeletionThresholdExceeded = "DeletionThresholdExceeded";
    public const string RejectedByAdmin = "RejectedByAdmin";
    public const string BridgeError = "BridgeError";

    private static readonly Dictionary<string, string> Fixes = new(StringComparer.Ordinal)
    {
        [CredentialsRejected] = $"monday.com refused the SCIM token. Generate a new one in monday.com ({Monday.MondayOptions.ScimTokenMenuPath} > Generate), save it as the Secret Token on the Connection page (or in Monday:ScimToken), then use Test connection and Resume.",
        [TooManyRequests] = "monday.com is rate limiting the bridge. Nothing to do: the bridge slows down and retries. If it persists, lower Monday:RequestsPerMinute.",
        [TargetUnreachable] = "The bridge could not reach monday.com (DNS, network, TLS or timeout). Check outbound connectivity to the Tenant URL; the change is retried.",
        [TargetError] = "monday.com answered with a server error. The change is retried automatically; check monday.com's status page if it persists.",
        [EntryConflict] = "monday.com already has a user or team with this name that the bridge cannot take: it could not be matched, or it is linked to another local user or group (named in the message; duplicate group names are accepted inbound but only one can have the team). Rename or delete one of the two in the identity provider, or rename the one in monday.com: the change is pushed again when the other object is renamed or deleted, or replay it.",
        [InvalidValue] = "monday.com refused a value the bridge sent (see the message). Fix the attribute in the identity provider or the mapping (Monday:Mapping), then replay the change.",
        [TargetEntryNotFound] = "The user or team no longer exists in monday.com. Replay the change to create it again, or remove it from the provisioning scope.",
        [TargetRejected] = "monday.com refused the request (see the message). Correct the data or the mapping, then replay the change.",
        [MissingUserName] = "The user has no userName for monday.com. Check the userName mapping (Monday:Mapping:Attributes) and the user in the identity provider.",
        [OutOfScope] = "Nothing to fix if intended: the user is outside Monday:Mapping:ScopeFilter. Change the filter or the user's attributes to provision it.",
        [InactiveNotProvisioned] = "Nothing to fix if intended: an inactive user is not given a seat. Activate the user in the identity provider to provision it.",
        [DeletedBeforePush] = "Nothing to fix: the object was deleted before it reached monday.com.",
        [MemberPending] = "Nothing to fix: the team waits for member users still being provisioned and is pushed again shortly.",
        [DeletionThresholdExceeded] = "More disables or deletes than Push:DeletionGuard allows in an hour. Review them under Staged deletes and approve or reject them.",
        [RejectedByAdmin] = "An admin rejected this disable or delete; the seat stays active. Fix the user in the identity provider if the deprovisioning was wrong.",
        [BridgeError] = "The bridge failed internally (see the message and the server log). The change is retried; report it if it persists.",
    };

    public static string? Fix(string? code) => code is null ? null : Fixes.GetValueOrDefault(code);

    public static IReadOnlyCollection<string> All => Fixes.Keys;

    /// <summary>The code for a failed call to monday.com.</summary>
    public static string Of(MondayResult result) => result.Failure switch
    {
        MondayFailure.Credentials => CredentialsRejected,
        MondayFailure.Retryable when result.Status == 429 => TooManyRequests,
        MondayFailure.Retryable when result.Status == 0 => TargetUnreachable,
        MondayFailure.Retryable => TargetError,
        _ when result.Status == 409 || string.Equals(result.ScimType, "uniqueness", StringComparison.OrdinalIgnoreCase) => EntryConflict,
        _ when result.Status == 404 => TargetEntryNotFound,
        _ when result.Status == 400 => InvalidValue,
        _ => TargetRejected,
    };
}
