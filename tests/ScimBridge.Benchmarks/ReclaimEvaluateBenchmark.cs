using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ScimBridge.Benchmarks;

// Licence reclamation: evaluating the rules over a large mirror (the bridge as a child process):
//
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- reclaim-evaluate [--provider sqlite|postgres|both] [--seats 100000] [--server-dll PATH]...
//
// 1. A server creates the schema; --seats monday.com and Roadmunk seats are written straight into MirrorSeats (one
//    INSERT … SELECT), then four rules (one with a user-group exclusion, one downgrade, one Roadmunk) and a few VIPs over the API.
// 2. Cold: a fresh bridge process evaluates every rule (POST /admin/api/reclamation/evaluate): about 2/3 of the seats
//    become candidates, each with its first transition.
// 3. Warm, nothing new: the same process evaluates again (every seat found is already a candidate).
// 4. Warm, all new: the candidates are deleted (SQL) and the same process evaluates again, creating them all once more.
// Target: each evaluation under 10 s. Under the table: the server's own account of each evaluation (where the time went,
// the longest single write transaction), from its log.
// Compare builds in one invocation: --server-dll PATH (repeatable; e.g. a copy of an older build's output).
internal static class ReclaimEvaluateBenchmark
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private const double TargetSeconds = 10;

    public static async Task<int> MainAsync(string[] args)
    {
        if (await BenchArgs.ReadAsync(args, "usage: reclaim-evaluate [--provider sqlite|postgres|both] [--seats 100000] [--server-dll PATH]...",
                a => new { Providers = a.Providers(), Seats = a.Number("--seats", 100_000), Dlls = a.All("--server-dll").ToList() }) is not { } options)
        {
            return 2;
        }

        var (providers, seats, dlls, postgres) = (options.Providers, options.Seats, options.Dlls, BenchArgs.Postgres);
        if (dlls.Count == 0)
        {
            dlls.Add(Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll"));
        }

        Console.WriteLine($"## Reclamation evaluation: {seats:N0} mirrored seats, 4 rules, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        var rows = new List<string>();
        var notes = new List<string>();
        var failed = false;
        foreach (var provider in providers)
        {
            foreach (var dll in dlls)
            {
                await using var database = provider == "postgres" ? await BenchDatabase.PostgresAsync(postgres!, CancellationToken.None) : BenchDatabase.Sqlite();
                var (cold, created, repeat, again, rss, log) = await RunAsync(dll, database, seats);
                var build = dlls.Count > 1 ? $" ({Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(dll)))})" : "";
                rows.Add(string.Create(Invariant,
                    $"| {provider}{build} | {cold:0.00} s | {created:N0} | {repeat:0.00} s | {repeat / cold:0.00} | {again:0.00} s | {again / cold:0.00} | {rss:0} MiB |"));
                notes.AddRange(log.Select(l => $"- {provider}{build}: {l}"));
                failed |= cold > TargetSeconds || repeat > TargetSeconds || again > TargetSeconds;
            }
        }
        Console.WriteLine("| store | cold (fresh process) | created | warm, nothing new | ratio | warm, all new | ratio | peak RSS |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        if (notes.Count > 0)
        {
            Console.WriteLine("The server's log, per evaluation (cold, warm nothing new, warm all new):");
            Console.WriteLine();
            notes.ForEach(Console.WriteLine);
            Console.WriteLine();
        }
        Console.WriteLine($"Target: every evaluation under {TargetSeconds} s.");
        return failed ? 1 : 0;
    }

    private static async Task<(double Cold, int Created, double Repeat, double Again, double? Rss, List<string> Log)> RunAsync(string dll, BenchDatabase database, int seats)
    {
        var environment = new Dictionary<string, string>(database.ServerEnvironment, StringComparer.Ordinal)
        {
            ["Mirror__Schedule"] = "",
            ["Mirror__Apps__monday__SeatCosts__member"] = "12",
            ["Mirror__Apps__monday__SeatCosts__admin"] = "12",
            ["Mirror__Apps__monday__SeatCosts__viewer"] = "0",
            ["Mirror__Apps__roadmunk__SeatCosts__collaborator"] = "30",
            ["Reclamation__Enabled"] = "false",
            ["Logging__LogLevel__ScimBridge.Reclamation.ReclaimEvaluator"] = "Information",
        };

        await using (var setup = await ScimServer.StartAsync(dll, environment, CancellationToken.None))
        {
            var token = await ScimServer.CreateTokenAsync(dll, environment, CancellationToken.None, "admin");
            using var admin = Admin(setup.BaseAddress, token);
            await SeedAsync(database, seats);
            await PostAsync(admin, "admin/api/reclamation/rules", Rule("Idle members", """["monday"]""", """["member"]""", "deactivate", 60));
            await PostAsync(admin, "admin/api/reclamation/rules", Rule("Idle admins to viewers", """["monday"]""", """["admin"]""", "downgrade", 90));
            await PostAsync(admin, "admin/api/reclamation/rules", Rule("Roadmunk", """["roadmunk"]""", "[]", "deactivate", 60));
            await PostAsync(admin, "admin/api/reclamation/rules", Rule("Report the rest", """["monday"]""", "[]", "report", 30));
            for (var i = 0; i < 20; i++)
            {
                await PostAsync(admin, "admin/api/reclamation/vips", $$"""{"match":"bench{{i * 97}}@example.com"}""");
            }
        }

        // A fresh process: nothing cached, nothing JIT-compiled on the evaluator's path.
        await using var server = await ScimServer.StartAsync(dll, environment, CancellationToken.None);
        var adminToken = await ScimServer.CreateTokenAsync(dll, environment, CancellationToken.None, "admin");
        using var client = Admin(server.BaseAddress, adminToken);
        var log = new List<string>();
        var (cold, created) = await EvaluateAsync(client);
        log.Add(await EvaluationLogAsync(server, log.LastOrDefault()));
        var (repeat, none) = await EvaluateAsync(client);
        log.Add(await EvaluationLogAsync(server, log.LastOrDefault()));
        if (none != 0)
        {
            throw new InvalidOperationException($"The second evaluation created {none} candidates; expected none.");
        }
        await ExecuteAsync(database, "DELETE FROM \"ReclaimTransitions\"; DELETE FROM \"ReclaimCandidates\";");
        var (again, recreated) = await EvaluateAsync(client);
        log.Add(await EvaluationLogAsync(server, log.LastOrDefault()));
        if (recreated != created)
        {
            throw new InvalidOperationException($"The evaluation after clearing created {recreated} candidates; the first created {created}.");
        }
        return (cold, created, repeat, again, server.PeakRssMiB(), log);
    }

    /// <summary>The message of the server's latest "Evaluated … reclamation rules" log entry (simple console format) once it is not <paramref name="previous"/>.</summary>
    private static async Task<string> EvaluationLogAsync(ScimServer server, string? previous)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var messages = server.Tail().Split('\n')
                .Where(l => l.Contains("reclamation rules in", StringComparison.Ordinal))
                .Select(l => l.Trim())
                .ToList();
            if (messages.Count > 0 && messages[^1] != previous)
            {
                return messages[^1];
            }
            if (DateTime.UtcNow > deadline)
            {
                return "(this build logs no evaluation timings)";
            }
            await Task.Delay(100);
        }
    }

    private static HttpClient Admin(Uri baseAddress, string token)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Rule(string name, string apps, string seatTypes, string action, int days) =>
        $$"""{"name":"{{name}}","apps":{{apps}},"seatTypes":{{seatTypes}},"excludeSeatTypes":[],"action":"{{action}}","inactiveDays":{{days}},"excludeUsers":[],"excludeGroups":[]}""";

    private static async Task PostAsync(HttpClient admin, string path, string body)
    {
        using var response = await admin.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static async Task<(double Seconds, int Created)> EvaluateAsync(HttpClient admin)
    {
        var clock = Stopwatch.StartNew();
        using var response = await admin.PostAsync("admin/api/reclamation/evaluate", null);
        var body = await response.Content.ReadAsStringAsync();
        clock.Stop();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /admin/api/reclamation/evaluate answered {(int)response.StatusCode}: {body}");
        }
        return (clock.Elapsed.TotalSeconds, (int)JsonNode.Parse(body)!["created"]!);
    }

    /// <summary>
    /// Seats as a large account has them: 90 % monday.com (mostly members; some admins, viewers, guests), 10 % Roadmunk;
    /// one in nine never active; last activity spread over 180 days; one in 17 inactive.
    /// </summary>
    private static async Task SeedAsync(BenchDatabase database, int seats)
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        const long Day = TimeSpan.TicksPerDay;
        var select = $"""
            SELECT CASE WHEN i % 10 = 9 THEN 'roadmunk' ELSE 'monday' END, 'acc' || i, 'bench' || i || '@example.com', 'bench' || i || '@example.com', 'Bench ' || i,
                   CASE WHEN i % 10 = 9 THEN (CASE WHEN i % 7 = 0 THEN 'reviewer' ELSE 'collaborator' END)
                        WHEN i % 50 = 0 THEN 'admin' WHEN i % 50 < 5 THEN 'viewer' WHEN i % 50 < 8 THEN 'guest' ELSE 'member' END,
                   CASE WHEN i % 17 = 0 THEN 'inactive' ELSE 'active' END, 'active',
                   {now} - (400 - i % 300) * {Day},
                   CASE WHEN i % 9 = 0 THEN NULL ELSE {now} - (i % 180) * {Day} - (i % 1440) * 600000000 END,
                   {now} - (400 - i % 300) * {Day}, {now}, NULL, 1, {(database.Provider == "Postgres" ? "false" : "0")}, NULL, NULL, NULL, NULL
            """;
        const string Columns = "\"App\", \"AccountId\", \"Email\", \"EmailNormalized\", \"Name\", \"SeatType\", \"Status\", \"ListedStatus\", \"CreatedInApp\", \"LastActivity\", "
            + "\"FirstSeen\", \"LastSeen\", \"GoneAt\", \"LastRunId\", \"ProvisionedByBridge\", \"UserId\", \"LinkedBy\", \"ReportStatus\", \"ReportAt\"";
        var sql = database.Provider == "Postgres"
            ? $"INSERT INTO \"MirrorSeats\" ({Columns}) {select} FROM generate_series(0::bigint, {seats - 1}) AS s(i); ANALYZE \"MirrorSeats\";"
            : $"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {seats - 1}) INSERT INTO \"MirrorSeats\" ({Columns}) {select} FROM n;";
        await ExecuteAsync(database, sql);
    }

    private static async Task ExecuteAsync(BenchDatabase database, string sql)
    {
        var connectionString = database.ServerEnvironment["ConnectionStrings__ScimBridge"];
        if (database.Provider == "Postgres")
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync();
        }
    }
}
