using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimBridge.Benchmarks;

/// <summary>
/// SCIM /Bulk: N user creates sent to /scim/v2/Bulk in requests of the advertised maxOperations, then in requests of
/// 50 (what Entra's API-driven inbound provisioning sends), each on a cold server with a fresh store pointed at the
/// monday.com simulator. Reports the records accepted per second against Entra's documented inbound rate (about 2,000
/// records/s) and the time until every user reached the simulator.
///
///   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- bulk [--provider sqlite|postgres|both] [--users 50000]
///       [--batch N (default: maxOperations from /ServiceProviderConfig)] [--entra-batch 50 (0: skip)] [--concurrency 1]
///       [--inbound-limit N (the per-token SCIM limit in requests/s; default: the server's default, on)]
/// </summary>
internal static class BulkBenchmark
{
    public const string Usage =
        "usage: dotnet run -c Release --project tests/ScimBridge.Benchmarks -- bulk [--provider sqlite|postgres|both] [--users 50000] " +
        "[--batch N] [--entra-batch 50] [--concurrency 1] [--inbound-limit N]";

    /// <summary>Microsoft documents about 2,000 records/s (40 bulkUpload calls of 50 records per 5 s) for inbound provisioning.</summary>
    private const double EntraRecordsPerSecond = 2000;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> MainAsync(string[] args)
    {
        if (await BenchArgs.ReadAsync(args, Usage, BulkSettings.Read) is not { } settings)
        {
            return 2;
        }

        var postgres = BenchArgs.Postgres;

        using var stop = new StopSignal();
        var serverDll = Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll");
        var startedAt = DateTimeOffset.UtcNow;
        var results = new List<BulkRunResult>();
        var notes = new List<string>();
        var failed = false;
        foreach (var provider in settings.Providers)
        {
            foreach (var batch in new int?[] { settings.Batch, settings.EntraBatch }.Distinct())
            {
                if (batch == 0)
                {
                    continue;
                }

                try
                {
                    results.Add(await RunAsync(provider, serverDll, postgres, settings, batch, notes, stop.Token));
                }
                catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or OperationCanceledException)
                {
                    failed = true;
                    notes.Add($"{provider}, {batch?.ToString(Invariant) ?? "maxOperations"} per request: failed: {ex.Message}");
                    await Console.Error.WriteLineAsync($"{provider}: {ex}");
                }
            }
        }

