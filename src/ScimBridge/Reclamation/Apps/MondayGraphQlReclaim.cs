using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Monday;
using ScimBridge.Monday;

namespace ScimBridge.Reclamation.Apps;

/// <summary>
/// monday.com over GraphQL: <c>users(ids:)</c> for the fresh read, <c>update_users_role</c> / <c>deactivate_users</c> /
/// <c>activate_users</c> in batches. Every request goes through the push's client and its pipeline
/// (<see cref="MondayResilience"/>): the shared pace, the retries and the circuit breaker, so a reclaim wave and the push together stay under monday's limit.
/// </summary>
public sealed class MondayGraphQlReclaim(
    IHttpClientFactory httpClients,
    IMondayApiCredentials credentials,
    IOptionsMonitor<MondayOptions> options) : IReclaimApp
{
    private const string NewShapeVersion = "2026-07";
    private const string LegacyFields = "id enabled is_admin is_guest is_view_only is_pending last_activity";
    private const string NewFields = "id kind status is_deleted last_activity";

    // 0: not learned yet, 1: the older user shape, 2: the newer.
    private volatile int _shape;

    public string Via => "monday.com (GraphQL)";

    public async Task<SeatCheck> CheckAsync(IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        var newShape = _shape == 0 ? string.CompareOrdinal(o.ApiVersion, NewShapeVersion) >= 0 : _shape == 2;
        for (var attempt = 0; ; attempt++)
        {
            var query = string.Create(CultureInfo.InvariantCulture,
                $"query {{ users(ids: [{Ids(batch)}], limit: {batch.Count}) {{ {(newShape ? NewFields : LegacyFields)} }} }}");
            var body = await SendAsync(query, "users", calls, cancellationToken);
            if (Errors(body) is { Count: > 0 } errors)
            {
                // A field this API version lacks: the other user shape (as the mirror's seat source learns it).
                if (attempt == 0 && errors.All(e => e.Message.Contains("doesn't exist on type", StringComparison.Ordinal)))
                {
                    newShape = !newShape;
                    continue;
                }
                throw new ReclaimTransportException("monday.com refused the users query: " + string.Join("; ", errors.Select(e => e.Message)));
            }
            _shape = newShape ? 2 : 1;
            var seats = new Dictionary<string, SeatNow>(StringComparer.Ordinal);
            foreach (var user in (body["data"]?["users"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (Bool(user["is_deleted"]) != true && Str(user["id"]) is { } accountId)
                {
                    seats[accountId] = new SeatNow(accountId, MondaySeatSource.Time(user["last_activity"]), MondaySeatSource.SeatType(user), Active(user));
                }
            }
            return new SeatCheck(seats, null);
        }
    }

    public async Task<IReadOnlyDictionary<string, SeatOutcome>> ActAsync(
        string action, IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken) =>
        action switch
        {
            ReclaimActions.Downgrade => await MutateAsync("update_users_role", "new_role: VIEW_ONLY", "updated_users", batch, calls, cancellationToken),
            ReclaimActions.Deactivate => await MutateAsync("deactivate_users", null, "deactivated_users", batch, calls, cancellationToken),
            _ => batch.ToDictionary(c => c.AccountId, _ => SeatOutcome.Refused($"monday.com has no '{action}' reclaim.", null)),
        };

    public async Task<IReadOnlyDictionary<string, SeatOutcome>> UndoAsync(
        IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, SeatOutcome>(StringComparer.Ordinal);
        foreach (var group in batch.GroupBy(c => c.Action == ReclaimActions.Deactivate ? null : Role(c.PreviousSeatType)))
        {
            var outcomes = group.Key is null
                ? await MutateAsync("activate_users", null, "activated_users", [.. group], calls, cancellationToken)
                : await MutateAsync("update_users_role", $"new_role: {group.Key}", "updated_users", [.. group], calls, cancellationToken);
            foreach (var (id, outcome) in outcomes)
            {
                result[id] = outcome;
            }
        }
        return result;
    }

    /// <summary>The role monday.com's <c>update_users_role</c> takes for a mirror seat type.</summary>
    public static string Role(string? seatType) => seatType switch
    {
        SeatTypes.Admin => "ADMIN",
        SeatTypes.Guest => "GUEST",
        SeatTypes.Viewer => "VIEW_ONLY",
        _ => "MEMBER",
    };

    private async Task<IReadOnlyDictionary<string, SeatOutcome>> MutateAsync(
        string mutation, string? argument, string resultField, IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls,
        CancellationToken cancellationToken)
    {
        var query = $"mutation {{ {mutation}(user_ids: [{Ids(batch)}]{(argument is null ? "" : ", " + argument)}) {{ {resultField} {{ id }} errors {{ message code user_id }} }} }}";
        JsonObject body;
        try
        {
            body = await SendAsync(query, mutation, calls, cancellationToken);
        }
        catch (ReclaimTransportException e)
        {
            return batch.ToDictionary(c => c.AccountId, _ => SeatOutcome.Failed(e.Message));
        }
        if (body["data"]?[mutation] is not JsonObject result)
        {
            // The whole request was refused (EXCEEDS_BATCH_LIMIT, a validation error): nothing was changed.
            var errors = Errors(body);
            var message = errors.Count > 0 ? string.Join("; ", errors.Select(e => e.Message)) : "monday.com answered without a result.";
            return batch.ToDictionary(c => c.AccountId, _ => SeatOutcome.Refused(message, errors.FirstOrDefault()?.Code));
        }
        var done = (result[resultField] as JsonArray ?? []).Select(u => Str(u?["id"])).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var refused = (result["errors"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(e => Str(e["user_id"]) is not null)
            .GroupBy(e => Str(e["user_id"])!)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return batch.ToDictionary(c => c.AccountId, c =>
            refused.TryGetValue(c.AccountId, out var error) ? SeatOutcome.Refused(Str(error["message"]) ?? "(no message)", Str(error["code"]))
            : done.Contains(c.AccountId) ? SeatOutcome.Success
            : SeatOutcome.Refused("monday.com neither changed nor refused the user.", null));
    }

    /// <summary>
    /// One request through the push's client: paced, retried (honouring Retry-After), behind the circuit breaker.
    /// Transport failures, refused credentials and an exhausted budget are a <see cref="ReclaimTransportException"/>.
    /// </summary>
    private async Task<JsonObject> SendAsync(string query, string operation, List<OutboundCall> calls, CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        var credential = await credentials.GetAsync(cancellationToken)
            ?? throw new ReclaimTransportException("No monday.com API token (Monday:ApiToken) or OAuth connection is configured.");
        var json = new JsonObject { ["query"] = query }.ToJsonString();
        HttpResponseMessage response;
        string text;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, o.ApiUrl);
            request.Headers.TryAddWithoutValidation("Authorization", credential.AuthorizationHeader);
            request.Headers.TryAddWithoutValidation("API-Version", o.ApiVersion);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            request.Options.Set(OutboundCallLog.Key, new OutboundCallLog(calls, $"{new Uri(o.ApiUrl).AbsolutePath} {operation}"));
            response = await httpClients.CreateClient(nameof(MondayScimClient)).SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested
            && e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or OperationCanceledException)
        {
            throw new ReclaimTransportException($"monday.com could not be reached: {e.Message}", e);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var body = MondayScimClient.ParseObject(text);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new ReclaimTransportException($"monday.com refused the credential ({credential.Kind}) with HTTP {status}.");
            }
            if (status == 429 || status >= 500)
            {
                throw new ReclaimTransportException($"monday.com kept answering HTTP {status}.");
            }
            if (body is null)
            {
                throw new ReclaimTransportException($"monday.com answered HTTP {status} with a body that is not a JSON object.");
            }
            if (Errors(body).FirstOrDefault(e => e.Code is "ComplexityException" or "COMPLEXITY_BUDGET_EXHAUSTED" or "DAILY_LIMIT_EXCEEDED"
                or "DailyLimitExceeded" or "UserUnauthorizedException" or "Unauthorized" or "UNAUTHENTICATED" or "USER_ACCESS_DENIED"
                or "InvalidTokenException" or "missingRequiredPermissions") is { } limit)
            {
                throw new ReclaimTransportException($"monday.com refused the request ({limit.Code}): {limit.Message}");
            }
            return body;
        }
    }

    private static string Ids(IEnumerable<ReclaimCandidateRecord> batch) =>
        string.Join(", ", batch.Select(c => long.TryParse(c.AccountId, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? c.AccountId
            : "\"" + c.AccountId.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));

    private static List<MondayGraphQlError> Errors(JsonObject body)
    {
        if (body["errors"] is JsonArray list)
        {
            return [.. list.OfType<JsonObject>().Select(e => new MondayGraphQlError(Str(e["message"]) ?? "(no message)", Str(e["extensions"]?["code"]), null))];
        }
        return Str(body["error_code"]) is { } code ? [new MondayGraphQlError(Str(body["error_message"]) ?? code, code, null)] : [];
    }

    private static bool? Active(JsonObject user) =>
        Str(user["status"]) is { } status ? !string.Equals(status, "INACTIVE", StringComparison.OrdinalIgnoreCase) : Bool(user["enabled"]);

    private static string? Str(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue(out string? s) ? s : v.ToJsonString()
        : null;

    private static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue(out bool b) ? b : null;
}
