using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ScimBridge.Benchmarks;

internal sealed record ScenarioResult(
    string Name,
    long Requests,
    double Seconds,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    long Errors,
    SortedDictionary<string, long> ErrorsByStatus,
    SortedDictionary<string, string> ErrorSamples)
{
    /// <summary>Server process CPU time (user + system) per request while this scenario ran, in microseconds: steadier than rates on a busy machine.</summary>
    public double? ServerCpuMicrosecondsPerRequest { get; init; }

    /// <summary>The /healthz rate this scenario is compared with: the mean of the baseline slots before and after it.</summary>
    public double? BaselineRequestsPerSecond { get; init; }

    /// <summary>This scenario's rate divided by <see cref="BaselineRequestsPerSecond"/>.</summary>
    public double? RatioToBaseline { get; init; }

    /// <summary>Every request's latency in Stopwatch ticks, sorted; kept for combining runs, not written out.</summary>
    [JsonIgnore]
    public IReadOnlyList<long> Latencies { get; init; } = [];
}

/// <summary>Closed-loop load: a fixed number of workers, each sending its next request when the last one answered.</summary>
internal static class Load
{
    public const string ScimContentType = "application/scim+json";
    public const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    public static HttpClient CreateClient(Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public static string UserName(int index) => string.Create(CultureInfo.InvariantCulture, $"user{index:D6}@bench.example.com");

    /// <summary>A user as Entra ID provisions it: core and enterprise schemas, work email, name, title, department.</summary>
    public static string UserBody(int index)
    {
        var number = index.ToString("D6", CultureInfo.InvariantCulture);
        var userName = UserName(index);
        var given = GivenNames[index % GivenNames.Length];
        var family = FamilyNames[index / GivenNames.Length % FamilyNames.Length];
        var user = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", EnterpriseSchema),
            ["externalId"] = Guid.NewGuid().ToString(),
            ["userName"] = userName,
            ["active"] = true,
            ["displayName"] = $"{given} {family} {number}",
            ["title"] = Titles[index % Titles.Length],
            ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["type"] = "work", ["value"] = userName }),
            ["meta"] = new JsonObject { ["resourceType"] = "User" },
            ["name"] = new JsonObject { ["formatted"] = $"{given} {family}", ["familyName"] = family, ["givenName"] = given },
            ["roles"] = new JsonArray(),
            [EnterpriseSchema] = new JsonObject
            {
                ["employeeNumber"] = number,
                ["department"] = Departments[index % Departments.Length],
            },
        };
        return user.ToJsonString();
    }

    public static string PatchTitleBody(string title) => new JsonObject
    {
        ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"),
        ["Operations"] = new JsonArray(new JsonObject { ["op"] = "Replace", ["path"] = "title", ["value"] = title }),
    }.ToJsonString();

    public static HttpRequestMessage Scim(HttpMethod method, string path, string token, string? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ScimContentType));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, ScimContentType);
        }

        return request;
    }

    /// <summary>Creates users 0..count-1 over HTTP and returns their ids, by index.</summary>
    public static async Task<string[]> PreloadAsync(HttpClient client, string token, int count, int concurrency, CancellationToken ct)
    {
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (i, token2) =>
            {
                using var request = Scim(HttpMethod.Post, "scim/v2/Users", token, UserBody(i));
                using var response = await client.SendAsync(request, token2);
                var text = await response.Content.ReadAsStringAsync(token2);
                if ((int)response.StatusCode != 201)
                {
                    throw new InvalidOperationException($"Preloading user {i} answered {(int)response.StatusCode}: {Truncate(text)}");
                }

                ids[i] = (string?)JsonNode.Parse(text)?["id"] ?? throw new InvalidOperationException($"Preloading user {i}: no id in {Truncate(text)}");
            });
        return ids;
    }

    public static async Task<ScenarioResult> RunAsync(
        string name, HttpClient client, Func<HttpRequestMessage> next, int concurrency, TimeSpan duration, CancellationToken ct)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return await RunWhileAsync(name, client, next, concurrency, () => Stopwatch.GetTimestamp() < end, ct);
    }

    /// <summary>Exactly <paramref name="count"/> requests, shared by the workers.</summary>
    public static Task<ScenarioResult> RunCountAsync(
        string name, HttpClient client, Func<HttpRequestMessage> next, int concurrency, int count, CancellationToken ct)
    {
        var remaining = count;
        return RunWhileAsync(name, client, next, concurrency, () => Interlocked.Decrement(ref remaining) >= 0, ct);
    }

    private static async Task<ScenarioResult> RunWhileAsync(
        string name, HttpClient client, Func<HttpRequestMessage> next, int concurrency, Func<bool> more, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => new Worker()).ToArray();
        await Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(client, next, more, ct), ct)));
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return Summarize(name, seconds, workers.Select(w =>
            ((IReadOnlyList<long>)w.Latencies, (IReadOnlyDictionary<string, long>)w.Errors, (IReadOnlyDictionary<string, string>)w.Samples)));
    }

    /// <summary>One result for several runs of the same requests, as if they were one run.</summary>
    public static ScenarioResult Combine(string name, IReadOnlyCollection<ScenarioResult> runs) =>
        Summarize(name, runs.Sum(r => r.Seconds), runs.Select(r => (r.Latencies, (IReadOnlyDictionary<string, long>)r.ErrorsByStatus, (IReadOnlyDictionary<string, string>)r.ErrorSamples)));

    private static ScenarioResult Summarize(
        string name, double seconds, IEnumerable<(IReadOnlyList<long> Latencies, IReadOnlyDictionary<string, long> Errors, IReadOnlyDictionary<string, string> Samples)> parts)
    {
        var latencies = new List<long>();
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var samples = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            latencies.AddRange(part.Latencies);
            foreach (var (status, count) in part.Errors)
            {
                errors[status] = errors.GetValueOrDefault(status) + count;
            }

            foreach (var (status, sample) in part.Samples)
            {
                samples.TryAdd(status, sample);
            }
        }

        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        return new ScenarioResult(
            name,
            sorted.Length,
            seconds,
            sorted.Length / seconds,
            Milliseconds(Percentile(sorted, 0.50)),
            Milliseconds(Percentile(sorted, 0.99)),
            Milliseconds(sorted.Length == 0 ? 0 : sorted[^1]),
            errors.Values.Sum(),
            errors,
            samples)
        {
            Latencies = sorted,
        };
    }

    private static long Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static string Truncate(string text)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= 400 ? text : text[..400] + "…";
    }

    private static readonly string[] GivenNames = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Niklaus", "Margaret", "Tony"];
    private static readonly string[] FamilyNames = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Perlman", "Wirth", "Hamilton", "Hoare", "Ritchie"];
    private static readonly string[] Titles = ["Software Engineer", "Senior Software Engineer", "Product Manager", "Designer", "Sales Representative", "Support Engineer", "Accountant"];
    private static readonly string[] Departments = ["Engineering", "Product", "Design", "Sales", "Support", "Finance", "Human Resources", "Legal"];

    private sealed class Worker
    {
        public List<long> Latencies { get; } = new(8192);

        public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Samples { get; } = new(StringComparer.Ordinal);

        public async Task RunAsync(HttpClient client, Func<HttpRequestMessage> next, Func<bool> more, CancellationToken ct)
        {
            while (more())
            {
                ct.ThrowIfCancellationRequested();
                using var request = next();
                string? error = null;
                string? sample = null;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    // The default completion option reads the whole body before returning.
                    using var response = await client.SendAsync(request, ct);
                    if (!response.IsSuccessStatusCode)
                    {
                        error = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                        sample = $"{request.Method} {request.RequestUri} -> {await response.Content.ReadAsStringAsync(ct)}";
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    error = "timeout";
                    sample = $"{request.Method} {request.RequestUri}: no answer within {client.Timeout.TotalSeconds:0} s";
                }
                catch (HttpRequestException ex)
                {
                    error = $"exception:{ex.HttpRequestError}";
                    sample = $"{request.Method} {request.RequestUri}: {ex.Message}";
                }

                Latencies.Add(Stopwatch.GetTimestamp() - started);
                if (error is not null)
                {
                    Errors[error] = Errors.GetValueOrDefault(error) + 1;
                    Samples.TryAdd(error, Truncate(sample!));
                }
            }
        }
    }
}
