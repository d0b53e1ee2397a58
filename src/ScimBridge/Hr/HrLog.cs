using System.Globalization;
using System.Text.Json;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Hr;

/// <summary>
/// The HR lifecycle in the provisioning log: one entry per fired event and per leaver step, on the user, in the cycle of
/// the event (<see cref="CycleId"/>). What the push then does in monday.com is logged by the push, initiator Hr.
/// </summary>
public static class HrLog
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    public static string CycleId(long eventId) => $"hr-{eventId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>An entry on the user <paramref name="userId"/>; <paramref name="properties"/> are the HR state's changes.</summary>
    public static LogEntryRecord Entry(
        long eventId, string userId, string? userName, string action, string status, string message, DateTimeOffset now, string instance,
        string initiator, IReadOnlyList<PropertyChange>? properties = null, string initiatorType = Initiators.Hr, string? step = null) => new()
        {
            At = now,
            CycleId = CycleId(eventId),
            InitiatorType = initiatorType,
            Initiator = initiator,
            ResourceType = ResourceKinds.User,
            SourceId = userId,
            SourceName = userName,
            SourceNameNormalized = userName is null ? null : ScimText.Fold(userName),
            Action = action,
            Status = status,
            Message = message,
            Steps = JsonSerializer.Serialize(new[] { new TraceStep(step ?? action, status, message) }, Json),
            ModifiedProperties = JsonSerializer.Serialize(properties ?? [], Json),
            Attempt = 1,
            Instance = instance,
        };

    public static PropertyChange Change(string name, object? old, object? @new) => new(name, Render(old), Render(@new));

    private static string? Render(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        DateTimeOffset d => d.UtcDateTime.ToString("u", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
