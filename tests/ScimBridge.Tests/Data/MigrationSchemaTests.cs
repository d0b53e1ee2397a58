using System.Data.Common;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace ScimBridge.Tests.Data;

/// <summary>
/// The migrations build exactly the schema the EF model describes: one database is migrated, another is created
/// straight from the model, and their catalogs must match. (The generated baseline adds one default the model does not
/// describe, so defaults are compared by <see cref="MigrationUpgradeTests"/>, against today's databases.)
/// </summary>
public sealed class MigrationSchemaTests
{
    [Theory, AllDatabases]
    public async Task MigratedSchema_MatchesTheModel(DatabaseProvider provider)
    {
        await using var migrated = await TestDatabases.CreateAsync(provider);
        await using var fromModel = await TestDatabases.CreateAsync(provider);

        await using (var db = Context(provider, migrated.ConnectionString))
        {
            await db.Database.MigrateAsync();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        }

        await using (var db = Context(provider, fromModel.ConnectionString))
        {
            await db.Database.EnsureCreatedAsync();
        }

        var expected = await DescribeAsync(provider, fromModel.ConnectionString);
        var actual = await DescribeAsync(provider, migrated.ConnectionString);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    [Theory, AllDatabases]
    public async Task Migrating_TwiceOrFromTwoProcessesAtOnce_IsHarmless(DatabaseProvider provider)
    {
        await using var database = await TestDatabases.CreateAsync(provider);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            await using var db = Context(provider, database.ConnectionString);
            await DatabaseMigrations.MigrateAsync(db);
        }));

        await using var check = Context(provider, database.ConnectionString);
        await DatabaseMigrations.MigrateAsync(check);
        Assert.Equal(check.Database.GetMigrations(), await check.Database.GetAppliedMigrationsAsync());
    }

    /// <summary>
    /// A database written by a version that compared upper-cased names: its keys are refolded on upgrade, and two users
    /// that are one name now are both kept, the newer set aside (found by id, not by name) and reported.
    /// </summary>
    [Theory, AllDatabases]
    public async Task CaseFoldingUpgrade_RefoldsStoredKeys_KeepsCollidingUsersAndReportsThem(DatabaseProvider provider)
    {
        await using var database = await TestDatabases.CreateAsync(provider);
        var log = new ListLogger();
        await using (var db = Context(provider, database.ConnectionString))
        {
            await db.GetService<IMigrator>().MigrateAsync();
            await InsertOldUserAsync(db, "older", "kelvin@x.example", created: 1);
            await InsertOldUserAsync(db, "newer", "\u212Aelvin@x.example", created: 2);
            const string jose = "Jose\u0301@x.example", team = "Team \u212Bngstr\u00F6m";
            await InsertOldUserAsync(db, "jose", jose, created: 3);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Groups" ("Id", "DisplayName", "DisplayNameNormalized", "Created", "LastModified", "Version", "Data")
                VALUES ('g1', {team}, {team.ToUpperInvariant()}, 0, 0, 1, {"{}"})
                """);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "LogEntries" ("At", "CycleId", "DurationMs", "InitiatorType", "Initiator", "ResourceType", "SourceId", "SourceName",
                    "SourceNameNormalized", "Action", "Status", "Steps", "ModifiedProperties", "Attempt", "Instance")
                VALUES ({DateTimeOffset.UtcNow.UtcTicks}, 'c', 0, 'System', 'bridge', 'User', 'jose', {jose}, {jose.ToLowerInvariant()},
                    'Create', 'Success', '[]', '[]', 1, 'i')
                """);

            await DatabaseMigrations.MigrateAsync(db, log);
        }

        var warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("older", warning.Message, StringComparison.Ordinal);
        Assert.Contains("newer", warning.Message, StringComparison.Ordinal);

        await using var app = await ScimApp.StartAsync(provider, database: new TestDatabase(provider, database.ConnectionString, () => Task.CompletedTask));
        var keys = await app.DbAsync(db => db.Users.OrderBy(u => u.Created).Select(u => u.UserNameNormalized).ToListAsync());
        Assert.Equal(["kelvin@x.example", "jos\u00E9@x.example"], [keys[0], keys[2]]);
        Assert.StartsWith("kelvin@x.example SET-ASIDE:", keys[1], StringComparison.Ordinal);
        Assert.Equal("team \u00E5ngstr\u00F6m", await app.DbAsync(db => db.Groups.Select(g => g.DisplayNameNormalized).SingleAsync()));
        Assert.Equal("jos\u00E9@x.example", await app.DbAsync(db => db.LogEntries.Select(e => e.SourceNameNormalized).SingleAsync()));

        var found = await app.GetAsync($"/scim/v2/Users?filter={Uri.EscapeDataString("userName eq \"KELVIN@x.example\"")}");
        Assert.Equal(["older"], found.Object["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        var deactivated = await app.PatchAsync("/scim/v2/Users/newer", Bodies.Patch(Bodies.Op("replace", "active", false)));
        deactivated.AssertStatus(System.Net.HttpStatusCode.OK);
        var renamed = await app.PatchAsync("/scim/v2/Users/newer", Bodies.Patch(Bodies.Op("replace", "userName", "kelvin.two@x.example")));
        renamed.AssertStatus(System.Net.HttpStatusCode.OK);
        Assert.Equal("kelvin.two@x.example", await app.DbAsync(db => db.Users.Where(u => u.Id == "newer").Select(u => u.UserNameNormalized).SingleAsync()));
    }

    private static Task InsertOldUserAsync(ScimBridgeDbContext db, string id, string userName, long created) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Users" ("Id", "UserName", "UserNameNormalized", "DisplayName", "DisplayNameNormalized", "Active", "Created", "LastModified", "Version", "Data")
            VALUES ({id}, {userName}, {userName.ToUpperInvariant()}, {userName}, {userName.ToUpperInvariant()}, TRUE, {created}, {created}, 1,
                {Bodies.User(userName).ToJsonString()})
            """);

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }

    private static ScimBridgeDbContext Context(DatabaseProvider provider, string connectionString) =>
        DatabaseSetup.CreateContext(provider, connectionString);

    /// <summary>Tables, columns (type, nullability, key), indexes (columns, uniqueness, filter) and foreign keys, as sorted lines.</summary>
    /// <param name="full">Also column defaults, collations and triggers.</param>
    internal static async Task<List<string>> DescribeAsync(DatabaseProvider provider, string connectionString, bool full = false)
    {
        await using var db = Context(provider, connectionString);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var lines = provider == DatabaseProvider.Sqlite ? await DescribeSqliteAsync(connection, full) : await DescribePostgresAsync(connection, full);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<string>> DescribeSqliteAsync(DbConnection connection, bool full)
    {
        var lines = new List<string>();
        var tables = await QueryAsync(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EFMigrations%'");
        foreach (var table in tables.Select(t => t[0]))
        {
            foreach (var c in await QueryAsync(connection, $"SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info('{table}')"))
            {
                lines.Add($"column {table}.{c[0]} {c[1]} notnull={c[2]} pk={c[3]}" + (full ? $" default={c[4]}" : ""));
            }

            foreach (var i in await QueryAsync(connection, $"SELECT name, \"unique\", partial, origin FROM pragma_index_list('{table}')"))
            {
                var columns = await QueryAsync(connection, full
                    ? $"SELECT name || ' ' || \"desc\" || ' ' || coll FROM pragma_index_xinfo('{i[0]}') WHERE key = 1 ORDER BY seqno"
                    : $"SELECT name FROM pragma_index_info('{i[0]}') ORDER BY seqno");
                var sql = await QueryAsync(connection, $"SELECT sql FROM sqlite_master WHERE type = 'index' AND name = '{i[0]}'");
                var where = sql.FirstOrDefault()?[0] is { } text && text.Contains("WHERE", StringComparison.OrdinalIgnoreCase)
                    ? text[text.IndexOf("WHERE", StringComparison.OrdinalIgnoreCase)..] : "";
                var name = i[3] == "pk" ? "(primary key)" : i[0];
                lines.Add($"index {table} {name} ({string.Join(",", columns.Select(x => x[0]))}) unique={i[1]} {where}");
            }

            foreach (var f in await QueryAsync(connection, $"SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('{table}')"))
            {
                lines.Add($"fk {table}.{f[1]} -> {f[0]}.{f[2]} on delete {f[3]}");
            }
        }

        if (full)
        {
            lines.AddRange((await QueryAsync(connection, "SELECT name, sql FROM sqlite_master WHERE type IN ('trigger', 'view')")).Select(t => $"trigger {t[0]} {t[1]}"));
            lines.AddRange((await QueryAsync(connection, "SELECT name, sql LIKE '%AUTOINCREMENT%' FROM sqlite_master WHERE type = 'table'")).Select(t => $"autoincrement {t[0]} {t[1]}"));
        }

        return lines;
    }

    private static async Task<List<string>> DescribePostgresAsync(DbConnection connection, bool full)
    {
        var lines = new List<string>();
        foreach (var c in await QueryAsync(connection, """
            SELECT table_name, column_name, data_type, is_nullable, is_identity, coalesce(identity_generation, ''),
                coalesce(column_default, ''), coalesce(collation_name, ''), coalesce(numeric_precision || ',' || numeric_scale, '')
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name NOT LIKE '__EFMigrations%'
            """))
        {
            lines.Add($"column {c[0]}.{c[1]} {c[2]} nullable={c[3]} identity={c[4]} {c[5]}" + (full ? $" default={c[6]} collation={c[7]} precision={c[8]}" : ""));
        }

        if (full)
        {
            lines.AddRange((await QueryAsync(connection, "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")).Select(t => $"trigger {t[0]} {t[1]}"));
            lines.AddRange((await QueryAsync(connection, """
                SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                """)).Select(t => $"constraint {t[0]} {t[1]} {t[2]}"));
        }

        foreach (var i in await QueryAsync(connection,
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '__EFMigrations%'"))
        {
            lines.Add($"index {i[0]} {i[1]} {i[2]}");
        }

        foreach (var f in await QueryAsync(connection, """
            SELECT tc.table_name, tc.constraint_name, rc.delete_rule
            FROM information_schema.table_constraints tc
            JOIN information_schema.referential_constraints rc ON rc.constraint_name = tc.constraint_name
            WHERE tc.table_schema = 'public' AND tc.constraint_type = 'FOREIGN KEY'
            """))
        {
            lines.Add($"fk {f[0]} {f[1]} on delete {f[2]}");
        }

        return lines;
    }

    private static async Task<List<string?[]>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }
}
