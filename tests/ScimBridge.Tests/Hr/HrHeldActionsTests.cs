using ScimBridge.Hr;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Hr;

/// <summary>
/// The console's and the admin API's HR actions that call the engine (HrLifecycle.ApproveAsync, RejectAsync,
/// RescindAsync, OverrideAsync): they pass once the engine is merged (the skeleton's stubs answer 501).
/// </summary>
public sealed class HrHeldActionsTests
{
    private static async Task<List<HrEventRecordState>> StatesAsync(ScimApp app) =>
        await app.DbAsync(db => db.HrEvents.AsNoTracking().OrderBy(e => e.Id)
            .Select(e => new HrEventRecordState(e.Id, e.UserName, e.State, e.Approved, e.ClosedBy)).ToListAsync());

    private sealed record HrEventRecordState(long Id, string? UserName, string State, bool Approved, string? ClosedBy);

    private static async Task<List<long>> HoldAsync(ScimApp app, int count)
    {
        var ids = new List<long>();
        for (var i = 1; i <= count; i++)
        {
            var worker = await app.SeedWorkerAsync($"held{i}@example.com", $"H{i}");
            ids.Add((await app.SeedEventAsync(worker, HrEventStates.Held, DateTimeOffset.UtcNow.AddDays(3 + i), error: "More than 2 terminations in one batch.", batchId: "b1")).Id);
        }
        return ids;
    }

    [Theory, AllDatabases]
    public async Task AdminApi_ApprovesAndRejectsHeldTerminations(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        var ids = await HoldAsync(app, 4);
        var admin = await app.AdminAsync();

        using (var approved = await admin.AdminPostAsync($"/admin/api/hr/held/{ids[0]}/approve"))
        {
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
            Assert.Equal(1, JsonNode.Parse(await approved.Content.ReadAsStringAsync())!["count"]!.GetValue<int>());
        }
        using (var rejected = await admin.AdminPostAsync($"/admin/api/hr/held/{ids[1]}/reject"))
        {
            Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        }
        var states = await StatesAsync(app);
        Assert.True(states[0].Approved);
        Assert.NotEqual(HrEventStates.Held, states[0].State);
        Assert.Equal(HrEventStates.Rescinded, states[1].State);
        Assert.NotNull(states[1].ClosedBy);
        using (var again = await admin.AdminPostAsync($"/admin/api/hr/held/{ids[1]}/reject"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        using (var all = await admin.AdminPostAsync("/admin/api/hr/held/approve-all"))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
            Assert.Equal(2, JsonNode.Parse(await all.Content.ReadAsStringAsync())!["count"]!.GetValue<int>());
        }
        Assert.Equal(0, (await admin.AdminJsonAsync("/admin/api/hr/held"))["total"]!.GetValue<int>());
    }

    [Theory, AllDatabases]
    public async Task HeldPage_ApprovesOne_RejectsAll_WithTheAdminsName(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        var ids = await HoldAsync(app, 3);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        using (var approve = await browser.PostFormAsync("/admin/hr/held?handler=Approve", new Dictionary<string, string> { ["id"] = $"{ids[0]}" }, tokenFrom: "/admin/hr/held"))
        {
            Assert.Contains("Approved the termination of held1@example.com", await browser.FollowAsync(approve), StringComparison.Ordinal);
        }
        using (var rejectAll = await browser.PostFormAsync("/admin/hr/held?handler=RejectAll", new Dictionary<string, string> { ["seen"] = "2" }, tokenFrom: "/admin/hr/held"))
        {
            Assert.Contains("Rejected 2 held terminations.", await browser.FollowAsync(rejectAll), StringComparison.Ordinal);
        }
        var states = await StatesAsync(app);
        Assert.True(states[0].Approved);
        Assert.All(states.Skip(1), s => Assert.Equal((HrEventStates.Rescinded, ConsoleSession.UserName), (s.State, s.ClosedBy)));
    }

    [Theory, AllDatabases]
    public async Task PendingPage_Rescinds_AsTheAdmin(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        var ana = await app.SeedWorkerAsync("ana@example.com", "E100", "Europe/Paris");
        var termination = await app.SeedTerminationAsync(ana, "2031-06-15", "Europe/Paris");
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        using var rescind = await browser.PostFormAsync("/admin/hr?handler=Rescind", new Dictionary<string, string> { ["id"] = $"{termination.Id}" }, tokenFrom: "/admin/hr");
        Assert.Contains("Rescinded the terminate of ana@example.com", await browser.FollowAsync(rescind), StringComparison.Ordinal);
        var state = (await StatesAsync(app)).Single();
        Assert.Equal((HrEventStates.Rescinded, ConsoleSession.UserName), (state.State, state.ClosedBy));
    }

    [Theory, AllDatabases]
    public async Task Override_LetsTheIdentityProviderDecideAgain_FromTheApiAndTheConsole(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        var lee = await app.SeedWorkerAsync("lee@example.com", "E800");
        var may = await app.SeedWorkerAsync("may@example.com", "E900");
        foreach (var worker in new[] { lee, may })
        {
            var fired = await app.SeedEventAsync(worker, HrEventStates.Fired, DateTimeOffset.UtcNow.AddDays(-1), firedAt: DateTimeOffset.UtcNow.AddDays(-1));
            await app.SeedLeaverAsync(worker, fired, DateTimeOffset.UtcNow.AddDays(-1).AddMinutes(1), step: LeaverSteps.RemoveFromTeams, stepDueAt: DateTimeOffset.UtcNow.AddDays(5));
        }

        var admin = await app.AdminAsync();
        using (var overridden = await admin.AdminPostAsync($"/admin/api/hr/workers/{lee.UserId}/override"))
        {
            Assert.Equal(HttpStatusCode.OK, overridden.StatusCode);
            Assert.Equal(HrWorkerStatuses.Active, JsonNode.Parse(await overridden.Content.ReadAsStringAsync())!["status"]!.GetValue<string>());
        }

        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();
        var path = $"/admin/hr/workers/{may.UserId}";
        using (var confirmed = await browser.PostFormAsync($"{path}?handler=Override", new Dictionary<string, string>(), tokenFrom: path))
        {
            Assert.Contains("Overridden", await browser.FollowAsync(confirmed), StringComparison.Ordinal);
        }
        var workers = await app.DbAsync(db => db.HrWorkers.AsNoTracking().ToListAsync());
        Assert.All(workers, w =>
        {
            Assert.Equal(HrWorkerStatuses.Active, w.Status);
            Assert.False(w.Deactivated);
            Assert.Null(w.Step);
        });
    }
}
