using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScimBridge.Mirror;
using static ScimBridge.Tests.Mirror.ScriptedSeatSource;

namespace ScimBridge.Tests.Mirror;

public sealed class MirrorScheduleTests
{
    [Theory, AllDatabases]
    public async Task TheSchedule_RunsEachReadyApp_AtTheCronTimeInItsTimeZone(DatabaseProvider provider)
    {
        // 03:00 in Paris is 02:00 UTC in December.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero));
        var source = new ScriptedSeatSource { Pages = [[Seat("r1", "a@example.com")]] };
        await using var app = await ScimApp.StartAsync(provider,
            new() { ["Mirror:Schedule"] = "0 3 * * *", ["Mirror:TimeZone"] = "Europe/Paris" },
            services: s => s.AddSingleton<ISeatSource>(source).AddSingleton<TimeProvider>(clock));

        clock.Advance(TimeSpan.FromMinutes(59));
        await Task.Yield();
        Assert.Equal(0, await app.DbAsync(db => db.MirrorRuns.CountAsync()));

        clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.UntilAsync(
            () => app.DbAsync(db => db.MirrorRuns.AnyAsync(r => r.Status == MirrorRunStatuses.Succeeded && r.InitiatorType == MirrorInitiators.Schedule)),
            "the scheduled run");
        var run = await app.DbAsync(db => db.MirrorRuns.AsNoTracking().SingleAsync());
        Assert.Equal((MirrorApps.Roadmunk, new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero)), (run.App, run.StartedAt));
    }

    [Theory]
    [InlineData("Mirror:Schedule", "every day at three")]
    [InlineData("Mirror:TimeZone", "Mars/Olympus_Mons")]
    [InlineData("Mirror:Apps:monday:SeatCosts:wizard", "12")]
    [InlineData("Mirror:Apps:monday:SeatCosts:member", "-1")]
    [InlineData("Mirror:LeaseSeconds", "1")]
    public async Task ABadMirrorSetting_StopsTheStart_NamingTheKey(string key, string value)
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { [key] = value });
        });

        var validation = Exceptions.Flatten(error).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains(key, validation.Message, StringComparison.Ordinal);
    }

}
