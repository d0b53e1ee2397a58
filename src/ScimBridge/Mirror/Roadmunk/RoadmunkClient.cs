using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace ScimBridge.Mirror.Roadmunk;

/// <summary>One user as Roadmunk's <c>users</c> query lists it.</summary>
public sealed record RoadmunkUser(
    string Id, string? DisplayName, string? FirstName, string? LastName, string? Email, string? AccountRole, DateTimeOffset? LastLogin, bool IsInvited);

public sealed record RoadmunkUsersPage(IReadOnlyList<RoadmunkUser> Page, bool HasMore);

/// <summary>What one operation answered: its data, or the GraphQL error's message and code; how many attempts it took.</summary>
public sealed record RoadmunkAnswer(int Status, JsonObject? Data, string? Error, string? Code, int Attempts, double DurationMs);

/// <summary>
/// Roadmunk's public GraphQL API. 429 and 5xx answers, timeouts and dropped connections are retried (honouring
/// <c>Retry-After</c> up to <see cref="RoadmunkOptions.MaxRetryAfterSeconds"/>); what is left is thrown as a
/// <see cref="MirrorSourceException"/>: Unauthorized, Unavailable, Rejected (a GraphQL error) or BadResponse.
/// </summary>
public sealed partial class RoadmunkClient
{
    private const string UsersQuery =
        "query Users($limit: Int!, $offset: Int!) { users(limit: $limit, offset: $offset) "
        + "{ page { id displayName firstName lastName email accountRole lastLogin isInvited } hasMore } }";

    private const string SearchQuery =
        "query Search($search: String!, $limit: Int!, $offset: Int!) { users(limit: $limit, offset: $offset, searchString: $search) "
        + "{ page { id displayName firstName lastName email accountRole lastLogin isInvited } hasMore } }";

    private static readonly HashSet<HttpStatusCode> Transient =
    [
        HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout, HttpStatusCode.RequestTimeout,
    ];

