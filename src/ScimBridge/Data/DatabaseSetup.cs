using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace ScimBridge.Data;

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// SQLite durability: FULL (default) answers a write only once it is fsynced, so it survives power loss;
    /// NORMAL answers once it is in the WAL, which survives a killed process but not a power loss; OFF is for tests.
    /// </summary>
    [RegularExpression("^(?i)(OFF|NORMAL|FULL|EXTRA)$", ErrorMessage = "Database:SqliteSynchronous must be OFF, NORMAL, FULL or EXTRA.")]
    public string SqliteSynchronous { get; set; } = "FULL";

    [Range(0, 600_000, ErrorMessage = "Database:SqliteBusyTimeoutMs must be between 0 and 600000.")]
    public int SqliteBusyTimeoutMs { get; set; } = 30_000;

    /// <summary>The Retry-After (seconds) sent with 503 while the store refuses writes.</summary>
    [Range(1, 3600, ErrorMessage = "Database:RetryAfterSeconds must be between 1 and 3600.")]
    public int RetryAfterSeconds { get; set; } = 30;

    /// <summary>How long /readyz stays unhealthy after the store refused a write, unless a write succeeds first.</summary>
    [Range(1, 3600, ErrorMessage = "Database:FailureWindowSeconds must be between 1 and 3600.")]
    public int FailureWindowSeconds { get; set; } = 30;
}

/// <summary>The single seam where the database provider is chosen. Add a provider here (and nowhere else).</summary>
public static class DatabaseSetup
{
    public const string ConnectionStringName = "ScimBridge";
    public const string DefaultSqliteConnectionString = "Data Source=scimbridge.db";

    public static IServiceCollection AddScimBridgeDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DatabaseReadiness>();
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<StoreHealth>();
        services.AddSingleton<SaveChangesInterceptor, StoreHealthInterceptor>();

        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = configuration.GetConnectionString(ConnectionStringName);

        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString;
                var synchronous = options.SqliteSynchronous.ToUpperInvariant();
                // FULL and EXTRA are honoured by group commit (SqliteWriter): commits run with NORMAL and requests wait for a shared fsync.
                var groupCommit = synchronous is "FULL" or "EXTRA";
                services.AddSingleton(_ => new SqliteWriter(sqlite, groupCommit));
                services.AddScoped<IWriteGate, SqliteWriteGate>();
                services.AddDbContextPool<ScimBridgeDbContext>((provider, db) => db
                    .UseSqlite(sqlite)
                    .AddInterceptors(new SqlitePragmas(groupCommit ? "NORMAL" : synchronous, options.SqliteBusyTimeoutMs))
                    .AddInterceptors(provider.GetServices<SaveChangesInterceptor>())
                    .ConfigureWarnings(IgnoreSnapshotlessMigrations));
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new OptionsValidationException(ConnectionStringName, typeof(DatabaseOptions),
                        ["ConnectionStrings:ScimBridge is required when Database:Provider is Postgres."]);
                }

                services.AddSingleton<IWriteGate, NoWriteGate>();
                services.AddDbContextPool<ScimBridgeDbContext>((provider, db) => db
                    .UseNpgsql(connectionString)
                    .AddInterceptors(provider.GetServices<SaveChangesInterceptor>())
                    .ConfigureWarnings(IgnoreSnapshotlessMigrations));
                break;
            default:
                throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions),
                    [$"Database:Provider '{options.Provider}' is not supported; use Sqlite or Postgres."]);
        }

        return services;
    }

    /// <summary>Applies pending migrations; the schema is only ever created or changed this way.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CaseFoldingUpgrade));
        await MigrateAsync(scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>(), logger, services.GetService<TimeProvider>(), cancellationToken);
        services.GetService<DatabaseReadiness>()?.MarkMigrated();
    }

    /// <summary>
    /// Migrates with the database locked for the whole run, then runs the data steps (<see cref="CaseFoldingUpgrade"/>).
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

    // Migrations are hand-written, without a model snapshot; MigrationSchemaTests compares schema and model instead.
    private static void IgnoreSnapshotlessMigrations(WarningsConfigurationBuilder warnings) =>
        warnings.Ignore(RelationalEventId.PendingModelChangesWarning);

    /// <summary>Per-connection pragmas, set once per physical connection (the pool hands the same handle out again).</summary>
    private sealed class SqlitePragmas(string synchronous, int busyTimeoutMs) : DbConnectionInterceptor
    {
        private readonly string _sql = $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={busyTimeoutMs}; PRAGMA foreign_keys=ON;";
        private readonly ConditionalWeakTable<object, object> _configured = [];

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Execute(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Execute(connection);
            return Task.CompletedTask;
        }

        private void Execute(DbConnection connection)
        {
            var handle = ((SqliteConnection)connection).Handle!;
            if (_configured.TryGetValue(handle, out _))
            {
                return;
            }

            using var command = connection.CreateCommand();
            command.CommandText = _sql;
            command.ExecuteNonQuery();
            _configured.AddOrUpdate(handle, handle);
        }
    }
}

