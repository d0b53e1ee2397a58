using System.Net.Http.Json;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Tests.Logs;

/// <summary>Log entries written straight to the database, as the push worker would.</summary>
public static class LogSeed
{
    /// <summary>A recent whole hour: far inside retention, and bucket boundaries are easy to place around it.</summary>
    public static DateTimeOffset BaseTime { get; } = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-2).AddHours(10);

    public static LogEntryRecord Entry(
        string sourceId = "u1",
        string? sourceName = "Alice Example",
        string action = LogActions.Create,
        string status = LogStatuses.Success,
        DateTimeOffset? at = null,
        string cycle = "cycle-1",
        string? errorCode = null,
        string initiatorType = Initiators.Scim,
        string initiator = "entra",
        string resourceType = ResourceKinds.User,
        string? targetId = null,
        string? message = null,
        string steps = """[{"name":"Received","status":"Success","detail":"from entra"},{"name":"Export","status":"Success","detail":"POST /Users 201"}]""",
        string modifiedProperties = """[{"name":"displayName","old":null,"new":"Alice Example"}]""") => new()
        {
            At = at ?? BaseTime,
            CycleId = cycle,
            DurationMs = 12.5,
            InitiatorType = initiatorType,
            Initiator = initiator,
            ResourceType = resourceType,
            SourceId = sourceId,
            SourceName = sourceName,
            SourceNameNormalized = sourceName is null ? null : ScimText.Fold(sourceName),
            TargetId = targetId,
            TargetName = sourceName,
            Action = action,
            Status = status,
            ErrorCode = errorCode,
            Message = message,
            Steps = steps,
            ModifiedProperties = modifiedProperties,
            Attempt = 1,
            Instance = "test",
        };

    /// <summary>An entry with no more than the dashboard counts: when, and how it ended.</summary>
    public static LogEntryRecord Counted(DateTimeOffset at, string status, string action = LogActions.Update) => new()
    {
        At = at,
        CycleId = "c",
        InitiatorType = Initiators.Scim,
        Initiator = "test",
        ResourceType = ResourceKinds.User,
        SourceId = "u1",
        Action = action,
        Status = status,
        Steps = "[]",
        ModifiedProperties = "[]",
        Instance = "test",
    };

    public static async Task<List<long>> InsertAsync(this ScimApp app, params LogEntryRecord[] entries)
    {
        await app.DbAsync(async db =>
        {
            db.LogEntries.AddRange(entries);
            return await db.SaveChangesAsync();
        });
        return entries.Select(e => e.Id).ToList();
    }

    public static async Task<(HttpResponseMessage Response, JsonNode? Body)> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static async Task<List<long>> IdsAsync(this HttpClient client, string query)
    {
        var (response, body) = await client.GetJsonAsync("/admin/api/logs" + query);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body?.ToJsonString()}");
        return body!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()).ToList();
    }

    public static async Task AssertProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(status, JsonNode.Parse(text)!["status"]!.GetValue<int>());
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path) => client.PostAsJsonAsync(path, new { });
}
