using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Reclamation;

/// <summary>
/// Named leases in <c>WorkLeases</c>: work that must run on one instance at a time (an evaluation, the tick) takes one
/// with a conditional update, the same on SQLite and PostgreSQL; a crashed holder loses it when it expires.
/// </summary>
public sealed class WorkLeases(PushStore store, TimeProvider time, IOptions<PushOptions> pushOptions)
{
    private readonly string _owner = $"{pushOptions.Value.InstanceId}/{Guid.NewGuid():N}";

    public string Owner => _owner;

    /// <summary>True when this process now holds <paramref name="name"/> until now + <paramref name="duration"/> (taken, or renewed).</summary>
    public Task<bool> TryTakeAsync(string name, TimeSpan duration, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            if (!await db.WorkLeases.AnyAsync(l => l.Name == name, cancellationToken))
            {
                db.WorkLeases.Add(new WorkLeaseRecord { Name = name });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another instance added it first: the update below decides.
                }
                db.ChangeTracker.Clear();
            }
            var until = now + duration;
            var taken = await db.WorkLeases
                .Where(l => l.Name == name && (l.Owner == null || l.Owner == _owner || l.Until == null || l.Until < now))
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, _owner).SetProperty(l => l.Until, until), cancellationToken);
            return taken == 1;
        }, cancellationToken);

    /// <summary>Gives the lease up; <paramref name="done"/> records that the work completed now.</summary>
    public Task ReleaseAsync(string name, bool done, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var mine = db.WorkLeases.Where(l => l.Name == name && l.Owner == _owner);
            return done
                ? await mine.ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, (string?)null).SetProperty(l => l.Until, (DateTimeOffset?)null)
                    .SetProperty(l => l.LastDoneAt, now), cancellationToken)
                : await mine.ExecuteUpdateAsync(s => s.SetProperty(l => l.Owner, (string?)null).SetProperty(l => l.Until, (DateTimeOffset?)null), cancellationToken);
        }, cancellationToken);

    /// <summary>When the work last completed, on any instance; null when never.</summary>
    public Task<DateTimeOffset?> LastDoneAsync(string name, CancellationToken cancellationToken) =>
        store.ReadAsync(db => db.WorkLeases.Where(l => l.Name == name).Select(l => l.LastDoneAt).FirstOrDefaultAsync(cancellationToken), cancellationToken);
}
