using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using ScimBridge.Tests.Push;

namespace ScimBridge.Tests.Data;

/// <summary>
/// A store that refuses writes (read-only, immutable files, locked by another process) answers 503 with Retry-After
/// and a SCIM error, never 500; /readyz says so; and what was acknowledged before is exactly what is there after.
/// </summary>
public sealed class StoreUnavailableTests
{
    private const string RetryAfter = "17";

    /// <summary>SQLite: another process holds the write lock past the busy timeout. PostgreSQL: the database is read-only.</summary>
    [Theory, AllDatabases]
    public async Task Writes_WhileTheStoreRefusesThem_Answer503WithRetryAfter_AndNothingIsLost(DatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var app = await ScimApp.StartAsync(provider, Settings(database), database);
        var (alice, group, before) = await SeedAsync(app);
        var admin = await app.AdminAsync();
        (await admin.GetAsync("/admin/api/whoami")).EnsureSuccessStatusCode();

        await using (await RefuseWritesAsync(database))
        {
            AssertUnavailable(await app.PostAsync("/scim/v2/Users", Bodies.User("carol@example.com")));
            AssertUnavailable(await app.PatchAsync($"/scim/v2/Users/{alice}", Bodies.Patch(Bodies.Op("replace", "displayName", "Changed"))));
            AssertUnavailable(await app.DeleteAsync($"/scim/v2/Groups/{group}"));
            await AssertAdminUnavailableAsync(admin);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyAsync(app));
        }

