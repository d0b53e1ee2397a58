// HTTP benchmark of the real ScimBridge server, started as a child process from the ScimBridge.dll that the
// project reference copies beside this program.
//
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- [--provider sqlite|postgres|both]
//       [--users 10000] [--seconds 10] [--concurrency 8]          (defaults: sqlite, 10000, 10, 8)
//       [--inbound-limit N]   the per-token SCIM rate limit at N requests/s and burst N (default 0: off)
//       [--server-dll PATH]   another build's ScimBridge.dll (e.g. a git worktree's bin/Release), for A/B runs
//
// PostgreSQL: a fresh database is created (and dropped) on the server in SCIMBRIDGE_TEST_POSTGRES, e.g.
//   scripts/postgres.sh start && eval "$(scripts/postgres.sh env)"
// Prints a Markdown table and writes JSON to benchmark-results/<timestamp>.json at the repository root.
//
// The push to monday.com, end to end (a simulator in this process, usage in Propagation.cs):
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- propagation [--provider sqlite|postgres|both]
//       [--users 10000] [--rate-limit 600] [--rate-seconds 60] [--bridge-rpm N]
//
// The provisioning-log admin API over a million entries (usage in LogsBenchmark.cs):
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- logs [--provider sqlite|postgres|both] [--entries 1000000]
//
// One large user (many emails) and pages of large users (usage in ManyValues.cs):
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- manyvalues | bigpages
//
// The subscription mirror over 100,000 monday.com seats, cold and warm, and inbound SCIM during a run (MirrorBenchmark.cs):
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- mirror [--provider sqlite|postgres|both] [--seats 100000]
//
// Licence reclamation: evaluating every rule over 100,000 mirrored seats, cold and warm (ReclaimEvaluateBenchmark.cs):
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- reclaim-evaluate [--provider sqlite|postgres|both] [--seats 100000]
//
// Licence reclamation of 10,000 monday.com seats within the simulator's rate limit, cold and warm (ReclaimBenchmark.cs):
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- reclaim [--provider sqlite|postgres|both] [--seats 10000] [--rate-limit 60]
//
// HR mass termination: 10,000 terminations due at one instant, to every user deactivated in monday.com (HrFireBenchmark.cs):
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- hr-fire [--provider sqlite|postgres|both] [--users 10000]
//
// SCIM /Bulk: 50,000 user creates in requests of maxOperations and of 50, until all reached monday.com (BulkBenchmark.cs):
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- bulk [--provider sqlite|postgres|both] [--users 50000] [--batch N] [--entra-batch 50]
//
// An identity provider's first cycle against a freshly started bridge, no warm-up, beside another SCIM server (ColdBenchmark.cs):
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- cold [--provider sqlite|postgres|none] [--requests 2000] [--rounds 3]
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ScimBridge.Benchmarks;

const int PreloadConcurrency = 8;
var invariant = CultureInfo.InvariantCulture;

if (args is ["propagation", ..])
{
    return await Propagation.MainAsync(args[1..]);
}

if (args is ["logs", ..])
{
    return await LogsBenchmark.MainAsync(args[1..]);
}

if (args is ["mirror", ..])
{
    return await MirrorBenchmark.MainAsync(args[1..]);
}

if (args is ["hr-fire", ..])
{
    return await HrFireBenchmark.MainAsync(args[1..]);
}

if (args is ["reclaim-evaluate", ..])
{
    return await ReclaimEvaluateBenchmark.MainAsync(args[1..]);
}

if (args is ["reclaim", ..])
{
    return await ReclaimBenchmark.MainAsync(args[1..]);
}

if (args is ["cold", ..])
{
    return await ColdBenchmark.MainAsync(args[1..]);
}

if (args is ["bulk", ..])
{
    return await BulkBenchmark.MainAsync(args[1..]);
}

if (args is ["manyvalues" or "bigpages", ..])
{
    return await ManyValues.MainAsync(args[0], args[1..]);
}

