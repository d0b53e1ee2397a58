using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimBridge.Benchmarks;

// An identity provider's first cycle against a freshly started bridge: a fresh process on a fresh database, no
// preload, no warm-up, and a fixed number of requests per phase, measured from the very first one:
//
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- cold [--provider sqlite|postgres|none] [--requests 2000]
//       [--concurrency 8] [--rounds 3] [--inbound-limit N] [--server-dll PATH]
//       [--target URL --target-token TOKEN [--target-pid PID]] [--baseline node] [--first-user N]
//
// Round 1 is the cold case; later rounds run the same phases again in the same process (the warm case). With --target,
// the same phases also run against another SCIM server (e.g. an in-memory gateway), side by side in this invocation;
// --target-pid lets its CPU per request be reported too; --provider none runs only the target (e.g. a bridge under
// dotnet-trace). --baseline node starts the in-memory SCIM gateway in inmemory-gateway/ (Node, SCIMMY; `npm ci` there
// first if its node_modules is missing) as a fresh process after the bridge's rounds, runs the same phases against it,
// and gives each phase's rate as bridge ÷ baseline (issue 16). The inbound rate limiter is off unless --inbound-limit is given.
// No monday.com tenant is configured: the push is idle, as on a bridge that is not yet connected.
internal static class ColdBenchmark
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private sealed record Target(string Name, Uri BaseAddress, string Token, Func<TimeSpan?> Cpu);

    private sealed record Options(
        string Provider, int Requests, int Concurrency, int Rounds, int InboundLimit, string? ServerDll, string? TargetUrl, string? TargetToken, int TargetPid, string TargetPath,
        bool NodeBaseline, int FirstUser)
    {
        public const string Usage =
            "usage: cold [--provider sqlite|postgres|none] [--requests 2000] [--concurrency 8] [--rounds 3] " +
            "[--inbound-limit N] [--server-dll PATH] [--target URL --target-token TOKEN [--target-pid PID] [--target-path scim/v2/]] [--baseline node] [--first-user 0]";

        public static Options Read(BenchArgs args) =>
            new(args.Text("--provider") == "none" ? "none" : args.Providers(both: false)[0], args.Number("--requests", 2000), args.Number("--concurrency", 8), args.Number("--rounds", 3),
                args.Number("--inbound-limit", 0, 0), args.FullPath("--server-dll"), args.Text("--target"), args.Text("--target-token"),
                args.Number("--target-pid", 0, 0), args.Text("--target-path") ?? "scim/v2/",
                args.Text("--baseline") switch
                {
                    null => false,
                    "node" => true,
                    var other => throw new ArgumentException($"--baseline must be node, not '{other}'."),
                },
                args.Number("--first-user", 0, 0));
    }

    private sealed record Row(string Target, int Round, ScenarioResult Result, double? CpuMicroseconds);

    public static async Task<int> MainAsync(string[] args)
    {
        if (await BenchArgs.ReadAsync(args, Options.Usage, Options.Read) is not { } options)
        {
            return 2;
        }

        var postgres = BenchArgs.Postgres;

        var dll = options.ServerDll ?? Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll");
        var startedAt = DateTimeOffset.UtcNow;
        var loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        var rows = new List<Row>();
        string? startup = null;

        // Installed and checked before the bridge runs, so that a machine without npm's registry fails at once.
        var gateway = options.NodeBaseline ? await NodeGateway.PrepareAsync() : null;
        if (options.NodeBaseline && gateway is null)
        {
            return 2;
        }

        if (options.Provider != "none")
        {
            await using (var database = options.Provider == "postgres" ? await BenchDatabase.PostgresAsync(postgres!, CancellationToken.None) : BenchDatabase.Sqlite())
            {
                var environment = new Dictionary<string, string>(database.ServerEnvironment, StringComparer.Ordinal) { ["Mirror__Schedule"] = "" };
                if (options.InboundLimit > 0)
                {
                    environment["Scim__RateLimit__RequestsPerSecond"] = options.InboundLimit.ToString(Invariant);
                    environment["Scim__RateLimit__Burst"] = options.InboundLimit.ToString(Invariant);
                }

                // The token command migrates the database before the server starts, as an operator's first `token create` does.
                var starting = Stopwatch.StartNew();
                await using var server = await ScimServer.StartAsync(dll, environment, CancellationToken.None);
                // Whatever the server does before it answers /healthz (migrations are done by then; its own warm-up is not).
                startup = string.Create(Invariant,
                    $"The bridge answered /healthz {starting.Elapsed.TotalSeconds:0.0} s after `token create` began, having used {server.CpuTime().TotalSeconds:0.00} s of CPU by then (its start-up, including Scim:WarmUpRounds unless the environment sets it).");
                var bridge = new Target($"bridge ({options.Provider})", new Uri(server.BaseAddress, "scim/v2/"), server.Token, () => server.CpuTime());
                rows.AddRange(await RunAsync(bridge, options));
            }
        }

        if (options.TargetUrl is not null)
        {
            using var process = options.TargetPid > 0 ? Process.GetProcessById(options.TargetPid) : null;
            TimeSpan? Cpu()
            {
                process?.Refresh();
                return process?.TotalProcessorTime;
            }

            var other = new Target(options.TargetUrl, new Uri(new Uri(options.TargetUrl.TrimEnd('/') + "/"), options.TargetPath), options.TargetToken ?? "", Cpu);
            rows.AddRange(await RunAsync(other, options));
        }

        if (gateway is not null)
        {
            // A fresh process too, started only now: cold for its round 1 as the bridge was for its own.
            await using var process = await NodeGateway.StartAsync(gateway, CancellationToken.None);
            var baseline = new Target(gateway.Name, new Uri(process.BaseAddress, "scim/v2/"), process.Token, process.CpuTime);
            rows.AddRange(await RunAsync(baseline, options));
        }

        Console.WriteLine(Report(rows, options.Requests, options.Concurrency, options.InboundLimit, startedAt, loadAverage, gateway?.Name, startup));
        return rows.Any(r => r.Result.Errors > 0) ? 1 : 0;
    }

    private static async Task<List<Row>> RunAsync(Target target, Options options)
    {
        var (requests, concurrency, rounds) = (options.Requests, options.Concurrency, options.Rounds);
        await Console.Error.WriteLineAsync($"== {target.Name} at {target.BaseAddress}");
        using var client = Load.CreateClient(target.BaseAddress, concurrency);
        var rows = new List<Row>();
        var ids = new List<string>();
        // --first-user: a later run against the same --target creates new users instead of 409s.
        var created = options.FirstUser;
        for (var round = 1; round <= rounds; round++)
        {
            var first = created;
            var next = first;
            rows.Add(await PhaseAsync(target, round, "POST /Users", client, concurrency, requests,
                () => Load.Scim(HttpMethod.Post, "Users", target.Token, Load.UserBody(Interlocked.Increment(ref next) - 1))));
            created += requests;

            // Not measured: the ids of this round's users, for the phases that address users by id.
            ids.AddRange(await IdsAsync(client, target.Token, first, created));
            var known = ids.ToArray();
            rows.Add(await PhaseAsync(target, round, "GET /Users/{id}", client, concurrency, requests,
                () => Load.Scim(HttpMethod.Get, $"Users/{known[Random.Shared.Next(known.Length)]}", target.Token)));
            rows.Add(await PhaseAsync(target, round, "GET /Users?filter=userName eq", client, concurrency, requests,
                () => Load.Scim(HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString($"userName eq \"{Load.UserName(options.FirstUser + Random.Shared.Next(created - options.FirstUser))}\""), target.Token)));
            rows.Add(await PhaseAsync(target, round, "PATCH /Users/{id} (title)", client, concurrency, requests,
                () => Load.Scim(HttpMethod.Patch, $"Users/{known[Random.Shared.Next(known.Length)]}", target.Token, Load.PatchTitleBody($"Title {Random.Shared.Next(1_000_000)}"))));
        }

        return rows;
    }

    private static async Task<Row> PhaseAsync(Target target, int round, string name, HttpClient client, int concurrency, int requests, Func<HttpRequestMessage> next)
    {
        var cpu = target.Cpu();
        var result = await Load.RunCountAsync(name, client, next, concurrency, requests, CancellationToken.None);
        var used = target.Cpu() - cpu;
        var micros = used is { } u ? u.TotalMicroseconds / Math.Max(1, result.Requests) : (double?)null;
        await Console.Error.WriteLineAsync(
            $"round {round} {name}: {result.RequestsPerSecond:0} req/s, server CPU {micros?.ToString("0", Invariant) ?? "?"} µs/req, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, errors {result.Errors}");
        foreach (var (status, sample) in result.ErrorSamples)
        {
            await Console.Error.WriteLineAsync($"  {status}: {sample}");
        }

        return new Row(target.Name, round, result, micros);
    }

    /// <summary>The ids of users <paramref name="from"/>..<paramref name="to"/>-1, by one filter per user name.</summary>
    private static async Task<List<string>> IdsAsync(HttpClient client, string token, int from, int to)
    {
        var ids = new string[to - from];
        await Parallel.ForEachAsync(Enumerable.Range(from, to - from), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var request = Load.Scim(HttpMethod.Get, "Users?filter=" + Uri.EscapeDataString($"userName eq \"{Load.UserName(i)}\"") + "&attributes=id", token);
            using var response = await client.SendAsync(request, ct);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct));
            ids[i - from] = (string?)body?["Resources"]?[0]?["id"] ?? throw new InvalidOperationException($"user {Load.UserName(i)} was not found: {body}");
        });
        return [.. ids];
    }

    private static string Report(List<Row> rows, int requests, int concurrency, int inboundLimit, DateTimeOffset startedAt, string loadAverage, string? baseline, string? startup)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant, $"## Cold start: {requests} requests per phase from a fresh process and store, {startedAt:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        var limiter = inboundLimit > 0 ? string.Create(Invariant, $"on at {inboundLimit}/s") : "off";
        md.AppendLine(Invariant,
            $"Concurrency {concurrency}; no preload, no warm-up by the client (round 1 is the cold case, later rounds the same process warm); inbound rate limiter {limiter}; no monday.com tenant (push idle); {Environment.ProcessorCount} cores, load average {loadAverage} at start; client and server share the machine. Between phases, the ids of the new users are read by filter (not measured). {startup}");
        md.AppendLine();
        md.AppendLine(Invariant, $"| target | round | phase | req/s | × round 1 |{(baseline is null ? "" : " ÷ baseline |")} server CPU µs/req | p50 ms | p99 ms | errors |");
        md.AppendLine(Invariant, $"|---|---:|---|---:|---:|{(baseline is null ? "" : "---:|")}---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var cold = rows.First(r => r.Target == row.Target && r.Result.Name == row.Result.Name).Result.RequestsPerSecond;
            md.AppendLine(Invariant,
                $"| {row.Target} | {row.Round} | {row.Result.Name} | {row.Result.RequestsPerSecond:0} | {row.Result.RequestsPerSecond / cold:0.00} |{(baseline is null ? "" : $" {OverBaseline(row)?.ToString("0.00", Invariant) ?? "–"} |")} {row.CpuMicroseconds?.ToString("0", Invariant) ?? "–"} | {row.Result.P50Ms:0.00} | {row.Result.P99Ms:0.00} | {row.Result.Errors} |");
        }

        var targets = rows.Select(r => r.Target).Distinct().ToList();
        if (baseline is not null && targets.Count > 1)
        {
            md.AppendLine();
            md.AppendLine(Invariant,
                $"÷ baseline: the target's req/s over {baseline}'s in the same round and phase (issue 16 asks, from a fresh process: POST and PATCH ≥ 1, the two reads ≥ 1.5).");
            foreach (var target in targets.Where(t => t != baseline))
            {
                foreach (var round in rows.Where(r => r.Target == target).Select(r => r.Round).Distinct())
                {
                    var ratios = rows.Where(r => r.Target == target && r.Round == round)
                        .Select(r => string.Create(Invariant, $"{r.Result.Name} {OverBaseline(r):0.00}"));
                    md.AppendLine(Invariant, $"- {target}, round {round}: {string.Join("; ", ratios)}");
                }
            }
        }
        else if (targets.Count == 2)
        {
            md.AppendLine();
            var ratios = rows.Where(r => r.Round == 1 && r.Target == targets[0]).Select(r => string.Create(Invariant,
                $"{r.Result.Name} {r.Result.RequestsPerSecond / rows.First(o => o.Round == 1 && o.Target == targets[1] && o.Result.Name == r.Result.Name).Result.RequestsPerSecond:0.00}"));
            md.AppendLine(Invariant, $"Round 1, {targets[0]} over {targets[1]} (req/s ratio): {string.Join("; ", ratios)}");
        }

        return md.ToString();

        double? OverBaseline(Row row) =>
            row.Target != baseline && rows.FirstOrDefault(b => b.Target == baseline && b.Round == row.Round && b.Result.Name == row.Result.Name) is { } b
                ? row.Result.RequestsPerSecond / b.Result.RequestsPerSecond
                : null;
    }
}

