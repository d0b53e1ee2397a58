// The provisioning-log admin API over a large log, on the real server:
//
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- logs [--provider sqlite|postgres|both]
//       [--entries 1000000] [--requests 200]
//
// Seeds the entries straight into the database (multi-row INSERTs in big transactions on SQLite, binary COPY on
// PostgreSQL), then times filtered pages (first page, and a deep page through a cursor halfway down the log) one
// request at a time, then downloads the full CSV export to the end and reads the server's peak RSS (VmHWM).
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using ScimBridge.Logs;

namespace ScimBridge.Benchmarks;

internal static class LogsBenchmark
{
    private const int Users = 20_000;
    private const int Cycles = 2_000;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] FirstNames = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yolanda"];
    private static readonly string[] ErrorCodes = ["MondayRejected", "MondayRateLimited", "MondayUnavailable", "Timeout", "Conflict"];
    private static readonly (string Type, string Name)[] InitiatorList = [("Scim", "entra"), ("Scim", "okta"), ("Admin", "admin@example.com"), ("Retry", "worker"), ("Hr", "workday")];

    public static async Task<int> MainAsync(string[] args)
    {
        if (await BenchArgs.ReadAsync(args, "usage: logs [--provider sqlite|postgres|both] [--entries N] [--requests N]",
                a => new { Providers = a.Providers(), Entries = a.Number("--entries", 1_000_000), Requests = a.Number("--requests", 200) }) is not { } options)
        {
            return 2;
        }

        var (providers, entries, requests) = (options.Providers, options.Entries, options.Requests);
        var serverDll = Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll");
        var postgres = BenchArgs.Postgres;
        var table = new StringBuilder();
        table.AppendLine(Invariant, $"## Provisioning-log API, {entries:N0} entries, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC ({Environment.ProcessorCount} cores, client and server on one machine)");
        table.AppendLine();
        table.AppendLine("| provider | scenario | requests | p50 ms | p95 ms | p99 ms | max ms | rows/page |");
        table.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        var totals = new StringBuilder();
        totals.AppendLine("| provider | seed | CSV export | CSV bytes | CSV rows | server VmHWM before export | server VmHWM after export |");
        totals.AppendLine("|---|---:|---:|---:|---:|---:|---:|");

        foreach (var provider in providers)
        {
            await Console.Error.WriteLineAsync($"== {provider}");
            await using var database = provider == "postgres" ? await BenchDatabase.PostgresAsync(postgres!, CancellationToken.None) : BenchDatabase.Sqlite();
            await using var server = await ScimServer.StartAsync(serverDll, database.ServerEnvironment, CancellationToken.None);
            var adminToken = await AdminTokenAsync(serverDll, database.ServerEnvironment);
            var connection = database.ServerEnvironment["ConnectionStrings__ScimBridge"];

            var seedWatch = Stopwatch.StartNew();
            if (provider == "postgres")
            {
                await SeedPostgresAsync(connection, entries);
            }
            else
            {
                await SeedSqliteAsync(connection, entries);
            }
            seedWatch.Stop();
            await Console.Error.WriteLineAsync($"seeded {entries:N0} entries in {seedWatch.Elapsed.TotalSeconds:0.0} s");

            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            var start = SeedStart(entries);
            // Halfway down the log: entries are spread evenly over 30 days.
            var deepCursor = LogCursor.Encode(new LogPosition(start.AddDays(15).UtcTicks, long.MaxValue));
            var random = new Random(42);
            string Range(bool deep)
            {
                var from = start.AddDays(random.Next(0, 27));
                var range = $"from={Uri.EscapeDataString(from.ToString("O", Invariant))}&to={Uri.EscapeDataString(from.AddDays(3).ToString("O", Invariant))}";
                // Pages with a time range are ordered by time: a deep page starts halfway through the range.
                return deep ? $"{range}&cursor={LogCursor.Encode(new LogPosition(from.AddDays(1.5).UtcTicks, long.MaxValue))}" : range;
            }
            string Deep(string query, bool deep) => deep ? $"{query}&cursor={deepCursor}" : query;
            (string Name, Func<bool, string> Query)[] scenarios =
            [
                ("no filter", d => Deep("", d)),
                ("status=Failure", d => Deep("status=Failure", d)),
                ("identity=<user id>", d => Deep($"identity=u{random.Next(Users):D5}", d)),
                ("identity=<name prefix>", d => Deep($"identity={FirstNames[random.Next(FirstNames.Length)]}%200{random.Next(10, 100)}", d)),
                ("action+status+3-day range", d => $"action=Update&status=Failure&{Range(d)}"),
                ("3-day range", d => Range(d)),
                ("errorCode", d => Deep($"errorCode={ErrorCodes[random.Next(ErrorCodes.Length)]}", d)),
                ("cycle", d => Deep($"cycle=cycle-{random.Next(Cycles):D4}", d)),
                ("initiator", d => Deep("initiator=workday", d)),
            ];

            // Warm-up: every query shape compiled and the database's pages read once.
            foreach (var (_, query) in scenarios)
            {
                for (var i = 0; i < 5; i++)
                {
                    await TimeAsync(client, "admin/api/logs?" + query(false));
                    await TimeAsync(client, "admin/api/logs?" + query(true));
                }
            }

            foreach (var (name, query) in scenarios)
            {
                foreach (var (label, deep) in new[] { ("first page", false), ("deep page", true) })
                {
                    var times = new List<double>(requests);
                    var rows = 0L;
                    for (var i = 0; i < requests; i++)
                    {
                        var (ms, count) = await TimeAsync(client, "admin/api/logs?" + query(deep));
                        times.Add(ms);
                        rows += count;
                    }
                    times.Sort();
                    var line = string.Create(Invariant,
                        $"| {provider} | {name}, {label} | {requests} | {Pct(times, 50):0.0} | {Pct(times, 95):0.0} | {Pct(times, 99):0.0} | {times[^1]:0.0} | {rows / (double)requests:0} |");
                    table.AppendLine(line);
                    await Console.Error.WriteLineAsync(line);
                }
            }

            var before = server.PeakRssMiB();
            var exportWatch = Stopwatch.StartNew();
            using var response = await client.GetAsync("admin/api/logs/export?format=csv&includeSkipped=true", HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 16];
            long bytes = 0, lines = 0;
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
            {
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
            exportWatch.Stop();
            var after = server.PeakRssMiB();
            var exportLine = string.Create(Invariant,
                $"| {provider} | {entries:N0} in {seedWatch.Elapsed.TotalSeconds:0.0} s | {exportWatch.Elapsed.TotalSeconds:0.0} s ({(lines - 1) / exportWatch.Elapsed.TotalSeconds:N0} rows/s) | {bytes / 1048576.0:0} MiB | {lines - 1:N0} | {before:0} MiB | {after:0} MiB |");
            totals.AppendLine(exportLine);
            await Console.Error.WriteLineAsync(exportLine);
            foreach (var entry in server.LogEntries())
            {
                await Console.Error.WriteLineAsync($"server logged {entry.Count}x {entry.Header} {entry.FirstMessage}");
            }
        }

        Console.WriteLine(table.ToString());
        Console.WriteLine(totals.ToString());
        return 0;
    }

    private static double Pct(List<double> sorted, int p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];

    private static async Task<(double Ms, int Rows)> TimeAsync(HttpClient client, string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        watch.Stop();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {text}");
        }
        using var document = System.Text.Json.JsonDocument.Parse(text);
        return (watch.Elapsed.TotalMilliseconds, document.RootElement.GetProperty("items").GetArrayLength());
    }

    private static DateTimeOffset SeedStart(int entries) => new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-30);

    /// <summary>The i-th entry: 30 days of history, oldest first, cycles of consecutive entries, a skewed status mix.</summary>
    private static object?[] Row(int i, int entries)
    {
        var hash = (uint)(i * 2654435761u);
        var user = (int)(hash % Users);
        var roll = (int)((hash >> 8) % 100);
        var status = roll switch { < 70 => "Success", < 78 => "Warning", < 86 => "Failure", < 93 => "Skipped", < 97 => "Retrying", _ => "Pending" };
        var actionRoll = (int)((hash >> 16) % 100);
        var action = actionRoll switch { < 20 => "Create", < 75 => "Update", < 83 => "Disable", < 85 => "Enable", < 88 => "Delete", < 98 => "GroupMembership", _ => "Other" };
        var initiator = InitiatorList[((hash >> 4) % 10) switch { < 6 => 0, 6 => 1, 7 => 2, 8 => 3, _ => 4 }];
        var name = $"{FirstNames[user % FirstNames.Length]} {user / FirstNames.Length:D4}";
        var at = SeedStart(entries).AddTicks((long)(TimeSpan.FromDays(30).Ticks * (i / (double)entries)));
        var failed = status == "Failure";
        var error = failed || status == "Retrying" ? ErrorCodes[(hash >> 20) % ErrorCodes.Length] : null;
        return
        [
            at.UtcTicks, (long)i + 1, $"cycle-{i / Math.Max(1, entries / Cycles):D4}", 20.0 + (hash % 500), initiator.Type, initiator.Name, "User",
            $"u{user:D5}", name, name.ToLowerInvariant(), $"m{user}", name, action, status, error,
            error is null ? null : $"monday.com answered {error}", failed ? "Check the mapping of the attribute named in the message." : null,
            $$"""[{"name":"Received","status":"Success","detail":"from {{initiator.Name}}"},{"name":"Scoping","status":"Success","detail":null},{"name":"Matching","status":"Success","detail":"m{{user}}"},{"name":"Export","status":"{{status}}","detail":"PATCH /Users/m{{user}}"}]""",
            $$"""[{"name":"title","old":"Engineer {{i % 7}}","new":"Engineer {{(i + 1) % 7}}"}]""",
            status == "Retrying" ? 2 : 1, null, "bench",
        ];
    }

    private static readonly string[] Columns =
    [
        "At", "ChangeId", "CycleId", "DurationMs", "InitiatorType", "Initiator", "ResourceType", "SourceId", "SourceName", "SourceNameNormalized",
        "TargetId", "TargetName", "Action", "Status", "ErrorCode", "Message", "RecommendedFix", "Steps", "ModifiedProperties", "Attempt", "NextRetryAt", "Instance",
    ];

    private static async Task SeedSqliteAsync(string connectionString, int entries)
    {
        const int RowsPerStatement = 40; // 40 × 22 parameters stays under SQLite's limit of 999 on old builds
        const int RowsPerTransaction = 50_000;
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF; PRAGMA busy_timeout=30000; PRAGMA cache_size=-524288;";
            await pragma.ExecuteNonQueryAsync();
        }
        var columns = string.Join(", ", Columns.Select(c => $"\"{c}\""));
        var values = string.Join(", ", Enumerable.Range(0, RowsPerStatement).Select(r => "(" + string.Join(", ", Columns.Select((_, c) => $"$p{r}_{c}")) + ")"));
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"INSERT INTO \"LogEntries\" ({columns}) VALUES {values}";
        var parameters = new SqliteParameter[RowsPerStatement, Columns.Length];
        for (var r = 0; r < RowsPerStatement; r++)
        {
            for (var c = 0; c < Columns.Length; c++)
            {
                parameters[r, c] = insert.Parameters.Add(new SqliteParameter($"$p{r}_{c}", null));
            }
        }

        var i = 0;
        while (i < entries)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            insert.Transaction = (SqliteTransaction)transaction;
            var end = Math.Min(entries, i + RowsPerTransaction);
            for (; i + RowsPerStatement <= end; i += RowsPerStatement)
            {
                for (var r = 0; r < RowsPerStatement; r++)
                {
                    var row = Row(i + r, entries);
                    for (var c = 0; c < row.Length; c++)
                    {
                        parameters[r, c].Value = row[c] ?? DBNull.Value;
                    }
                }
                await insert.ExecuteNonQueryAsync();
            }
            await using (var single = connection.CreateCommand())
            {
                single.Transaction = (SqliteTransaction)transaction;
                single.CommandText = $"INSERT INTO \"LogEntries\" ({columns}) VALUES ({string.Join(", ", Columns.Select((_, c) => $"$c{c}"))})";
                for (; i < end; i++)
                {
                    single.Parameters.Clear();
                    var row = Row(i, entries);
                    for (var c = 0; c < row.Length; c++)
                    {
                        single.Parameters.AddWithValue($"$c{c}", row[c] ?? DBNull.Value);
                    }
                    await single.ExecuteNonQueryAsync();
                }
            }
            await transaction.CommitAsync();
        }
        await using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await checkpoint.ExecuteNonQueryAsync();
    }

    private static async Task SeedPostgresAsync(string connectionString, int entries)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = string.Join(", ", Columns.Select(c => $"\"{c}\""));
        await using (var importer = await connection.BeginBinaryImportAsync($"COPY \"LogEntries\" ({columns}) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < entries; i++)
            {
                var row = Row(i, entries);
                await importer.StartRowAsync();
                for (var c = 0; c < row.Length; c++)
                {
                    switch (row[c])
                    {
                        case null:
                            await importer.WriteNullAsync();
                            break;
                        case long l:
                            await importer.WriteAsync(l, NpgsqlDbType.Bigint);
                            break;
                        case int n:
                            await importer.WriteAsync(n, NpgsqlDbType.Integer);
                            break;
                        case double d:
                            await importer.WriteAsync(d, NpgsqlDbType.Double);
                            break;
                        case string s:
                            await importer.WriteAsync(s, NpgsqlDbType.Text);
                            break;
                    }
                }
            }
            await importer.CompleteAsync();
        }
        // What autovacuum would do shortly after a bulk load: statistics for the planner.
        await using var analyze = new NpgsqlCommand("ANALYZE \"LogEntries\"", connection);
        analyze.CommandTimeout = 600;
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>An admin-scope token, made the way an operator makes one: <c>ScimBridge.dll token create --scope admin</c>.</summary>
    private static async Task<string> AdminTokenAsync(string dll, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var argument in new[] { dll, "token", "create", "--name", "bench-admin", "--scope", "admin" })
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]
            : throw new InvalidOperationException($"token create --scope admin exited with {process.ExitCode}: {output}{error}");
    }
}