if (await BenchArgs.ReadAsync(args, Settings.Usage, Settings.Read) is not { } settings)
{
    return 2;
}

var postgres = BenchArgs.Postgres;

using var stop = new StopSignal();
var ct = stop.Token;

var serverDll = settings.ServerDll ?? Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll");
if (!File.Exists(serverDll))
{
    await Console.Error.WriteLineAsync($"{serverDll} is missing: build this project (its reference copies the server here).");
    return 1;
}

var serverBuild = typeof(ScimBridge.Data.DatabaseSetup).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown";
if (serverBuild != "Release")
{
    await Console.Error.WriteLineAsync($"warning: the server is a {serverBuild} build; run with -c Release for meaningful figures.");
}

var warmup = TimeSpan.FromSeconds(Math.Min(2, settings.Seconds / 5.0));
var baselineSlot = TimeSpan.FromSeconds(Math.Min(2, settings.Seconds));
var duration = TimeSpan.FromSeconds(settings.Seconds);
var startedAt = DateTimeOffset.UtcNow;
var loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
var runs = new List<ProviderRun>();
var failed = false;

foreach (var provider in settings.Providers)
{
    try
    {
        runs.Add(await RunProviderAsync(provider));
    }
    catch (OperationCanceledException) when (ct.IsCancellationRequested)
    {
        await Console.Error.WriteLineAsync("Cancelled.");
        return 130;
    }
    catch (Exception ex) when (!ct.IsCancellationRequested)
    {
        failed = true;
        await Console.Error.WriteLineAsync($"{provider}: FAILED: {ex.Message}");
        runs.Add(new ProviderRun(provider, 0, 0, null, [], [], null, [], [$"failed: {ex.Message}"]));
    }
}

var report = Report(runs);
Console.WriteLine(report);
var resultPath = await WriteJsonAsync(runs);
Console.WriteLine($"JSON: {resultPath}");
return failed ? 1 : 0;

