using System.Globalization;
using System.Text.Json;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Monday;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Reclamation;

/// <summary>
/// Reclaims and undos in the provisioning log: one entry per seat in the cycle <c>reclaim-&lt;waveId&gt;</c>, with the
/// steps (re-check activity, guard, act), what changed, and the calls made (linked by <c>LogEntryId</c>, as the push does).
/// </summary>
public static class ReclaimLog
{
    public const string Recheck = "Recheck";
    public const string Guard = "Guard";
    public const string Act = "Act";

    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static string CycleId(ReclaimCandidateRecord candidate) => $"reclaim-{candidate.WaveId ?? candidate.Id.ToString(CultureInfo.InvariantCulture)}";

    public static LogEntryRecord Entry(
        ReclaimCandidateRecord candidate, string action, string status, string message, string? errorCode, IReadOnlyList<TraceStep> steps,
        IReadOnlyList<PropertyChange> properties, string actor, DateTimeOffset now, double durationMs, string instance, DateTimeOffset? nextRetryAt) => new()
        {
            At = now,
            CycleId = CycleId(candidate),
            DurationMs = Math.Round(durationMs, 3),
            InitiatorType = Initiators.Reclamation,
            Initiator = actor,
            ResourceType = ResourceKinds.Seat,
            SourceId = MirrorLog.SeatSourceId(candidate.App, candidate.AccountId),
            SourceName = candidate.Email ?? candidate.Name,
            SourceNameNormalized = (candidate.Email ?? candidate.Name) is { } name ? ScimText.Fold(name) : null,
            TargetId = candidate.UserId,
            TargetName = candidate.Name,
            Action = action,
            Status = status,
            ErrorCode = errorCode,
            Message = message,
            Steps = JsonSerializer.Serialize(steps, Json),
            ModifiedProperties = JsonSerializer.Serialize(properties, Json),
            Attempt = candidate.Attempts + 1,
            NextRetryAt = nextRetryAt,
            Instance = instance,
        };

    /// <summary>The calls of one entry, as the push's call log keeps them.</summary>
    public static IEnumerable<OutboundCallRecord> Calls(IEnumerable<OutboundCall> calls, ReclaimCandidateRecord candidate, string instance, long logEntryId) =>
        calls.Select(c => PushLog.Call(c, ResourceKinds.Seat, MirrorLog.SeatSourceId(candidate.App, candidate.AccountId), instance, null, logEntryId));

    /// <summary>"3 call(s): POST /v2 users → 200; …" for a step's detail.</summary>
    public static string Describe(IReadOnlyCollection<OutboundCall> calls)
    {
        if (calls.Count == 0)
        {
            return "no call";
        }
        var list = string.Join("; ", calls.Take(5).Select(c =>
            $"{c.Method} {c.Path} → {(c.Status == 0 ? "no answer" : c.Status.ToString(CultureInfo.InvariantCulture))}"));
        return $"{ConsoleFormat.Count(calls.Count, "call")}: {list}{(calls.Count > 5 ? $"; … {calls.Count - 5} more" : "")}";
    }
}
