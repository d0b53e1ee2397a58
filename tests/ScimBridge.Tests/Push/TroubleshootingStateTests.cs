using ScimBridge.Push;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Push;

/// <summary>What the log tells an admin while monday.com fails: the real cause behind an open breaker, and one retry state.</summary>
public sealed class TroubleshootingStateTests
{
    [Theory, AllDatabases]
    public async Task WhileTheBreakerIsOpen_EntriesCarryTheLastUnderlyingCause(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new()
        {
            ["Monday:MaxRetries"] = "0",
            ["Monday:CircuitBreakerMinimumThroughput"] = "2",
            ["Monday:CircuitBreakerBreakSeconds"] = "60",
        });
        h.State.FailureRate = 1;
        for (var i = 0; i < 4; i++)
        {
            await h.Bridge.CreateUserAsync($"open.{i}@example.com", $"Open {i}");
        }

        var entry = (await Eventually.ValueAsync(() => h.Bridge.DbAsync(db => db.LogEntries.AsNoTracking()
            .Where(e => e.Message != null && e.Message.Contains("circuit breaker is open")).FirstOrDefaultAsync()), "an entry written while the breaker is open"))!;

        Assert.Equal(LogStatuses.Retrying, entry.Status);
        // The simulator answers 500 or 503: the entry says so, not only that the circuit is open.
        Assert.Matches(@"the last failure, at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: HTTP 50[03]", entry.Message);
    }

    [Theory, AllDatabases]
    public async Task WhileQuarantined_TheNextAttemptIsTheNextProbe_AndAttemptsAreOneCounter(DatabaseProvider provider)
    {
        // A probe schedule long enough that the state read below does not move under the test.
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:QuarantineSchedule:0"] = "01:00:00" });
        h.State.TokenRevoked = true;
        var id = await h.Bridge.CreateUserAsync("revoked@example.com", "Revoked");

        var target = (await Eventually.ValueAsync(() => h.Bridge.DbAsync(db => db.PushTargets.AsNoTracking()
            .FirstOrDefaultAsync(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null)), "the quarantine"))!;
        var logged = (await Eventually.ValueAsync(() => h.Bridge.DbAsync(db => db.LogEntries.AsNoTracking()
            .FirstOrDefaultAsync(e => e.SourceId == id && e.Status == LogStatuses.Retrying)), "the refused push's entry"))!;

        var admin = await h.Bridge.AdminAsync();
        var response = await admin.GetAsync($"/admin/api/logs/{logged.Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var probe = target.NextProbeAt!.Value;

        Assert.Equal(1, (int)detail["attempt"]!);
        Assert.Equal(probe, detail["nextRetryAt"]!.GetValue<DateTimeOffset>());
        var retry = detail["retry"]!;
        Assert.Equal(1, (int)retry["attempts"]!);
        Assert.Equal(probe, retry["nextRetryAt"]!.GetValue<DateTimeOffset>());
        Assert.Contains("401", (string?)retry["quarantine"], StringComparison.Ordinal);

        await h.Bridge.CreateAdminAsync();
        var browser = h.Bridge.Browser();
        await browser.SignInAsync();
        var page = await browser.GetStringAsync($"/admin/logs/{logged.Id}");
        Assert.Contains("next probe of the quarantined connection", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepsCountInWords_OneChangeOneCall()
    {
        await using var h = await PushHarness.StartAsync(DatabaseProvider.Sqlite);
        var id = await h.Bridge.CreateUserAsync("counted@example.com", "Counted");
        await h.WaitSettledAsync();

        var entry = await h.Bridge.DbAsync(db => db.LogEntries.AsNoTracking().SingleAsync(e => e.SourceId == id));
        Assert.Contains("\"1 change", entry.Steps, StringComparison.Ordinal);
        Assert.DoesNotContain("(s)", entry.Steps, StringComparison.Ordinal);
    }
}
