using System.Net.Http.Json;
using ScimBridge.Push;

namespace ScimBridge.Tests.Console;

public sealed class ConnectionSettingsQuarantineTests
{
    [Theory, AllDatabases]
    public async Task SavingNewCredentials_ProbesTheQuarantinedConnectionAtOnce(DatabaseProvider provider)
    {
        await using var sim = await SimulatorHost.StartAsync();
        await using var app = await ScimApp.StartAsync(provider, new()
        {
            ["Monday:SettingsRefreshSeconds"] = "1",
            ["Monday:RequestsPerMinute"] = "1000000",
            ["Push:IdlePollMilliseconds"] = "50",
            // Only the save can bring the probe forward within the test's deadline.
            ["Push:QuarantineSchedule:0"] = "01:00:00",
        }, kestrel: true);
        var api = await app.AdminAsync();
        sim.State.TokenRevoked = true;
        using (var saved = await api.PutAsJsonAsync("/admin/api/connection/settings", new { tenantUrl = sim.TenantUrl, scimToken = SimulatorHost.ScimToken }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }
        await app.CreateUserAsync("quarantined@example.com", "Quarantined");
        await Eventually.UntilAsync(() => app.DbAsync(db => db.PushTargets.AnyAsync(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null)), "the quarantine");

        // The admin generated a new token in monday.com and pastes it.
        sim.State.TokenRevoked = false;
        using (var saved = await api.PutAsJsonAsync("/admin/api/connection/settings", new { scimToken = SimulatorHost.ScimToken }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        await Eventually.UntilAsync(() => sim.UserCount() == 1, "the user in monday.com after the save's probe");
        Assert.False(await app.DbAsync(db => db.PushTargets.AnyAsync(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null)));
    }
}
