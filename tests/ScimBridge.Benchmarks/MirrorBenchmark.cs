extern alias MondaySim;

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MondaySim::ScimBridge.MondaySim;

namespace ScimBridge.Benchmarks;

// The subscription mirror over a large monday.com account (the simulator in this process, the bridge as a child process):
//
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- mirror [--provider sqlite|postgres|both]
//       [--seats 100000] [--users 50000] [--page-size 1000] [--seconds 10] [--concurrency 8] [--inbound-limit N]
//       [--server-dll PATH]
//
// 1. Preloads --users inbound users over SCIM (their userNames are the emails of the first --users seats, so those link).
// 2. Cold: a fresh bridge process on that store runs its first mirror run (every seat added); wall time and peak RSS.
// 3. Warm: the same run again with nothing changed in monday.com.
// 4. Inbound SCIM creates for --seconds with no run (idle), then again while a run that changes every seat is going.
// The inbound rate limiter is off unless --inbound-limit is given (then N requests/s with burst N).
internal static class MirrorBenchmark
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public static async Task<int> MainAsync(string[] args)
    {
        if (await BenchArgs.ReadAsync(args, Options.Usage, Options.Read) is not { } options)
        {
            return 2;
        }

        var postgres = BenchArgs.Postgres;

        var dll = options.ServerDll ?? Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll");
        Console.WriteLine($"## Mirror: {options.Seats:N0} monday.com seats, {options.Users:N0} inbound users, pages of {options.PageSize}, "
            + $"inbound limit {(options.InboundLimit is { } l ? $"{l}/s" : "off")}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        Console.WriteLine("| store | cold first run | peak RSS | linked | warm unchanged run | ratio | run changing every seat | inbound idle | inbound during run | ratio |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        var failed = false;
        foreach (var provider in options.Providers)
        {
            await using var database = provider == "postgres" ? await BenchDatabase.PostgresAsync(postgres!, CancellationToken.None) : BenchDatabase.Sqlite();
            var row = await RunProviderAsync(dll, database, options);
            Console.WriteLine(row.Markdown(provider));
            failed |= !row.MeetsTargets(out var why);
            if (why.Length > 0)
            {
                Console.WriteLine($"<!-- {provider}: {why} -->");
            }
        }

        Console.WriteLine();
        Console.WriteLine("Targets: cold first run < 60 s with peak RSS < 400 MiB; warm unchanged run < half the cold one; inbound during a run >= 0.8 of idle.");
        return failed ? 1 : 0;
    }

    private static async Task<Row> RunProviderAsync(string dll, BenchDatabase database, Options options)
    {
        await using var sim = await SimulatorProbe.StartAsync();
        Seed(sim.State, options.Seats);
        var environment = new Dictionary<string, string>(database.ServerEnvironment, StringComparer.Ordinal)
        {
            ["Monday__ApiUrl"] = sim.TenantUrl.Replace("/scim/v2/", "/v2", StringComparison.Ordinal),
            ["Monday__ApiToken"] = "bench-sim-api-token",
            ["Monday__UsersPageSize"] = options.PageSize.ToString(Invariant),
            ["Mirror__Schedule"] = "",
            ["Scim__RateLimit__RequestsPerSecond"] = (options.InboundLimit ?? 0).ToString(Invariant),
            ["Scim__RateLimit__Burst"] = Math.Max(1, options.InboundLimit ?? 1).ToString(Invariant),
        };

        await using (var preload = await ScimServer.StartAsync(dll, environment, CancellationToken.None))
        {
            using var client = Load.CreateClient(preload.BaseAddress, options.Concurrency);
            await Load.PreloadAsync(client, preload.Token, options.Users, options.Concurrency, CancellationToken.None);
        }

        // A fresh process on the preloaded store: nothing cached, nothing JIT-compiled on the mirror's path.
        await using var server = await ScimServer.StartAsync(dll, environment, CancellationToken.None);
        var adminToken = await ScimServer.CreateTokenAsync(dll, environment, CancellationToken.None, "admin");
        using var admin = Load.CreateClient(server.BaseAddress, 2);
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        admin.Timeout = TimeSpan.FromMinutes(5);

        var cold = await RunMirrorAsync(admin);
        var rss = server.PeakRssMiB();
        var linked = await LinkedAsync(admin);
        var warm = await RunMirrorAsync(admin);

        using var inbound = Load.CreateClient(server.BaseAddress, options.Concurrency);
        var next = 10_000_000;
        HttpRequestMessage Create() => Load.Scim(HttpMethod.Post, "scim/v2/Users", server.Token, Load.UserBody(Interlocked.Increment(ref next)));
        var idle = await Load.RunAsync("idle", inbound, Create, options.Concurrency, TimeSpan.FromSeconds(options.Seconds), CancellationToken.None);

        Touch(sim.State);
        var started = await StartAsync(admin);
        var during = await Load.RunAsync("during", inbound, Create, options.Concurrency, TimeSpan.FromSeconds(options.Seconds), CancellationToken.None);
        var stillRunning = (await GetRunAsync(admin, started.Id)).Status == "Running";
        var changed = await WaitAsync(admin, started);

        return new Row(cold, rss, linked, warm, changed, idle.RequestsPerSecond, during.RequestsPerSecond, stillRunning, options);
    }

    /// <summary>Seats as a large account has them: mostly members, some admins, viewers and guests, some inactive, some never active.</summary>
    private static void Seed(MondaySimState state, int seats)
    {
        lock (state.Sync)
        {
            for (var i = 0; i < seats; i++)
            {
                var id = (5_000_000 + i).ToString(Invariant);
                state.Users[id] = new SimUser
                {
                    Id = id,
                    UserName = Load.UserName(i),
                    DisplayName = $"Bench User {i}",
                    UserType = (i % 50) switch { 0 => "admin", < 5 => "viewer", < 8 => "guest", _ => "member" },
                    Active = i % 17 != 0,
                    CreatedAt = Now.AddDays(-400 + (i % 300)),
                    LastActivity = i % 9 == 0 ? null : Now.AddDays(-(i % 180)).AddMinutes(-(i % 1440)),
                };
            }

            state.MaxUsers = seats + seats / 10;
        }
    }

    /// <summary>Everyone was active a minute ago: the next run changes every seat's last activity.</summary>
    private static void Touch(MondaySimState state)
    {
        lock (state.Sync)
        {
            foreach (var user in state.Users.Values)
            {
                user.LastActivity = DateTimeOffset.UtcNow.AddMinutes(-1);
            }
        }
    }

    private static async Task<Run> RunMirrorAsync(HttpClient admin) => await WaitAsync(admin, await StartAsync(admin));

    private static async Task<Started> StartAsync(HttpClient admin)
    {
        var clock = Stopwatch.StartNew();
        using var response = await admin.PostAsync("admin/api/mirror/runs", new StringContent("""{"app":"monday"}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /admin/api/mirror/runs answered {(int)response.StatusCode}: {body}");
        }

        var id = (long)JsonNode.Parse(body)!["runs"]![0]!["id"]!;
        return new Started(id, clock);
    }

    private static async Task<Run> WaitAsync(HttpClient admin, Started started)
    {
        var deadline = TimeSpan.FromMinutes(20);
        while (started.Clock.Elapsed < deadline)
        {
            var run = await GetRunAsync(admin, started.Id);
            if (run.Status != "Running")
            {
                return run with { WallSeconds = started.Clock.Elapsed.TotalSeconds };
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Mirror run {started.Id} still running after {deadline}.");
    }

    private static async Task<Run> GetRunAsync(HttpClient admin, long id)
    {
        var run = JsonNode.Parse(await admin.GetStringAsync($"admin/api/mirror/runs/{id}"))!;
        return new Run((string)run["status"]!, (int)run["seen"]!, (int)run["added"]!, (int)run["changed"]!, (int)run["unchanged"]!, (string?)run["error"], 0);
    }

    private static async Task<int> LinkedAsync(HttpClient admin)
    {
        var summary = JsonNode.Parse(await admin.GetStringAsync("admin/api/mirror/summary"))!;
        var monday = summary["apps"]!.AsArray().First(a => (string)a!["app"]! == "monday")!;
        return (int)monday["assigned"]! + (int)monday["inactive"]! - (int)monday["shadow"]!;
    }

    private sealed record Started(long Id, Stopwatch Clock);

    private sealed record Run(string Status, int Seen, int Added, int Changed, int Unchanged, string? Error, double WallSeconds)
    {
        public string Text => Status == "Succeeded"
            ? string.Create(Invariant, $"{WallSeconds:0.0} s ({Seen:N0} seen, {Added:N0} added, {Changed:N0} changed, {Unchanged:N0} unchanged)")
            : $"{Status}: {Error}";
    }

    private sealed record Row(Run Cold, double? Rss, int Linked, Run Warm, Run Changed, double Idle, double During, bool RunCoveredWindow, Options Options)
    {
        public string Markdown(string provider) => string.Create(Invariant,
            $"| {provider} | {Cold.Text} | {Rss:0} MiB | {Linked:N0} | {Warm.Text} | {Warm.WallSeconds / Cold.WallSeconds:0.00} | {Changed.Text} | {Idle:0}/s | {During:0}/s{(RunCoveredWindow ? "" : " (run ended inside the window)")} | {During / Idle:0.00} |");

        public bool MeetsTargets(out string why)
        {
            var misses = new List<string>();
            if (Cold.Status != "Succeeded" || Warm.Status != "Succeeded" || Changed.Status != "Succeeded")
            {
                misses.Add("a run did not succeed");
            }
            if (Cold.WallSeconds >= 60)
            {
                misses.Add("cold run over 60 s");
            }
            if (Rss >= 400)
            {
                misses.Add("peak RSS over 400 MiB");
            }
            if (Warm.WallSeconds >= Cold.WallSeconds / 2)
            {
                misses.Add("warm run not under half the cold one");
            }
            if (During / Idle < 0.8)
            {
                misses.Add("inbound during a run under 0.8 of idle");
            }

            why = string.Join("; ", misses);
            return misses.Count == 0;
        }
    }

    private sealed record Options(IReadOnlyList<string> Providers, int Seats, int Users, int PageSize, int Seconds, int Concurrency, int? InboundLimit, string? ServerDll)
    {
        public const string Usage =
            "usage: mirror [--provider sqlite|postgres|both] [--seats 100000] [--users 50000] [--page-size 1000] [--seconds 10] [--concurrency 8] [--inbound-limit N] [--server-dll PATH]";

        public static Options Read(BenchArgs args)
        {
            var options = new Options(args.Providers(), args.Number("--seats", 100_000), args.Number("--users", 50_000), args.Number("--page-size", 1000),
                args.Number("--seconds", 10), args.Number("--concurrency", 8), args.NumberOrNull("--inbound-limit", 1, int.MaxValue), args.Text("--server-dll"));
            return options.Users > options.Seats ? throw new ArgumentException("--users must not exceed --seats") : options;
        }
    }
}
