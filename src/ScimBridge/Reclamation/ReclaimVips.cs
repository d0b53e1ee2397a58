using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Reclamation;

public sealed record ReclaimVipView(long Id, string Match, string? Note, DateTimeOffset AddedAt, string AddedBy);

public sealed record AddVipRequest(string? Match, string? Note);

/// <summary>
/// People never reclaimed from, by any rule in any app: an email or userName, matched (folded) on a seat's email or the
/// linked user's userName. An entry must name someone the bridge knows, so a typo never protects no one.
/// </summary>
public sealed class ReclaimVips(PushStore store, TimeProvider time)
{
    public Task<List<ReclaimVipView>> ListAsync(CancellationToken cancellationToken) =>
        store.ReadAsync(db => db.ReclaimVips.AsNoTracking().OrderBy(v => v.MatchNormalized)
            .Select(v => new ReclaimVipView(v.Id, v.Match, v.Note, v.AddedAt, v.AddedBy)).ToListAsync(cancellationToken), cancellationToken);

    public Task<ReclaimVipView> AddAsync(AddVipRequest request, string actor, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var match = request.Match?.Trim() ?? "";
            if (match.Length == 0)
            {
                throw AdminException.Invalid("match", "match: give the person's email or userName.");
            }
            if (match.Length > 320)
            {
                throw AdminException.Invalid("match", "match: at most 320 characters.");
            }
            if (request.Note is { Length: > 500 })
            {
                throw AdminException.Invalid("note", "note: at most 500 characters.");
            }
            var folded = ScimText.Fold(match);
            var known = await db.Users.AnyAsync(u => u.UserNameNormalized == folded, cancellationToken)
                || await db.UserValues.AnyAsync(v => v.Attribute == "emails" && v.ValueNormalized == folded, cancellationToken)
                || await db.MirrorSeats.AnyAsync(s => s.EmailNormalized == folded, cancellationToken);
            if (!known)
            {
                throw AdminException.Invalid("match", $"match: '{match}' is neither an inbound user's userName or email nor a mirrored seat's email.");
            }
            if (await db.ReclaimVips.AnyAsync(v => v.MatchNormalized == folded, cancellationToken))
            {
                throw new AdminException(StatusCodes.Status409Conflict, "Already a VIP", $"'{match}' is already on the VIP list.");
            }
            var record = new ReclaimVipRecord { Match = match, MatchNormalized = folded, Note = request.Note?.Trim(), AddedAt = time.GetUtcNow(), AddedBy = actor };
            db.ReclaimVips.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                throw new AdminException(StatusCodes.Status409Conflict, "Already a VIP", $"'{match}' is already on the VIP list.");
            }
            return new ReclaimVipView(record.Id, record.Match, record.Note, record.AddedAt, record.AddedBy);
        }, cancellationToken);

    public Task DeleteAsync(long id, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var removed = await db.ReclaimVips.Where(v => v.Id == id).ExecuteDeleteAsync(cancellationToken);
            return removed == 0 ? throw AdminException.NotFound($"There is no VIP entry {id}.") : removed;
        }, cancellationToken);
}
