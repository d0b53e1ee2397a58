extern alias MondaySim;

using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MondaySim::ScimBridge.MondaySim;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Reclamation;

namespace ScimBridge.Benchmarks;

// Licence reclamation through the monday.com simulator within its rate limit (the simulator in this process, the
// bridge as a child process whose revoker acts on its own tick):
//
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- reclaim [--provider sqlite|postgres|both]
//       [--seats 10000] [--rate-limit 60] [--server-dll PATH]
//
// Cold: a fresh bridge process and store; --seats candidates Awaiting Revocation (downgrades) are written to the store
// and the revoker reclaims them (a fresh read of each batch of 200, then one update_users_role per batch).
// Warm: another --seats candidates, in the same process. The bridge's pace is set to the simulator's limit
// (Monday:RequestsPerMinute = --rate-limit), so the limit should be used to the full with at most the first 429.
internal static class ReclaimBenchmark
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly DateTimeOffset Old = DateTimeOffset.UtcNow.AddDays(-200);

    public static async Task<int> MainAsync(string[] args)
    {
        if (await BenchArgs.ReadAsync(args, "usage: reclaim [--provider sqlite|postgres|both] [--seats 10000] [--rate-limit 60] [--server-dll PATH]",
                a => new { Providers = a.Providers(), Seats = a.Number("--seats", 10_000), Limit = a.Number("--rate-limit", 60), ServerDll = a.Text("--server-dll") })
            is not { } options)
        {
            return 2;
        }

        var (providers, seats, limit, postgres) = (options.Providers, options.Seats, options.Limit, BenchArgs.Postgres);

        var dll = options.ServerDll ?? Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll");
        Console.WriteLine($"## Reclaim: {seats:N0} monday.com seats per wave, simulator limit {limit} requests/min, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        Console.WriteLine("| store | wave | wall | seats/s | calls | calls/min | of the limit | 429s | closed complete |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var failed = false;
        foreach (var provider in providers)
        {
            await using var database = provider == "postgres" ? await BenchDatabase.PostgresAsync(postgres!, CancellationToken.None) : BenchDatabase.Sqlite();
            await using var sim = await SimulatorProbe.StartAsync("--fault-rate-limit", limit.ToString(Invariant));
            var environment = new Dictionary<string, string>(database.ServerEnvironment, StringComparer.Ordinal)
            {
                ["Monday__ApiUrl"] = sim.TenantUrl.Replace("/scim/v2/", "/v2", StringComparison.Ordinal),
                ["Monday__ApiToken"] = "bench-sim-api-token",
                ["Monday__RequestsPerMinute"] = limit.ToString(Invariant),
                ["Mirror__Schedule"] = "",
                ["Reclamation__TickSeconds"] = "1",
                ["Reclamation__LeaseSeconds"] = "600",
            };
            await using var server = await ScimServer.StartAsync(dll, environment, CancellationToken.None);
            using var services = BenchDatabase.Store(environment);
            foreach (var wave in new[] { "cold", "warm" })
            {
                var row = await WaveAsync(sim.State, services, seats, wave == "cold" ? 0 : seats, limit);
                Console.WriteLine(string.Create(Invariant,
                    $"| {provider} | {wave} | {row.Seconds:0.0} s | {row.Complete / row.Seconds:0.0} | {row.Calls} | {row.CallsPerMinute:0.0} | {row.CallsPerMinute / limit:P0} | {row.TooMany} | {row.Complete:N0} |"));
                failed |= row.Complete != seats || row.TooMany > 1 || row.CallsPerMinute < 0.95 * limit;
            }
        }
        Console.WriteLine();
        Console.WriteLine("Targets: every seat reclaimed; >= 95 % of the limit used; at most one 429 (the first).");
        return failed ? 1 : 0;
    }

    private sealed record Row(double Seconds, int Complete, int Calls, double CallsPerMinute, int TooMany);


    private static async Task<Row> WaveAsync(MondaySimState state, ServiceProvider services, int seats, int offset, int limit)
    {
        var accounts = new List<string>();
        lock (state.Sync)
        {
            for (var i = offset; i < offset + seats; i++)
            {
                var id = (7_000_000 + i).ToString(Invariant);
                state.Users[id] = new SimUser
                {
                    Id = id,
                    UserName = $"reclaim{i}@bench.example",
                    DisplayName = $"Reclaim {i}",
                    UserType = "member",
                    CreatedAt = Old,
                    LastActivity = Old,
                };
                accounts.Add(id);
            }
        }
        int Calls() { lock (state.Sync) { return state.Requests.Count(r => r.Path == "/v2"); } }
        int TooMany() { lock (state.Sync) { return state.Requests.Count(r => r.Path == "/v2" && r.Status == 429); } }
        var callsBefore = Calls();
        var tooManyBefore = TooMany();
        var wave = Guid.NewGuid().ToString("N");
        List<long> ids;
        var clock = Stopwatch.StartNew();
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
            var now = DateTimeOffset.UtcNow;
            var rule = new ReclaimRuleRecord
            {
                Name = $"bench-{wave}",
                Enabled = true,
                Version = 1,
                CreatedAt = now,
                CreatedBy = "bench",
                UpdatedAt = now,
                UpdatedBy = "bench",
                Definition = ReclaimWorkflow.RuleToJson(new ReclaimRuleDefinition { Action = ReclaimActions.Downgrade }),
            };
            db.ReclaimRules.Add(rule);
            var mirror = accounts.Select(a => new MirrorSeatRecord
            {
                App = MirrorApps.Monday,
                AccountId = a,
                Email = $"{a}@bench.example",
                EmailNormalized = $"{a}@bench.example",
                Name = a,
                SeatType = SeatTypes.Member,
                Status = SeatStatuses.Active,
                ListedStatus = SeatStatuses.Active,
                LastActivity = Old,
                FirstSeen = Old,
                LastSeen = now,
                LastRunId = 1,
            }).ToList();
            db.MirrorSeats.AddRange(mirror);
            await db.SaveChangesAsync();
            var candidates = mirror.Select(s => new ReclaimCandidateRecord
            {
                RuleId = rule.Id,
                RuleVersion = 1,
                App = MirrorApps.Monday,
                SeatId = s.Id,
                AccountId = s.AccountId,
                Email = s.Email,
                Name = s.Name,
                SeatType = SeatTypes.Member,
                Action = ReclaimActions.Downgrade,
                State = CandidateStates.AwaitingRevocation,
                Reason = "benchmark",
                LastActivity = Old,
                Currency = "USD",
                CreatedAt = now,
                UpdatedAt = now,
                WaveId = wave,
            }).ToList();
            db.ReclaimCandidates.AddRange(candidates);
            await db.SaveChangesAsync();
            db.ReclaimTransitions.AddRange(candidates.Select(c => new ReclaimTransitionRecord
            {
                CandidateId = c.Id,
                FromState = CandidateStates.Ready,
                ToState = CandidateStates.AwaitingRevocation,
                At = now,
                ActorType = ReclaimActors.Admin,
                Actor = "bench",
            }));
            await db.SaveChangesAsync();
            ids = [.. candidates.Select(c => c.Id)];
        }
        // The seeding is not the revoker's time: the clock starts when the wave is queued.
        clock.Restart();
        var callsAtQueue = Calls();
        var deadline = TimeSpan.FromSeconds(Math.Max(120, seats / 200.0 * 2 * 60 / limit * 3));
        int complete;
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
            var open = await db.ReclaimCandidates.CountAsync(c => c.WaveId == wave && c.ClosedAt == null);
            if (open == 0 || clock.Elapsed > deadline)
            {
                complete = await db.ReclaimCandidates.CountAsync(c => c.WaveId == wave && c.State == CandidateStates.ClosedComplete);
                break;
            }
            await Task.Delay(200);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var calls = Calls() - Math.Min(callsBefore, callsAtQueue);
        return new Row(seconds, complete, calls, calls / (seconds / 60), TooMany() - tooManyBefore);
    }
}
