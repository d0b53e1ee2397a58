using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ScimBridge.Monday;

namespace ScimBridge.Mirror.Monday;

/// <summary>
/// The seats as monday.com's SCIM tenant lists them (<c>scim_provisioned_only=false</c>, so hand-made users too): the
/// fallback when no API credential is configured. SCIM knows no last activity and no pending invitations; the seat
/// type is the user's <c>userType</c>, else a role naming one, else member.
/// </summary>
public sealed class MondayScimSeatSource(IServiceProvider services, IOptionsMonitor<MondayOptions> options)
{
    /// <summary>monday.com documents no SCIM page size; the listing follows startIndex by what each page holds, so a server cap is harmless.</summary>
    private const int PageSize = 100;

    public bool IsConfigured => options.CurrentValue is { TenantUrl.Length: > 0, ScimToken.Length: > 0 };

    public async IAsyncEnumerable<IReadOnlyList<AppSeat>> ListSeatsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Resolved only now: the client refuses to exist without a tenant URL.
        var client = services.GetRequiredService<MondayScimClient>();
        var startIndex = 1;
        while (true)
        {
            var result = await client.ListUsersAsync(startIndex, PageSize, cancellationToken);
            if (!result.Success)
            {
                throw new MirrorSourceException(result.Failure switch
                {
                    MondayFailure.Credentials => MondaySourceCodes.Unauthorized,
                    MondayFailure.Retryable => MondaySourceCodes.Unavailable,
                    _ => MondaySourceCodes.QueryFailed,
                }, $"monday.com's SCIM listing failed{(result.Status > 0 ? $" with HTTP {result.Status}" : "")}: {result.Detail ?? "no detail"}");
            }
            var resources = result.Resource?["Resources"] as JsonArray ?? [];
            var seats = resources.OfType<JsonObject>().Select(ToSeat).ToList();
            if (seats.Count > 0)
            {
                yield return seats;
            }
            startIndex += resources.Count;
            var total = result.Resource?["totalResults"] is JsonValue t && t.TryGetValue(out int n) ? n : (int?)null;
            if (resources.Count == 0 || (total is { } all && startIndex > all))
            {
                yield break;
            }
        }
    }

    private static AppSeat ToSeat(JsonObject user) => new(
        Str(user["id"]) ?? throw new MirrorSourceException(MondaySourceCodes.QueryFailed, "monday.com's SCIM listing has a user without an id."),
        Str(user["userName"]) ?? PrimaryEmail(user),
        Str(user["displayName"]),
        SeatType(user),
        user["active"] is JsonValue a && a.TryGetValue(out bool active) && !active ? SeatStatuses.Inactive : SeatStatuses.Active,
        Str(user["meta"]?["created"]) is { } created
            && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
        null);

    private static string SeatType(JsonObject user)
    {
        var seatTypes = SeatTypes.For(MirrorApps.Monday);
        var candidates = new[] { Str(user["userType"]) }
            .Concat((user["roles"] as JsonArray ?? []).Select(r => r is JsonObject role ? Str(role["value"]) ?? Str(role["display"]) : Str(r)));
        return candidates
            .Select(c => c?.Trim().ToLowerInvariant() switch
            {
                "view_only" or "viewer" => SeatTypes.Viewer,
                { } other when seatTypes.Contains(other) => other,
                _ => null,
            })
            .FirstOrDefault(t => t is not null) ?? SeatTypes.Member;
    }

    private static string? PrimaryEmail(JsonObject user) =>
        (user["emails"] as JsonArray ?? []).OfType<JsonObject>().Select(e => Str(e["value"])).FirstOrDefault(v => v is not null);

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
