using System.Text.Json.Nodes;
using ScimBridge.Data;

namespace ScimBridge.Push;

public sealed record TraceStep(string Name, string Status, string Detail);

public sealed record PropertyChange(string Name, string? Old, string? New);

/// <summary>
/// What a push decided and why, step by step, for its provisioning-log entry: scoping, matching and mapping are
/// written by the pusher; received and export by the log writer, which knows the changes and the calls.
/// </summary>
public sealed class PushTrace
{
    public const string Received = "Received";
    public const string Scoping = "Scoping";
    public const string Matching = "Matching";
    public const string Mapping = "Mapping";
    public const string Export = "Export";

    public string Action { get; set; } = LogActions.Other;
    public string? SourceName { get; set; }
    public string? TargetName { get; set; }
    public List<TraceStep> Steps { get; } = [];
    public List<PropertyChange> Properties { get; } = [];

    public void Step(string name, string status, string detail) => Steps.Add(new TraceStep(name, status, detail));

    /// <summary>Records the attributes whose value changes; a create sends empty ones too, but nothing changed there.</summary>
    public void Changed(IReadOnlyDictionary<string, JsonNode?> changes, IReadOnlyDictionary<string, JsonNode?>? before)
    {
        foreach (var (name, value) in changes)
        {
            var (old, @new) = (Render(before?.GetValueOrDefault(name)), Render(value));
            if (!string.Equals(old ?? "", @new ?? "", StringComparison.Ordinal))
            {
                Properties.Add(new PropertyChange(name, old, @new));
            }
        }
    }

    public static string? Render(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray a when a.All(e => e is JsonObject o && o.Count == 1 && o["value"] is JsonValue) =>
            string.Join(", ", a.Select(e => Render(e!["value"]))),
        _ => value.ToJsonString(),
    };
}
