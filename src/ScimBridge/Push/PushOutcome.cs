using ScimBridge.Monday;

namespace ScimBridge.Push;

public enum PushStatus
{
    /// <summary>monday.com holds the desired state.</summary>
    Pushed,
    /// <summary>Nothing to send, on purpose (out of scope, inactive and never created, deleted before it was pushed).</summary>
    Skipped,
    /// <summary>monday.com refused it (400, 404, 409 …): retrying the same state will not help. The target's error is kept.</summary>
    Failed,
    /// <summary>A transient failure outlived the client's retries: the resource comes back after a backoff.</summary>
    Retry,
    /// <summary>401/403: the connection goes into quarantine; the resource stays queued.</summary>
    Quarantine,
    /// <summary>A team waits for member users that are still on their way.</summary>
    Wait,
    /// <summary>The deletion guard holds a disable or delete for an admin's decision (a staged delete).</summary>
    Held,
}

/// <summary>
/// The result of one push. <see cref="MondayId"/> and <see cref="Pushed"/> are always the whole new link and
/// last-pushed state, also after a partial success (a user created whose PATCH then failed keeps its monday id).
/// </summary>
public sealed record PushOutcome(
    PushStatus Status,
    string? MondayId,
    string? Pushed,
    string? Error,
    IReadOnlyList<OutboundCall> Calls,
    DateTimeOffset? DeleteAt = null)
{
    public PushTrace Trace { get; init; } = new();

    /// <summary>A stable code for the failure or skip reason (<see cref="LogCodes"/>), for filtering the log.</summary>
    public string? Code { get; init; }

    /// <summary>The local object (same type) holding the monday.com object this one matched by name (an EntryConflict).</summary>
    public string? ConflictWith { get; init; }

    /// <summary>The IdP's mapped value changed since licence reclamation overrode it: the override ends with this push.</summary>
    public bool ReclaimCleared { get; init; }
}
