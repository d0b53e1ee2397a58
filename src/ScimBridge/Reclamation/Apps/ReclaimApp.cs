using ScimBridge.Data;
using ScimBridge.Monday;

namespace ScimBridge.Reclamation.Apps;

/// <summary>One seat as the app has it now (a fresh read just before acting).</summary>
public sealed record SeatNow(string AccountId, DateTimeOffset? LastActivity, string? SeatType, bool? Active);

/// <summary>
/// The fresh read of a batch: the seats the app still has (a seat not in <see cref="Seats"/> is gone), or null
/// <see cref="Seats"/> when the app cannot show activity (then <see cref="Warning"/> says so and the revoker acts anyway).
/// </summary>
public sealed record SeatCheck(IReadOnlyDictionary<string, SeatNow>? Seats, string? Warning);

/// <summary>One seat's outcome: done, refused by the app (its message and code; never retried blindly), or a transport failure (retried later).</summary>
public sealed record SeatOutcome(bool Done, string? Error = null, string? Code = null, bool Transient = false)
{
    public static readonly SeatOutcome Success = new(true);
    public static SeatOutcome Refused(string error, string? code) => new(false, error, code);
    public static SeatOutcome Failed(string error) => new(false, error, null, Transient: true);
}

/// <summary>A batch could not be read or sent at all (transport, credentials, budget): nothing was done, try later.</summary>
public sealed class ReclaimTransportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// How the revoker reaches one app: a fresh read of a batch of seats, the reclaim itself and its undo, each seat's
/// outcome keyed by the app's account id. Every HTTP attempt is added to the calls list for the provisioning log.
/// </summary>
public interface IReclaimApp
{
    /// <summary>For the log: "monday.com (GraphQL)".</summary>
    string Via { get; }

    Task<SeatCheck> CheckAsync(IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken);

    /// <summary><paramref name="action"/> is a <see cref="ReclaimActions"/> value (downgrade or deactivate).</summary>
    Task<IReadOnlyDictionary<string, SeatOutcome>> ActAsync(
        string action, IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken);

    /// <summary>Puts each seat back as <see cref="ReclaimCandidateRecord.PreviousSeatType"/> / PreviousActive say.</summary>
    Task<IReadOnlyDictionary<string, SeatOutcome>> UndoAsync(
        IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken);
}