/// <summary>
/// The in-memory SCIM gateway in inmemory-gateway/ (server.js: SCIMMY and its express routers), the cold benchmark's
/// baseline: <c>node server.js --port PORT</c> with a token of its own in GATEWAY_TOKEN. Disposing kills it.
/// </summary>
internal sealed class NodeGateway : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputTail _tail = new();

    private NodeGateway(Installed gateway, int port)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = gateway.Folder,
        };
        foreach (var argument in new[] { "server.js", "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["GATEWAY_TOKEN"] = Token;
        _process = DotnetProcess.StartReading(info, _tail.Add);
    }

    /// <summary>The gateway's folder with its packages installed, and its name in the report (with node's version).</summary>
    public sealed record Installed(string Folder, string Name);

    public Uri BaseAddress { get; }

    public string Token { get; } = Guid.NewGuid().ToString("N");

    public TimeSpan? CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Finds the gateway's folder, checks node, and runs <c>npm ci</c> there if node_modules is missing; null (said why) when it cannot.</summary>
    public static async Task<Installed?> PrepareAsync()
    {
        // The benchmark runs from tests/ScimBridge.Benchmarks/bin/<configuration>/<framework>/, or from the repository.
        var folder = new[] { AppContext.BaseDirectory, Environment.CurrentDirectory }
            .SelectMany(Ancestors)
            .SelectMany(d => new[] { Path.Combine(d, "inmemory-gateway"), Path.Combine(d, "tests", "ScimBridge.Benchmarks", "inmemory-gateway") })
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "server.js")));
        if (folder is null)
        {
            await Console.Error.WriteLineAsync("--baseline node: tests/ScimBridge.Benchmarks/inmemory-gateway was not found above the benchmark or the current directory.");
            return null;
        }

        if (await RunAsync("node", ["--version"], folder) is not (0, var version))
        {
            await Console.Error.WriteLineAsync("--baseline node needs Node.js (node on PATH, version 18 or later).");
            return null;
        }

        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            await Console.Error.WriteLineAsync($"--baseline node: installing the gateway's packages (npm ci in {folder})");
            var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
            var (code, output) = await RunAsync(npm, ["ci", "--no-audit", "--no-fund"], folder);
            if (code != 0)
            {
                await Console.Error.WriteLineAsync(
                    $"--baseline node: 'npm ci' failed ({(code == -1 ? "npm not found" : $"exit code {code}")}), so the baseline cannot run. It fetches express and SCIMMY from the npm registry once: run 'npm ci' in {folder} where the registry can be reached, or leave out --baseline.{Environment.NewLine}{output}");
                return null;
            }
        }

        return new Installed(folder, $"in-memory gateway (node {version.Trim()})");
    }

    public static async Task<NodeGateway> StartAsync(Installed gateway, CancellationToken ct)
    {
        var server = new NodeGateway(gateway, DotnetProcess.FreePort());
        try
        {
            await DotnetProcess.WaitHealthyAsync(server._process, server.BaseAddress, TimeSpan.FromSeconds(30), server._tail.ToString, ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (await DotnetProcess.StopAsync(_process, entireProcessTree: true) is { } error)
        {
            await Console.Error.WriteLineAsync($"warning: could not stop the gateway process {_process.Id}: {error}");
        }

        _process.Dispose();
    }

    private static IEnumerable<string> Ancestors(string directory)
    {
        for (var d = new DirectoryInfo(directory); d is not null; d = d.Parent)
        {
            yield return d.FullName;
        }
    }

    /// <summary>Runs a command to the end: its exit code (-1 if it could not start) and its output, both streams.</summary>
    private static async Task<(int Code, string Output)> RunAsync(string command, string[] arguments, string folder)
    {
        var info = new ProcessStartInfo(command, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        Process process;
        try
        {
            process = DotnetProcess.Start(info);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return (-2, "timed out after 5 minutes");
            }

            return (process.ExitCode, await output + await errors);
        }
    }
}
