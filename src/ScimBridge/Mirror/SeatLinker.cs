using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;

namespace ScimBridge.Mirror;

/// <summary>
/// Finds the inbound user a seat belongs to: the push link first (monday.com users the bridge created or adopted), then
/// an admin's link while its user exists, then the seat's email equal to one user's userName or email (folded). Links
/// are one-to-one: a user already holding another live seat of the app is not linked again, and a user whose seat
/// changed hands in this run is left for the next run, so one save never holds the same user twice.
/// </summary>
internal sealed class SeatLinker
{
    private readonly Dictionary<string, string> _pushLinks;
    private readonly Dictionary<string, string?> _byEmail;
    private readonly HashSet<string> _users;
    private readonly Dictionary<string, string> _holders;
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);

    private SeatLinker(Dictionary<string, string> pushLinks, Dictionary<string, string?> byEmail, HashSet<string> users, Dictionary<string, string> holders)
    {
        _pushLinks = pushLinks;
        _byEmail = byEmail;
        _users = users;
        _holders = holders;
    }

    /// <summary>Set by <see cref="Resolve"/> when a seat could not be linked because its user holds another seat.</summary>
    public string? Conflict { get; private set; }

    public static async Task<SeatLinker> LoadAsync(ScimBridgeDbContext db, string app, CancellationToken cancellationToken)
    {
        var pushLinks = app != MirrorApps.Monday ? new Dictionary<string, string>(StringComparer.Ordinal) : await (
                from p in db.PushStates.AsNoTracking()
                join u in db.Users on p.ResourceId equals u.Id
                where p.ResourceType == ResourceKinds.User && p.MondayId != null
                select new { p.MondayId, p.ResourceId })
            .ToDictionaryAsync(p => p.MondayId!, p => p.ResourceId, StringComparer.Ordinal, cancellationToken);

        var byEmail = new Dictionary<string, string?>(StringComparer.Ordinal);
        var users = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var user in db.Users.AsNoTracking().Select(u => new { u.Id, u.UserNameNormalized }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            users.Add(user.Id);
            Add(byEmail, user.UserNameNormalized, user.Id);
        }

        await foreach (var email in db.UserValues.AsNoTracking()
            .Where(v => v.Attribute == "emails" && v.ValueNormalized != null)
            .Select(v => new { v.ValueNormalized, v.UserId }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            Add(byEmail, email.ValueNormalized!, email.UserId);
        }

        var holders = await db.MirrorSeats.AsNoTracking()
            .Where(s => s.App == app && s.GoneAt == null && s.UserId != null)
            .Select(s => new { s.UserId, s.AccountId })
            .ToDictionaryAsync(s => s.UserId!, s => s.AccountId, StringComparer.Ordinal, cancellationToken);
        return new SeatLinker(pushLinks, byEmail, users, holders);
    }

    /// <summary>A key that belongs to two users is ambiguous (null): such a seat is not linked by email.</summary>
    private static void Add(Dictionary<string, string?> byEmail, string key, string userId)
    {
        if (!byEmail.TryAdd(key, userId) && byEmail[key] != userId)
        {
            byEmail[key] = null;
        }
    }

    public (string? UserId, string? LinkedBy) Resolve(MirrorSeatRecord seat, string? emailNormalized)
    {
        Conflict = null;
        var (userId, linkedBy) = Candidate(seat, emailNormalized);
        if (userId is not null && _holders.TryGetValue(userId, out var holder) && holder != seat.AccountId)
        {
            Conflict = $"The seat matches inbound user {userId}, who already holds seat {holder} of this app; links are one-to-one, so it stays unlinked.";
            (userId, linkedBy) = (null, null);
        }
        else if (userId is not null && _released.Contains(userId) && seat.UserId != userId)
        {
            (userId, linkedBy) = (null, null);
        }

        if (seat.UserId is { } previous && previous != userId && _holders.TryGetValue(previous, out var held) && held == seat.AccountId)
        {
            _holders.Remove(previous);
            _released.Add(previous);
        }

        if (userId is not null)
        {
            _holders[userId] = seat.AccountId;
        }

        return (userId, linkedBy);
    }

    private (string? UserId, string? LinkedBy) Candidate(MirrorSeatRecord seat, string? emailNormalized)
    {
        if (_pushLinks.TryGetValue(seat.AccountId, out var pushed))
        {
            return (pushed, SeatLinks.Push);
        }

        if (seat.LinkedBy == SeatLinks.Admin && seat.UserId is { } adminLinked && _users.Contains(adminLinked))
        {
            return (adminLinked, SeatLinks.Admin);
        }

        if (emailNormalized is not null && _byEmail.TryGetValue(emailNormalized, out var byEmail) && byEmail is not null)
        {
            return (byEmail, SeatLinks.Email);
        }

        return (null, null);
    }
}
