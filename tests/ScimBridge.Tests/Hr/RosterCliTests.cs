using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary><c>hr import FILE [--dry-run] [--mode good-rows]</c> as a child process on the test database.</summary>
public sealed class RosterCliTests
{
    [Theory, AllDatabases]
    public async Task Import_PrintsTheTable_DryRunWritesNothing_AndExitCodesTellErrorsFromBadUsage(DatabaseProvider provider)
    {
        await using var database = await TestDatabases.CreateAsync(provider);
        await using var app = await ScimApp.StartAsync(provider, database: database);
        var alice = await app.WorkerAsync("E1", "alice@example.com", timezone: "America/Los_Angeles");
        await app.WorkerAsync("E2", "bob@example.com");
        var directory = Directory.CreateTempSubdirectory("roster-cli");
        try
        {
            var good = Path.Combine(directory.FullName, "good.csv");
            await File.WriteAllTextAsync(good, "Employee ID,Email,Status,Last day of work\nE1,alice@example.com,terminated,2099-06-30\nE2,bob@example.com,active,\n");

            var (exit, lines, error) = await BridgeCli.RunAsync(database, null, "hr", "import", good, "--dry-run");
            Assert.True(exit == 0, string.Join('\n', lines) + error);
            Assert.Contains(lines, l => l.StartsWith("ROW", StringComparison.Ordinal) && l.Contains("CHANGE", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("2  alice@example.com", StringComparison.Ordinal) && l.Contains("Terminate", StringComparison.Ordinal)
                && l.Contains("2099-06-30T19:00:00 America/Los_Angeles", StringComparison.Ordinal) && l.Contains("2099-07-01 02:00:00Z", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("3  bob@example.com", StringComparison.Ordinal) && l.Contains("no change", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("Dry run, 2 rows: 1 would change", StringComparison.Ordinal));
            Assert.Equal(0, await app.DbAsync(db => db.HrEvents.CountAsync()));

            (exit, lines, error) = await BridgeCli.RunAsync(database, null, "hr", "import", good);
            Assert.True(exit == 0, string.Join('\n', lines) + error);
            Assert.Contains(lines, l => l.StartsWith("Applied (all-or-nothing)", StringComparison.Ordinal) && l.Contains("1 rows applied", StringComparison.Ordinal));
            var recorded = await app.DbAsync(db => db.HrEvents.SingleAsync());
            Assert.Equal((alice, new DateTimeOffset(2099, 7, 1, 2, 0, 0, TimeSpan.Zero), HrSources.Roster), (recorded.UserId, recorded.EffectiveAt, recorded.Source));
            Assert.StartsWith("cli", recorded.Actor, StringComparison.Ordinal);

            var bad = Path.Combine(directory.FullName, "bad.csv");
            await File.WriteAllTextAsync(bad, "employeeId,status,lastDayOfWork\nE2,terminated,2099-06-30\nE9,terminated,2099-06-30\n");
            (exit, lines, _) = await BridgeCli.RunAsync(database, null, "hr", "import", bad);
            Assert.Equal(1, exit);
            Assert.Contains(lines, l => l.StartsWith("3  E9", StringComparison.Ordinal) && l.Contains("ERROR", StringComparison.Ordinal)
                && l.Contains("column employeeId: no worker has employee id 'E9'", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("Refused (all-or-nothing)", StringComparison.Ordinal));
            Assert.Equal(1, await app.DbAsync(db => db.HrEvents.CountAsync()));

            (exit, lines, _) = await BridgeCli.RunAsync(database, null, "hr", "import", bad, "--mode", "good-rows");
            Assert.Equal(1, exit);
            Assert.Contains(lines, l => l.StartsWith("Applied (good-rows)", StringComparison.Ordinal) && l.Contains("1 rows applied", StringComparison.Ordinal));
            Assert.Equal(2, await app.DbAsync(db => db.HrEvents.CountAsync()));

            (exit, _, error) = await BridgeCli.RunAsync(database, null, "hr", "import", Path.Combine(directory.FullName, "missing.csv"));
            Assert.Equal(2, exit);
            Assert.Contains("cannot read", error, StringComparison.Ordinal);
            (exit, _, error) = await BridgeCli.RunAsync(database, null, "hr", "import", good, "--mode", "some-rows");
            Assert.Equal(2, exit);
            Assert.Contains("Argument 'some-rows' not recognized", error, StringComparison.Ordinal);

            var noStatus = Path.Combine(directory.FullName, "no-status.csv");
            await File.WriteAllTextAsync(noStatus, "employeeId,email\nE1,alice@example.com\n");
            (exit, _, error) = await BridgeCli.RunAsync(database, null, "hr", "import", noStatus, "--dry-run");
            Assert.Equal(1, exit);
            Assert.StartsWith("status: The roster has no status column", error.Trim(), StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
