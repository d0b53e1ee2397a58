using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ScimBridge.Monday;

public enum MondayFailure
{
    None,
    /// <summary>429, 5xx, timeouts, dropped connections, open circuit: after the pipeline's retries are exhausted.</summary>
    Retryable,
    /// <summary>The target refused the request (400, 404, 409, ...): retrying will not help.</summary>
    Invalid,
    /// <summary>401/403: the token is wrong or revoked; the caller quarantines the target.</summary>
    Credentials,
}

/// <summary>
/// One HTTP attempt. <see cref="BodyExcerpt"/> is the first 500 characters of the response body after the JSON
/// string values of <c>userName</c>, <c>emails</c>, <c>value</c>, <c>displayName</c> and <c>display</c> (a member's name) were replaced by
/// <c>"***"</c>, so the provisioning log keeps no names or e-mail addresses from those fields.
/// </summary>
public sealed record OutboundCall(
    string Method, string Path, int Status, double DurationMs, TimeSpan? RetryAfter, int Attempt, string? BodyExcerpt, DateTimeOffset At,
    string? RequestExcerpt = null);

public sealed record MondayResult(
    MondayFailure Failure,
    int Status,
    JsonObject? Resource,
    string? Detail,
    string? ScimType,
    IReadOnlyList<OutboundCall> Calls)
{
    public bool Success => Failure == MondayFailure.None;
    public string? Id => Resource?["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : Resource?["id"]?.ToJsonString();
}

/// <summary>The outbound SCIM client for a monday.com tenant. HTTP outcomes never throw; cancellation does.</summary>
public sealed partial class MondayScimClient
{
    private const string ScimMediaType = "application/scim+json";
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
    private const string PatchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private const int ExcerptLength = 500;

    private readonly HttpClient _http;
    private readonly MondayOptions _options;
    private readonly MondayResilience _resilience;
    private readonly Uri _base;

    public MondayScimClient(HttpClient http, IOptions<MondayOptions> options, MondayResilience resilience)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resilience);
        _http = http;
        _options = options.Value;
        _resilience = resilience;
        var url = _options.TenantUrl ?? throw new InvalidOperationException("Monday:TenantUrl is not configured.");
        _base = new Uri(url.EndsWith('/') ? url : url + "/");
    }

    /// <summary>Set for a dry run: its writes are answered by <see cref="Push.DryRunHandler"/>, in the pipeline.</summary>
    public Push.DryRun? DryRun { get; set; }

    /// <summary>
    /// Also finds users made in monday.com by hand: its listing shows only SCIM-provisioned users unless asked not to,
    /// and a user who already has a seat must be adopted, not duplicated.
    /// </summary>
    public Task<MondayResult> FindUserByUserNameAsync(string userName, CancellationToken cancellationToken = default) =>
        FindAsync("Users", "userName", userName, cancellationToken);

    /// <summary>The cheapest authenticated call: tells whether the target takes our token again.</summary>
    public Task<MondayResult> ProbeAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "Users?startIndex=1&count=1", null, cancellationToken);

    /// <summary>One page of every user, SCIM-provisioned or not (the mirror's fallback when no API token is configured).</summary>
    public Task<MondayResult> ListUsersAsync(int startIndex, int count, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Users?startIndex={startIndex}&count={count}&scim_provisioned_only=false"), null, cancellationToken);

    public Task<MondayResult> DeleteUserAsync(string mondayId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"Users/{Escape(mondayId)}", null, cancellationToken);

    public Task<MondayResult> CreateUserAsync(MappedUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(UserSchema),
            ["userName"] = user.UserName,
            ["displayName"] = user.DisplayName,
            ["userType"] = user.UserType,
            ["active"] = user.Active,
        };
        if (user.Title is not null) body["title"] = user.Title;
        if (user.Locale is not null) body["locale"] = user.Locale;
        if (user.Timezone is not null) body["timezone"] = user.Timezone;
        body["roles"] = new JsonArray([.. user.Roles.Select(r => (JsonNode)new JsonObject { ["value"] = r })]);
        return SendAsync(HttpMethod.Post, "Users", body, cancellationToken);
    }

    public Task<MondayResult> PatchUserAsync(
        string mondayId, IReadOnlyDictionary<string, JsonNode?> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        // A null value clears the attribute: RFC 7644 says so with "remove", not with a null "replace".
        var ops = changes.Select(c => (JsonNode)(c.Value is null
            ? new JsonObject { ["op"] = "remove", ["path"] = c.Key }
            : new JsonObject { ["op"] = "replace", ["path"] = c.Key, ["value"] = c.Value.DeepClone() }));
        return SendAsync(HttpMethod.Patch, $"Users/{Escape(mondayId)}", PatchBody(ops), cancellationToken);
    }

    public Task<MondayResult> DeactivateUserAsync(string mondayId, CancellationToken cancellationToken = default) =>
        PatchUserAsync(mondayId, new Dictionary<string, JsonNode?> { ["active"] = false }, cancellationToken);

    public Task<MondayResult> FindGroupByDisplayNameAsync(string displayName, CancellationToken cancellationToken = default) =>
        FindAsync("Groups", "displayName", displayName, cancellationToken);

    public Task<MondayResult> CreateGroupAsync(string displayName, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "Groups",
            new JsonObject { ["schemas"] = new JsonArray(GroupSchema), ["displayName"] = displayName }, cancellationToken);

    public Task<MondayResult> RenameGroupAsync(string groupId, string displayName, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Patch, $"Groups/{Escape(groupId)}",
            PatchBody([new JsonObject { ["op"] = "replace", ["path"] = "displayName", ["value"] = displayName }]), cancellationToken);

    public Task<MondayResult> AddMembersAsync(string groupId, IEnumerable<string> memberIds, CancellationToken cancellationToken = default) =>
        MembersAsync(groupId, memberIds, "add", cancellationToken);

    public Task<MondayResult> RemoveMembersAsync(string groupId, IEnumerable<string> memberIds, CancellationToken cancellationToken = default) =>
        MembersAsync(groupId, memberIds, "remove", cancellationToken);

    public Task<MondayResult> DeleteGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, $"Groups/{Escape(groupId)}", null, cancellationToken);

    /// <summary>One PATCH per chunk of <see cref="MondayOptions.MemberChunkSize"/>; stops at the first failure.</summary>
    private async Task<MondayResult> MembersAsync(string groupId, IEnumerable<string> memberIds, string op, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(memberIds);
        var calls = new List<OutboundCall>();
        MondayResult? last = null;
        foreach (var chunk in memberIds.Chunk(Math.Max(1, _options.MemberChunkSize)))
        {
            var members = new JsonArray([.. chunk.Select(id => (JsonNode)new JsonObject { ["value"] = id })]);
            last = await SendAsync(HttpMethod.Patch, $"Groups/{Escape(groupId)}",
                PatchBody([new JsonObject { ["op"] = op, ["path"] = "members", ["value"] = members }]), cancellationToken);
            calls.AddRange(last.Calls);
            if (!last.Success)
            {
                break;
            }
        }
        return last is null
            ? new MondayResult(MondayFailure.None, 0, null, null, null, calls)
            : last with { Calls = calls };
    }

    private async Task<MondayResult> FindAsync(string resource, string attribute, string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var literal = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        var filter = Uri.EscapeDataString($"{attribute} eq \"{literal}\"");
        var result = await SendAsync(HttpMethod.Get, $"{resource}?filter={filter}&scim_provisioned_only=false", null, cancellationToken);
        if (!result.Success)
        {
            return result;
        }
        var first = result.Resource?["Resources"] is JsonArray { Count: > 0 } list ? list[0] as JsonObject : null;
        return result with { Resource = (JsonObject?)first?.DeepClone() };
    }

    private static JsonObject PatchBody(IEnumerable<JsonNode> operations) => new()
    {
        ["schemas"] = new JsonArray(PatchSchema),
        ["Operations"] = new JsonArray([.. operations]),
    };

    private static string Escape(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Uri.EscapeDataString(id);
    }

    private async Task<MondayResult> SendAsync(HttpMethod method, string relative, JsonObject? body, CancellationToken cancellationToken)
    {
        var uri = new Uri(_base, relative);
        var json = body?.ToJsonString();
        var calls = new List<OutboundCall>();
        HttpResponseMessage response;
        string text;
        try
        {
            // The pipeline on the typed client (MondayResilience) sends it again on a retry, and writes each attempt to calls.
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ScimToken);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ScimMediaType));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, ScimMediaType);
            }
            request.Options.Set(OutboundCallLog.Key, new OutboundCallLog(calls, RedactQuery(uri), Excerpt(json)));
            if (DryRun is { } dryRun)
            {
                request.Options.Set(Push.DryRun.Key, dryRun);
            }
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
            && e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or OperationCanceledException)
        {
            var detail = e is BrokenCircuitException ? _resilience.CircuitOpenDetail() : OutboundFailure.Describe(e);
            return new MondayResult(MondayFailure.Retryable, 0, null, detail, null, calls);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var parsed = ParseObject(text);
            if (response.IsSuccessStatusCode)
            {
                return new MondayResult(MondayFailure.None, status, parsed, null, null, calls);
            }
            var failure = response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => MondayFailure.Credentials,
                HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => MondayFailure.Retryable,
                _ when status >= 500 => MondayFailure.Retryable,
                _ => MondayFailure.Invalid,
            };
            return new MondayResult(failure, status, null, Str(parsed?["detail"]), Str(parsed?["scimType"]), calls);
        }
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString();

    /// <summary>A response body as a JSON object, or null when it is empty or not one (an HTML error page, a proxy's text).</summary>
    internal static JsonObject? ParseObject(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The path as recorded: a filter's value is a userName or team name, so it is not kept.</summary>
    private static string RedactQuery(Uri uri) =>
        uri.Query.Contains("filter=", StringComparison.Ordinal)
            ? uri.AbsolutePath + "?filter=" + Uri.EscapeDataString("... eq \"***\"")
            : uri.PathAndQuery;

    /// <summary>Redacts first (so a cut never leaves half a name), then cuts to 500 characters.</summary>
    public static string? Excerpt(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return null;
        }
        var redacted = Pii().Replace(body, "\"$1\"$2\"***\"");
        redacted = PiiArray().Replace(redacted, "\"$1\"$2[\"***\"]");
        return redacted.Length <= ExcerptLength ? redacted : redacted[..ExcerptLength];
    }

    [GeneratedRegex("""
        "(userName|emails|value|displayName|display)"(\s*:\s*)"(?:[^"\\]|\\.)*"
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pii();

    // emails as an array of plain strings; arrays of objects are covered by their "value" keys.
    [GeneratedRegex("""
        "(emails)"(\s*:\s*)\[\s*"(?:[^"\]]|\\.)*\]
        """, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PiiArray();
}
