using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace ScimBridge.Benchmarks;

/// <summary>
/// The push, end to end: users created and updated over the bridge's inbound SCIM API, timed from the moment the
/// client has its 201/200 to the moment the simulated monday.com applied the write; then, against a rate-limited
/// simulator, the share of its limit the bridge uses and the 429s it provokes. The drain part measures the push alone:
/// N users queued with no monday.com target, then the target saved, and the CPU the backlog's push costs.
/// </summary>
internal static class Propagation
{
    public const string Usage =
        "usage: dotnet run -c Release --project tests/ScimBridge.Benchmarks -- propagation [--provider sqlite|postgres|both] " +
        "[--users 10000] [--concurrency 8] [--rate-limit 600] [--rate-seconds 60] [--bridge-rpm N] [--server-dll PATH] [--baseline-dll PATH]";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> MainAsync(string[] args)
    {
        if (await BenchArgs.ReadAsync(args, Usage, PropagationSettings.Read) is not { } settings)
        {
            return 2;
        }

        var postgres = BenchArgs.Postgres;

        using var stop = new StopSignal();
        var thisBuild = settings.ServerDll ?? Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll");
        // With a baseline, each part runs on the baseline build, then on this one, back to back, so both see the same machine.
        var builds = settings.BaselineDll is { } baselineDll
            ? new[] { (Suffix: ", baseline", Dll: baselineDll), (Suffix: ", this build", Dll: thisBuild) }
            : [(Suffix: "", Dll: thisBuild)];
        var startedAt = DateTimeOffset.UtcNow;
        var flows = new List<FlowResult>();
        var inbound = new List<InboundResult>();
        var drains = new List<DrainResult>();
        var rates = new List<RateResult>();
        var notes = new List<string>();
        var failed = false;
        foreach (var provider in settings.Providers)
        {
            foreach (var (suffix, serverDll) in builds)
            {
                var label = provider + suffix;
                try
                {
                    inbound.Add(await RunInboundOnlyAsync(provider, label, serverDll, postgres, settings, stop.Token));
                    flows.AddRange(await RunFlowAsync(provider, label, serverDll, postgres, settings, notes, stop.Token));
                    drains.Add(await RunDrainAsync(provider, label, serverDll, postgres, settings, stop.Token));
                    if (settings.RateLimit > 0)
                    {
                        rates.Add(await RunRateLimitedAsync(provider, label, serverDll, postgres, settings, notes, stop.Token));
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or OperationCanceledException)
                {
                    failed = true;
                    notes.Add($"{label}: failed: {ex.Message}");
                    await Console.Error.WriteLineAsync($"{label}: {ex}");
                }
            }
        }

        if (settings.BaselineDll is not null)
        {
            notes.Add($"baseline: {settings.BaselineDll}; this build: {thisBuild}");
        }

        Console.WriteLine(Report(startedAt, settings, inbound, flows, drains, rates, notes));
        return failed ? 1 : 0;
    }

    private static async Task<BenchDatabase> DatabaseAsync(string provider, string? postgres, CancellationToken ct) =>
        provider == "postgres" ? await BenchDatabase.PostgresAsync(postgres!, ct) : BenchDatabase.Sqlite();

    private static Dictionary<string, string> BridgeEnvironment(BenchDatabase database, SimulatorProbe? sim, int? requestsPerMinute)
    {
        var environment = new Dictionary<string, string>(database.ServerEnvironment, StringComparer.Ordinal)
        {
            ["Push__InstanceId"] = "propagation-bench",
        };
        if (sim is not null)
        {
            environment["Monday__TenantUrl"] = sim.TenantUrl;
            environment["Monday__ScimToken"] = SimulatorProbe.ScimToken;
        }
        if (requestsPerMinute is { } rpm)
        {
            environment["Monday__RequestsPerMinute"] = rpm.ToString(Invariant);
        }

        return environment;
    }

    /// <summary>The same creates and updates with no monday.com target (push off): what the inbound side does alone.</summary>
    private static async Task<InboundResult> RunInboundOnlyAsync(
        string provider, string label, string serverDll, string? postgres, PropagationSettings settings, CancellationToken ct)
    {
        await Console.Error.WriteLineAsync($"== {label}: {settings.Users} creates and updates, push off");
        await using var database = await DatabaseAsync(provider, postgres, ct);
        await using var server = await ScimServer.StartAsync(serverDll, database.ServerEnvironment, ct);
        using var client = Load.CreateClient(server.BaseAddress, settings.Concurrency);
        var n = settings.Users;
        var ids = new string[n];
        var start = Stopwatch.GetTimestamp();
        await SendAllAsync(client, n, settings.Concurrency, 201, i => Load.Scim(HttpMethod.Post, "scim/v2/Users", server.Token, Load.UserBody(i)),
            (i, body) => ids[i] = (string?)JsonNode.Parse(body)?["id"] ?? throw new InvalidOperationException($"user {i}: no id"), ct);
        var creates = n / Stopwatch.GetElapsedTime(start).TotalSeconds;
        start = Stopwatch.GetTimestamp();
        await SendAllAsync(client, n, settings.Concurrency, 200,
            i => Load.Scim(HttpMethod.Patch, $"scim/v2/Users/{ids[i]}", server.Token, Load.PatchTitleBody(string.Create(Invariant, $"Inbound title {i}"))), (_, _) => { }, ct);
        return new InboundResult(label, creates, n / Stopwatch.GetElapsedTime(start).TotalSeconds);
    }

    /// <summary>N creates, then N updates (a new title each), each phase until the simulator has every write.</summary>
    private static async Task<List<FlowResult>> RunFlowAsync(
        string provider, string label, string serverDll, string? postgres, PropagationSettings settings, List<string> notes, CancellationToken ct)
    {
        await Console.Error.WriteLineAsync($"== {label}: {settings.Users} creates and updates, simulator not limiting");
        await using var sim = await SimulatorProbe.StartAsync();
        await using var database = await DatabaseAsync(provider, postgres, ct);
        await using var server = await ScimServer.StartAsync(serverDll, BridgeEnvironment(database, sim, 1_000_000), ct);
        using var client = Load.CreateClient(server.BaseAddress, settings.Concurrency);
        var n = settings.Users;
        var ids = new string[n];
        var userNames = Enumerable.Range(0, n).Select(Load.UserName).ToArray();

        var createStart = Stopwatch.GetTimestamp();
        var createAccepted = await SendAllAsync(client, n, settings.Concurrency, 201, i => Load.Scim(HttpMethod.Post, "scim/v2/Users", server.Token, Load.UserBody(i)),
            (i, body) => ids[i] = (string?)JsonNode.Parse(body)?["id"] ?? throw new InvalidOperationException($"user {i}: no id"), ct);
        var createAcceptEnd = Stopwatch.GetTimestamp();
        var createDownstream = await WaitForAsync(userNames.Select(u => (Func<long?>)(() => sim.FirstWrite.TryGetValue(u, out var at) ? at : null)).ToArray(),
            settings.Users, server, "creates", ct);
        var creates = FlowResult.From(label, "create (POST /Users → POST)", createStart, createAcceptEnd, createAccepted, createDownstream);

        var titles = Enumerable.Range(0, n).Select(i => string.Create(Invariant, $"Propagated title {i}")).ToArray();
        var updateStart = Stopwatch.GetTimestamp();
        var updateAccepted = await SendAllAsync(client, n, settings.Concurrency, 200, i => Load.Scim(HttpMethod.Patch, $"scim/v2/Users/{ids[i]}", server.Token, Load.PatchTitleBody(titles[i])),
            (_, _) => { }, ct);
        var updateAcceptEnd = Stopwatch.GetTimestamp();
        var updateDownstream = await WaitForAsync(
            Enumerable.Range(0, n).Select(i => (Func<long?>)(() => sim.TitleSeen.TryGetValue((userNames[i], titles[i]), out var at) ? at : null)).ToArray(),
            settings.Users, server, "updates", ct);
        var updates = FlowResult.From(label, "update (PATCH title → PATCH)", updateStart, updateAcceptEnd, updateAccepted, updateDownstream);

        var requests = sim.State.RequestsSnapshot();
        var failures = requests.Where(r => r.Status is < 200 or >= 300).GroupBy(r => $"{r.Method} {r.Status}").Select(g => $"{g.Key}×{g.Count()}").ToList();
        notes.Add(string.Create(Invariant,
            $"{label}: the simulator got {requests.Count} requests for {2 * n} writes ({requests.Count(r => r.Method == "POST")} POST, {requests.Count(r => r.Method == "PATCH")} PATCH, {requests.Count(r => r.Method == "GET")} GET)") +
            (failures.Count == 0 ? ", all 2xx" : $"; not 2xx: {string.Join(", ", failures)}"));
        foreach (var entry in server.LogEntries())
        {
            notes.Add($"{label}: server logged {entry.Count}× `{entry.Header}` {entry.FirstMessage}");
        }

        return [creates, updates];
    }

    /// <summary>
    /// Enough users to keep the push busy for the whole window, created at once; then the window, from the first request
    /// that passed the simulator's limiter: the 2xx the simulator answered in it, and the 429s until its end.
    /// </summary>
    private static async Task<RateResult> RunRateLimitedAsync(
        string provider, string label, string serverDll, string? postgres, PropagationSettings settings, List<string> notes, CancellationToken ct)
    {
        var r = settings.RateLimit;
        var window = TimeSpan.FromSeconds(settings.RateSeconds);
        var users = (int)Math.Ceiling(r * window.TotalMinutes * 1.25) + 50;
        await Console.Error.WriteLineAsync($"== {label}: simulator limited to {r}/min, {users} users, {window.TotalSeconds:0} s window");
        await using var sim = await SimulatorProbe.StartAsync("--fault-rate-limit", r.ToString(Invariant));
        await using var database = await DatabaseAsync(provider, postgres, ct);
        await using var server = await ScimServer.StartAsync(serverDll, BridgeEnvironment(database, sim, settings.BridgeRequestsPerMinute), ct);
        using var client = Load.CreateClient(server.BaseAddress, settings.Concurrency);
        await SendAllAsync(client, users, settings.Concurrency, 201, i => Load.Scim(HttpMethod.Post, "scim/v2/Users", server.Token, Load.UserBody(i)), (_, _) => { }, ct);

        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (sim.Passed.IsEmpty)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"No request reached the simulator within 30 s of loading:{Environment.NewLine}{server.Tail()}");
            }

