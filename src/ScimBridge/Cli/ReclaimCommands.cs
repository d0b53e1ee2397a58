using System.CommandLine;
using System.Globalization;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Reclamation;

namespace ScimBridge.Cli;

/// <summary>
/// <c>reclaim evaluate</c>: apply every enabled rule now (as the console's "Evaluate now");
/// <c>reclaim dry-run --rule N</c>: what a rule would take now, by seat type, with the savings. Same database settings as the server.
/// </summary>
public static class ReclaimCommands
{
    public static Command Command()
    {
        var evaluate = new Command("evaluate", "Evaluate every enabled reclamation rule now and print what each found; exit code 1 if another instance is evaluating.");
        evaluate.SetAction((_, ct) => WithServicesAsync(services => EvaluateAsync(services, ct)));
        var rule = new Option<string>("--rule") { Description = "The rule's id (see the console's Reclamation > Rules).", Required = true };
        var dryRun = new Command("dry-run", "Show what a rule would take now, per seat type, with monthly and yearly savings; changes nothing.") { rule };
        dryRun.SetAction((parse, ct) => WithServicesAsync(services => DryRunAsync(services, parse.GetValue(rule)!, ct)));
        return new Command("reclaim", "Licence reclamation: evaluate the rules, or dry-run one.") { evaluate, dryRun };
    }

    private static async Task<int> EvaluateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var actor = ReclaimActor.Admin(Environment.UserName is { Length: > 0 } user ? $"cli:{user}" : "cli");
        var result = await services.GetRequiredService<ReclaimEvaluator>().EvaluateAsync(actor, cancellationToken);
        if (!result.Ran)
        {
            await Console.Error.WriteLineAsync(result.Message);
            return 1;
        }
        if (result.Rules.Count == 0)
        {
            Console.WriteLine("No enabled rule: nothing to evaluate.");
            return 0;
        }
        foreach (var r in result.Rules)
        {
            var states = r.CreatedByState.Count == 0 ? "" : $" ({string.Join(", ", r.CreatedByState.Select(s => $"{s.Value} {CandidateStates.DisplayName(s.Key)}"))})";
            Console.WriteLine($"Rule {r.RuleId} '{r.Name}' v{r.RuleVersion}: {r.Matched} matched, {r.Created} new candidates{states}; skipped {r.SkippedOpenCandidate} already a candidate, "
                + $"{r.SkippedCooldown} in cool-down, {r.SkippedExcluded} excluded, {r.SkippedTakenByEarlierRule} taken by an earlier rule"
                + (r.Queued > 0 ? $"; {r.Queued} queued to {r.Action}." : "."));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Total: {result.Matched} matched, {result.Created} new candidates, {result.Skipped} skipped, {result.Queued} queued, in {result.Seconds:0.0} s."));
        return 0;
    }

    private static async Task<int> DryRunAsync(IServiceProvider services, string rule, CancellationToken cancellationToken)
    {
        if (!long.TryParse(rule, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            await Console.Error.WriteLineAsync($"--rule: '{rule}' is not a rule id (a number; see the console's Reclamation > Rules).");
            return 2;
        }
        DryRunResult result;
        try
        {
            result = await services.GetRequiredService<ReclaimEvaluator>().DryRunAsync(id, cancellationToken);
        }
        catch (AdminException ex)
        {
            await Console.Error.WriteLineAsync(ex.Detail ?? ex.Title);
            return 1;
        }
        Console.WriteLine($"Rule {id} '{result.Rule.Name}' ({result.Rule.Action}) would take {result.Seats} seats now; skipped {result.SkippedOpenCandidate} already a candidate, "
            + $"{result.SkippedCooldown} in cool-down, {result.SkippedExcluded} excluded.");
        Console.WriteLine($"{"APP",-10} {"SEAT TYPE",-14} {"SEATS",7} {"MONTHLY",12} {"YEARLY",12}");
        foreach (var t in result.BySeatType)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{t.App,-10} {t.SeatType,-14} {t.Count,7} {(t.MonthlyEach is null ? "no cost" : t.MonthlySaving.ToString("0.00", CultureInfo.InvariantCulture)),12} {(t.MonthlyEach is null ? "" : t.YearlySaving.ToString("0.00", CultureInfo.InvariantCulture)),12}"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"TOTAL",-10} {"",-14} {result.Seats,7} {result.MonthlySaving,12:0.00} {result.YearlySaving,12:0.00} {result.Currency}"));
        return 0;
    }

    private static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> action)
    {
        var builder = CommandLine.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:SingleLine"] = "true",
        });
        // Never started: the push worker and schedulers do not run here.
        using var host = builder.AddScimBridge().Build();
        await host.Services.MigrateDatabaseAsync();
        return await action(host.Services);
    }
}
