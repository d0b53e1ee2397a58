using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using ScimBridge.Monday;

namespace ScimBridge.Mirror.Monday;

/// <summary>One entry of a GraphQL answer's <c>errors</c>.</summary>
public sealed record MondayGraphQlError(string Message, string? Code, string? FieldName);

/// <summary>What a query answered once transport, credential and budget problems were dealt with.</summary>
public sealed record MondayGraphQlResponse(JsonObject? Data, IReadOnlyList<MondayGraphQlError> Errors);

/// <summary>
/// monday.com's GraphQL API (<c>Monday:ApiUrl</c>) for the mirror. Transient failures (429, 5xx, dropped connections)
/// are retried a bounded number of times (<c>Monday:MaxRetries</c>); an exhausted complexity budget is waited out as
/// told and never counts as a failure. Everything else that stops a query is a <see cref="MirrorSourceException"/>.
/// </summary>
public sealed partial class MondayGraphQlClient(
    IHttpClientFactory httpClients,
    IMondayApiCredentials credentials,
    IOptionsMonitor<MondayOptions> options,
    TimeProvider time,
    ILogger<MondayGraphQlClient> logger)
{
    public const string HttpClientName = "monday-graphql";

    private static readonly HashSet<HttpStatusCode> Transient =
    [
        HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout,
    ];

    private static readonly HashSet<string> UnauthorizedCodes =
        new(["UserUnauthorizedException", "Unauthorized", "UNAUTHENTICATED", "USER_ACCESS_DENIED", "InvalidTokenException"], StringComparer.OrdinalIgnoreCase);

    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultComplexityWait = TimeSpan.FromSeconds(60);

    /// <summary>The query's <c>data</c>; any entry in <c>errors</c> is a <see cref="MirrorSourceException"/> (QueryFailed).</summary>
    public async Task<JsonObject> QueryAsync(string query, CancellationToken cancellationToken)
    {
        var response = await SendAsync(query, cancellationToken);
        if (response.Errors.Count > 0 || response.Data is null)
        {
            throw new MirrorSourceException(MondaySourceCodes.QueryFailed,
                "monday.com refused the query: " + (response.Errors.Count > 0
                    ? string.Join("; ", response.Errors.Select(e => e.Message))
                    : "the answer has no data."));
        }
        return response.Data;
    }

    /// <summary>
    /// Sends <paramref name="query"/> until it gets an answer. Returns the answer with any application errors that are not
    /// about credentials or limits (e.g. a field this API version does not have); throws for those that are.
    /// </summary>
    public async Task<MondayGraphQlResponse> SendAsync(string query, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var o = options.CurrentValue;
            var credential = await credentials.GetAsync(cancellationToken)
                ?? throw new MirrorSourceException(MondaySourceCodes.NotConfigured,
                    "No monday.com API token (Monday:ApiToken) or OAuth connection is configured.");

            HttpStatusCode status;
            TimeSpan? retryAfter;
            string text;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, o.ApiUrl);
                request.Headers.TryAddWithoutValidation("Authorization", credential.AuthorizationHeader);
                request.Headers.TryAddWithoutValidation("API-Version", o.ApiVersion);
                request.Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
                status = response.StatusCode;
                retryAfter = MondayResilience.RetryAfter(response, time.GetUtcNow());
                text = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested
                && e is HttpRequestException or IOException or TaskCanceledException)
            {
                // A dropped connection, or HttpClient's own timeout.
                failures++;
                LogTransportFailure(logger, failures, o.MaxRetries, e.Message);
                await BackOffOrThrowAsync(failures, o, null, $"monday.com could not be reached: {e.Message}", e, cancellationToken);
                continue;
            }

            var body = MondayScimClient.ParseObject(text);
            var errors = Errors(body);
            if (ComplexityWait(body, errors) is { } wait)
            {
                LogComplexityWait(logger, wait.TotalSeconds);
                await Task.Delay(wait, time, cancellationToken);
                continue;
            }
            if (errors.FirstOrDefault(e => e.Code is "DAILY_LIMIT_EXCEEDED" or "DailyLimitExceeded") is { } daily)
            {
                throw new MirrorSourceException(MondaySourceCodes.DailyLimit,
                    $"monday.com's daily API call limit is used up (resets at midnight UTC): {daily.Message}");
            }
            if (errors.FirstOrDefault(e => e.Code is "missingRequiredPermissions") is { } scope)
            {
                throw new MirrorSourceException(MondaySourceCodes.MissingScope,
                    $"The monday.com credential lacks a permission the mirror needs: {scope.Message}");
            }
            if (errors.FirstOrDefault(IsUnauthorized) is { } denied)
            {
                throw new MirrorSourceException(MondaySourceCodes.Unauthorized,
                    $"monday.com refused the credential ({credential.Kind}): {denied.Message}");
            }
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new MirrorSourceException(MondaySourceCodes.Unauthorized,
                    $"monday.com refused the credential ({credential.Kind}) with HTTP {(int)status}.");
            }
            if (Transient.Contains(status))
            {
                failures++;
                LogTransientStatus(logger, (int)status, failures, o.MaxRetries);
                await BackOffOrThrowAsync(failures, o, retryAfter, $"monday.com kept answering HTTP {(int)status}.", null, cancellationToken);
                continue;
            }
            if ((int)status is < 200 or > 299)
            {
                throw new MirrorSourceException(MondaySourceCodes.QueryFailed,
                    $"monday.com answered HTTP {(int)status}" + (errors.Count > 0 ? ": " + string.Join("; ", errors.Select(e => e.Message)) : "."));
            }
            if (body is null)
            {
                throw new MirrorSourceException(MondaySourceCodes.QueryFailed, "monday.com answered with a body that is not a JSON object.");
            }
            return new MondayGraphQlResponse(body["data"] as JsonObject, errors);
        }
    }

    private async Task BackOffOrThrowAsync(
        int failures, MondayOptions o, TimeSpan? retryAfter, string message, Exception? inner, CancellationToken cancellationToken)
    {
        if (failures > o.MaxRetries)
        {
            throw new MirrorSourceException(MondaySourceCodes.Unavailable,
                $"{message} Gave up after {failures} attempts.", inner);
        }
        var backoff = TimeSpan.FromMilliseconds(o.BackoffBaseMilliseconds * Math.Pow(2, failures - 1) * (0.8 + (Random.Shared.NextDouble() * 0.4)));
        var wait = retryAfter is { } told && told > backoff ? told : backoff;
        await Task.Delay(Min(wait, retryAfter is null ? MaxBackoff : MaxWait), time, cancellationToken);
    }

    private static bool IsUnauthorized(MondayGraphQlError error) =>
        (error.Code is { } code && UnauthorizedCodes.Contains(code));

    /// <summary>How long monday says to wait for the complexity budget, or null when it is not exhausted.</summary>
    private static TimeSpan? ComplexityWait(JsonObject? body, IReadOnlyList<MondayGraphQlError> errors)
    {
        // The older body: {"error_code":"ComplexityException","status_code":429,"error_message":"... reset in 3 seconds"}.
        if (body is not null && Str(body["error_code"]) is "ComplexityException" or "COMPLEXITY_BUDGET_EXHAUSTED")
        {
            return Clamp(ResetSeconds(Str(body["error_message"])));
        }
        var complexity = body?["errors"] is JsonArray list
            ? list.OfType<JsonObject>().FirstOrDefault(e => Str(e["extensions"]?["code"]) is "ComplexityException" or "COMPLEXITY_BUDGET_EXHAUSTED")
            : null;
        if (complexity is null)
        {
            return errors.Any(e => e.Code is "ComplexityException" or "COMPLEXITY_BUDGET_EXHAUSTED") ? DefaultComplexityWait : null;
        }
        var seconds = complexity["extensions"]?["retry_in_seconds"] is JsonValue v && v.TryGetValue(out double s) ? s
            : ResetSeconds(Str(complexity["message"]));
        return Clamp(seconds);
    }

    private static double? ResetSeconds(string? message) =>
        message is not null && ResetIn().Match(message) is { Success: true } match
            ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : null;

    private static TimeSpan Clamp(double? seconds) => seconds is { } s
        ? Min(TimeSpan.FromSeconds(Math.Max(1, s)), MaxWait)
        : DefaultComplexityWait;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static IReadOnlyList<MondayGraphQlError> Errors(JsonObject? body)
    {
        if (body?["errors"] is not JsonArray list)
        {
            // Some older errors come as a single error_code / error_message pair.
            return body is not null && Str(body["error_code"]) is { } code
                ? [new MondayGraphQlError(Str(body["error_message"]) ?? code, code, null)]
                : [];
        }
        return [.. list.OfType<JsonObject>().Select(e => new MondayGraphQlError(
            Str(e["message"]) ?? "(no message)",
            Str(e["extensions"]?["code"]),
            Str(e["extensions"]?["fieldName"]) ?? (Str(e["message"]) is { } m && UndefinedField().Match(m) is { Success: true } f ? f.Groups[1].Value : null)))];
    }

    private static string? Str(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue(out string? s) ? s : v.ToJsonString()
        : null;

    [GeneratedRegex(@"reset in (\d+(?:\.\d+)?) seconds?", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ResetIn();

    [GeneratedRegex(@"^Field '(\w+)' doesn't exist on type", RegexOptions.CultureInvariant)]
    private static partial Regex UndefinedField();

    [LoggerMessage(Level = LogLevel.Information, Message = "monday.com complexity budget exhausted; waiting {Seconds} s as told.")]
    private static partial void LogComplexityWait(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "monday.com answered HTTP {Status}; failure {Failures} of at most {MaxRetries} retries.")]
    private static partial void LogTransientStatus(ILogger logger, int status, int failures, int maxRetries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "monday.com could not be reached (failure {Failures} of at most {MaxRetries} retries): {Reason}")]
    private static partial void LogTransportFailure(ILogger logger, int failures, int maxRetries, string reason);
}

/// <summary>The <see cref="MirrorSourceException.Code"/>s and <see cref="MirrorSourceProblem.Code"/>s the monday.com source uses.</summary>
public static class MondaySourceCodes
{
    public const string NotConfigured = "NotConfigured";
    public const string MissingScope = "MissingScope";
    public const string Unauthorized = "Unauthorized";
    public const string Unavailable = "Unavailable";
    public const string DailyLimit = "DailyLimit";
    public const string QueryFailed = "QueryFailed";
}