/// <summary>
/// Coordinates writes. <see cref="EnterAsync"/> serialises them where the database needs it (SQLite: one writer at a
/// time; queueing here is far cheaper than colliding on SQLITE_BUSY). <see cref="WaitDurableAsync"/> returns once
/// everything this scope wrote is on disk, so a response is only sent for a change that survives a power loss.
/// </summary>
public interface IWriteGate
{
    ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken);

    Task WaitDurableAsync(CancellationToken cancellationToken);
}

/// <summary>The per-request view of the SQLite writer: remembers whether the request wrote anything.</summary>
internal sealed class SqliteWriteGate(SqliteWriter writer) : IWriteGate
{
    private bool _wrote;

    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        _wrote = true;
        return writer.EnterAsync(cancellationToken);
    }

    public Task WaitDurableAsync(CancellationToken cancellationToken) =>
        _wrote ? writer.SyncAsync(cancellationToken) : Task.CompletedTask;
}

/// <summary>
/// One writer at a time, and group commit for durability. Transactions commit with synchronous=NORMAL (written to
/// the WAL, not yet fsynced); before answering, each request waits for a sync, and one sync covers every request
/// that committed before it began, so concurrent requests share one fsync instead of paying one each. The sync is an
/// fsync of the WAL file, outside the write lock, so writers go on while the disk works. SQLite locks the database
/// and -shm files, never the WAL, so opening and closing our own handle to it disturbs no lock. Without a WAL file
/// (not created yet, or an in-memory database) the sync is a tiny synchronous=FULL transaction instead.
/// </summary>
internal sealed class SqliteWriter(string connectionString, bool syncBeforeAcknowledging) : IDisposable
{
    private readonly string? _walPath = WalPath(connectionString);
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private long _syncs;
    private readonly Lock _lock = new();
    private List<TaskCompletionSource> _waiting = [];
    private bool _syncing;
    private SqliteConnection? _syncConnection;

    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        return new Releaser(_semaphore);
    }

    public Task SyncAsync(CancellationToken cancellationToken)
    {
        if (!syncBeforeAcknowledging)
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add(waiter);
            if (!_syncing)
            {
                _syncing = true;
                _ = Task.Run(SyncLoopAsync, CancellationToken.None);
            }
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    private async Task SyncLoopAsync()
    {
        while (true)
        {
            List<TaskCompletionSource> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _syncing = false;
                    return;
                }

                batch = _waiting;
                _waiting = [];
            }

            try
            {
                if (!await FsyncWalFileAsync())
                {
                    using (await EnterAsync(CancellationToken.None))
                    {
                        await SyncWalAsync();
                    }
                }

                Interlocked.Increment(ref _syncs);
                batch.ForEach(w => w.TrySetResult());
            }
            catch (Exception ex)
            {
                _syncConnection?.Dispose();
                _syncConnection = null;
                batch.ForEach(w => w.TrySetException(ex));
            }
        }
    }

    /// <summary>How many syncs have run (each covering one or more requests).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    private async Task<bool> FsyncWalFileAsync()
    {
        if (_walPath is null)
        {
            return false;
        }

        try
        {
            await Task.Run(() =>
            {
                using var wal = new FileStream(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
                wal.Flush(flushToDisk: true);
            });
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An immutable or read-only WAL, or a failing disk: the store's failure, reported as SQLite reports its own.
            throw new SqliteException($"The WAL {_walPath} could not be synced: {ex.Message}", SqliteIoError, SqliteIoErrorFsync);
        }
    }

    private const int SqliteIoError = 10;
    private const int SqliteIoErrorFsync = SqliteIoError | (4 << 8);

    private static string? WalPath(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:"
            ? null
            : Path.GetFullPath(builder.DataSource) + "-wal";
    }

    private async Task SyncWalAsync()
    {
        // A connection of its own, outside the pool, so FULL never leaks to the connections that do the writing.
        if (_syncConnection is null)
        {
            var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
            _syncConnection = new SqliteConnection(builder.ConnectionString);
            await _syncConnection.OpenAsync();
            await using var setup = _syncConnection.CreateCommand();
            setup.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
            await setup.ExecuteNonQueryAsync();
        }

        await using var command = _syncConnection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE;";
        await command.ExecuteNonQueryAsync();
        try
        {
            command.CommandText = "PRAGMA user_version;";
            var version = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = $"PRAGMA user_version = {(version + 1) % int.MaxValue}; COMMIT;";
            await command.ExecuteNonQueryAsync();
        }
        catch
        {
            command.CommandText = "ROLLBACK;";
            await command.ExecuteNonQueryAsync();
            throw;
        }
    }

    public void Dispose()
    {
        _syncConnection?.Dispose();
        _semaphore.Dispose();
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}

/// <summary>PostgreSQL handles concurrent writers and fsyncs at commit (with its own group commit).</summary>
internal sealed class NoWriteGate : IWriteGate
{
    private static readonly IDisposable Nothing = new Empty();

    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Nothing);

    public Task WaitDurableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class Empty : IDisposable
    {
        public void Dispose()
        {
        }
    }
}

/// <summary>Holds a response back until what the request wrote is durable (see <see cref="IWriteGate.WaitDurableAsync"/>).</summary>
public sealed class DurableWritesFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        await http.RequestServices.GetRequiredService<IWriteGate>().WaitDurableAsync(http.RequestAborted);
        return result;
    }
}
