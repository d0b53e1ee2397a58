using System.Text.Json.Nodes;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Monday;

namespace ScimBridge.Reclamation.Apps;

/// <summary>
/// monday.com over its SCIM tenant, when reclaims go that way (<c>Reclamation:MondayVia</c> scim, or auto without a
/// GraphQL credential): one PATCH per user (its SCIM id is the monday.com user id). SCIM shows no activity, so
/// nothing is re-read before acting.
/// </summary>
public sealed class MondayScimReclaim(IServiceScopeFactory scopes) : IReclaimApp
{
    public string Via => "monday.com (SCIM)";

    public Task<SeatCheck> CheckAsync(IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken) =>
        Task.FromResult(new SeatCheck(null,
            "monday.com's SCIM API shows no activity and no GraphQL credential is used: acted without re-checking the last activity."));

    public Task<IReadOnlyDictionary<string, SeatOutcome>> ActAsync(
        string action, IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken) =>
        PatchEachAsync(batch, calls, _ => action == ReclaimActions.Downgrade
            ? new Dictionary<string, JsonNode?> { ["userType"] = SeatTypes.Viewer }
            : new Dictionary<string, JsonNode?> { ["active"] = false }, cancellationToken);

    public Task<IReadOnlyDictionary<string, SeatOutcome>> UndoAsync(
        IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken) =>
        PatchEachAsync(batch, calls, c => c.Action == ReclaimActions.Downgrade
            ? new Dictionary<string, JsonNode?> { ["userType"] = c.PreviousSeatType ?? SeatTypes.Member }
            : new Dictionary<string, JsonNode?> { ["active"] = true }, cancellationToken);

    private async Task<IReadOnlyDictionary<string, SeatOutcome>> PatchEachAsync(
        IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, Func<ReclaimCandidateRecord, Dictionary<string, JsonNode?>> changes,
        CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, SeatOutcome>(StringComparer.Ordinal);
        MondayScimClient client;
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            client = scope.ServiceProvider.GetRequiredService<MondayScimClient>();
        }
        catch (InvalidOperationException e)
        {
            return batch.ToDictionary(c => c.AccountId, _ => SeatOutcome.Failed($"monday.com's SCIM tenant is not configured: {e.Message}"));
        }
        foreach (var c in batch)
        {
            var patched = await client.PatchUserAsync(c.AccountId, changes(c), cancellationToken);
            calls.AddRange(patched.Calls);
            result[c.AccountId] = patched.Failure switch
            {
                MondayFailure.None => SeatOutcome.Success,
                MondayFailure.Invalid when patched.Status == 404 => SeatOutcome.Refused($"monday.com has no user {c.AccountId} (SCIM 404).", "USER_NOT_FOUND"),
                MondayFailure.Invalid => SeatOutcome.Refused($"monday.com refused the change (HTTP {patched.Status}): {patched.Detail}", patched.ScimType ?? $"HTTP{patched.Status}"),
                MondayFailure.Credentials => SeatOutcome.Failed($"monday.com refused the SCIM token (HTTP {patched.Status})."),
                _ => SeatOutcome.Failed($"monday.com could not be reached or kept failing: {patched.Detail ?? $"HTTP {patched.Status}"}"),
            };
        }
        return result;
    }
}
