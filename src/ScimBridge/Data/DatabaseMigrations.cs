using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ScimBridge.Data;

/// <summary>The start-up step that brings the schema up to date, under a lock, then runs the data steps.</summary>
public static partial class DatabaseMigrations
{
    /// <summary>Applies pending migrations; the schema is only ever created or changed this way.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CaseFoldingUpgrade));
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        await MigrateAsync(db, logger, services.GetService<TimeProvider>(), cancellationToken);
        services.GetService<DatabaseReadiness>()?.MarkMigrated();
        LogStore(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrations)), Describe(db));
    }

    /// <summary>Where the data lives, without credentials: the start-up log says it, so a wrong store is noticed at once.</summary>
    internal static string Describe(ScimBridgeDbContext db)
    {
        var connectionString = db.Database.GetConnectionString() ?? "";
        if (db.Database.IsNpgsql())
        {
            var postgres = new NpgsqlConnectionStringBuilder(connectionString);
            return $"PostgreSQL, database {postgres.Database ?? postgres.Username} on {postgres.Host}:{postgres.Port}";
        }

        var sqlite = new SqliteConnectionStringBuilder(connectionString);
        return sqlite.Mode == SqliteOpenMode.Memory || sqlite.DataSource is "" or ":memory:"
            ? "SQLite, in memory"
            : $"SQLite, file {Path.GetFullPath(sqlite.DataSource)}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Store: {Store}, schema up to date.")]
    private static partial void LogStore(ILogger logger, string store);

    /// <summary>
    /// Migrates with the database locked for the whole run (a database from the hand-written migrations first moves onto
    /// the generated baseline: <see cref="LegacyMigrationHistory"/>), then runs the data steps (<see cref="CaseFoldingUpgrade"/>).
    /// EF's own lock on PostgreSQL is released after each migration's transaction, so instances starting together
    /// could both apply the next one; a session advisory lock, held across all of them, cannot be.
    /// </summary>
    public static async Task MigrateAsync(
        ScimBridgeDbContext db, ILogger? logger = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        logger ??= Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        time ??= TimeProvider.System;
        if (!db.Database.IsNpgsql())
        {
            EnsureSqliteFilesWritable(db.Database.GetConnectionString());
            await LegacyMigrationHistory.AdoptAsync(db, cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await CaseFoldingUpgrade.ApplyAsync(db, logger, time, cancellationToken);
            return;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            try
            {
                await LegacyMigrationHistory.AdoptAsync(db, cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                await CaseFoldingUpgrade.ApplyAsync(db, logger, time, cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private const long MigrationLockKey = 0x5C1_B41D6E;

    /// <summary>
    /// Fails at start-up, with the file named, when the database or its -wal or -shm file cannot be opened for
    /// writing (permissions, a read-only mount, the immutable attribute). An immutable -shm would otherwise kill the
    /// process with SIGBUS, without a word, at the first write: SQLite maps that file into memory.
    /// </summary>
    private static void EnsureSqliteFilesWritable(string? connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:")
        {
            return;
        }

        var database = Path.GetFullPath(builder.DataSource);
        foreach (var path in new[] { database, database + "-wal", database + "-shm" }.Where(Path.Exists))
        {
            try
            {
                using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                throw new InvalidOperationException(
                    $"The SQLite file {path} cannot be opened for writing ({ex.Message}). The bridge writes its database and the " +
                    "-wal and -shm files beside it: check the files' owner and mode, the mount, and the immutable attribute (lsattr; chattr -i).", ex);
            }
        }
    }
}
