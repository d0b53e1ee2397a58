using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Data;

/// <summary>A data step run once after the schema migrations, recorded by its id.</summary>
public sealed class DataUpgradeRecord
{
    public required string Id { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}

internal sealed class DataUpgradeConfiguration : IEntityTypeConfiguration<DataUpgradeRecord>
{
    public void Configure(EntityTypeBuilder<DataUpgradeRecord> builder)
    {
        builder.ToTable("DataUpgrades");
        builder.HasKey(u => u.Id);
    }
}

/// <summary>
/// Recomputes every stored comparison key with <see cref="ScimText.Fold"/> once per <see cref="ScimText.FoldVersion"/>,
/// in one transaction, so a database written by an earlier version compares names the way new writes do.
/// </summary>
/// <remarks>
/// Two users whose names were distinct before and fold to one now are both kept: the older keeps the key, the newer
/// gets a key set aside (the folded name, a marker and its id, which no name folds to) until it is renamed, and the
/// pair is reported in the log. Failing the upgrade instead would leave the bridge down until someone edits the database.
/// </remarks>
public static partial class CaseFoldingUpgrade
{
    private const string SetAsideMarker = " SET-ASIDE:";
    private const int BatchSize = 500;

    public static string Id => $"CaseFolding/{ScimText.FoldVersion}";

    /// <summary>Whether <paramref name="key"/> is the key set aside for a user whose name still folds to <paramref name="folded"/>.</summary>
    public static bool IsSetAside(string key, string folded) =>
        key.Length > folded.Length && key.StartsWith(folded, StringComparison.Ordinal)
        && key.AsSpan(folded.Length).StartsWith(SetAsideMarker, StringComparison.Ordinal);

    public static async Task ApplyAsync(ScimBridgeDbContext db, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Claimed by writing first: on SQLite this takes the write lock at once, so a second process waits, then finds the row.
            var id = Id;
            var ticks = time.GetUtcNow().UtcTicks;
            var claimed = await db.Database.ExecuteSqlAsync(
                $"INSERT INTO \"DataUpgrades\" (\"Id\", \"AppliedAt\") SELECT {id}, {ticks} WHERE NOT EXISTS (SELECT 1 FROM \"DataUpgrades\" WHERE \"Id\" = {id})",
                cancellationToken);
            if (claimed == 0)
            {
                return;
            }

            await RefoldUsersAsync(db, logger, cancellationToken);
            await RefoldAsync(db, db.UserValues, (q, last) => q.Where(v => v.Id > last.Id), q => q.OrderBy(v => v.Id),
                v => v.ValueNormalized = v.Value is null ? null : ScimText.Fold(v.Value), cancellationToken);
            await RefoldAsync(db, db.Groups, (q, last) => q.Where(g => string.Compare(g.Id, last.Id) > 0), q => q.OrderBy(g => g.Id),
                g => g.DisplayNameNormalized = ScimText.Fold(g.DisplayName), cancellationToken);
            await RefoldLogAsync(db, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
        });
    }

    private static async Task RefoldUsersAsync(ScimBridgeDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Created).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.UserName }).ToListAsync(cancellationToken);
        var keys = new Dictionary<string, string>(users.Count, StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(users.Count, StringComparer.Ordinal);
        foreach (var user in users)
        {
            var folded = ScimText.Fold(user.UserName);
            if (owners.TryAdd(folded, user.Id))
            {
                keys[user.Id] = folded;
                continue;
            }

            keys[user.Id] = folded + SetAsideMarker + user.Id;
            LogSetAside(logger, owners[folded], user.Id);
        }

        // Out of the way first (no key contains both cases of ASCII letters), so no row meets another's old key on the way.
        await db.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.UserNameNormalized, u => "FOLDING " + u.Id + " x"), cancellationToken);
        await RefoldAsync(db, db.Users, (q, last) => q.Where(u => string.Compare(u.Id, last.Id) > 0), q => q.OrderBy(u => u.Id), u =>
        {
            u.UserNameNormalized = keys[u.Id];
            u.DisplayNameNormalized = u.DisplayName is null ? null : ScimText.Fold(u.DisplayName);
        }, cancellationToken);
    }

    /// <summary>Loads the rows in key order, a batch at a time, and saves what <paramref name="refold"/> changed.</summary>
    private static async Task RefoldAsync<T>(ScimBridgeDbContext db, IQueryable<T> rows, Func<IQueryable<T>, T, IQueryable<T>> after,
        Func<IQueryable<T>, IQueryable<T>> order, Action<T> refold, CancellationToken cancellationToken)
        where T : class
    {
        for (T? last = null; ;)
        {
            var batch = await order(last is null ? rows : after(rows, last)).Take(BatchSize).ToListAsync(cancellationToken);
            batch.ForEach(refold);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            if (batch.Count < BatchSize)
            {
                return;
            }

            last = batch[^1];
        }
    }

    /// <summary>The log's names were lower-cased, which folding changes only for non-ASCII names: those rows alone are written.</summary>
    private static async Task RefoldLogAsync(ScimBridgeDbContext db, CancellationToken cancellationToken)
    {
        for (long last = 0; ;)
        {
            var from = last;
            var batch = await db.LogEntries.AsNoTracking().Where(e => e.Id > from && e.SourceName != null).OrderBy(e => e.Id)
                .Select(e => new { e.Id, e.SourceName, e.SourceNameNormalized }).Take(BatchSize).ToListAsync(cancellationToken);
            foreach (var entry in batch)
            {
                var folded = ScimText.Fold(entry.SourceName!);
                if (folded != entry.SourceNameNormalized)
                {
                    await db.LogEntries.Where(e => e.Id == entry.Id)
                        .ExecuteUpdateAsync(s => s.SetProperty(e => e.SourceNameNormalized, folded), cancellationToken);
                }
            }

            if (batch.Count < BatchSize)
            {
                return;
            }

            last = batch[^1].Id;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Users {KeptId} and {SetAsideId} have userNames that are one name under case folding; "
        + "{SetAsideId} keeps its name but is no longer found by it, and shares a monday.com account with {KeptId}. Rename one of them in the identity provider.")]
    private static partial void LogSetAside(ILogger logger, string keptId, string setAsideId);
}
