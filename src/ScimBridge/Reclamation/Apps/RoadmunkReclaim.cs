using System.Globalization;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Roadmunk;
using ScimBridge.Monday;

namespace ScimBridge.Reclamation.Apps;

/// <summary>
/// Roadmunk: <c>users(searchString: email)</c> for the last login, <c>deactivateUser</c> per seat, and
/// <c>inviteUser</c> with the previous role to undo (Roadmunk documents no reactivation; where it refuses, an admin
/// reactivates by hand). Roadmunk has no role change in its API, so a downgrade is refused.
/// </summary>
public sealed class RoadmunkReclaim(IServiceScopeFactory scopes, TimeProvider time) : IReclaimApp
{
    private const string Path = "/public/graphql";

    public string Via => "Roadmunk";

    public async Task<SeatCheck> CheckAsync(IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<RoadmunkClient>();
        var seats = new Dictionary<string, SeatNow>(StringComparer.Ordinal);
        foreach (var c in batch.Where(c => c.Email is not null))
        {
            var found = await CallAsync(calls, "users", () => client.SearchAsync(c.Email!, cancellationToken), _ => 200);
            var user = found.FirstOrDefault(u => u.Id == c.AccountId)
                ?? found.FirstOrDefault(u => string.Equals(u.Email, c.Email, StringComparison.OrdinalIgnoreCase));
            if (user is not null)
            {
                seats[c.AccountId] = new SeatNow(c.AccountId, user.LastLogin, user.AccountRole, null);
            }
        }
        // Without an email there is nothing to search by: those seats are taken as still there.
        foreach (var c in batch.Where(c => c.Email is null))
        {
            seats[c.AccountId] = new SeatNow(c.AccountId, null, null, null);
        }
        return new SeatCheck(seats, null);
    }

    public async Task<IReadOnlyDictionary<string, SeatOutcome>> ActAsync(
        string action, IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken)
    {
        if (action != ReclaimActions.Deactivate)
        {
            return batch.ToDictionary(c => c.AccountId, _ => SeatOutcome.Refused(
                "Roadmunk's API has no role change: only deactivation can reclaim a Roadmunk seat.", "UNSUPPORTED"));
        }
        await using var scope = scopes.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<RoadmunkClient>();
        var result = new Dictionary<string, SeatOutcome>(StringComparer.Ordinal);
        foreach (var c in batch)
        {
            result[c.AccountId] = await OutcomeAsync(calls, "deactivateUser", () => client.DeactivateAsync(c.AccountId, c.Email, cancellationToken), null);
        }
        return result;
    }

    public async Task<IReadOnlyDictionary<string, SeatOutcome>> UndoAsync(
        IReadOnlyList<ReclaimCandidateRecord> batch, List<OutboundCall> calls, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<RoadmunkClient>();
        var result = new Dictionary<string, SeatOutcome>(StringComparer.Ordinal);
        foreach (var c in batch)
        {
            result[c.AccountId] = c.Email is null
                ? SeatOutcome.Refused("The seat has no email to invite: reactivate it by hand in Roadmunk (Account Settings > Users).", "NO_EMAIL")
                : await OutcomeAsync(calls, "inviteUser", () => client.InviteAsync(c.Email, c.PreviousSeatType ?? SeatTypes.Collaborator, cancellationToken),
                    " Roadmunk has no reactivation in its API: reactivate the user by hand in Account Settings > Users.");
        }
        return result;
    }

    private async Task<SeatOutcome> OutcomeAsync(List<OutboundCall> calls, string operation, Func<Task<RoadmunkAnswer>> send, string? refusedHint)
    {
        try
        {
            var answer = await CallAsync(calls, operation, send, a => a.Status);
            return answer.Error is null
                ? SeatOutcome.Success
                : SeatOutcome.Refused($"Roadmunk refused it: {answer.Error}{refusedHint}", answer.Code);
        }
        catch (ReclaimTransportException e)
        {
            return SeatOutcome.Failed(e.Message);
        }
    }

    /// <summary>Runs one operation (the client retries inside), recording it as one call; its failures become a <see cref="ReclaimTransportException"/>.</summary>
    private async Task<T> CallAsync<T>(List<OutboundCall> calls, string operation, Func<Task<T>> send, Func<T, int> status)
    {
        var started = time.GetTimestamp();
        var at = time.GetUtcNow();
        try
        {
            var answer = await send();
            calls.Add(new OutboundCall("POST", $"{Path} {operation}", status(answer), time.GetElapsedTime(started).TotalMilliseconds, null, 1, null, at));
            return answer;
        }
        catch (MirrorSourceException e)
        {
            calls.Add(new OutboundCall("POST", $"{Path} {operation}", 0, time.GetElapsedTime(started).TotalMilliseconds, null, 1,
                e.Message.Length > 500 ? e.Message[..500] : e.Message, at));
            throw new ReclaimTransportException(string.Create(CultureInfo.InvariantCulture, $"Roadmunk: {e.Message}"), e);
        }
    }
}