async Task<ProviderRun> RunProviderAsync(string provider)
{
    await Console.Error.WriteLineAsync($"== {provider}");
    await using var database = provider == "postgres" ? await BenchDatabase.PostgresAsync(postgres!, ct) : BenchDatabase.Sqlite();
    await Console.Error.WriteLineAsync($"database: {database.Description}");
    var environment = new Dictionary<string, string>(database.ServerEnvironment, StringComparer.Ordinal);
    if (settings.InboundLimit > 0)
    {
        // The limiter on, but far above what the client sends: what it costs, not what it refuses.
        environment["Scim__RateLimit__RequestsPerSecond"] = settings.InboundLimit.ToString(invariant);
        environment["Scim__RateLimit__Burst"] = settings.InboundLimit.ToString(invariant);
    }
    await using var server = await ScimServer.StartAsync(serverDll, environment, ct);
    await Console.Error.WriteLineAsync($"server: pid {server.ProcessId} at {server.BaseAddress}");
    var token = server.Token;

    var preloadStart = Stopwatch.GetTimestamp();
    string[] ids;
    using (var preloadClient = Load.CreateClient(server.BaseAddress, PreloadConcurrency))
    {
        ids = await Load.PreloadAsync(preloadClient, token, settings.Users, PreloadConcurrency, ct);
    }

    var preloadSeconds = Stopwatch.GetElapsedTime(preloadStart).TotalSeconds;
    await Console.Error.WriteLineAsync($"preloaded {ids.Length} users in {preloadSeconds:0.0} s ({ids.Length / preloadSeconds:0} users/s)");

    using var client = Load.CreateClient(server.BaseAddress, settings.Concurrency);
    var notes = await SanityChecksAsync(client, token, ids);
    var nextUser = settings.Users;

    (string Name, Func<HttpRequestMessage> Next)[] plan =
    [
        // Bearer-token authentication and the SCIM pipeline without a database query: separates their cost from the database's.
        ("GET /ServiceProviderConfig (auth, no DB)", () => Load.Scim(HttpMethod.Get, "scim/v2/ServiceProviderConfig", token)),
        ("POST /Users", () => Load.Scim(HttpMethod.Post, "scim/v2/Users", token, Load.UserBody(Interlocked.Increment(ref nextUser)))),
        ("GET /Users/{id}", () => Load.Scim(HttpMethod.Get, $"scim/v2/Users/{ids[Random.Shared.Next(ids.Length)]}", token)),
        ("GET /Users?filter=userName eq", () => Load.Scim(HttpMethod.Get,
            "scim/v2/Users?filter=" + Uri.EscapeDataString($"userName eq \"{Load.UserName(Random.Shared.Next(ids.Length))}\""), token)),
        ("PATCH /Users/{id} (title)", () => Load.Scim(HttpMethod.Patch, $"scim/v2/Users/{ids[Random.Shared.Next(ids.Length)]}", token,
            Load.PatchTitleBody($"Title {Random.Shared.Next(1_000_000)}"))),
    ];

    // Anonymous and database-free: how fast this machine serves HTTP at all, right now.
    static HttpRequestMessage Healthz() => new(HttpMethod.Get, new Uri("healthz", UriKind.Relative));

    async Task<ScenarioResult> Measure(string name, Func<HttpRequestMessage> next, TimeSpan length)
    {
        var cpu = server.CpuTime();
        var result = await Load.RunAsync(name, client, next, settings.Concurrency, length, ct);
        result = result with { ServerCpuMicrosecondsPerRequest = (server.CpuTime() - cpu).TotalMicroseconds / Math.Max(1, result.Requests) };
        await Console.Error.WriteLineAsync(
            $"{name}: {result.RequestsPerSecond:0} req/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, server CPU {result.ServerCpuMicrosecondsPerRequest:0.0} µs/req, errors {result.Errors}");
        return result;
    }

    // Warm-up round, not measured: every path is compiled and tiered up before anything is timed.
    foreach (var (name, next) in plan.Prepend(("GET /healthz", Healthz)))
    {
        await Load.RunAsync(name, client, next, settings.Concurrency, warmup, ct);
    }

    // Tiered compilation goes on in the background for seconds after the warm-up: let it finish before timing.
    var settled = await SettleAsync(server);
    await Console.Error.WriteLineAsync($"warm-up done; server and client idle after {settled.TotalSeconds:0.0} s");

    // The machine is shared and noisy: a /healthz slot runs before and after every scenario, and each scenario is
    // compared with the mean of the two slots around it.
    var slots = new List<ScenarioResult> { await Measure("GET /healthz (baseline slot)", Healthz, baselineSlot) };
    var scenarios = new List<ScenarioResult>();
    foreach (var (name, next) in plan)
    {
        var result = await Measure(name, next, duration);
        slots.Add(await Measure("GET /healthz (baseline slot)", Healthz, baselineSlot));
        var adjacent = (slots[^2].RequestsPerSecond + slots[^1].RequestsPerSecond) / 2;
        scenarios.Add(result with { BaselineRequestsPerSecond = adjacent, RatioToBaseline = result.RequestsPerSecond / adjacent });
    }

    var baseline = Load.Combine("GET /healthz (baseline)", slots);
    baseline = baseline with
    {
        BaselineRequestsPerSecond = baseline.RequestsPerSecond,
        RatioToBaseline = 1,
        ServerCpuMicrosecondsPerRequest = slots.Sum(s => s.ServerCpuMicrosecondsPerRequest * s.Requests) / Math.Max(1, slots.Sum(s => s.Requests)),
    };
    var (slowest, fastest) = (slots.Min(b => b.RequestsPerSecond), slots.Max(b => b.RequestsPerSecond));
    if (fastest > 1.25 * slowest)
    {
        notes.Add(string.Create(invariant, $"/healthz ranged from {slowest:0} to {fastest:0} req/s across the baseline slots: ") +
            "the machine's speed changed during the run (other load?); compare the × healthz ratios rather than raw rates.");
    }

    var peakRss = server.PeakRssMiB();
    var log = server.LogEntries();
    return new ProviderRun(provider, ids.Length, preloadSeconds, baseline, slots, scenarios, peakRss, log, notes);
}