            await Task.Delay(10, ct);
        }

        var first = sim.Passed.Min(p => p.At);
        var end = first + (long)(window.TotalSeconds * Stopwatch.Frequency);
        var wait = TimeSpan.FromSeconds((end - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
        }

        var requests = sim.State.RequestsSnapshot();
        var passed = sim.Passed.ToArray();
        var ok = passed.Count(p => p.At >= first && p.At < end && p.Status is >= 200 and < 300);
        var tooMany = requests.Count(q => q.Status == 429);
        var pending = users - sim.FirstWrite.Count;
        if (pending <= 0)
        {
            notes.Add($"{label}: every user was pushed before the window closed: the rate figure understates what the bridge could do; raise --rate-seconds or the user count.");
        }

        // Where the 429s fell in the simulator's request order: a burst at one point (the requests in flight when the window
        // filled) or spread over the run (a pace that keeps overrunning).
        var positions = requests.Select((q, i) => (q.Status, Position: i + 1)).Where(q => q.Status == 429).Select(q => q.Position.ToString(Invariant)).ToList();
        notes.Add(string.Create(Invariant,
            $"{label}, rate-limited: {sim.FirstWrite.Count} of {users} users created in monday.com when the window closed; bridge Monday:RequestsPerMinute {settings.BridgeRequestsPerMinute?.ToString(Invariant) ?? "(its default)"}; ") +
            (positions.Count == 0 ? "no 429" : $"429s were requests no. {string.Join(", ", positions.Take(20))} of {requests.Count} the simulator got"));
        return new RateResult(label, r, window.TotalSeconds, ok, ok / window.TotalMinutes, ok / window.TotalMinutes / r, tooMany, settings.BridgeRequestsPerMinute);
    }

    /// <summary>
    /// The push alone: N users created while the bridge has no monday.com target (they queue), then the target saved
    /// over the admin API, and the backlog drains with no inbound writes beside it. CPU per pushed change: the bridge
    /// process's CPU from the save to the last write applied downstream, over N; on PostgreSQL also the CPU of the
    /// server backends connected to the bridge's database in that window. The simulator's CPU is not in either.
    /// </summary>
    private static async Task<DrainResult> RunDrainAsync(
        string provider, string label, string serverDll, string? postgres, PropagationSettings settings, CancellationToken ct)
    {
        var n = settings.Users;
        await Console.Error.WriteLineAsync($"== {label}: drain, {n} creates queued with no target, then the target saved");
        await using var sim = await SimulatorProbe.StartAsync();
        await using var database = await DatabaseAsync(provider, postgres, ct);
        var environment = BridgeEnvironment(database, null, 1_000_000);
        await using var server = await ScimServer.StartAsync(serverDll, environment, ct);
        using var client = Load.CreateClient(server.BaseAddress, settings.Concurrency);
        await SendAllAsync(client, n, settings.Concurrency, 201, i => Load.Scim(HttpMethod.Post, "scim/v2/Users", server.Token, Load.UserBody(i)), (_, _) => { }, ct);
        var backends = provider == "postgres" ? new PostgresBackends(postgres!, database.ServerEnvironment["ConnectionStrings__ScimBridge"]) : null;

        using var admin = Load.CreateClient(server.BaseAddress, 1);
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ScimServer.CreateTokenAsync(serverDll, environment, ct, "admin"));
        var dbBefore = backends is null ? null : await backends.CpuAsync(ct);
        var cpuBefore = server.CpuTime();
        var saved = Stopwatch.GetTimestamp();
        using (var response = await admin.PutAsJsonAsync("admin/api/connection/settings", new { tenantUrl = sim.TenantUrl, scimToken = SimulatorProbe.ScimToken }, ct))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Saving the target answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
            }
        }

        var userNames = Enumerable.Range(0, n).Select(Load.UserName).ToArray();
        var written = await WaitForAsync(userNames.Select(u => (Func<long?>)(() => sim.FirstWrite.TryGetValue(u, out var at) ? at : null)).ToArray(), n, server, "queued creates", ct);
        var cpu = server.CpuTime() - cpuBefore;
        double? dbCpu = backends is null ? null : PostgresBackends.Delta(dbBefore!, await backends.CpuAsync(ct)).TotalMilliseconds;
        var seconds = (written.Max() - written.Min()) / (double)Stopwatch.Frequency;
        return new DrainResult(label, n, (written.Max() - saved) / (double)Stopwatch.Frequency, seconds, n / seconds, cpu.TotalMilliseconds / n, dbCpu / n);
    }

    /// <summary>Sends requests 0..n-1 with <paramref name="concurrency"/> in flight; returns when each was acknowledged.</summary>
    private static async Task<long[]> SendAllAsync(
        HttpClient client, int n, int concurrency, int expectedStatus, Func<int, HttpRequestMessage> request, Action<int, string> onBody, CancellationToken ct)
    {
        var acknowledged = new long[n];
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (i, token) =>
        {
            using var message = request(i);
            using var response = await client.SendAsync(message, token);
            acknowledged[i] = Stopwatch.GetTimestamp();
            var body = await response.Content.ReadAsStringAsync(token);
            if ((int)response.StatusCode != expectedStatus)
            {
                throw new InvalidOperationException($"{message.Method} {message.RequestUri} answered {(int)response.StatusCode}, expected {expectedStatus}: {body}");
            }

            onBody(i, body);
        });
        return acknowledged;
    }

    /// <summary>Polls until every probe has a timestamp; the deadline grows with the count.</summary>
    private static async Task<long[]> WaitForAsync(Func<long?>[] probes, int count, ScimServer server, string what, CancellationToken ct)
    {
        var limit = TimeSpan.FromSeconds(60 + count / 50.0);
        var clock = Stopwatch.StartNew();
        var seen = new long?[probes.Length];
        var missing = Enumerable.Range(0, probes.Length).ToList();
        while (missing.Count > 0)
        {
            missing.RemoveAll(i => (seen[i] = probes[i]()) is not null);
            if (missing.Count == 0)
            {
                break;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{missing.Count} of {probes.Length} {what} had not reached the simulator after {limit.TotalSeconds:0} s:{Environment.NewLine}{server.Tail()}");
            }

            await Task.Delay(20, ct);
        }

        return [.. seen.Select(s => s!.Value)];
    }

    private static string Report(
        DateTimeOffset startedAt, PropagationSettings settings, List<InboundResult> inbound, List<FlowResult> flows, List<DrainResult> drains, List<RateResult> rates,
        List<string> notes)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant, $"## ScimBridge propagation benchmark, {startedAt:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Invariant,
            $"{settings.Users} users; inbound concurrency {settings.Concurrency}; {Environment.ProcessorCount} cores; .NET {Environment.Version}; bridge, simulator and client share the machine. " +
            $"Latency: from the client holding the bridge's 201/200 to the simulator having applied the write (a middleware appended to the simulator's pipeline " +
            $"timestamps each write right after its endpoint ran, on the client's Stopwatch clock; a write pushed before the client read its answer counts as 0). " +
            $"End-to-end rate: writes over the time from the first request sent to the last write applied downstream. " +
            $"Backlog: writes not yet applied downstream when the client had its last answer; drain/s: that backlog over the time it took (shown from 100 up): the push alone, without inbound writes beside it.");
        md.AppendLine();
        md.AppendLine("| provider | flow | writes | accepted/s | end-to-end/s | total s | p50 ms | p99 ms | max ms | backlog at last ack | drain/s after |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var f in flows)
        {
            md.AppendLine(Invariant,
                $"| {f.Provider} | {f.Flow} | {f.Writes} | {f.AcceptedPerSecond:0} | {f.EndToEndPerSecond:0} | {f.TotalSeconds:0.0} | {f.P50Ms:0} | {f.P99Ms:0} | {f.MaxMs:0} | {f.Backlog} | {(f.DrainPerSecond is { } d ? d.ToString("0", Invariant) : "-")} |");
        }

        md.AppendLine();
        md.AppendLine("Inbound alone: the same writes to a bridge with no monday.com target (push off), cold server like the runs above.");
        md.AppendLine();
        md.AppendLine("| provider | creates/s, push off | creates/s, push on | on ÷ off | updates/s, push off | updates/s, push on | on ÷ off |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var i in inbound)
        {
            var on = flows.Where(f => f.Provider == i.Provider).Select(f => f.AcceptedPerSecond).ToArray();
            if (on.Length == 2)
            {
                md.AppendLine(Invariant,
                    $"| {i.Provider} | {i.CreatesPerSecond:0} | {on[0]:0} | {on[0] / i.CreatesPerSecond:0.00} | {i.UpdatesPerSecond:0} | {on[1]:0} | {on[1] / i.UpdatesPerSecond:0.00} |");
            }
        }

        if (drains.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(
                "Drain: the push alone. N users created with no monday.com target, then the target saved over the admin API; the queue drains with no inbound writes. " +
                "Rate: N over first to last write downstream. CPU per change: the bridge process's CPU (user + system) from the save to the last write, over N " +
                "(the push path's first JIT included); DB: the CPU of the PostgreSQL backends connected to the bridge's database over the same window, over N. " +
                "The simulator's CPU is in neither.");
            md.AppendLine();
            md.AppendLine("| provider | changes | s from save to last write | s first to last write | pushed/s | bridge CPU ms per change | DB backend CPU ms per change |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var d in drains)
            {
                md.AppendLine(Invariant,
                    $"| {d.Provider} | {d.Changes} | {d.FromSaveSeconds:0.0} | {d.Seconds:0.0} | {d.PerSecond:0} | {d.BridgeCpuMs:0.00} | {(d.DbCpuMs is { } db ? db.ToString("0.00", Invariant) : "-")} |");
            }
        }

        if (rates.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("| provider | simulator limit R/min | bridge RequestsPerMinute | window s | 2xx in window | achieved/min | × R | 429s | 429s beyond the first |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in rates)
            {
                md.AppendLine(Invariant,
                    $"| {r.Provider} | {r.Limit} | {r.BridgeRequestsPerMinute?.ToString(Invariant) ?? "default"} | {r.WindowSeconds:0} | {r.Succeeded} | {r.AchievedPerMinute:0} | {r.Fraction:0.000} | {r.TooMany} | {Math.Max(0, r.TooMany - 1)} |");
            }
        }

        return md.AppendRemarks(notes).ToString();
    }
}

internal sealed record FlowResult(
    string Provider, string Flow, int Writes, double AcceptedPerSecond, double EndToEndPerSecond, double TotalSeconds, double P50Ms, double P99Ms, double MaxMs,
    int Backlog, double? DrainPerSecond)
{
    public static FlowResult From(string provider, string flow, long start, long acceptEnd, long[] accepted, long[] downstream)
    {
        var latencies = accepted.Zip(downstream, (a, d) => Math.Max(0, d - a) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        double Percentile(double p) => latencies[Math.Clamp((int)Math.Ceiling(p * latencies.Length) - 1, 0, latencies.Length - 1)];
        var total = (downstream.Max() - start) / (double)Stopwatch.Frequency;
        var accepting = (acceptEnd - start) / (double)Stopwatch.Frequency;
        // What was still to push when the last write was acknowledged, and how fast it went with no inbound load beside it.
        var backlog = downstream.Count(d => d > acceptEnd);
        var drainSeconds = (downstream.Max() - acceptEnd) / (double)Stopwatch.Frequency;
        double? drain = backlog >= 100 && drainSeconds > 0 ? backlog / drainSeconds : null;
        return new FlowResult(provider, flow, accepted.Length, accepted.Length / accepting, accepted.Length / total, total, Percentile(0.50), Percentile(0.99), latencies[^1],
            backlog, drain);
    }
}

internal sealed record InboundResult(string Provider, double CreatesPerSecond, double UpdatesPerSecond);

internal sealed record DrainResult(string Provider, int Changes, double FromSaveSeconds, double Seconds, double PerSecond, double BridgeCpuMs, double? DbCpuMs);

/// <summary>CPU time of the PostgreSQL backends serving one database, read from /proc (the cluster runs on this machine).</summary>
internal sealed class PostgresBackends(string serverConnectionString, string bridgeConnectionString)
{
    private readonly string _database = new NpgsqlConnectionStringBuilder(bridgeConnectionString).Database!;
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User + system CPU by backend pid.</summary>
    public async Task<Dictionary<int, TimeSpan>> CpuAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE datname = @db", connection);
        command.Parameters.AddWithValue("db", _database);
        var cpu = new Dictionary<int, TimeSpan>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var pid = reader.GetInt32(0);
            try
            {
                // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime and stime are the 12th and 13th.
                var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat", ct);
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                cpu[pid] = TimeSpan.FromSeconds((long.Parse(fields[11], Invariant) + long.Parse(fields[12], Invariant)) / TicksPerSecond);
            }
            catch (IOException)
            {
                // Gone since the query.
            }
        }

        return cpu;
    }

    /// <summary>CPU used between two readings; a backend that started in between counts from zero.</summary>
    public static TimeSpan Delta(Dictionary<int, TimeSpan> before, Dictionary<int, TimeSpan> after) =>
        after.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.Value - before.GetValueOrDefault(a.Key));

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
}

internal sealed record RateResult(
    string Provider, int Limit, double WindowSeconds, int Succeeded, double AchievedPerMinute, double Fraction, int TooMany, int? BridgeRequestsPerMinute);

internal sealed record PropagationSettings(
    string[] Providers, int Users, int Concurrency, int RateLimit, double RateSeconds, int? BridgeRequestsPerMinute, string? ServerDll, string? BaselineDll)
{
    public static PropagationSettings Read(BenchArgs args) =>
        new(args.Providers(), args.Number("--users", 10_000, 1, 1_000_000), args.Number("--concurrency", 8, 1, 1024),
            args.Number("--rate-limit", 600, 0, 1_000_000), args.Seconds("--rate-seconds", 60), args.NumberOrNull("--bridge-rpm", 1, 100_000_000),
            args.FullPath("--server-dll"), args.FullPath("--baseline-dll"));
}
