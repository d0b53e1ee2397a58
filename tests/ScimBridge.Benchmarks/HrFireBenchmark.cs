using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimBridge.Data;
using ScimBridge.Hr;

namespace ScimBridge.Benchmarks;

// A mass termination through the HR scheduler (the simulator in this process, the bridge as a child process whose
// scheduler fires on its own tick):
//
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- hr-fire [--provider sqlite|postgres|both] [--users 10000]
//       [--server-dll PATH]
//
// --users users are created over SCIM and pushed to monday.com (not measured); then --users terminations, all due at
// the same instant a few seconds ahead, are written to the store (the guard off). Measured from the due instant: all
// events Fired, all users deactivated in the simulator (the leaver SLA), and every leaver step done (Left).
internal static class HrFireBenchmark
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> MainAsync(string[] args)
    {
        if (await BenchArgs.ReadAsync(args, "usage: hr-fire [--provider sqlite|postgres|both] [--users 10000] [--server-dll PATH]",
                a => new { Providers = a.Providers(), Users = a.Number("--users", 10_000), ServerDll = a.Text("--server-dll") }) is not { } options)
        {
            return 2;
        }

        var (providers, users, postgres) = (options.Providers, options.Users, BenchArgs.Postgres);

        var dll = options.ServerDll ?? Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll");
        Console.WriteLine($"## HR mass termination: {users:N0} terminations due at one instant, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        Console.WriteLine("| store | users | setup (create + push) | all fired | all deactivated in monday.com | all leaver steps done | fired/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var failed = false;
        foreach (var provider in providers)
        {
            await using var database = provider == "postgres" ? await BenchDatabase.PostgresAsync(postgres!, CancellationToken.None) : BenchDatabase.Sqlite();
            await using var sim = await SimulatorProbe.StartAsync();
            var environment = new Dictionary<string, string>(database.ServerEnvironment, StringComparer.Ordinal)
            {
                ["Monday__TenantUrl"] = sim.TenantUrl,
                ["Monday__ScimToken"] = SimulatorProbe.ScimToken,
                ["Monday__RequestsPerMinute"] = "1000000",
                ["Push__InstanceId"] = "hr-fire-bench",
                ["Push__DeletionGuard__Enabled"] = "false",
                ["Hr__Guard__Enabled"] = "false",
                ["Hr__TickSeconds"] = "1",
                ["Mirror__Schedule"] = "",
            };
            await using var server = await ScimServer.StartAsync(dll, environment, CancellationToken.None);
            using var services = BenchDatabase.Store(environment);
            using var client = Load.CreateClient(server.BaseAddress, 8);

            var setup = Stopwatch.StartNew();
            var ids = await Load.PreloadAsync(client, server.Token, users, 8, CancellationToken.None);
            var names = Enumerable.Range(0, users).Select(Load.UserName).ToHashSet(StringComparer.OrdinalIgnoreCase);
            await UntilAsync(() => Task.FromResult(ActiveIn(sim, names) == users), TimeSpan.FromMinutes(10), "the users in monday.com");
            setup.Stop();

            var due = DateTimeOffset.UtcNow.AddSeconds(Math.Max(10, users / 1000.0));
            await using (var scope = services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
                db.HrEvents.AddRange(ids.Select((id, i) => new HrEventRecord
                {
                    Kind = HrEventKinds.Terminate,
                    State = HrEventStates.Scheduled,
                    UserId = id,
                    UserName = Load.UserName(i),
                    MatchedBy = WorkerKey.UserName,
                    EffectiveAt = due,
                    EffectiveLocal = due.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", Invariant),
                    TimeZone = "UTC",
                    Source = HrSources.Api,
                    Actor = "bench",
                    CreatedAt = DateTimeOffset.UtcNow,
                }));
                await db.SaveChangesAsync();
            }
            var wait = due - DateTimeOffset.UtcNow;
            if (wait < TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync($"Writing the events took past the due instant by {-wait.TotalSeconds:0.0} s; figures include it.");
            }
            else
            {
                await Task.Delay(wait);
            }
            var clock = Stopwatch.StartNew();
            double? fired = null, deactivated = null, left = null;
            var deadline = TimeSpan.FromMinutes(10);
            while (clock.Elapsed < deadline && (fired is null || deactivated is null || left is null))
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
                var elapsed = Seconds(due);
                if (fired is null && await db.HrEvents.CountAsync(e => e.State == HrEventStates.Fired) == users)
                {
                    fired = elapsed;
                }
                if (deactivated is null && ActiveIn(sim, names) == 0)
                {
                    deactivated = Seconds(due);
                }
                if (left is null && await db.HrWorkers.CountAsync(w => w.Status == HrWorkerStatuses.Left) == users)
                {
                    left = Seconds(due);
                }
                await Task.Delay(100);
            }
            string Show(double? s) => s is { } v ? string.Create(Invariant, $"{v:0.0} s") : "not within 10 min";
            Console.WriteLine(string.Create(Invariant,
                $"| {provider} | {users:N0} | {setup.Elapsed.TotalSeconds:0.0} s | {Show(fired)} | {Show(deactivated)} | {Show(left)} | {(fired is { } f ? users / Math.Max(f, 0.001) : 0):0} |"));
            failed |= deactivated is not ({ } d and <= 60);
        }
        Console.WriteLine();
        Console.WriteLine("Target: every user deactivated in monday.com within 60 s of the due instant.");
        return failed ? 1 : 0;
    }

    private static double Seconds(DateTimeOffset due) => (DateTimeOffset.UtcNow - due).TotalSeconds;

    private static int ActiveIn(SimulatorProbe sim, HashSet<string> names)
    {
        lock (sim.State.Sync)
        {
            return sim.State.Users.Values.Count(u => u.Active && names.Contains(u.UserName));
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
            await Task.Delay(200);
        }
    }

}