        await AssertRecoversAsync(app, alice, group, before);
    }

    /// <summary>
    /// No client request at all: the push worker's next claim meets the refusal and readiness goes red; once the
    /// store takes writes again and the window passes without a refusal, it is green.
    /// </summary>
    [Theory, AllDatabases]
    public async Task Readiness_WithoutTraffic_FollowsThePushWorkersRefusedWrites(DatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var settings = Settings(database);
        settings["Database:FailureWindowSeconds"] = "2";
        await using var harness = await PushHarness.StartAsync(provider, settings, database: database);
        Assert.Equal(HttpStatusCode.OK, await ReadyAsync(harness.Bridge));

        await using (await RefuseWritesAsync(database))
        {
            await Eventually.UntilAsync(async () => await ReadyAsync(harness.Bridge) == HttpStatusCode.ServiceUnavailable,
                "/readyz to go red on the push worker's refused claims");
        }

        await Eventually.UntilAsync(async () => await ReadyAsync(harness.Bridge) == HttpStatusCode.OK, "/readyz to be 200 again");
    }

    /// <summary>The outside tester's case: the database and its WAL made immutable (chattr +i), which even root cannot write.</summary>
    [Fact]
    public async Task Writes_OnImmutableSqliteFiles_Answer503_AndRecoverWhenWritable()
    {
        var database = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, Settings(database), database);
        var (alice, group, before) = await SeedAsync(app);
        var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        // The next request records the token's use: a write inside a read, whose sync then meets the immutable WAL.
        await app.DbAsync(db => db.ScimTokens.ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, (DateTimeOffset?)null)));

        await using (await ImmutableAsync(path, path + "-wal"))
        {
            AssertUnavailable(await app.GetAsync("/scim/v2/Users"));
            AssertUnavailable(await app.PostAsync("/scim/v2/Users", Bodies.User("carol@example.com")));
            AssertUnavailable(await app.PatchAsync($"/scim/v2/Users/{alice}", Bodies.Patch(Bodies.Op("replace", "displayName", "Changed"))));
            AssertUnavailable(await app.DeleteAsync($"/scim/v2/Groups/{group}"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyAsync(app));
        }

        await AssertRecoversAsync(app, alice, group, before);
    }

    /// <summary>An -shm the bridge cannot write (here a directory in its place) stops start-up with the file named.</summary>
    [Fact]
    public async Task StartUp_WithAnUnwritableShmFile_FailsNamingTheFile()
    {
        var database = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite);
        var shm = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource + "-shm";
        Directory.CreateDirectory(shm);
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => ScimApp.StartAsync(DatabaseProvider.Sqlite, database: database));
            Assert.Contains($"The SQLite file {shm} cannot be opened for writing", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(shm);
            await database.DisposeAsync();
        }
    }

    private static Dictionary<string, string?> Settings(TestDatabase database) => new()
    {
        // The lock holder makes writers wait: a short busy timeout and command timeout keep the test quick.
        ["ConnectionStrings:ScimBridge"] = database.Provider == DatabaseProvider.Sqlite ? database.ConnectionString + ";Default Timeout=1" : database.ConnectionString,
        ["Database:SqliteBusyTimeoutMs"] = "100",
        ["Database:RetryAfterSeconds"] = RetryAfter,
    };

    private static async Task<(string Alice, string Group, string State)> SeedAsync(ScimApp app)
    {
        var alice = await app.CreateUserAsync("alice@example.com");
        var bob = await app.CreateUserAsync("bob@example.com");
        var group = await app.CreateGroupAsync("Sales", alice, bob);
        Assert.Equal(HttpStatusCode.OK, await ReadyAsync(app));
        return (alice, group, await AcknowledgedAsync(app));
    }

    /// <summary>Writable again: a write goes through (retried while the pool sheds connections the outage broke), /readyz is 200, and nothing acknowledged changed.</summary>
    private static async Task AssertRecoversAsync(ScimApp app, string alice, string group, string before)
    {
        var created = await AvailableAsync(() => app.PostAsync("/scim/v2/Users", Bodies.User("carol@example.com")));
        created.AssertStatus(HttpStatusCode.Created);
        await Eventually.UntilAsync(async () => await ReadyAsync(app) == HttpStatusCode.OK, "/readyz to be 200 again");

        var after = JsonNode.Parse(await AcknowledgedAsync(app))!.AsObject();
        var users = after["users"]!.AsArray().Where(u => u!["userName"]!.GetValue<string>() != "carol@example.com").ToList();
        after["users"] = new JsonArray([.. users.Select(u => u!.DeepClone())]);
        Assert.Equal(before, after.ToJsonString());
        Assert.Equal("Sales", (await app.GetAsync($"/scim/v2/Groups/{group}")).String("displayName"));
        Assert.Equal("alice", (await app.GetAsync($"/scim/v2/Users/{alice}")).String("displayName"));
    }

    private static void AssertUnavailable(ScimResponse response)
    {
        response.AssertScimError(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(ScimApp.Media, response.ContentType);
        Assert.Equal(RetryAfter, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("store is unavailable", response.String("detail"), StringComparison.Ordinal);
        Assert.Contains("nothing was changed", response.String("detail"), StringComparison.Ordinal);
    }

    private static async Task AssertAdminUnavailableAsync(HttpClient admin)
    {
        using var response = await admin.PostAsync("/admin/api/connection/resume", null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(RetryAfter, System.Globalization.CultureInfo.InvariantCulture)), response.Headers.RetryAfter?.Delta);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(503, problem["status"]!.GetValue<int>());
    }

    /// <summary>Users and groups as a client reads them, meta (version, lastModified) included.</summary>
    private static async Task<string> AcknowledgedAsync(ScimApp app)
    {
        var users = await AvailableAsync(() => app.GetAsync("/scim/v2/Users?sortBy=userName"));
        var groups = await AvailableAsync(() => app.GetAsync("/scim/v2/Groups?sortBy=displayName"));
        return new JsonObject
        {
            ["users"] = users.Object["Resources"]!.DeepClone(),
            ["groups"] = groups.Object["Resources"]!.DeepClone(),
        }.ToJsonString();
    }

    /// <summary>Sends until the answer is not 503: right after an outage the pool may still hand out connections it broke.</summary>
    private static Task<ScimResponse> AvailableAsync(Func<Task<ScimResponse>> send) =>
        Eventually.ValueAsync(send, "an answer other than 503", r => r.Status != HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20));

    private static async Task<HttpStatusCode> ReadyAsync(ScimApp app)
    {
        using var anonymous = app.CreateScimClient(null);
        using var response = await anonymous.GetAsync("/readyz");
        return response.StatusCode;
    }

    private static Task<IAsyncDisposable> RefuseWritesAsync(TestDatabase database) =>
        database.Provider == DatabaseProvider.Sqlite ? HoldSqliteWriteLockAsync(database.ConnectionString) : PostgresReadOnlyAsync(database.ConnectionString);

    /// <summary>Another process's writer holding the lock: SQLite answers SQLITE_BUSY once the busy timeout has passed.</summary>
    private static async Task<IAsyncDisposable> HoldSqliteWriteLockAsync(string connectionString)
    {
        var holder = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await holder.OpenAsync();
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }

        return new Undo(async () =>
        {
            await using (var rollback = holder.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK;";
                await rollback.ExecuteNonQueryAsync();
            }

            await holder.DisposeAsync();
        });
    }

    /// <summary>A read-only database, as a failover to a standby makes it: new sessions are read-only, and the bridge's are cut.</summary>
    private static async Task<IAsyncDisposable> PostgresReadOnlyAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await SetReadOnlyAsync(name, true);
        return new Undo(() => SetReadOnlyAsync(name, false));
    }

    private static async Task SetReadOnlyAsync(string database, bool readOnly)
    {
        await using var server = new NpgsqlConnection(TestDatabases.PostgresServer);
        await server.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"ALTER DATABASE \"{database}\" SET default_transaction_read_only = {(readOnly ? "on" : "off")}; " +
            $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid();", server);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>chattr +i: not even root may write the files, and SQLite's writes fail with an I/O error.</summary>
    private static async Task<IAsyncDisposable> ImmutableAsync(params string[] paths)
    {
        await ChattrAsync("+i", paths);
        return new Undo(() => ChattrAsync("-i", paths));
    }

    private static async Task ChattrAsync(string change, string[] paths)
    {
        var info = new ProcessStartInfo("chattr") { RedirectStandardError = true };
        info.ArgumentList.Add(change);
        foreach (var path in paths)
        {
            info.ArgumentList.Add(path);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"chattr {change} failed ({error.Trim()}): this test needs root on a file system with the immutable attribute (ext4, xfs, btrfs).");
    }

    private sealed class Undo(Func<Task> undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await undo();
    }
}
