using System.Globalization;
using System.Text.Json;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Monday;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Push;

/// <summary>Turns one push outcome into its provisioning-log entry.</summary>
public static class PushLog
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private static readonly string[] Order = [PushTrace.Received, PushTrace.Scoping, PushTrace.Matching, PushTrace.Mapping, PushTrace.Export];

    public static LogEntryRecord Entry(
        ClaimedResource claimed, PushSnapshot snapshot, PushOutcome outcome, DateTimeOffset now, double durationMs,
        string instance, DateTimeOffset? nextRetryAt)
    {
        var trace = outcome.Trace;
        var status = Status(outcome);
        return new LogEntryRecord
        {
            At = now,
            ChangeId = snapshot.PendingChangeId,
            CycleId = claimed.CycleId,
            DurationMs = Math.Round(durationMs, 3),
            InitiatorType = snapshot.State.InitiatorType ?? Initiators.System,
            Initiator = snapshot.State.Initiator ?? "bridge",
            ResourceType = claimed.ResourceType,
            SourceId = claimed.ResourceId,
            SourceName = trace.SourceName,
            SourceNameNormalized = trace.SourceName is { } name ? ScimText.Fold(name) : null,
            TargetId = outcome.MondayId ?? snapshot.State.MondayId,
            TargetName = trace.TargetName,
            Action = trace.Action,
            Status = status,
            ErrorCode = outcome.Code,
            Message = outcome.Error,
            RecommendedFix = LogCodes.Fix(outcome.Code),
            Steps = JsonSerializer.Serialize(Steps(snapshot, outcome), Json),
            ModifiedProperties = JsonSerializer.Serialize(trace.Properties, Json),
            Attempt = snapshot.State.Attempts + 1,
            NextRetryAt = nextRetryAt,
            Instance = instance,
        };
    }

    /// <summary>A push that broke inside the bridge: what is known without an outcome.</summary>
    public static LogEntryRecord BridgeFailure(ClaimedResource claimed, string error, DateTimeOffset now, string instance, DateTimeOffset nextRetryAt) => new()
    {
        At = now,
        CycleId = claimed.CycleId,
        InitiatorType = Initiators.System,
        Initiator = "bridge",
        ResourceType = claimed.ResourceType,
        SourceId = claimed.ResourceId,
        Action = LogActions.Other,
        Status = LogStatuses.Retrying,
        ErrorCode = LogCodes.BridgeError,
        Message = error,
        RecommendedFix = LogCodes.Fix(LogCodes.BridgeError),
        Steps = JsonSerializer.Serialize(new[] { new TraceStep(PushTrace.Export, LogStatuses.Failure, error) }, Json),
        ModifiedProperties = "[]",
        NextRetryAt = nextRetryAt,
        Instance = instance,
    };

    /// <summary>Received, then what the pusher traced (scoping, matching, mapping), then export.</summary>
    public static List<TraceStep> Steps(PushSnapshot snapshot, PushOutcome outcome)
    {
        var steps = new List<TraceStep> { Received(snapshot) };
        steps.AddRange(outcome.Trace.Steps.OrderBy(s => Array.IndexOf(Order, s.Name)));
        steps.Add(Export(outcome, Status(outcome)));
        return steps;
    }

    /// <summary>One HTTP attempt as the call log keeps it.</summary>
    public static OutboundCallRecord Call(OutboundCall call, string resourceType, string resourceId, string instance, long? changeId, long? logEntryId) => new()
    {
        LogEntryId = logEntryId,
        ChangeId = changeId,
        ResourceType = resourceType,
        ResourceId = resourceId,
        Instance = instance,
        Method = call.Method,
        Path = call.Path,
        Status = call.Status,
        DurationMs = Math.Round(call.DurationMs, 3),
        RetryAfterMs = call.RetryAfter is { } r ? (long)r.TotalMilliseconds : null,
        Attempt = call.Attempt,
        Excerpt = call.BodyExcerpt,
        RequestExcerpt = call.RequestExcerpt,
        At = call.At,
    };

    public static string Status(PushOutcome outcome) => outcome.Status switch
    {
        PushStatus.Pushed => outcome.Error is null ? LogStatuses.Success : LogStatuses.Warning,
        PushStatus.Failed => LogStatuses.Failure,
        PushStatus.Skipped => LogStatuses.Skipped,
        PushStatus.Retry or PushStatus.Quarantine => LogStatuses.Retrying,
        _ => LogStatuses.Pending,
    };

    private static TraceStep Received(PushSnapshot snapshot)
    {
        var who = snapshot.State.Initiator is { } initiator ? $" ({snapshot.State.InitiatorType}: {initiator})" : "";
        return snapshot.PendingChanges == 0
            ? new TraceStep(PushTrace.Received, LogStatuses.Success, $"No new change{who}: scheduled work (a retry, a timed delete or an admin request).")
            : new TraceStep(PushTrace.Received, LogStatuses.Success,
                $"{ConsoleFormat.Count(snapshot.PendingChanges, "change")}{who}, the first at {snapshot.FirstPendingAt?.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}, newest change id {snapshot.PendingChangeId}.");
    }

    private static TraceStep Export(PushOutcome outcome, string status)
    {
        if (outcome.Calls.Count == 0)
        {
            var why = outcome.Status == PushStatus.Pushed ? "monday.com already has this state." : outcome.Error ?? "nothing to do.";
            return new TraceStep(PushTrace.Export, outcome.Status == PushStatus.Pushed ? LogStatuses.Success : status, $"Nothing sent: {why}");
        }
        var calls = string.Join("; ", outcome.Calls.Take(10).Select(Describe));
        var more = outcome.Calls.Count > 10 ? $"; … {outcome.Calls.Count - 10} more" : "";
        var cause = status is LogStatuses.Failure or LogStatuses.Retrying && outcome.Error is { } error ? $" {error}" : "";
        return new TraceStep(PushTrace.Export, status, $"{ConsoleFormat.Count(outcome.Calls.Count, "call")}: {calls}{more}.{cause}");
    }

    private static string Describe(OutboundCall call) =>
        $"{call.Method} {call.Path} → {(call.Status == 0 ? "no answer" : call.Status.ToString(CultureInfo.InvariantCulture))}";
}
