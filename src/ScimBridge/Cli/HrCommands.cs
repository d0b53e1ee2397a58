using System.CommandLine;
using System.Globalization;
using ScimBridge.Data;
using ScimBridge.Hr;

namespace ScimBridge.Cli;

/// <summary><c>hr import FILE</c>: a CSV roster, previewed (--dry-run) or applied. Same database settings as the server.</summary>
public static class HrCommands
{
    public static Command Command()
    {
        var file = new Argument<string>("FILE") { Description = "The roster CSV (employeeId, status, and optionally email, lastDayOfWork, timeZone, department, manager)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show every change the roster would make; write nothing." };
        var mode = new Option<string>("--mode")
        {
            Description = "all-or-nothing (default): any row error applies nothing; good-rows: apply the valid rows, report the others.",
            DefaultValueFactory = _ => RosterModes.AllOrNothing,
        };
        mode.AcceptOnlyFromAmong(RosterModes.AllOrNothing, RosterModes.GoodRows);
        var import = new Command("import", "Import a CSV roster: preview it (--dry-run) or apply it. Exit code 0 done, 1 errors in the roster, 2 bad usage.") { file, dryRun, mode };
        import.SetAction((parse, ct) => ImportAsync(parse.GetValue(file)!, parse.GetValue(dryRun), parse.GetValue(mode), ct));
        return new Command("hr", "HR-driven lifecycle: import a CSV roster.") { import };
    }

    private static async Task<int> ImportAsync(string path, bool dryRun, string? mode, CancellationToken cancellationToken)
    {
        byte[] csv;
        try
        {
            await using var stream = File.OpenRead(path);
            csv = await RosterFiles.ReadAsync(stream, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"FILE: cannot read '{path}': {e.Message}");
            return 2;
        }
        catch (HrException e)
        {
            await Console.Error.WriteLineAsync(e.Detail);
            return 1;
        }
        return await WithServicesAsync(async services =>
        {
            var actor = new HrActor(Environment.UserName is { Length: > 0 } user ? $"cli:{user}" : "cli", HrSources.Roster);
            RosterResult result;
            try
            {
                result = await services.GetRequiredService<RosterImport>().ImportAsync(csv, dryRun, mode, actor, cancellationToken);
            }
            catch (HrException e)
            {
                await Console.Error.WriteLineAsync(e.Field is null ? e.Detail : $"{e.Field}: {e.Detail}");
                return 1;
            }
            foreach (var line in RosterText.Lines(result))
            {
                Console.WriteLine(line);
            }
            return result.HasErrors ? 1 : 0;
        });
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
        // Never started: the push worker, the HR scheduler and job worker do not run here.
        using var host = builder.AddScimBridge().Build();
        await host.Services.MigrateDatabaseAsync();
        return await action(host.Services);
    }
}

/// <summary>A roster result as readable lines: a table of the changes and errors, then the totals.</summary>
public static class RosterText
{
    public static IEnumerable<string> Lines(RosterResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.IgnoredColumns.Count > 0)
        {
            yield return $"Ignored columns: {string.Join(", ", result.IgnoredColumns)}";
        }
        yield return $"{"ROW",5}  {"WORKER",-28} {"CHANGE",-11} {"EFFECTIVE (LOCAL)",-40} {"UTC",-20}  NOTES";
        foreach (var row in result.Rows)
        {
            var worker = Cut(row.UserName ?? row.EmployeeId ?? "", 28);
            if (row.Status == RosterRowResult.Error)
            {
                foreach (var error in row.Errors)
                {
                    yield return $"{row.Row,5}  {worker,-28} {"ERROR",-11} {(error.Column is null ? "" : $"column {error.Column}: ")}{error.Message}";
                }
            }
            else if (row.Changes.Count == 0)
            {
                yield return $"{row.Row,5}  {worker,-28} {"no change",-11} {"",-40} {"",-20}  {string.Join(" ", row.Notes)}".TrimEnd();
            }
            foreach (var change in row.Status == RosterRowResult.Error ? [] : row.Changes)
            {
                var notes = string.Join("; ", new[] { change.Detail, change.Note }.Concat(row.Notes).Where(n => !string.IsNullOrEmpty(n)));
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{row.Row,5}  {worker,-28} {change.Action,-11} {$"{change.EffectiveLocal} {change.TimeZone}",-40} {change.EffectiveAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  {notes}").TrimEnd();
            }
        }
        foreach (var error in result.Errors.Where(e => e.Row == 0))
        {
            yield return $"ERROR: {error.Message}";
        }
        yield return result.Message;
    }

    private static string Cut(string value, int length) => value.Length <= length ? value : value[..(length - 1)] + "…";
}
