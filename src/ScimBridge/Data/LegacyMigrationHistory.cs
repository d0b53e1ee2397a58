using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimBridge.Data;

/// <summary>
/// Until <see cref="LastHandWritten"/> the migrations were written by hand; the first generated migration (the
/// baseline) builds the same schema. A database whose history ends there has its history moved onto the baseline,
/// nothing re-created; one at an older hand-written migration must first be upgraded by a build that still has them.
/// </summary>
internal static class LegacyMigrationHistory
{
    public const string LastHandWritten = "20261207000006_OutboundRequests";

    private static readonly string[] HandWritten =
    [
        "20261122000000_Initial", "20261123000000_Push", "20261124000000_Logs", "20261204000002_OneToOneLinks",
        "20261204000003_CaseFolding", "20261204000004_AdminSessions", "20261207000001_Mirror", "20261207000002_Reclamation",
        "20261207000003_HrLifecycle", "20261207000004_ConnectionSettings", LastHandWritten,
    ];

    public static async Task AdoptAsync(ScimBridgeDbContext db, CancellationToken cancellationToken)
    {
        var history = db.GetService<IHistoryRepository>();
        // On a fresh database EF Core reads the history before making its table and logs the failed read as an error
        // (dotnet/efcore#37328): made first, so a first start says nothing alarming.
        await history.CreateIfNotExistsAsync(cancellationToken);
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
        var legacy = applied.Intersect(HandWritten, StringComparer.Ordinal).ToList();
        if (legacy.Count == 0)
        {
            return;
        }

        if (!legacy.Contains(LastHandWritten, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"The database's schema is at migration {legacy.Max(StringComparer.Ordinal)}, older than this version can upgrade: "
                + $"upgrade it first through a ScimBridge version whose last migration is {LastHandWritten} (start that version once on it), then start this one.");
        }

        var baseline = db.Database.GetMigrations().First();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Claimed by deleting first: a second instance doing the same waits for this one's commit, then finds nothing.
        if (await db.Database.ExecuteSqlRawAsync(history.GetDeleteScript(LastHandWritten), cancellationToken) == 0)
        {
            return;
        }

        foreach (var id in legacy.Where(id => id != LastHandWritten))
        {
            await db.Database.ExecuteSqlRawAsync(history.GetDeleteScript(id), cancellationToken);
        }

        await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(baseline, ProductInfo.GetVersion())), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
