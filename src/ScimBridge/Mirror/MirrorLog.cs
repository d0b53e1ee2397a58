using System.Globalization;
using System.Text.Json;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Mirror;

/// <summary>
/// The mirror in the provisioning log: one cycle per run (<see cref="CycleId"/>), an entry per seat that was added,
/// changed or gone, and one for the run itself.
/// </summary>
public static class MirrorLog
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static string CycleId(MirrorRunRecord run) => $"mirror-{run.App}-{run.Id.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The log's source id of a seat: the app and the app's id of the user.</summary>
    public static string SeatSourceId(string app, string accountId) => $"{app}:{accountId}";

    internal static LogEntryRecord SeatEntry(
        MirrorRunRecord run, MirrorSeatRecord seat, string action, List<PropertyChange> changes, DateTimeOffset now, string instance, string? warning)
    {
        var app = MirrorApps.DisplayName(run.App);
        var message = action switch
        {
            LogActions.SeatAdded => $"Seat first seen in {app}.",
            LogActions.SeatGone => $"Seat no longer listed by {app} (the run listed every seat).",
            _ => $"Seat changed in {app}: {string.Join(", ", changes.Select(c => c.Name))}.",
        };
        return new LogEntryRecord
        {
            At = now,
            CycleId = CycleId(run),
            InitiatorType = Initiators.Mirror,
            Initiator = run.Initiator,
            ResourceType = ResourceKinds.Seat,
            SourceId = SeatSourceId(run.App, seat.AccountId),
            SourceName = seat.Email ?? seat.Name,
            SourceNameNormalized = (seat.Email ?? seat.Name) is { } name ? ScimText.Fold(name) : null,
            TargetId = seat.UserId,
            TargetName = seat.Name,
            Action = action,
            Status = warning is null ? LogStatuses.Success : LogStatuses.Warning,
            Message = warning is null ? message : $"{message} {warning}",
            Steps = "[]",
            ModifiedProperties = JsonSerializer.Serialize(changes, Json),
            Attempt = 1,
            Instance = instance,
        };
    }

    internal static LogEntryRecord RunEntry(MirrorRunRecord run, DateTimeOffset now, string instance)
    {
        var app = MirrorApps.DisplayName(run.App);
        var succeeded = run.Status == MirrorRunStatuses.Succeeded;
        var counts = $"{run.Seen} listed: {run.Added} added, {run.Changed} changed, {run.Gone} gone, {run.Unchanged} unchanged";
        return new LogEntryRecord
        {
            At = now,
            CycleId = CycleId(run),
            DurationMs = Math.Round((now - run.StartedAt).TotalMilliseconds, 3),
            InitiatorType = Initiators.Mirror,
            Initiator = run.Initiator,
            ResourceType = ResourceKinds.Seat,
            SourceId = $"run:{run.Id.ToString(CultureInfo.InvariantCulture)}",
            SourceName = $"{app} mirror run {run.Id.ToString(CultureInfo.InvariantCulture)}",
            SourceNameNormalized = null,
            Action = LogActions.MirrorRun,
            Status = succeeded ? LogStatuses.Success : LogStatuses.Failure,
            ErrorCode = succeeded ? null : run.ErrorCode,
            Message = succeeded
                ? $"Downloaded every seat from {app} ({counts})."
                : $"The run failed part-way ({run.Error}); nothing was marked gone ({counts} before it stopped).",
            RecommendedFix = succeeded ? null : Fix(run.ErrorCode),
            Steps = "[]",
            ModifiedProperties = "[]",
            Attempt = 1,
            Instance = instance,
        };
    }

    private static string? Fix(string? code) => code switch
    {
        "Unauthorized" => "The app refused the credential: check the API token, or reconnect on Subscriptions > Connect.",
        "MissingScope" => "Reconnect with the missing scopes granted (Subscriptions > Connect).",
        "Unavailable" => "The app was unreachable or failing; the next run (or Run now) tries again.",
        "DailyLimit" => "The app's daily call limit is used up; it resets at midnight UTC.",
        "LeaseLost" or "Interrupted" or "Stopped" => "Run it again; a new run starts over.",
        _ => null,
    };
}
