using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ScimBridge.Data;

namespace ScimBridge.Logs;

/// <summary>Log values as a person reads them: steps as one line, bodies as indented JSON, a resource's console page.</summary>
public static class LogText
{
    public const string MembersAdded = "members (added)";
    public const string MembersRemoved = "members (removed)";

    private const int StepDetailLength = 200;

    // Razor and the CSV writer encode what they must; \u0027-style escapes would only hide the text.
    private static readonly JsonWriterOptions Pretty = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>"Received: ok; Matching: ok; Export: failed (…)": the detail only where a step did not simply succeed.</summary>
    public static string Steps(IEnumerable<LogStep> steps) => string.Join("; ", steps.Select(s =>
    {
        var status = s.Status switch
        {
            LogStatuses.Success => "ok",
            LogStatuses.Failure => "failed",
            _ => s.Status.ToLowerInvariant(),
        };
        var detail = s.Status == LogStatuses.Success || string.IsNullOrWhiteSpace(s.Detail) ? ""
            : $" ({(s.Detail.Length <= StepDetailLength ? s.Detail : s.Detail[..StepDetailLength] + "…")})";
        return $"{s.Name}: {status}{detail}";
    }));

    /// <summary>"title: — → Engineer; active: true → false".</summary>
    public static string Properties(IEnumerable<LogModifiedProperty> properties) =>
        string.Join("; ", Changed(properties).Select(p => $"{p.Name}: {p.Old ?? "—"} → {p.New ?? "—"}"));

    /// <summary>Only what changed: equal old and new values (an empty attribute of a create) are left out.</summary>
    public static IEnumerable<LogModifiedProperty> Changed(IEnumerable<LogModifiedProperty> properties) =>
        properties.Where(p => !string.Equals(p.Old ?? "", p.New ?? "", StringComparison.Ordinal));

    /// <summary>
    /// A body as indented JSON with its strings unescaped. A body cut short (answers are kept to 500 characters) is
    /// indented as far as it goes, then ends with the rest as it was and "…"; anything that is not JSON is returned as it is.
    /// </summary>
    public static string? Body(string? body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart() is not ['{' or '[', ..])
        {
            return body;
        }
        var bytes = Encoding.UTF8.GetBytes(body);
        using var buffer = new MemoryStream();
        long consumed;
        using (var writer = new Utf8JsonWriter(buffer, Pretty))
        {
            var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
            try
            {
                while (reader.Read())
                {
                    Copy(ref reader, writer);
                }
            }
            catch (JsonException)
            {
                return body;
            }
            consumed = reader.BytesConsumed;
        }
        var pretty = Encoding.UTF8.GetString(buffer.ToArray());
        var rest = Encoding.UTF8.GetString(bytes, (int)consumed, bytes.Length - (int)consumed).Trim();
        return rest.Length == 0 && IsComplete(bytes) ? pretty : $"{pretty}{(rest.Length == 0 ? "" : " " + rest)}…";
    }

    /// <summary>The console page of a user or group (its timeline); null for the log's other subjects (seats, runs, settings, admins).</summary>
    public static string? ResourcePath(string resourceType, string id) => resourceType switch
    {
        ResourceKinds.User => $"/admin/users/{Uri.EscapeDataString(id)}",
        ResourceKinds.Group => $"/admin/groups/{Uri.EscapeDataString(id)}",
        _ => null,
    };

    /// <summary>The ids of a members property ("u1, u2 … and 3 more") and what follows them.</summary>
    public static (IReadOnlyList<string> Ids, string? More) MemberIds(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return ([], null);
        }
        var cut = value.IndexOf(" … and ", StringComparison.Ordinal);
        var list = cut < 0 ? value : value[..cut];
        return (list.Split(", ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), cut < 0 ? null : value[(cut + 1)..]);
    }

    private static void Copy(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                writer.WriteStartObject();
                break;
            case JsonTokenType.EndObject:
                writer.WriteEndObject();
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                break;
            case JsonTokenType.EndArray:
                writer.WriteEndArray();
                break;
            case JsonTokenType.PropertyName:
                writer.WritePropertyName(reader.GetString()!);
                break;
            case JsonTokenType.String:
                writer.WriteStringValue(reader.GetString());
                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True or JsonTokenType.False:
                writer.WriteBooleanValue(reader.GetBoolean());
                break;
            case JsonTokenType.Null:
                writer.WriteNullValue();
                break;
        }
    }

    private static bool IsComplete(byte[] bytes)
    {
        try
        {
            using var _ = JsonDocument.Parse(bytes);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
