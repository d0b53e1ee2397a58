using System.Text.Json;

namespace ScimBridge.Hr;

/// <summary>
/// Reads an /hr/v1 request body strictly: JSON only, at most <see cref="MaxBytes"/>, an object whose properties are
/// all known and of the right type. Every refusal is an <see cref="HrException"/> naming the field in API terms
/// (worker.employeeNumber, effective, timeZone …), so an HR system's integrator sees what to fix.
/// </summary>
public static class HrJson
{
    public const int MaxBytes = 64 * 1024;
    public const int MaxReason = 1000;
    public const int MaxText = 256;

    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 16, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>The raw body: 415 when it is not application/json, 413 over <see cref="MaxBytes"/>; empty when there is none.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw TooLarge();
            }
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length > 0 && !IsJson(request.ContentType))
        {
            throw new HrException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"The body must be JSON (Content-Type: application/json), not '{Shorten(request.ContentType ?? "(none)", 100)}'.");
        }
        return buffer.ToArray();
    }

    private static HrException TooLarge() => new(StatusCodes.Status413PayloadTooLarge, "Request too large",
        $"The body is larger than {MaxBytes / 1024} KiB; /hr/v1 requests name one worker each (use /hr/v1/bulkUpload for many).");

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }
        return media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            && (media.Charset.Length == 0 || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The body as an object with only <paramref name="allowed"/> properties; an empty body is an empty object when <paramref name="optional"/>.</summary>
    public static HrBody Parse(byte[] body, bool optional, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Length == 0)
        {
            return optional ? HrBody.Empty : throw HrException.Invalid("body", "The request has no body; send a JSON object.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Parsing);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : "";
            throw HrException.Invalid("body", $"The body is not valid JSON{where}.");
        }
        using (document)
        {
            var root = document.RootElement.Clone();
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw HrException.Invalid("body", $"The body must be a JSON object, not {Kind(root)}.");
            }
            return HrBody.Of(root, "", allowed);
        }
    }

    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    internal static string Shorten(string value, int max) => value.Length <= max ? value : value[..max] + "…";
}

/// <summary>One JSON object of a request, checked property by property; <c>null</c> counts as absent.</summary>
public sealed class HrBody
{
    private readonly Dictionary<string, JsonElement> _properties;
    private readonly string _prefix;

    private HrBody(Dictionary<string, JsonElement> properties, string prefix)
    {
        _properties = properties;
        _prefix = prefix;
    }

    public static HrBody Empty { get; } = new([], "");

    /// <summary>Refuses a repeated or unknown property (naming it and the known ones).</summary>
    internal static HrBody Of(JsonElement value, string prefix, IReadOnlyCollection<string> allowed)
    {
        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var property in value.EnumerateObject())
        {
            if (!allowed.Contains(property.Name))
            {
                unknown.Add(property.Name);
            }
            else if (!properties.TryAdd(property.Name, property.Value))
            {
                throw HrException.Invalid(prefix + property.Name, $"Property '{prefix}{property.Name}' appears twice.");
            }
        }
        if (unknown.Count > 0)
        {
            var names = string.Join(", ", unknown.Take(5).Select(u => $"'{prefix}{HrJson.Shorten(u, 64)}'"));
            throw HrException.Invalid(prefix + HrJson.Shorten(unknown[0], 64),
                $"Unknown propert{(unknown.Count == 1 ? "y" : "ies")} {names}; {(prefix.Length == 0 ? "the body" : prefix.TrimEnd('.'))} accepts {string.Join(", ", allowed)}.");
        }
        return new HrBody(properties, prefix);
    }

    public bool Has(string name) => _properties.TryGetValue(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A string property (absent or null: null). Empty or longer than <paramref name="max"/> is refused unless <paramref name="allowEmpty"/>.</summary>
    public string? String(string name, int max = HrJson.MaxText, bool allowEmpty = false)
    {
        if (!_properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var field = _prefix + name;
        if (value.ValueKind != JsonValueKind.String)
        {
            throw HrException.Invalid(field, $"{field} must be a string, not {HrJson.Kind(value)}.");
        }
        string text;
        try
        {
            text = value.GetString()!.Trim();
        }
        catch (InvalidOperationException)
        {
            throw HrException.Invalid(field, $"{field} is not valid text (a broken \\u escape).");
        }
        if (text.Length == 0 && !allowEmpty)
        {
            throw HrException.Invalid(field, $"{field} must not be empty; leave it out instead.");
        }
        if (text.Length > max)
        {
            throw HrException.Invalid(field, $"{field} is {text.Length} characters long; at most {max} are accepted.");
        }
        return text;
    }

    /// <summary>A positive whole number (an event id).</summary>
    public long? Id(string name)
    {
        if (!_properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var field = _prefix + name;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var id) || id <= 0)
        {
            throw HrException.Invalid(field, $"{field} must be a positive whole number (an event id), not {HrJson.Kind(value)}{(value.ValueKind == JsonValueKind.Number ? " " + value.GetRawText() : "")}.");
        }
        return id;
    }

    /// <summary>A nested object with only <paramref name="allowed"/> properties (absent or null: null).</summary>
    public HrBody? Object(string name, params string[] allowed)
    {
        if (!_properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var field = _prefix + name;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw HrException.Invalid(field, $"{field} must be an object such as {{\"employeeNumber\": \"E1234\"}}, not {HrJson.Kind(value)}.");
        }
        return Of(value, field + ".", allowed);
    }

    public JsonValueKind KindOf(string name) => _properties.TryGetValue(name, out var value) ? value.ValueKind : JsonValueKind.Undefined;

    /// <summary>The worker object: exactly one of employeeNumber, externalId, userName, email, not empty.</summary>
    public WorkerKey? Worker(string name = "worker")
    {
        var worker = Object(name, [.. WorkerKey.All]);
        if (worker is null)
        {
            return null;
        }
        var field = _prefix + name;
        var given = WorkerKey.All.Where(worker.Has).ToList();
        if (given.Count != 1)
        {
            throw HrException.Invalid(field, given.Count == 0
                ? $"{field} names the worker by exactly one of {string.Join(", ", WorkerKey.All)}; it names none."
                : $"{field} names the worker by exactly one of {string.Join(", ", WorkerKey.All)}; it names {string.Join(" and ", given)}.");
        }
        return new WorkerKey(given[0], worker.String(given[0], 512)!);
    }

    /// <summary>The worker, refused when absent.</summary>
    public WorkerKey RequiredWorker(string name = "worker") =>
        Worker(name) ?? throw HrException.Invalid(_prefix + name,
            $"{_prefix}{name} is required: {{\"{name}\": {{\"employeeNumber\": \"E1234\"}}}} (or externalId, userName, email).");

    /// <summary>The reason (at most <see cref="HrJson.MaxReason"/> characters; empty counts as none).</summary>
    public string? Reason() => String("reason", HrJson.MaxReason, allowEmpty: true) is { Length: > 0 } reason ? reason : null;

    /// <summary>The effective value, its format checked (in UTC; the worker's zone is applied once the worker is known).</summary>
    public string? Effective(DateTimeOffset now)
    {
        var effective = String("effective", 64);
        if (effective is not null)
        {
            EffectiveTime.Resolve(effective, TimeZoneInfo.Utc, TimeOnly.MinValue, now, "effective");
        }
        return effective;
    }

    /// <summary>The time zone asked for, checked (400 naming timeZone for an unknown or Windows id).</summary>
    public string? TimeZone()
    {
        var zone = String("timeZone", 64);
        if (zone is not null)
        {
            EffectiveTime.Zone(zone, "timeZone");
        }
        return zone;
    }
}
