using System.Text;
using ScimBridge.Mirror;

namespace ScimBridge.Tests.Mirror;

/// <summary>Mirror runs of Roadmunk end to end, with the User CSV report deciding who is inactive.</summary>
public sealed class RoadmunkMirrorTests : IAsyncLifetime
{
    private RoadmunkSimulatorHost _sim = null!;

    public async Task InitializeAsync() => _sim = await RoadmunkSimulatorHost.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    private Dictionary<string, string?> Settings()
    {
        var settings = _sim.BridgeSettings();
        settings["Roadmunk:PageSize"] = "2";
        settings["Mirror:Schedule"] = "";
        return settings;
    }

    private static Task<MirrorRunRecord> RunAsync(ScimApp app) =>
        app.Services.GetRequiredService<MirrorRunner>().RunAsync(MirrorApps.Roadmunk, MirrorInitiators.Admin, "tester", CancellationToken.None);

    [Theory, AllDatabases]
    public async Task TheUserReport_MarksInactiveSeats_AndLaterRunsKeepThem_UntilTheUserLogsInAgain(DatabaseProvider provider)
    {
        await _sim.SeedAsync(
            """{"email":"ann@example.com","firstName":"Ann","lastName":"A","accountRole":"account_admin","lastLogin":"2026-11-01T00:00:00Z"}""",
            """{"email":"bob@example.com","firstName":"Bob","lastName":"B","accountRole":"reviewer","lastLogin":"2026-05-01T00:00:00Z","active":false}""",
            """{"email":"ivy@example.com","firstName":"Ivy","lastName":"I","accountRole":"collaborator","isInvited":true}""");
        await using var app = await ScimApp.StartAsync(provider, Settings());
        var ann = await app.CreateUserAsync("ann@example.com");

        var first = await RunAsync(app);
        Assert.Equal((MirrorRunStatuses.Succeeded, 3, 2), (first.Status, first.Added, first.Pages));
        var listed = await app.DbAsync(db => db.MirrorSeats.AsNoTracking().ToDictionaryAsync(s => s.Email!, s => (s.Status, s.SeatType, s.UserId)));
        Assert.Equal((SeatStatuses.Active, SeatTypes.AccountAdmin, ann), listed["ann@example.com"]);
        Assert.Equal((SeatStatuses.Active, SeatTypes.Reviewer, (string?)null), listed["bob@example.com"]);
        Assert.Equal(SeatStatuses.Pending, listed["ivy@example.com"].Status);

        var admin = await app.AdminAsync();
        using var upload = await admin.PostAsync("/admin/api/mirror/roadmunk/user-report",
            new StringContent(await _sim.UserReportAsync(), Encoding.UTF8, "text/csv"));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        Assert.Equal(SeatStatuses.Inactive, await app.DbAsync(db => db.MirrorSeats.Where(s => s.Email == "bob@example.com").Select(s => s.Status).SingleAsync()));

        var second = await RunAsync(app);
        Assert.Equal((0, 0), (second.Changed, second.Gone));
        Assert.Equal(SeatStatuses.Inactive, await app.DbAsync(db => db.MirrorSeats.Where(s => s.Email == "bob@example.com").Select(s => s.Status).SingleAsync()));

        lock (_sim.State.Sync)
        {
            _sim.State.Users.Single(u => u.Email == "bob@example.com").LastLogin = DateTimeOffset.UtcNow.AddMinutes(1);
        }
        var third = await RunAsync(app);
        Assert.Equal(1, third.Changed);
        Assert.Equal(SeatStatuses.Active, await app.DbAsync(db => db.MirrorSeats.Where(s => s.Email == "bob@example.com").Select(s => s.Status).SingleAsync()));
    }

    [Theory, AllDatabases]
    public async Task ImportRoadmunkCsv_OnTheCommandLine_AppliesAGoodFile_AndRefusesAMalformedOneWhole(DatabaseProvider provider)
    {
        await _sim.SeedAsync(
            """{"email":"cat@example.com","firstName":"Cat","lastName":"C","accountRole":"collaborator","active":false}""",
            """{"email":"dan@example.com","firstName":"Dan","lastName":"D","accountRole":"collaborator"}""");
        await using var database = await TestDatabases.CreateAsync(provider);
        var environment = Settings().ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value ?? "");
        var (runExit, runLines, runError) = await BridgeCli.RunWithAsync(database, environment, null, "mirror", "run", "--app", "roadmunk");
        Assert.True(runExit == 0, string.Join('\n', runLines) + runError);

        var file = Path.Combine(Path.GetTempPath(), $"roadmunk-{Guid.NewGuid():N}.csv");
        try
        {
            await File.WriteAllTextAsync(file, "Email,Name,Role,Status\ndan@example.com,Dan,collaborator,Inactive\nzed@example.com,Zed,reviewer,\"Act\"ive\"\n");
            var (badExit, _, badError) = await BridgeCli.RunWithAsync(database, environment, null, "mirror", "import-roadmunk-csv", file);
            Assert.Equal(1, badExit);
            Assert.Contains("row 3", badError, StringComparison.OrdinalIgnoreCase);

            await File.WriteAllTextAsync(file, await _sim.UserReportAsync("Alternative"));
            var (exit, lines, error) = await BridgeCli.RunWithAsync(database, environment, null, "mirror", "import-roadmunk-csv", file);
            Assert.True(exit == 0, string.Join('\n', lines) + error);
        }
        finally
        {
            File.Delete(file);
        }

        await using var app = await ScimApp.StartAsync(provider, Settings(), database: database);
        var statuses = await app.DbAsync(db => db.MirrorSeats.AsNoTracking().ToDictionaryAsync(s => s.Email!, s => s.Status));
        Assert.Equal(SeatStatuses.Inactive, statuses["cat@example.com"]);
        Assert.Equal(SeatStatuses.Active, statuses["dan@example.com"]);
    }
}