    private readonly HttpClient _http;
    private readonly RoadmunkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RoadmunkClient> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public RoadmunkClient(HttpClient http, IOptions<RoadmunkOptions> options, TimeProvider time, ILogger<RoadmunkClient> logger)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        _time = time;
        _logger = logger;
        // The per-attempt timeout is the HttpClient's own, so only the waits between attempts run on the TimeProvider.
        _http.Timeout = TimeSpan.FromSeconds(_options.AttemptTimeoutSeconds);
        _pipeline = BuildPipeline();
    }

    public bool Configured => !string.IsNullOrWhiteSpace(_options.ApiToken);

    /// <summary>Where requests go (regional gateway or BaseUrl).</summary>
    public Uri Endpoint => _options.GraphQlUri();

    public async Task<RoadmunkUsersPage> UsersAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        var data = await QueryAsync(UsersQuery, new JsonObject { ["limit"] = limit, ["offset"] = offset }, cancellationToken);
        if (data["users"] is not JsonObject users || users["page"] is not JsonArray page)
        {
            throw BadResponse("the users query answered without users.page");
        }
        return new RoadmunkUsersPage([.. page.Select(ToUser)], users["hasMore"] is JsonValue more && more.TryGetValue(out bool hasMore) && hasMore);
    }

    /// <summary>The users whose name or email contains <paramref name="email"/>, for a fresh look at one seat.</summary>
    public async Task<IReadOnlyList<RoadmunkUser>> SearchAsync(string email, CancellationToken cancellationToken)
    {
        var data = await QueryAsync(SearchQuery, new JsonObject { ["search"] = email, ["limit"] = 20, ["offset"] = 0 }, cancellationToken);
        return data["users"]?["page"] is JsonArray page ? [.. page.Select(ToUser)] : throw BadResponse("the users query answered without users.page");
    }

    /// <summary><c>deactivateUser</c>; a refusal (not found, a role that cannot be deactivated) is in the answer, not thrown.</summary>
    public Task<RoadmunkAnswer> DeactivateAsync(string id, string? email, CancellationToken cancellationToken)
    {
        var input = new JsonObject { ["id"] = id };
        if (email is not null)
        {
            input["email"] = email;
        }
        return SendAsync("mutation Deactivate($input: DeactivateUserInput!) { deactivateUser(deactivateUserInput: $input) }",
            new JsonObject { ["input"] = input }, cancellationToken);
    }

    /// <summary><c>inviteUser</c> with the role; a refusal (the email exists) is in the answer, not thrown.</summary>
    public Task<RoadmunkAnswer> InviteAsync(string email, string accountRole, CancellationToken cancellationToken) =>
        SendAsync("mutation Invite($email: String!, $role: AccountRole!) { inviteUser(email: $email, accountRole: $role) { id } }",
            new JsonObject { ["email"] = email, ["role"] = accountRole }, cancellationToken);

    private async Task<JsonObject> QueryAsync(string query, JsonObject variables, CancellationToken cancellationToken)
    {
        var answer = await SendAsync(query, variables, cancellationToken);
        if (answer.Error is not null)
        {
            throw new MirrorSourceException("Rejected", $"Roadmunk refused the query (HTTP {answer.Status}: {answer.Error}{(answer.Code is { } code ? $" ({code})" : "")}).");
        }
        return answer.Data ?? throw BadResponse("no data");
    }

    /// <summary>
    /// Sends one operation until it gets an answer: transport failures, credentials and malformed answers are thrown
    /// (<see cref="MirrorSourceException"/>); a GraphQL error is returned, with its message and code.
    /// </summary>
    public async Task<RoadmunkAnswer> SendAsync(string query, JsonObject variables, CancellationToken cancellationToken)
    {
        if (!Configured)
        {
            throw new MirrorSourceException("NotConfigured", "Roadmunk:ApiToken is not set.");
        }
        var body = new JsonObject { ["query"] = query, ["variables"] = variables }.ToJsonString();
        var started = _time.GetTimestamp();
        var attempts = 0;
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async ct =>
                {
                    attempts++;
                    return await SendOnceAsync(body, ct);
                }, cancellationToken);
        }
        catch (Exception e) when (IsTransport(e, cancellationToken))
        {
            throw new MirrorSourceException("Unavailable", $"Roadmunk could not be reached at {Endpoint.Host} after {_options.MaxRetries + 1} attempts: {e.Message}", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            var json = Parse(text);
            var error = json?["errors"] is JsonArray { Count: > 0 } errors ? errors[0] : null;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || IsAuthError(error))
            {
                throw new MirrorSourceException("Unauthorized",
                    $"Roadmunk refused the API token (HTTP {(int)response.StatusCode}{Describe(error)}): set Roadmunk:ApiToken to a token of an account admin.");
            }
            if (Transient.Contains(response.StatusCode))
            {
                throw new MirrorSourceException("Unavailable",
                    $"Roadmunk answered HTTP {(int)response.StatusCode} after {_options.MaxRetries + 1} attempts{Describe(error)}.");
            }
            var status = (int)response.StatusCode;
            var elapsed = _time.GetElapsedTime(started).TotalMilliseconds;
            if (error is not null)
            {
                return new RoadmunkAnswer(status, null, (string?)error["message"] ?? "(no message)", (string?)error["extensions"]?["code"], attempts, elapsed);
            }
            if (!response.IsSuccessStatusCode)
            {
                throw BadResponse(status == 404
                    ? $"HTTP 404 from {Endpoint} (Roadmunk:BaseUrl is the gateway without /public/graphql)"
                    : $"HTTP {status}: {Excerpt(text)}");
            }
            return new RoadmunkAnswer(status, json?["data"] as JsonObject ?? throw BadResponse($"no data in {Excerpt(text)}"), null, null, attempts, elapsed);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await _http.SendAsync(request, cancellationToken);
        LogResponse(_logger, (int)response.StatusCode, Endpoint.Host, response.Headers.RetryAfter?.Delta?.TotalSeconds);
        return response;
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        // Polly's retry takes at least one retry: MaxRetries = 0 means a single attempt.
        if (_options.MaxRetries > 0)
        {
            var maxWait = TimeSpan.FromSeconds(_options.MaxRetryAfterSeconds);
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } r
                    ? Transient.Contains(r.StatusCode)
                    : args.Outcome.Exception is { } e && IsTransport(e, args.Context.CancellationToken)),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(_options.BackoffBaseMilliseconds),
                MaxDelay = maxWait > TimeSpan.Zero ? maxWait : TimeSpan.FromMilliseconds(_options.BackoffBaseMilliseconds),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, maxWait)),
                OnRetry = args =>
                {
                    LogRetry(_logger, args.AttemptNumber + 1, args.Outcome.Result is { } r ? ((int)r.StatusCode).ToString(CultureInfo.InvariantCulture)
                        : args.Outcome.Exception?.GetType().Name ?? "?", args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }
        return builder.Build();
    }

    private TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan max)
    {
        var header = response?.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - _time.GetUtcNow() : null);
        if (wait is not { } w)
        {
            return null;
        }
        return w < TimeSpan.Zero ? TimeSpan.Zero : w > max ? max : w;
    }

    /// <summary>A dropped connection or an attempt that timed out (not the caller cancelling).</summary>
    private static bool IsTransport(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static bool IsAuthError(JsonNode? error) =>
        error is not null && ((string?)error["extensions"]?["code"] is "UNAUTHENTICATED" or "UNAUTHORIZED" or "FORBIDDEN" or "INVALID_TOKEN"
            || ((string?)error["message"])?.Contains("unauthorized", StringComparison.OrdinalIgnoreCase) == true);

    private static string Describe(JsonNode? error) => error is null ? ""
        : $": {(string?)error["message"]}{((string?)error["extensions"]?["code"] is { } code ? $" ({code})" : "")}";

    private static JsonNode? Parse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static RoadmunkUser ToUser(JsonNode? node)
    {
        if (node is not JsonObject user || Text(user["id"]) is not { Length: > 0 } id)
        {
            throw BadResponse($"a user without an id: {Excerpt(node?.ToJsonString() ?? "null")}");
        }
        return new RoadmunkUser(id, Text(user["displayName"]), Text(user["firstName"]), Text(user["lastName"]), Text(user["email"]),
            Text(user["accountRole"]), Time(user["lastLogin"]),
            user["isInvited"] is JsonValue invited && invited.TryGetValue(out bool isInvited) && isInvited);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue(out string? s) ? s : value.ToJsonString()
        : null;

    /// <summary>ISO 8601, or milliseconds since the epoch (Roadmunk does not document which it sends).</summary>
    private static DateTimeOffset? Time(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }
        if (value.TryGetValue(out long millis))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds(millis);
        }
        if (value.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text))
        {
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }
            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out millis))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(millis);
            }
            throw BadResponse($"lastLogin '{Excerpt(text)}' is not a time");
        }
        return null;
    }

    private static MirrorSourceException BadResponse(string what) => new("BadResponse", $"Roadmunk sent an answer the bridge cannot read: {what}.");

    private static string Excerpt(string text) => text.Length <= 200 ? text : text[..200] + "…";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Roadmunk {Host} answered {Status} (Retry-After {RetryAfterSeconds} s)")]
    private static partial void LogResponse(ILogger logger, int status, string host, double? retryAfterSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Roadmunk call failed ({Outcome}); attempt {Attempt} in {DelayMilliseconds} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, string outcome, double delayMilliseconds);
}
