using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;

namespace ScimBridge.Hr;

/// <summary>
/// The mass-termination guard: a termination that would make its batch, or the terminations fired in the last hour,
/// larger than <c>Hr:Guard</c> allows is held for an admin instead of firing. The count is taken under a lock (an advisory
/// lock on PostgreSQL, the write gate on SQLite) inside the transaction that fires, so instances cannot both pass it.
/// </summary>
public sealed class HrGuard(IOptions<HrOptions> options)
{
    private const long PostgresLockKey = 0x5C1B_0013;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Whether this termination must ask the guard (the guard is on, and no admin approved it).</summary>
    public bool Applies(HrEventRecord termination) => options.Value.Guard.Enabled && !termination.Approved;

    /// <summary>
    /// Null when the termination may fire; otherwise why it is held. Call inside the firing transaction (the caller holds
    /// the write gate): on PostgreSQL this takes a transaction-scoped lock that the commit releases.
    /// </summary>
    public async Task<string?> HoldReasonAsync(ScimBridgeDbContext db, HrEventRecord termination, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(termination);
        if (!Applies(termination))
        {
            return null;
        }
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);
        }
        var guard = options.Value.Guard;
        if (termination.BatchId is { } batch)
        {
            var inBatch = await db.HrEvents.CountAsync(e => e.BatchId == batch && e.Kind == HrEventKinds.Terminate
                && e.State != HrEventStates.Superseded && e.State != HrEventStates.Rescinded, cancellationToken);
            if (inBatch > guard.MaxPerBatch)
            {
                return $"Held by the mass-termination guard: batch {batch} has {inBatch} terminations, above Hr:Guard:MaxPerBatch ({guard.MaxPerBatch}). Approve it to let it fire, or reject it.";
            }
        }
        var since = now - Window;
        var next = await db.HrEvents.CountAsync(e => e.Kind == HrEventKinds.Terminate && e.FiredAt >= since, cancellationToken) + 1;
        if (next > guard.MaxPerHour)
        {
            return $"Held by the mass-termination guard: this would be termination number {next} fired in the last hour, above Hr:Guard:MaxPerHour ({guard.MaxPerHour}). Approve it to let it fire, or reject it.";
        }
        if (guard.MaxPercent is { } percent && next >= guard.PercentFloor)
        {
            var active = await db.Users.CountAsync(u => u.Active, cancellationToken);
            var share = active == 0 ? 100 : next * 100.0 / active;
            if (share > percent)
            {
                return $"Held by the mass-termination guard: {next} terminations fired in the last hour are {share:0.#} % of the {active} active users, above Hr:Guard:MaxPercent ({percent} %). Approve it to let it fire, or reject it.";
            }
        }
        return null;
    }
}