// Waits until the server and this process together use under 5% of a core for two 250 ms windows in a row (at most 15 s).
async Task<TimeSpan> SettleAsync(ScimServer server)
{
    using var self = Process.GetCurrentProcess();
    var start = Stopwatch.GetTimestamp();
    var quiet = 0;
    while (quiet < 2 && Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(15))
    {
        self.Refresh();
        var cpu = server.CpuTime() + self.TotalProcessorTime;
        var window = Stopwatch.GetTimestamp();
        await Task.Delay(250, ct);
        self.Refresh();
        var used = server.CpuTime() + self.TotalProcessorTime - cpu;
        quiet = used < 0.05 * Stopwatch.GetElapsedTime(window) ? quiet + 1 : 0;
    }

    return Stopwatch.GetElapsedTime(start);
}

// A few checks that the server answers what a client relies on; anything odd is reported, not fatal.
async Task<List<string>> SanityChecksAsync(HttpClient client, string token, string[] ids)
{
    var notes = new List<string>();
    async Task<(int Status, System.Text.Json.Nodes.JsonNode? Body)> Get(string path)
    {
        using var request = Load.Scim(HttpMethod.Get, path, token);
        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return ((int)response.StatusCode, string.IsNullOrEmpty(text) ? null : System.Text.Json.Nodes.JsonNode.Parse(text));
    }

    var total = await Get("scim/v2/Users?count=0");
    if (total.Status != 200 || (int?)total.Body?["totalResults"] != ids.Length)
    {
        notes.Add($"GET /Users?count=0 answered {total.Status} with totalResults {total.Body?["totalResults"]}, expected {ids.Length}");
    }

    var probe = Math.Min(ids.Length - 1, 123);
    var filtered = await Get("scim/v2/Users?filter=" + Uri.EscapeDataString($"userName eq \"{Load.UserName(probe).ToUpperInvariant()}\""));
    var found = filtered.Body?["Resources"]?.AsArray();
    if (filtered.Status != 200 || found?.Count != 1 || (string?)found[0]?["id"] != ids[probe])
    {
        notes.Add($"case-insensitive userName filter answered {filtered.Status} with {found?.Count.ToString(invariant) ?? "no"} resources, expected exactly user {probe}");
    }

    var single = await Get($"scim/v2/Users/{ids[probe]}");
    if (single.Status != 200 || (string?)single.Body?["userName"] != Load.UserName(probe))
    {
        notes.Add($"GET /Users/{{id}} answered {single.Status} with userName {single.Body?["userName"]}");
    }

    return notes;
}

