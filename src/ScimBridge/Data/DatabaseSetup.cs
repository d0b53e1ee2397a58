using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using ScimBridge.Data.Migrations.Postgres;
using ScimBridge.Data.Migrations.Sqlite;
using ScimBridge.Operations;

namespace ScimBridge.Data;

/// <summary>
/// The single seam where the database provider is chosen. A provider is added here, with its context, design-time
/// factory and generated migrations in a folder of its own under Data/Migrations (docs/migrations.md).
/// </summary>
public static class DatabaseSetup
{
    public const string ConnectionStringName = "ScimBridge";
    public const string DefaultSqliteConnectionString = "Data Source=scimbridge.db";

    public static IServiceCollection AddScimBridgeDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<DatabaseReadiness>();
        services.AddValidatedOptions<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));

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
                services.AddDbContextPool<ScimBridgeDbContext, SqliteBridgeContext>((provider, db) => db
                    .UseSqlite(sqlite)
                    .AddInterceptors(new SqlitePragmas(groupCommit ? "NORMAL" : synchronous, options.SqliteBusyTimeoutMs))
                    .AddInterceptors(provider.GetServices<SaveChangesInterceptor>()));
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new OptionsValidationException(ConnectionStringName, typeof(DatabaseOptions),
                        ["ConnectionStrings:ScimBridge is required when Database:Provider is Postgres."]);
                }

                services.AddSingleton<IWriteGate, NoWriteGate>();
                var postgres = WithAutoPrepare(connectionString);
                services.AddDbContextPool<ScimBridgeDbContext, PostgresBridgeContext>((provider, db) => db
                    .UseNpgsql(postgres)
                    .AddInterceptors(provider.GetServices<SaveChangesInterceptor>()));
                break;
            default:
                throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions),
                    [$"Database:Provider '{options.Provider}' is not supported; use Sqlite or Postgres."]);
        }

        return services;
    }

    /// <summary>
    /// Npgsql prepares a statement on the server once a connection has run it a few times, so PostgreSQL stops parsing
    /// and planning the same few dozen statements on every request (measured: a third less database CPU per create).
    /// A connection string that says otherwise is left alone: <c>Max Auto Prepare=0</c> behind a pooler that cannot
    /// keep prepared statements (PgBouncer in transaction mode before 1.21).
    /// </summary>
    internal static string WithAutoPrepare(string connectionString)
    {
        var keys = new DbConnectionStringBuilder();
        try
        {
            keys.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return connectionString; // Npgsql reports what is wrong with it, at the first connection.
        }

        return keys.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
            ? connectionString
            : connectionString.TrimEnd().TrimEnd(';') + ";Max Auto Prepare=64";
    }

    /// <summary>A context outside the container (tests, tools), of the provider's own type so that its migrations are found.</summary>
    public static ScimBridgeDbContext CreateContext(DatabaseProvider provider, string connectionString) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteBridgeContext(new DbContextOptionsBuilder<SqliteBridgeContext>().UseSqlite(connectionString).Options),
        DatabaseProvider.Postgres => new PostgresBridgeContext(new DbContextOptionsBuilder<PostgresBridgeContext>().UseNpgsql(connectionString).Options),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
