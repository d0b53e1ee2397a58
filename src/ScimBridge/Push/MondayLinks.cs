using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimBridge.Data;

namespace ScimBridge.Push;

/// <summary>The local object that already holds the link to a monday.com object another one wanted to adopt.</summary>
public sealed record LinkConflict(string ResourceType, string ResourceId, string? Name)
{
    /// <summary>The push's error, naming the holder (id and name) so the admin can find both objects.</summary>
    public string Error(string target, string mondayId) =>
        $"monday.com {target} {mondayId} has the same name but is already linked to {ResourceType.ToLowerInvariant()} {ResourceId} ('{Name}'). "
        + "One monday.com object is linked to one local object only, so this one is not pushed until the other is renamed or deleted.";
}

/// <summary>
/// The one way a local user or group is linked to a monday.com object: one it created, one it adopts by name after a
/// 409, and later the mirror's link and reclamation. A monday.com object linked to a live local object is never taken;
/// one still linked to a deleted local object (a rehire, a re-created team) is handed over. The unique index on
/// PushStates (ResourceType, MondayId) makes this hold across instances racing.
/// </summary>
public sealed class MondayLinks(PushStore store, TimeProvider time, IOptions<PushOptions> options)
{
    /// <summary>
    /// Links <paramref name="state"/>'s resource to <paramref name="mondayId"/> with <paramref name="pushed"/> as what
    /// monday.com holds, before anything else is sent to that object (so a crash cannot lose the link); null when
    /// linked, else who holds it. A dry run only looks.
    /// </summary>
    public async Task<LinkConflict?> LinkAsync(PushStateRecord state, string mondayId, string pushed, bool dryRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            return dryRun
                ? await store.ReadAsync(async db => (await HolderAsync(db, state, mondayId, cancellationToken))?.Conflict, cancellationToken)
                : await store.WriteAsync(db => TryLinkAsync(db, state, mondayId, pushed, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            // Another instance linked it between the check and the write.
            return (await store.ReadAsync(db => HolderAsync(db, state, mondayId, cancellationToken), cancellationToken))?.Conflict
                ?? new LinkConflict(state.ResourceType, "(unknown)", null);
        }
    }

    private async Task<LinkConflict?> TryLinkAsync(ScimBridgeDbContext db, PushStateRecord state, string mondayId, string pushed, CancellationToken cancellationToken)
    {
        var owner = options.Value.InstanceId;
        // The common case, no other object linked to it, in one statement; the unique index still stops a racing instance.
        var linked = await db.Database.ExecuteSqlAsync($"""
            UPDATE "PushStates" SET "MondayId" = {mondayId}, "Pushed" = {pushed}, "ConflictWith" = NULL
            WHERE "ResourceType" = {state.ResourceType} AND "ResourceId" = {state.ResourceId} AND "LeaseOwner" = {owner}
              AND NOT EXISTS (SELECT 1 FROM "PushStates" o
                              WHERE o."ResourceType" = {state.ResourceType} AND o."MondayId" = {mondayId} AND o."ResourceId" <> {state.ResourceId})
            """, cancellationToken);
        return linked == 1 ? null : await LinkOrConflictAsync(db, state, mondayId, pushed, owner, cancellationToken);
    }

    private async Task<LinkConflict?> LinkOrConflictAsync(
        ScimBridgeDbContext db, PushStateRecord state, string mondayId, string pushed, string owner, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var holder = await HolderAsync(db, state, mondayId, cancellationToken);
        if (holder is { Live: true } || holder?.LeaseUntil > time.GetUtcNow())
        {
            return holder.Conflict;
        }
        if (holder is not null)
        {
            // Deleted in the bridge and not being pushed: its pending deprovisioning must not reach the new owner's object.
            await db.PushStates.Where(p => p.ResourceType == state.ResourceType && p.ResourceId == holder.Conflict.ResourceId && p.MondayId == mondayId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.MondayId, (string?)null)
                    .SetProperty(p => p.Pushed, (string?)null)
                    .SetProperty(p => p.DeleteAt, (DateTimeOffset?)null)
                    .SetProperty(p => p.HeldAt, (DateTimeOffset?)null)
                    .SetProperty(p => p.HoldReason, (string?)null), cancellationToken);
        }
        await db.PushStates.Where(p => p.ResourceType == state.ResourceType && p.ResourceId == state.ResourceId && p.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.MondayId, mondayId)
                .SetProperty(p => p.Pushed, pushed)
                .SetProperty(p => p.ConflictWith, (string?)null), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    private sealed record Holder(LinkConflict Conflict, bool Live, DateTimeOffset? LeaseUntil);

    private static async Task<Holder?> HolderAsync(ScimBridgeDbContext db, PushStateRecord state, string mondayId, CancellationToken cancellationToken)
    {
        var other = await db.PushStates.AsNoTracking()
            .Where(p => p.ResourceType == state.ResourceType && p.MondayId == mondayId && p.ResourceId != state.ResourceId)
            .Select(p => new { p.ResourceId, p.Pushed, p.LeaseUntil })
            .FirstOrDefaultAsync(cancellationToken);
        if (other is null)
        {
            return null;
        }
        var name = state.ResourceType == ResourceKinds.User
            ? await db.Users.Where(u => u.Id == other.ResourceId).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken)
            : await db.Groups.Where(g => g.Id == other.ResourceId).Select(g => g.DisplayName).FirstOrDefaultAsync(cancellationToken);
        var conflict = new LinkConflict(state.ResourceType, other.ResourceId, name ?? PushedName(state.ResourceType, other.Pushed));
        return new Holder(conflict, name is not null, other.LeaseUntil);
    }

    /// <summary>The name a link was made by (userName, team name) as last pushed.</summary>
    public static string? PushedName(string resourceType, string? pushed) => resourceType == ResourceKinds.User
        ? PushedUser.Parse(pushed)?.UserName
        : PushedGroup.Parse(pushed)?.DisplayName;

    public static bool IsUniqueViolation(Exception e) => (e as DbUpdateException)?.InnerException is { } inner
        ? IsUniqueViolation(inner)
        : e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } or SqliteException { SqliteExtendedErrorCode: 2067 };
}
