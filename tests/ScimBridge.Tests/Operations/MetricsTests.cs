using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using ScimBridge.Operations;

namespace ScimBridge.Tests.Operations;

public sealed partial class MetricsTests
{
    [Theory, AllDatabases]
    public async Task Scrape_AfterScimRequests_CountsThem_InPrometheusText(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateUserAsync("metrics@example.com");
        (await app.GetAsync("/scim/v2/Users/does-not-exist")).AssertStatus(HttpStatusCode.NotFound);

        // ASP.NET Core records a request's duration as it finishes, which may be just after the client has the response.
        var text = await Eventually.ValueAsync(() => ScrapeAsync(app), "the 404 in the scrape",
            t => t.Contains("http_response_status_code=\"404\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        var samples = Parse(text);
        Assert.Equal(1, Sample(samples, "http_server_request_duration_seconds_count", "http_request_method=\"POST\"", "http_route=\"/scim/v2/Users/\"", "http_response_status_code=\"201\""));
        Assert.Equal(1, Sample(samples, "http_server_request_duration_seconds_count", "http_route=\"/scim/v2/Users/{id}\"", "http_response_status_code=\"404\""));
        Assert.Equal(1, Sample(samples, "http_server_request_duration_seconds_bucket", "http_request_method=\"POST\"", "le=\"+Inf\""));
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task Scrape_WithoutAdminAuthentication_Is401(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        foreach (var token in new[] { null, app.Token, "scb_nope_nope" })
        {
            using var client = app.CreateScimClient(token);
            using var response = await client.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Theory, AllDatabases]
    public async Task PushAndOutboundFigures_ReportedToBridgeMetrics_AreExported(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var metrics = app.Services.GetRequiredService<BridgeMetrics>();
        metrics.PushFinished("User", "Pushed", TimeSpan.FromSeconds(3));
        metrics.PushFinished("User", "Pushed", TimeSpan.FromSeconds(0.2));
        metrics.PushFinished("Group", "Failed");
        metrics.OutboundCall(201, TimeSpan.FromMilliseconds(40));
        metrics.OutboundCall(429);

        var samples = Parse(await ScrapeAsync(app));

        Assert.Equal(2, Sample(samples, "scimbridge_push_outcomes_total", "resource_type=\"User\"", "status=\"Pushed\""));
        Assert.Equal(1, Sample(samples, "scimbridge_push_failures_total", "resource_type=\"Group\"", "status=\"Failed\""));
        Assert.Equal(2, Sample(samples, "scimbridge_push_latency_seconds_count", "resource_type=\"User\""));
        Assert.Equal(3.2, Sample(samples, "scimbridge_push_latency_seconds_sum", "resource_type=\"User\""), 6);
        Assert.Equal(1, Sample(samples, "scimbridge_push_latency_seconds_bucket", "resource_type=\"User\"", "le=\"0.25\""));
        Assert.Equal(2, Sample(samples, "scimbridge_push_latency_seconds_bucket", "resource_type=\"User\"", "le=\"5\""));
        Assert.Equal(1, Sample(samples, "scimbridge_monday_calls_total", "status=\"429\""));
        Assert.Equal(1, Sample(samples, "scimbridge_monday_calls_total", "status=\"201\""));
    }

    [Theory, AllDatabases]
    public async Task QueueGauges_ReadTheDatabase_AndAreCachedBetweenScrapes(DatabaseProvider provider)
    {
        // No monday.com target: every accepted change stays pending.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await ScimApp.StartAsync(provider, services: s => s.AddSingleton<TimeProvider>(clock));
        await app.CreateUserAsync("q1@example.com");
        await app.CreateUserAsync("q2@example.com");

        var depth = await Eventually.ValueAsync(async () => Parse(await ScrapeAsync(app)).TryGetValue("scimbridge_queue_depth", out var v) ? v : (double?)null,
            "the queue gauge", timeout: TimeSpan.FromSeconds(10));
        await app.CreateUserAsync("q3@example.com");
        var cached = Parse(await ScrapeAsync(app));

        Assert.Equal(2, depth);
        Assert.Equal(2, cached["scimbridge_queue_depth"]);
        Assert.True(cached["scimbridge_queue_oldest_age_seconds"] >= 0);
        Assert.Equal(3, await app.DbAsync(db => Task.FromResult(db.PushStates.Count(p => p.ChangeSeq > p.PushedSeq))));

        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(3, await Eventually.ValueAsync(async () => Parse(await ScrapeAsync(app))["scimbridge_queue_depth"], "the queue gauge", d => d == 3, TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("http.server.request.duration", "http_server_request_duration")]
    [InlineData("scimbridge.queue-depth", "scimbridge_queue_depth")]
    [InlineData("9lives", "_9lives")]
    public async Task Names_AreSanitisedToPrometheusRules(string name, string expected)
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        var meter = app.Services.GetRequiredService<IMeterFactory>().Create(BridgeMetrics.MeterName);
        meter.CreateUpDownCounter<long>(name).Add(7);

        var samples = Parse(await ScrapeAsync(app));

        Assert.Equal(7, samples[expected]);
    }

    [Fact]
    public async Task LabelValues_AreEscaped()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        var meter = app.Services.GetRequiredService<IMeterFactory>().Create(BridgeMetrics.MeterName);
        meter.CreateCounter<long>("escaped").Add(1, new KeyValuePair<string, object?>("value", "a\\b\"c\nd"));

        var text = await ScrapeAsync(app);

        Assert.Contains("escaped_total{value=\"a\\\\b\\\"c\\nd\"} 1\n", text, StringComparison.Ordinal);
    }

    private static async Task<string> ScrapeAsync(ScimApp app)
    {
        var admin = await app.AdminAsync();
        using var response = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Parses the exposition format strictly: every line is a comment or <c>name{labels} value</c>.</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a Prometheus sample line: {line}");
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            Assert.True(samples.TryAdd(match.Groups["series"].Value, value), $"Duplicate series: {line}");
        }

        return samples;
    }

    private static double Sample(Dictionary<string, double> samples, string name, params string[] labels)
    {
        var matching = samples.Where(s => (s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal))
            && labels.All(l => s.Key.Contains(l, StringComparison.Ordinal))).ToList();
        Assert.True(matching.Count > 0, $"No sample {name} with {string.Join(",", labels)} in:\n{string.Join("\n", samples.Keys)}");
        return matching.Sum(s => s.Value);
    }

    [GeneratedRegex("""^(?<series>[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*\})?) (?<value>[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|Inf|NaN))$""")]
    private static partial Regex SampleLine();
}
