using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Monday;

namespace ScimBridge.Push;

public sealed record QuarantineState(DateTimeOffset Since, string? Reason, int Level, DateTimeOffset? NextProbeAt);

public sealed record ConnectionStatus(
    bool Configured,
    string? TenantUrl,
    bool TokenConfigured,
    bool? Reachable,
    bool? CredentialsValid,
    DateTimeOffset? LastCallAt,
    int? LastCallStatus,
    QuarantineState? Quarantine,
    int QueueDepth,
    int Retrying,
    int StagedDeletes,
    DateTimeOffset? OldestPendingChangeAt,
    DateTimeOffset? LastSuccessAt);

/// <summary>A Test connection: <see cref="Cause"/> is one of <see cref="ConnectionCauses"/>; <see cref="Url"/> is what was tried.</summary>
public sealed record ConnectionTest(bool Success, int Status, string Message, double DurationMs, DateTimeOffset At, string Cause, string Url);

/// <summary>The monday.com connection as an admin sees it: its state, Test connection, and Resume from quarantine.</summary>
public sealed class PushConnection(
    ScimBridgeDbContext db,
    IWriteGate gate,
    PushSignal signal,
    StagedDeletes staged,
    MondayConnectionProbe probe,
    IOptions<MondayOptions> monday,
    IOptions<PushOptions> push,
    TimeProvider time)
{
    public async Task<ConnectionStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var options = monday.Value;
        var target = await db.PushTargets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == Quarantine.TargetId, cancellationToken);
        var lastCall = await db.OutboundCalls.AsNoTracking().OrderByDescending(c => c.Id)
            .Select(c => new { c.Status, c.At }).FirstOrDefaultAsync(cancellationToken);
        var queue = await db.PushStates.CountAsync(p => p.ChangeSeq > p.PushedSeq && p.HeldAt == null, cancellationToken);
        var retrying = await db.PushStates.CountAsync(p => p.ChangeSeq > p.PushedSeq && p.HeldAt == null && p.Attempts > 0, cancellationToken);
        var held = await staged.CountAsync(cancellationToken);
        // Of the queued resources only, as counted above: a held staged delete's change is pending but not waiting.
        var oldest = await db.Changes.Where(c => c.PushStatus == PushStatuses.Pending && db.PushStates.Any(p =>
                p.ResourceType == c.ResourceType && p.ResourceId == c.ResourceId && p.ChangeSeq > p.PushedSeq && p.HeldAt == null))
            .MinAsync(c => (DateTimeOffset?)c.OccurredAt, cancellationToken);
        var lastSuccess = await db.PushStates.MaxAsync(p => p.PushedAt, cancellationToken);
        return new ConnectionStatus(
            !string.IsNullOrWhiteSpace(options.TenantUrl),
            options.TenantUrl,
            !string.IsNullOrWhiteSpace(options.ScimToken),
            lastCall is null ? null : lastCall.Status != 0,
            lastCall is null || lastCall.Status == 0 ? null : lastCall.Status is not (401 or 403),
            lastCall?.At,
            lastCall?.Status,
            target?.QuarantinedSince is { } since ? new QuarantineState(since, target.Reason, target.QuarantineLevel, target.NextProbeAt) : null,
            queue,
            retrying,
            held,
            oldest,
            lastSuccess);
    }

    /// <summary>
    /// Like Entra's Test connection: one authenticated read against the Tenant URL, sent on its own (outside the push's
    /// retries, circuit breaker, pace and quarantine) so that it tells the real cause; recorded as an outbound call.
    /// </summary>
    public async Task<ConnectionTest> TestAsync(CancellationToken cancellationToken)
    {
        RequireTarget(monday.Value);
        var at = time.GetUtcNow();
        var result = await probe.ProbeAsync(monday.Value, cancellationToken);
        using (await gate.EnterAsync(cancellationToken))
        {
            var call = new OutboundCall("GET", new Uri(result.Url).PathAndQuery, result.Status, result.DurationMs, null, 1, result.BodyExcerpt, at);
            db.OutboundCalls.Add(PushLog.Call(call, "Target", Quarantine.TargetId, push.Value.InstanceId, null, null));
            await db.SaveChangesAsync(cancellationToken);
        }
        return new ConnectionTest(result.Success, result.Status, result.Message, result.DurationMs, at, result.Cause, result.Url);
    }

    /// <summary>Leaves quarantine now (every instance sees it at its next look); a still-wrong token quarantines again.</summary>
    public async Task<bool> ResumeAsync(CancellationToken cancellationToken)
    {
        int resumed;
        using (await gate.EnterAsync(cancellationToken))
        {
            resumed = await db.PushTargets.Where(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.QuarantinedSince, (DateTimeOffset?)null)
                .SetProperty(t => t.NextProbeAt, (DateTimeOffset?)null)
                .SetProperty(t => t.QuarantineLevel, 0)
                .SetProperty(t => t.Reason, (string?)null), cancellationToken);
        }
        signal.Pulse();
        return resumed > 0;
    }

    internal static void RequireTarget(MondayOptions monday)
    {
        if (string.IsNullOrWhiteSpace(monday.TenantUrl))
        {
            throw new AdminException(StatusCodes.Status409Conflict, "No target",
                "No monday.com target is configured: set the Tenant URL and the Secret Token on the Connection page (or Monday:TenantUrl and Monday:ScimToken).");
        }
    }
}
