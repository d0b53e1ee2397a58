using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Sdk;

namespace ScimBridge.Tests.Infrastructure;

/// <summary>
/// Supplies each database a test runs on. SQLite always; PostgreSQL when SCIMBRIDGE_TEST_POSTGRES names a server
/// (scripts/postgres.sh prints it). In CI (CI=true) PostgreSQL is mandatory: without it the tests fail, never skip.
/// </summary>
public sealed class AllDatabasesAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod)
    {
        yield return [DatabaseProvider.Sqlite];
        if (TestDatabases.PostgresConfigured || TestDatabases.InCi)
        {
            yield return [DatabaseProvider.Postgres];
        }
    }
}

public static class TestDatabases
{
    public const string PostgresVariable = "SCIMBRIDGE_TEST_POSTGRES";

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable);

    public static bool PostgresConfigured => !string.IsNullOrWhiteSpace(PostgresServer);

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A fresh, empty database; disposing it deletes it.</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), "scimbridge-tests", $"{Guid.NewGuid():N}.db");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return new TestDatabase(provider, $"Data Source={path}", () =>
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                {
                    File.Delete(file);
                }

                return Task.CompletedTask;
            });
        }

        if (!PostgresConfigured)
        {
            throw new InvalidOperationException(
                $"PostgreSQL tests need {PostgresVariable}. Run 'scripts/postgres.sh start' and 'eval \"$(scripts/postgres.sh env)\"'.");
        }

        var name = $"scimbridge_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(PostgresServer))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name };
        return new TestDatabase(provider, builder.ConnectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresServer);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        });
    }
}

public sealed class TestDatabase(DatabaseProvider provider, string connectionString, Func<Task> drop) : IAsyncDisposable
{
    public DatabaseProvider Provider { get; } = provider;
    public string ConnectionString { get; } = connectionString;

    /// <summary>A plain connection of its own (not pooled), for reading what a bridge in another process stored.</summary>
    public DbConnection OpenConnection() => Provider == DatabaseProvider.Sqlite
        ? new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString)
        : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);

    /// <summary>The one number a query such as <c>SELECT COUNT(*) …</c> returns.</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = OpenConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync() => new(drop());
}
