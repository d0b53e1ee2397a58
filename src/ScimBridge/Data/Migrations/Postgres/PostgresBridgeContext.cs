using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ScimBridge.Data.Migrations.Postgres;

/// <summary>The context on PostgreSQL: its type ties it to the migrations and snapshot in this folder.</summary>
public sealed class PostgresBridgeContext(DbContextOptions<PostgresBridgeContext> options) : ScimBridgeDbContext(options);

/// <summary>For <c>dotnet ef</c> (scripts/add-migration.sh): building the model needs no running database.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBridgeContext>
{
    public PostgresBridgeContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresBridgeContext>().UseNpgsql("Host=localhost").Options);
}