        Console.WriteLine(Report(startedAt, settings, results, notes));
        return failed ? 1 : 0;
    }

    private static async Task<BulkRunResult> RunAsync(
        string provider, string serverDll, string? postgres, BulkSettings settings, int? requestedBatch, List<string> notes, CancellationToken ct)
    {
        var n = settings.Users;
        await using var sim = await SimulatorProbe.StartAsync();
        await using var database = provider == "postgres" ? await BenchDatabase.PostgresAsync(postgres!, ct) : BenchDatabase.Sqlite();
        var environment = new Dictionary<string, string>(database.ServerEnvironment, StringComparer.Ordinal)
        {
            ["Monday__TenantUrl"] = sim.TenantUrl,
            ["Monday__ScimToken"] = SimulatorProbe.ScimToken,
            ["Monday__RequestsPerMinute"] = "1000000",
            ["Push__InstanceId"] = "bulk-bench",
        };
        if (settings.InboundLimit is { } limit)
        {
            environment["Scim__RateLimit__RequestsPerSecond"] = limit.ToString(Invariant);
            environment["Scim__RateLimit__Burst"] = Math.Max(1, limit).ToString(Invariant);
        }

        await using var server = await ScimServer.StartAsync(serverDll, environment, ct);
        using var client = Load.CreateClient(server.BaseAddress, settings.Concurrency);
        // A request of maxOperations writes can take longer than the 30 s the other benchmarks allow one request.
        client.Timeout = TimeSpan.FromMinutes(10);
        var (maxOperations, maxPayload) = await AdvertisedAsync(client, server.Token, ct);
        var batch = requestedBatch ?? maxOperations;
        if (batch > maxOperations)
        {
            throw new InvalidOperationException($"--batch {batch} is above the advertised maxOperations {maxOperations}.");
        }

        var requests = (n + batch - 1) / batch;
        await Console.Error.WriteLineAsync($"== {provider}: {n} creates in {requests} /Bulk requests of {batch} (concurrency {settings.Concurrency}), cold server pid {server.ProcessId}");
        var userNames = Enumerable.Range(0, n).Select(Load.UserName).ToArray();
        var acknowledged = new long[n];
        var requestMs = new double[requests];
        var largest = 0;
        var cpu = server.CpuTime();
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = ct }, async (r, token) =>
        {
            var first = r * batch;
            var count = Math.Min(batch, n - first);
            var body = Body(first, count);
            if (Encoding.UTF8.GetByteCount(body) is var size && size > maxPayload)
            {
                throw new InvalidOperationException($"Request {r} is {size} bytes, above the advertised maxPayloadSize {maxPayload}: lower --batch.");
            }

            InterlockedMax(ref largest, body.Length);
            var sent = Stopwatch.GetTimestamp();
            using var message = Load.Scim(HttpMethod.Post, "scim/v2/Bulk", server.Token, body);
            using var response = await client.SendAsync(message, token);
            var text = await response.Content.ReadAsStringAsync(token);
            var done = Stopwatch.GetTimestamp();
            requestMs[r] = (done - sent) * 1000.0 / Stopwatch.Frequency;
            if ((int)response.StatusCode != 200)
            {
                throw new InvalidOperationException($"/Bulk request {r} answered {(int)response.StatusCode}: {Truncate(text)}");
            }

            var operations = JsonNode.Parse(text)?["Operations"]?.AsArray() ?? throw new InvalidOperationException($"/Bulk request {r}: no Operations in {Truncate(text)}");
            var created = operations.Count(o => (string?)o?["status"] == "201");
            if (created != count)
            {
                var odd = operations.FirstOrDefault(o => (string?)o?["status"] != "201");
                throw new InvalidOperationException($"/Bulk request {r}: {created} of {count} created; e.g. {Truncate(odd?.ToJsonString() ?? "(missing)")}");
            }

            for (var i = first; i < first + count; i++)
            {
                acknowledged[i] = done;
            }
        });
        var acceptEnd = Stopwatch.GetTimestamp();
        var acceptSeconds = (acceptEnd - start) / (double)Stopwatch.Frequency;
        await Console.Error.WriteLineAsync($"accepted {n} in {acceptSeconds:0.0} s ({n / acceptSeconds:0}/s); waiting for the simulator");

        var downstream = await WaitForAllAsync(sim, userNames, server, ct);
        var totalSeconds = (downstream.Max() - start) / (double)Stopwatch.Frequency;
        var cpuMsPerRecord = (server.CpuTime() - cpu).TotalMilliseconds / n;
        var latencies = acknowledged.Zip(downstream, (a, d) => Math.Max(0, d - a) * 1000.0 / Stopwatch.Frequency).Order().ToArray();
        var requestsSorted = requestMs.Order().ToArray();
        var posts = sim.State.RequestsSnapshot().Count(q => q.Method == "POST");
        notes.Add(string.Create(Invariant,
            $"{provider}, {batch} per request: largest request {largest / 1024.0:0} KiB (maxPayloadSize {maxPayload / 1024} KiB); the simulator got {posts} POSTs for {n} users; server peak RSS {server.PeakRssMiB():0} MiB"));
        foreach (var entry in server.LogEntries())
        {
            notes.Add($"{provider}, {batch} per request: server logged {entry.Count}× `{entry.Header}` {entry.FirstMessage}");
        }

        return new BulkRunResult(provider, batch, requests, n, n / acceptSeconds, acceptSeconds, Percentile(requestsSorted, 0.5), Percentile(requestsSorted, 0.99),
            totalSeconds, n / totalSeconds, downstream.Count(d => d > acceptEnd), Percentile(latencies, 0.5) / 1000, Percentile(latencies, 0.99) / 1000, cpuMsPerRecord);
    }

    private static string Body(int first, int count)
    {
        var body = new StringBuilder(count * 700);
        body.Append("""{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[""");
        for (var i = first; i < first + count; i++)
        {
            if (i > first)
            {
                body.Append(',');
            }

            body.Append(Invariant, $$"""{"method":"POST","path":"/Users","bulkId":"u{{i}}","data":""").Append(Load.UserBody(i)).Append('}');
        }

        return body.Append("]}").ToString();
    }

    private static async Task<(int MaxOperations, int MaxPayload)> AdvertisedAsync(HttpClient client, string token, CancellationToken ct)
    {
        using var request = Load.Scim(HttpMethod.Get, "scim/v2/ServiceProviderConfig", token);
        using var response = await client.SendAsync(request, ct);
        var bulk = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))?["bulk"];
        if (bulk?["supported"]?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"/ServiceProviderConfig does not advertise bulk: {bulk?.ToJsonString()}");
        }

        return ((int)bulk["maxOperations"]!, (int)bulk["maxPayloadSize"]!);
    }

    /// <summary>Polls until the simulator has every user; the deadline grows with the count.</summary>
    private static async Task<long[]> WaitForAllAsync(SimulatorProbe sim, string[] userNames, ScimServer server, CancellationToken ct)
    {
        var limit = TimeSpan.FromSeconds(120 + userNames.Length / 50.0);
        var clock = Stopwatch.StartNew();
        while (sim.FirstWrite.Count < userNames.Length || !userNames.All(sim.FirstWrite.ContainsKey))
        {
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"{userNames.Length - sim.FirstWrite.Count} of {userNames.Length} users had not reached the simulator after {limit.TotalSeconds:0} s:{Environment.NewLine}{server.Tail()}");
            }

            await Task.Delay(100, ct);
        }

        return [.. userNames.Select(u => sim.FirstWrite[u])];
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string Truncate(string text) => text.Length > 400 ? text[..400] + "…" : text;

    private static string Report(DateTimeOffset startedAt, BulkSettings settings, List<BulkRunResult> results, List<string> notes)
    {
        var md = new StringBuilder();
        md.AppendLine(Invariant, $"## ScimBridge /Bulk benchmark, {startedAt:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        var limiter = settings.InboundLimit is { } l
            ? (l == 0 ? "off" : string.Create(Invariant, $"{l} requests/s"))
            : "on at the server's default (100 requests/s, burst 400): one /Bulk request counts once";
        md.AppendLine(string.Create(Invariant,
            $"{settings.Users} user creates per run, sent to /scim/v2/Bulk {settings.Concurrency} request(s) at a time; each run on a cold server process with a fresh store, " +
            $"pushing to the monday.com simulator (not rate-limiting; bridge Monday:RequestsPerMinute 1,000,000); inbound rate limiter " +
            $"{limiter}; " +
            $"{Environment.ProcessorCount} cores; .NET {Environment.Version}; bridge, simulator and client share the machine. " +
            $"× Entra: accepted records/s over the ~{EntraRecordsPerSecond:0} records/s Microsoft documents for API-driven inbound provisioning. " +
            $"In monday.com: from the first request sent until the simulator had applied every create; latency per user from its request's 200 to its create downstream. " +
            $"Server CPU: the bridge process's CPU time (inbound and push) from the first request until every create was downstream, per record: less sensitive than rates to a busy machine."));
        md.AppendLine();
        md.AppendLine("| provider | per request | requests | records | accepted/s | × Entra | accept s | request p50 ms | request p99 ms | all in monday.com s | end-to-end/s | backlog at last ack | latency p50 s | latency p99 s | server CPU ms/record |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(Invariant,
                $"| {r.Provider} | {r.Batch} | {r.Requests} | {r.Records} | {r.AcceptedPerSecond:0} | {r.AcceptedPerSecond / EntraRecordsPerSecond:0.00} | {r.AcceptSeconds:0.0} | {r.RequestP50Ms:0} | {r.RequestP99Ms:0} | {r.TotalSeconds:0.0} | {r.EndToEndPerSecond:0} | {r.Backlog} | {r.LatencyP50Seconds:0.0} | {r.LatencyP99Seconds:0.0} | {r.ServerCpuMsPerRecord:0.00} |");
        }

        return md.AppendRemarks(notes).ToString();
    }
}

internal sealed record BulkRunResult(
    string Provider, int Batch, int Requests, int Records, double AcceptedPerSecond, double AcceptSeconds, double RequestP50Ms, double RequestP99Ms,
    double TotalSeconds, double EndToEndPerSecond, int Backlog, double LatencyP50Seconds, double LatencyP99Seconds, double ServerCpuMsPerRecord);

internal sealed record BulkSettings(string[] Providers, int Users, int? Batch, int EntraBatch, int Concurrency, int? InboundLimit)
{
    public static BulkSettings Read(BenchArgs args) =>
        new(args.Providers(), args.Number("--users", 50_000, 1, 10_000_000), args.NumberOrNull("--batch", 1, 100_000),
            args.Number("--entra-batch", 50, 0, 100_000), args.Number("--concurrency", 1, 1, 256), args.NumberOrNull("--inbound-limit", 0, 1_000_000));
}