string Report(List<ProviderRun> results)
{
    var md = new StringBuilder();
    md.AppendLine(invariant, $"## ScimBridge HTTP benchmark, {startedAt:yyyy-MM-dd HH:mm} UTC");
    md.AppendLine();
    md.AppendLine(invariant,
        $"{settings.Users} users preloaded; concurrency {settings.Concurrency}; {settings.Seconds:0.#} s per scenario after a {warmup.TotalSeconds:0.#} s warm-up of each; " +
        $"server build {serverBuild}; {Environment.ProcessorCount} cores; load average {loadAverage} at start; .NET {Environment.Version}; " +
        $"client and server share the machine. × healthz: the rate over the mean /healthz rate of the {baselineSlot.TotalSeconds:0.#} s slots just before and after it (the baseline row: all slots).");
    md.AppendLine();
    md.AppendLine("| provider | scenario | req/s | × healthz | healthz req/s | server CPU µs/req | p50 ms | p99 ms | max ms | requests | errors |");
    md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
    foreach (var run in results)
    {
        foreach (var s in run.Baseline is null ? run.Scenarios : [run.Baseline, .. run.Scenarios])
        {
            var errors = s.Errors == 0 ? "0" : string.Join(", ", s.ErrorsByStatus.Select(e => $"{e.Key}×{e.Value}"));
            md.AppendLine(invariant,
                $"| {run.Provider} | {s.Name} | {s.RequestsPerSecond:0} | {s.RatioToBaseline:0.000} | {s.BaselineRequestsPerSecond:0} | {s.ServerCpuMicrosecondsPerRequest:0.0} | {s.P50Ms:0.00} | {s.P99Ms:0.00} | {s.MaxMs:0.0} | {s.Requests} | {errors} |");
        }
    }

    md.AppendLine();
    md.AppendLine("| provider | preload (users/s, concurrency 8) | server peak RSS (VmHWM) | server log warn/fail lines |");
    md.AppendLine("|---|---:|---:|---:|");
    foreach (var run in results)
    {
        var rate = run.PreloadSeconds > 0 ? (run.Users / run.PreloadSeconds).ToString("0", invariant) : "-";
        var rss = run.PeakRssMiB is { } mib ? mib.ToString("0", invariant) + " MiB" : "-";
        md.AppendLine(invariant, $"| {run.Provider} | {run.Users} in {run.PreloadSeconds:0.0} s ({rate}/s) | {rss} | {run.ServerLog.Sum(l => l.Count)} |");
    }

    var remarks = results.SelectMany(run =>
        run.Notes.Select(n => $"{run.Provider}: {n}")
            .Concat(run.Scenarios.SelectMany(s => s.ErrorSamples.Select(e => $"{run.Provider}: {s.Name}: first {e.Key}: {e.Value}")))
            .Concat(run.ServerLog.Select(l => $"{run.Provider}: server logged {l.Count}× `{l.Header}` {l.FirstMessage}"))).ToList();
    return md.AppendRemarks(remarks).ToString();
}

async Task<string> WriteJsonAsync(List<ProviderRun> results)
{
    var root = RepositoryRoot();
    var directory = Path.Combine(root, "benchmark-results");
    Directory.CreateDirectory(directory);
    var path = Path.Combine(directory, $"{startedAt:yyyyMMdd-HHmmss}.json");
    var document = new
    {
        startedAt,
        settings = new { providers = settings.Providers, settings.Users, settings.Seconds, settings.Concurrency, settings.InboundLimit, warmupSeconds = warmup.TotalSeconds, baselineSlotSeconds = baselineSlot.TotalSeconds, preloadConcurrency = PreloadConcurrency },
        machine = new { Environment.ProcessorCount, loadAverage, os = RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString(), serverBuild },
        commit = GitCommit(root),
        runs = results,
    };
    await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }), CancellationToken.None);
    return path;
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ScimBridge.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}

static string? GitCommit(string root)
{
    try
    {
        using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "rev-parse", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true });
        if (git is null)
        {
            return null;
        }

        var output = git.StandardOutput.ReadToEnd().Trim();
        git.WaitForExit();
        return git.ExitCode == 0 ? output : null;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return null;
    }
}

internal sealed record ProviderRun(
    string Provider,
    int Users,
    double PreloadSeconds,
    ScenarioResult? Baseline,
    List<ScenarioResult> BaselineSlots,
    List<ScenarioResult> Scenarios,
    double? PeakRssMiB,
    IReadOnlyList<LogEntry> ServerLog,
    List<string> Notes);

internal sealed record Settings(string[] Providers, int Users, double Seconds, int Concurrency, int InboundLimit, string? ServerDll)
{
    public const string Usage =
        "usage: dotnet run -c Release --project tests/ScimBridge.Benchmarks -- [--provider sqlite|postgres|both] [--users 10000] [--seconds 10] [--concurrency 8] [--inbound-limit 0] [--server-dll PATH]";

    public static Settings Read(BenchArgs args) =>
        new(args.Providers(), args.Number("--users", 10_000, 1, 10_000_000), args.Seconds("--seconds", 10),
            args.Number("--concurrency", 8, 1, 1024), args.Number("--inbound-limit", 0, 0, 1_000_000), args.FullPath("--server-dll"));
}
