using ScimBridge.Mirror;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;
using static ScimBridge.Tests.Reclamation.ReclaimKit;

namespace ScimBridge.Tests.Reclamation;

/// <summary><c>reclaim evaluate</c> and <c>reclaim dry-run --rule N</c> as a child process on the test database.</summary>
public sealed class ReclaimCliTests
{
    [Theory, AllDatabases]
    public async Task DryRunAndEvaluate_PrintTheFigures_AndBadArgumentsFailWithOneLine(DatabaseProvider provider)
    {
        await using var database = await TestDatabases.CreateAsync(provider);
        await using var app = await ScimApp.StartAsync(provider, Costs, database: database);
        await app.SeatsAsync(Seat("m1", 200), Seat("m2", 300), Seat("a1", 200, seatType: SeatTypes.Admin), Seat("fresh", 1));
        var admin = await app.AdminAsync();
        var rule = await admin.CreateRuleAsync(Rule("Idle seats", r => r["excludeSeatTypes"] = new System.Text.Json.Nodes.JsonArray()));
        var environment = Costs.ToDictionary(p => p.Key.Replace(":", "__", StringComparison.Ordinal), p => p.Value ?? "");

        var (exit, lines, error) = await BridgeCli.RunWithAsync(database, environment, null, "reclaim", "dry-run", "--rule", rule.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 0, string.Join('\n', lines) + error);
        Assert.Contains(lines, l => l.Contains("would take 3 seats", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("monday", StringComparison.Ordinal) && l.Contains("member", StringComparison.Ordinal) && l.Contains(" 2 ", StringComparison.Ordinal)
            && l.Contains("24.00", StringComparison.Ordinal) && l.Contains("288.00", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("TOTAL", StringComparison.Ordinal) && l.Contains("44.00", StringComparison.Ordinal) && l.Contains("528.00 EUR", StringComparison.Ordinal));
        Assert.Equal(0, await app.DbAsync(db => db.ReclaimCandidates.CountAsync()));

        (exit, lines, error) = await BridgeCli.RunWithAsync(database, environment, null, "reclaim", "evaluate");
        Assert.True(exit == 0, string.Join('\n', lines) + error);
        Assert.Contains(lines, l => l.Contains($"Rule {rule} 'Idle seats' v1: 3 matched, 3 new candidates (3 Attention Required)", StringComparison.Ordinal));
        Assert.Equal(3, await app.DbAsync(db => db.ReclaimCandidates.CountAsync(c => c.State == CandidateStates.AttentionRequired)));
        Assert.Equal(3, await app.DbAsync(db => db.ReclaimTransitions.CountAsync(t => t.Actor.StartsWith("cli"))));

        (exit, _, error) = await BridgeCli.RunWithAsync(database, environment, null, "reclaim", "dry-run", "--rule", "999");
        Assert.Equal(1, exit);
        Assert.Equal("There is no reclamation rule 999.", error.Trim());
        (exit, _, error) = await BridgeCli.RunWithAsync(database, environment, null, "reclaim", "dry-run", "--rule", "idle");
        Assert.NotEqual(0, exit);
        Assert.Single(error.Trim().Split('\n'));
        Assert.Contains("--rule", error, StringComparison.Ordinal);
    }
}
