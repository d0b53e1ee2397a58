using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ScimBridge.Data.Migrations.Sqlite;

/// <summary>The context on SQLite: its type ties it to the migrations and snapshot in this folder.</summary>
public sealed class SqliteBridgeContext(DbContextOptions<SqliteBridgeContext> options) : ScimBridgeDbContext(options);

/// <summary>For <c>dotnet ef</c> (scripts/add-migration.sh): building the model needs no running database.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBridgeContext>
{
    public SqliteBridgeContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteBridgeContext>().UseSqlite(DatabaseSetup.DefaultSqliteConnectionString).Options);
}
