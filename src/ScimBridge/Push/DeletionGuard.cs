using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;

namespace ScimBridge.Push;

/// <summary>
/// The accidental-deletion guard: disables and deletes sent to monday.com are counted over a sliding hour, and
/// one that would pass <see cref="DeletionGuardOptions.MaxPerHour"/> or <see cref="DeletionGuardOptions.MaxPercentPerHour"/>
/// is held as a staged delete until an admin approves or rejects it. The count is a table of grants, taken under a
/// lock, so several workers and instances never let more through than the threshold.
/// </summary>
public sealed class DeletionGuard(PushStore store, TimeProvider time, IOptions<PushOptions> options)
{
    private const long PostgresLockKey = 0x5C1B_0002;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly DeletionGuardOptions _options = options.Value.DeletionGuard;
    private long _purgedAt;

    /// <summary>
    /// Null when the disable or delete may go ahead (and it is counted, unless <paramref name="dryRun"/>);
    /// otherwise why it is held.
    /// </summary>
    public Task<string?> HoldAsync(PushStateRecord state, bool dryRun, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (db.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);
            }
            var now = time.GetUtcNow();
            var since = now - Window;
            // A disable retried after a failure, or a delete after its disable, is the same deprovisioning: counted once.
            if (await db.DeprovisionGrants.AnyAsync(g => g.ResourceType == state.ResourceType && g.ResourceId == state.ResourceId && g.At >= since, cancellationToken))
            {
                return null;
            }
            if (_options.Enabled && !state.DeprovisionApproved && await ReasonToHoldAsync(db, since, cancellationToken) is { } reason)
            {
                return reason;
            }
            if (!dryRun)
            {
                db.DeprovisionGrants.Add(new DeprovisionGrantRecord { At = now, ResourceType = state.ResourceType, ResourceId = state.ResourceId });
                await db.SaveChangesAsync(cancellationToken);
                // Old grants only cost space: cleared once a minute, not by every disable of a mass leaver date.
                if (now.UtcTicks - Interlocked.Read(ref _purgedAt) > TimeSpan.TicksPerMinute)
                {
                    await db.DeprovisionGrants.Where(g => g.At < now - (2 * Window)).ExecuteDeleteAsync(cancellationToken);
                    Interlocked.Exchange(ref _purgedAt, now.UtcTicks);
                }
                await transaction.CommitAsync(cancellationToken);
            }
            return null;
        }, cancellationToken);

    /// <summary>
    /// Null when a reclaim wave of <paramref name="count"/> seats of <paramref name="app"/> may go; otherwise why the
    /// whole wave is held for an admin, as a mass disable is: the same hourly threshold (with the disables and deletes
    /// already granted this hour) and the same share, of the app's live seats in the mirror.
    /// </summary>
    public Task<string?> WaveHoldReasonAsync(int count, string app, CancellationToken cancellationToken) =>
        store.ReadAsync(async db =>
        {
            if (!_options.Enabled || count <= 0)
            {
                return null;
            }
            var since = time.GetUtcNow() - Window;
            var next = await db.DeprovisionGrants.CountAsync(g => g.At >= since, cancellationToken) + count;
            if (next > _options.MaxPerHour)
            {
                return $"Held by the deletion guard: a wave of {count} reclaims would make {next} disables in the last hour, above Push:DeletionGuard:MaxPerHour ({_options.MaxPerHour}). Approve the wave to let it through.";
            }
            if (_options.MaxPercentPerHour is { } percent && count >= _options.PercentFloor)
            {
                var seats = await db.MirrorSeats.CountAsync(s => s.App == app && s.GoneAt == null, cancellationToken);
                var share = seats == 0 ? 100 : count * 100.0 / seats;
                if (share > percent)
                {
                    return $"Held by the deletion guard: a wave of {count} reclaims is {share:0.#} % of the {seats} seats in {app}, above Push:DeletionGuard:MaxPercentPerHour ({percent} %). Approve the wave to let it through.";
                }
            }
            return null;
        }, cancellationToken);

    /// <summary>Counts a disable done outside the push (a reclaim), so the hourly threshold sees it.</summary>
    public Task GrantAsync(string resourceType, IReadOnlyCollection<string> resourceIds, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            db.DeprovisionGrants.AddRange(resourceIds.Select(id => new DeprovisionGrantRecord { At = now, ResourceType = resourceType, ResourceId = id }));
            return await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);

    private async Task<string?> ReasonToHoldAsync(ScimBridgeDbContext db, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var next = await db.DeprovisionGrants.CountAsync(g => g.At >= since, cancellationToken) + 1;
        if (next > _options.MaxPerHour)
        {
            return $"Held by the deletion guard: this would be disable or delete number {next} in the last hour, above Push:DeletionGuard:MaxPerHour ({_options.MaxPerHour}).";
        }
        if (_options.MaxPercentPerHour is { } percent && next >= _options.PercentFloor)
        {
            var linked = await db.PushStates.CountAsync(p => p.MondayId != null, cancellationToken);
            var share = linked == 0 ? 100 : next * 100.0 / linked;
            if (share > percent)
            {
                return $"Held by the deletion guard: {next} disables or deletes in the last hour are {share:0.#} % of the {linked} users and teams in monday.com, above Push:DeletionGuard:MaxPercentPerHour ({percent} %).";
            }
        }
        return null;
    }
}

/// <summary>Section <c>Push:DeletionGuard</c>.</summary>
public sealed class DeletionGuardOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Disables plus deletes allowed in any hour (Entra's accidental-deletion default is 500 per cycle).</summary>
    public int MaxPerHour { get; set; } = 500;

    /// <summary>… and as a share of the users and teams linked in monday.com; null turns the percentage rule off.</summary>
    public double? MaxPercentPerHour { get; set; } = 20;

    /// <summary>The percentage rule starts counting from this many in the hour, so a small tenant's first leavers pass.</summary>
    public int PercentFloor { get; set; } = 10;
}
