using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace ScimBridge.Data;

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>SQLite <c>synchronous</c> pragma: FULL survives power loss, NORMAL only process crashes.</summary>
    [RegularExpression("^(?i)(OFF|NORMAL|FULL|EXTRA)$", ErrorMessage = "Database:SqliteSynchronous must be OFF, NORMAL, FULL or EXTRA.")]
    public string SqliteSynchronous { get; set; } = "FULL";

    [Range(0, 600_000, ErrorMessage = "Database:SqliteBusyTimeoutMs must be between 0 and 600000.")]
    public int SqliteBusyTimeoutMs { get; set; } = 30_000;
}

/// <summary>The single seam where the database provider is chosen. Add a provider here (and nowhere else).</summary>
public static class DatabaseSetup
{
    public const string ConnectionStringName = "ScimBridge";
    public const string DefaultSqliteConnectionString = "Data Source=scimbridge.db";

    public static IServiceCollection AddScimBridgeDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var options = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = configuration.GetConnectionString(ConnectionStringName);

        switch (options.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddSingleton<IWriteGate, SerialWriteGate>();
                services.AddDbContextPool<ScimBridgeDbContext>(db => db
                    .UseSqlite(string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString)
                    .AddInterceptors(new SqlitePragmas(options.SqliteSynchronous.ToUpperInvariant(), options.SqliteBusyTimeoutMs))
                    .ConfigureWarnings(IgnoreSnapshotlessMigrations));
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new OptionsValidationException(ConnectionStringName, typeof(DatabaseOptions),
                        ["ConnectionStrings:ScimBridge is required when Database:Provider is Postgres."]);
                }

                services.AddSingleton<IWriteGate, NoWriteGate>();
                services.AddDbContextPool<ScimBridgeDbContext>(db => db
                    .UseNpgsql(connectionString)
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
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    // Migrations are hand-written, without a model snapshot; MigrationSchemaTests compares schema and model instead.
    private static void IgnoreSnapshotlessMigrations(WarningsConfigurationBuilder warnings) =>
        warnings.Ignore(RelationalEventId.PendingModelChangesWarning);

    private sealed class SqlitePragmas(string synchronous, int busyTimeoutMs) : DbConnectionInterceptor
    {
        private readonly string _sql = $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={busyTimeoutMs}; PRAGMA foreign_keys=ON;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Execute(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Execute(connection);
            return Task.CompletedTask;
        }

        private void Execute(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = _sql;
            command.ExecuteNonQuery();
        }
    }
}

/// <summary>
/// Serialises writes inside this process. SQLite allows one writer at a time; queueing writers here is
/// far cheaper than letting them collide on SQLITE_BUSY and back off.
/// </summary>
public interface IWriteGate
{
    ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken);
}

internal sealed class SerialWriteGate : IWriteGate, IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        return new Releaser(_semaphore);
    }

    public void Dispose() => _semaphore.Dispose();

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

internal sealed class NoWriteGate : IWriteGate
{
    private static readonly IDisposable Nothing = new Empty();

    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Nothing);

    private sealed class Empty : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
