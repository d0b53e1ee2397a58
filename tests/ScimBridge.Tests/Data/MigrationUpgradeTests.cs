using Microsoft.Data.Sqlite;
using Npgsql;
using ScimBridge.Tests.Cli;

namespace ScimBridge.Tests.Data;

/// <summary>
/// The generated migrations take over databases built by the hand-written ones (tests/TestData/Migrations: dumps of
/// such databases, with two users and a group in them), and the model has no change that lacks a migration.
/// </summary>
public sealed class MigrationUpgradeTests
{
    private const string LastHandWritten = "20261207000006_OutboundRequests";

    [Theory, AllDatabases]
    public async Task ADatabaseFromTheHandWrittenMigrations_IsTakenOverInPlace_KeepingItsRowsAndSchema(DatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await LoadLegacyAsync(database);
        await using var fresh = await TestDatabases.CreateAsync(provider);
        await using (var db = DatabaseSetup.CreateContext(provider, fresh.ConnectionString))
        {
            await DatabaseMigrations.MigrateAsync(db);
        }

        await using var app = await ScimApp.StartAsync(provider, database: database);

        var applied = await app.DbAsync(db => db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(await app.DbAsync(db => Task.FromResult(db.Database.GetMigrations())), applied);
        Assert.Equal(await MigrationSchemaTests.DescribeAsync(provider, fresh.ConnectionString, full: true),
            await MigrationSchemaTests.DescribeAsync(provider, database.ConnectionString, full: true));

        var ada = await app.GetAsync($"/scim/v2/Users?filter={Uri.EscapeDataString("userName eq \"ada@example.com\"")}");
        Assert.Equal("Ada Lovelace", ada.Object["Resources"]![0]!["displayName"]!.GetValue<string>());
        var groups = await app.GetAsync("/scim/v2/Groups");
        var group = Assert.Single(groups.Object["Resources"]!.AsArray());
        Assert.Equal(("Engineering", 2), (group!["displayName"]!.GetValue<string>(), group["members"]!.AsArray().Count));

        var id = await app.CreateUserAsync("carol@example.com", "Carol");
        (await app.GetAsync($"/scim/v2/Users/{id}")).AssertStatus(HttpStatusCode.OK);
        Assert.Equal(3, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task ADatabaseAtAnOlderHandWrittenMigration_EndsStartUpWithOneLineNamingTheVersionToUpgradeThrough(DatabaseProvider provider)
    {
        await using var database = await TestDatabases.CreateAsync(provider);
        await LoadLegacyAsync(database);
        await using (var db = DatabaseSetup.CreateContext(provider, database.ConnectionString))
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {LastHandWritten}");
        }

        var directory = Directory.CreateTempSubdirectory("scimbridge-upgrade-").FullName;
        try
        {
            var result = await BridgeCommand.RunAsync(directory, null, null, TimeSpan.FromSeconds(90),
                "token", "list", "--Database:Provider", provider.ToString(), "--ConnectionStrings:ScimBridge", database.ConnectionString);

            Assert.True(result.ExitCode != 0, result.ToString());
            var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("ScimBridge could not start: ", line, StringComparison.Ordinal);
            Assert.Contains("20261207000004_ConnectionSettings", line, StringComparison.Ordinal);
            Assert.Contains(LastHandWritten, line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        await using var check = DatabaseSetup.CreateContext(provider, database.ConnectionString);
        Assert.DoesNotContain(check.Database.GetMigrations().First(), await check.Database.GetAppliedMigrationsAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void TheModel_HasNoChangeMissingFromTheProvidersMigrations(DatabaseProvider provider)
    {
        // Needs no server: the model is compared with the provider's snapshot. Fails when scripts/add-migration.sh was forgotten.
        using var db = DatabaseSetup.CreateContext(provider, provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : "Host=127.0.0.1");
        Assert.False(db.Database.HasPendingModelChanges(), $"The model has changes without a {provider} migration: run scripts/add-migration.sh <Name>.");
    }

    /// <summary>Loads the dump of a database built by the hand-written migrations into an empty database.</summary>
    internal static async Task LoadLegacyAsync(TestDatabase database)
    {
        var sql = await File.ReadAllTextAsync(RepositoryFiles.TestData("Migrations", $"legacy-20261207000006-{database.Provider.ToString().ToLowerInvariant()}.sql"));
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            await using var sqlite = new SqliteConnection(new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
            await sqlite.OpenAsync();
            await using var command = sqlite.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
            return;
        }

        // Unpooled: the dump empties the search_path of the connection it runs on.
        await using var postgres = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await postgres.OpenAsync();
        await using var load = new NpgsqlCommand(sql, postgres);
        await load.ExecuteNonQueryAsync();
    }
}
