using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ScimBridge.Monday;

namespace ScimBridge.Mirror.Monday;

/// <summary>
/// Every monday.com user as a seat, over GraphQL when an API token or OAuth connection is configured, else over the
/// SCIM tenant (<see cref="MondayScimSeatSource"/>). Reads both user shapes: 2025-07's booleans (<c>enabled</c>,
/// <c>is_admin</c>, …) and 2026-07/2026-10's <c>status</c>, <c>is_deleted</c> and <c>kind</c>.
/// </summary>
public sealed partial class MondaySeatSource(
    MondayGraphQlClient graphQl,
    IMondayApiCredentials credentials,
    MondayScimSeatSource scim,
    IOptionsMonitor<MondayOptions> options,
    ILogger<MondaySeatSource> logger) : ISeatSource
{
    /// <summary>The version that has <c>status</c>, <c>is_deleted</c> and <c>became_active_at</c>.</summary>
    private const string NewShapeVersion = "2026-07";

    private static readonly string[] LegacyFields =
        ["id", "email", "name", "enabled", "is_admin", "is_guest", "is_view_only", "is_pending", "created_at", "last_activity"];

    private static readonly string[] NewFields =
        ["id", "email", "name", "kind", "status", "is_deleted", "created_at", "last_activity"];

    /// <summary>Fields the listing can do without when an API version lacks them.</summary>
    private static readonly HashSet<string> Optional = ["kind", "last_activity", "created_at", "name"];

    // Remembered across runs: the shape monday last accepted, for the API version configured then.
    private volatile LearnedShape? _learned;

    public string App => MirrorApps.Monday;

    public async Task<MirrorSourceProblem?> CheckAsync(CancellationToken cancellationToken)
    {
        var credential = await credentials.GetAsync(cancellationToken);
        if (credential is null)
        {
            return scim.IsConfigured
                ? null
                : new MirrorSourceProblem(MondaySourceCodes.NotConfigured,
                    "monday.com is not configured: set Monday:ApiToken, connect the OAuth app, or configure the SCIM tenant (Monday:TenantUrl and Monday:ScimToken).");
        }
        var missing = MondayScopes.Missing(credential, MondayScopes.Mirror);
        return missing.Count == 0
            ? null
            : new MirrorSourceProblem(MondaySourceCodes.MissingScope,
                $"The monday.com OAuth connection lacks the scope{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}; reconnect it granting {string.Join(", ", MondayScopes.Mirror)}.");
    }

    public async Task<AppAccount> GetAccountAsync(CancellationToken cancellationToken)
    {
        if (await credentials.GetAsync(cancellationToken) is null)
        {
            // SCIM says nothing of the account or its plan.
            return scim.IsConfigured ? new AppAccount(null, null, null, null) : throw NotConfigured();
        }
        var data = await graphQl.QueryAsync("query { account { id name active_members_count plan { max_users } } }", cancellationToken);
        var account = data["account"] as JsonObject
            ?? throw new MirrorSourceException(MondaySourceCodes.QueryFailed, "monday.com answered without the account.");
        return new AppAccount(
            Str(account["id"]),
            Str(account["name"]),
            Int(account["plan"]?["max_users"]),
            Int(account["active_members_count"]));
    }

    public async IAsyncEnumerable<IReadOnlyList<AppSeat>> ListSeatsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await credentials.GetAsync(cancellationToken) is null)
        {
            if (!scim.IsConfigured)
            {
                throw NotConfigured();
            }
            await foreach (var page in scim.ListSeatsAsync(cancellationToken))
            {
                yield return page;
            }
            yield break;
        }

        var o = options.CurrentValue;
        var limit = o.UsersPageSize;
        var shape = new Shape
        {
            Version = o.ApiVersion,
            New = _learned is { } learned && learned.ApiVersion == o.ApiVersion
                ? learned.New
                : string.CompareOrdinal(o.ApiVersion, NewShapeVersion) >= 0,
        };
        string? previousFirstId = null;
        for (var page = 1; ; page++)
        {
            var users = await UsersPageAsync(page, limit, shape, cancellationToken);
            if (users.Count > 0 && Str(users[0]?["id"]) is { } firstId)
            {
                if (firstId == previousFirstId)
                {
                    throw new MirrorSourceException(MondaySourceCodes.QueryFailed,
                        $"monday.com answered page {page} of users with page {page - 1} again; the listing cannot be trusted.");
                }
                previousFirstId = firstId;
            }
            var seats = users.OfType<JsonObject>().Select(ToSeat).OfType<AppSeat>().ToList();
            if (seats.Count > 0)
            {
                yield return seats;
            }
            if (users.Count < limit)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// One page of users. When monday says a field does not exist on User: a field only one shape has means this API
    /// version serves the other (ask again in it, and keep asking so); an optional field is left out; anything else fails the run.
    /// </summary>
    private async Task<JsonArray> UsersPageAsync(int page, int limit, Shape shape, CancellationToken cancellationToken)
    {
        while (true)
        {
            var fields = (shape.New ? NewFields : LegacyFields).Where(f => !shape.Dropped.Contains(f));
            var query = string.Create(CultureInfo.InvariantCulture,
                $"query {{ users(limit: {limit}, page: {page}) {{ {string.Join(' ', fields)} }} }}");
            var response = await graphQl.SendAsync(query, cancellationToken);
            if (response.Errors.Count == 0)
            {
                return response.Data?["users"] as JsonArray
                    ?? throw new MirrorSourceException(MondaySourceCodes.QueryFailed, "monday.com answered without the users.");
            }
            var undefined = response.Errors.Select(e => e.FieldName).OfType<string>().ToList();
            var ownFields = shape.New ? NewFields.Except(LegacyFields) : LegacyFields.Except(NewFields);
            // At most there and back per page, so two versions that both refuse cannot loop.
            if (undefined.Count == response.Errors.Count && undefined.Any(f => ownFields.Contains(f) && !Optional.Contains(f))
                && shape.Switches++ < 2)
            {
                shape.New = !shape.New;
                _learned = new LearnedShape(shape.Version, shape.New);
                LogShapeSwitch(logger, string.Join(", ", undefined), shape.New ? "2026-07/2026-10" : "2025-07");
                continue;
            }
            if (undefined.Count == response.Errors.Count && undefined.All(Optional.Contains)
                && undefined.Where(f => !shape.Dropped.Contains(f)).ToList() is { Count: > 0 } lacking)
            {
                shape.Dropped.UnionWith(lacking);
                LogFieldDropped(logger, string.Join(", ", undefined));
                continue;
            }
            throw new MirrorSourceException(MondaySourceCodes.QueryFailed,
                "monday.com refused the users query: " + string.Join("; ", response.Errors.Select(e => e.Message)));
        }
    }

    /// <summary>What the listing asks for: the newer user shape or the older, less what this API version lacks.</summary>
    private sealed class Shape
    {
        public required string Version { get; init; }
        public bool New { get; set; }
        public int Switches { get; set; }
        public HashSet<string> Dropped { get; } = new(StringComparer.Ordinal);
    }

    private sealed record LearnedShape(string ApiVersion, bool New);

    /// <summary>Null for a deleted user: it holds no seat any more, so the mirror should see it gone rather than inactive.</summary>
    private static AppSeat? ToSeat(JsonObject user)
    {
        if (Bool(user["is_deleted"]) == true)
        {
            return null;
        }
        var id = Str(user["id"]) ?? throw new MirrorSourceException(MondaySourceCodes.QueryFailed, "monday.com listed a user without an id.");
        return new AppSeat(
            id,
            Str(user["email"]),
            Str(user["name"]),
            SeatType(user),
            Status(user),
            Time(user["created_at"]),
            Time(user["last_activity"]));
    }

    /// <summary>The seat type from either user shape: <c>kind</c> (newer versions), else the is_admin / is_guest / is_view_only flags.</summary>
    internal static string SeatType(JsonObject user)
    {
        if (Str(user["kind"]) is { } kind)
        {
            return kind.ToUpperInvariant() switch
            {
                "ADMIN" => SeatTypes.Admin,
                "GUEST" => SeatTypes.Guest,
                "VIEW_ONLY" or "VIEWER" => SeatTypes.Viewer,
                _ => SeatTypes.Member,
            };
        }
        return Bool(user["is_admin"]) == true ? SeatTypes.Admin
            : Bool(user["is_guest"]) == true ? SeatTypes.Guest
            : Bool(user["is_view_only"]) == true ? SeatTypes.Viewer
            : SeatTypes.Member;
    }

    private static string Status(JsonObject user)
    {
        if (Str(user["status"]) is { } status)
        {
            return status.ToUpperInvariant() switch
            {
                "PENDING" => SeatStatuses.Pending,
                "INACTIVE" => SeatStatuses.Inactive,
                _ => SeatStatuses.Active,
            };
        }
        return Bool(user["is_pending"]) == true ? SeatStatuses.Pending
            : Bool(user["enabled"]) == false ? SeatStatuses.Inactive
            : SeatStatuses.Active;
    }

    private static MirrorSourceException NotConfigured() => new(MondaySourceCodes.NotConfigured,
        "monday.com is not configured: set Monday:ApiToken, connect the OAuth app, or configure the SCIM tenant.");

    private static string? Str(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue(out string? s) ? s : v.ToJsonString()
        : null;

    private static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue(out bool b) ? b : null;

    private static int? Int(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue(out int i) ? i
        : v.TryGetValue(out string? s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p
        : null
        : null;

    /// <summary>ISO 8601, a date alone read as midnight UTC (older versions' <c>created_at</c>).</summary>
    internal static DateTimeOffset? Time(JsonNode? node) =>
        Str(node) is { Length: > 0 } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "monday.com has no {Fields} on User in this API version; reading the {Shape} user shape.")]
    private static partial void LogShapeSwitch(ILogger logger, string fields, string shape);

    [LoggerMessage(Level = LogLevel.Warning, Message = "monday.com has no {Fields} on User in this API version; listing without.")]
    private static partial void LogFieldDropped(ILogger logger, string fields);
}
