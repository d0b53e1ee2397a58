// The cost of one user's size, on the real server (SQLite unless --provider postgres):
//
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- manyvalues [--sizes 1000,2000,4000,8000]
//       [--patches 5] [--provider sqlite|postgres] [--server-dll PATH]
//   dotnet run -c Release --project tests/ScimBridge.Benchmarks -- bigpages [--users 24] [--value-bytes 1500000]
//       [--readers 4] [--provider sqlite|postgres] [--server-dll PATH]
//
// manyvalues: for each size N, POSTs one user with N emails, then PATCHes its title --patches times, one request
// at a time; prints the POST and the median PATCH time, each as a ratio to the smallest size's (linear work doubles
// when N doubles; quadratic work quadruples). The server runs with the value and body limits raised past the sizes.
// bigpages: creates --users users whose displayName is --value-bytes long, then --readers clients GET
// /Users?count=1000 at once; prints what the pages held and the server's peak RSS (VmHWM) before and after.
// --server-dll runs another build's server (e.g. main's bin/Release) with this client, for before-and-after figures.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ScimBridge.Benchmarks;

internal static class ManyValues
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static async Task<int> MainAsync(string mode, string[] args)
    {
        if (await BenchArgs.ReadAsync(args, Options.Usage, Options.Read) is not { } options)
        {
            return 2;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Scim__MaxRequestBytes"] = (100 * 1024 * 1024).ToString(Invariant),
            ["Scim__MaxValuesPerAttribute"] = Math.Max(1000, options.Sizes.Max()).ToString(Invariant),
            ["Scim__MaxValueLength"] = (options.ValueBytes + 100).ToString(Invariant),
        };
        await using var database = options.Provider == "postgres" ? await BenchDatabase.PostgresAsync(BenchArgs.Postgres, CancellationToken.None) : BenchDatabase.Sqlite();
        foreach (var (key, value) in database.ServerEnvironment)
        {
            environment[key] = value;
        }

        var dll = options.ServerDll ?? Path.Combine(AppContext.BaseDirectory, "ScimBridge.dll");
        await using var server = await ScimServer.StartAsync(dll, environment, CancellationToken.None);
        using var client = Load.CreateClient(server.BaseAddress, Math.Max(2, options.Readers));
        client.Timeout = TimeSpan.FromMinutes(10);
        Console.WriteLine($"## {mode}, {options.Provider}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, server {dll}");
        Console.WriteLine();
        return mode == "manyvalues" ? await SizesAsync(server, client, options) : await PagesAsync(server, client, options);
    }

    private static async Task<int> SizesAsync(ScimServer server, HttpClient client, Options options)
    {
        Console.WriteLine("| emails | POST ms | × first | PATCH title ms (median) | × first | N × first |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        (double Post, double Patch)? first = null;
        foreach (var size in options.Sizes)
        {
            var emails = new JsonArray(Enumerable.Range(0, size).Select(i => (JsonNode)new JsonObject
            {
                ["value"] = string.Create(Invariant, $"alias{i:D6}.n{size}@bench.example.com"),
                ["type"] = "other",
            }).ToArray());
            var body = new JsonObject { ["userName"] = $"many{size}@bench.example.com", ["emails"] = emails }.ToJsonString();
            var (postMs, created) = await TimeAsync(client, server.Token, HttpMethod.Post, "scim/v2/Users", body, 201);
            var id = (string)JsonNode.Parse(created)!["id"]!;
            var patches = new List<double>();
            for (var i = 0; i < options.Patches; i++)
            {
                patches.Add((await TimeAsync(client, server.Token, HttpMethod.Patch, $"scim/v2/Users/{id}", Load.PatchTitleBody($"Title {i}"), 200)).Ms);
            }

            var patchMs = patches.Order().ElementAt(patches.Count / 2);
            first ??= (postMs, patchMs);
            Console.WriteLine(string.Create(Invariant,
                $"| {size:N0} | {postMs:0} | {postMs / first.Value.Post:0.0} | {patchMs:0} | {patchMs / first.Value.Patch:0.0} | {size / (double)options.Sizes[0]:0} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant, $"Server peak RSS (VmHWM): {server.PeakRssMiB():0} MiB"));
        return 0;
    }

    private static async Task<int> PagesAsync(ScimServer server, HttpClient client, Options options)
    {
        var name = new string('x', options.ValueBytes);
        for (var i = 0; i < options.Users; i++)
        {
            var body = new JsonObject { ["userName"] = $"big{i}@bench.example.com", ["displayName"] = $"{i} {name}" }.ToJsonString();
            await TimeAsync(client, server.Token, HttpMethod.Post, "scim/v2/Users", body, 201);
        }

        var before = server.PeakRssMiB();
        var started = Stopwatch.GetTimestamp();
        var pages = await Task.WhenAll(Enumerable.Range(0, options.Readers).Select(async _ =>
        {
            var (_, text) = await TimeAsync(client, server.Token, HttpMethod.Get, "scim/v2/Users?count=1000", null, 200);
            var page = JsonNode.Parse(text)!;
            return ((int)page["itemsPerPage"]!, (int)page["totalResults"]!, text.Length);
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(Invariant,
            $"{options.Users} users with a {options.ValueBytes:N0}-character displayName; {options.Readers} concurrent GET /Users?count=1000 in {seconds:0.0} s"));
        Console.WriteLine(string.Create(Invariant,
            $"each page: itemsPerPage {pages[0].Item1}, totalResults {pages[0].Item2}, {pages[0].Item3 / 1048576.0:0.0} MiB"));
        Console.WriteLine(string.Create(Invariant, $"Server peak RSS (VmHWM): {before:0} MiB after the creates, {server.PeakRssMiB():0} MiB after the reads"));
        return 0;
    }

    private static async Task<(double Ms, string Body)> TimeAsync(HttpClient client, string token, HttpMethod method, string path, string? body, int expected)
    {
        using var request = Load.Scim(method, path, token, body);
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if ((int)response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
        }

        return (ms, text);
    }

    private sealed record Options(string Provider, int[] Sizes, int Patches, int Users, int ValueBytes, int Readers, string? ServerDll)
    {
        public const string Usage =
            "usage: manyvalues|bigpages [--sizes 1000,2000,4000,8000] [--patches 5] [--users 24] [--value-bytes 1500000] [--readers 4] [--provider sqlite|postgres] [--server-dll PATH]";

        public static Options Read(BenchArgs args) =>
            new(args.Providers(both: false)[0], args.Text("--sizes") is { } sizes ? [.. sizes.Split(',').Select(s => int.Parse(s, Invariant))] : [1000, 2000, 4000, 8000],
                args.Number("--patches", 5), args.Number("--users", 24), args.Number("--value-bytes", 1_500_000), args.Number("--readers", 4), args.FullPath("--server-dll"));
    }
}
