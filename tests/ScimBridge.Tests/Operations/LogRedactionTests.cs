using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ScimBridge.Operations;

namespace ScimBridge.Tests.Operations;

public sealed class LogRedactionTests
{
    private const string MondayToken = "monday-scim-token-4f1b8c";
    private const string ApiToken = "monday-api-token-77aa01";

    [Fact]
    public void Redactor_MasksTokensPasswordsAndConfiguredSecrets()
    {
        using var redactor = new LogRedactor(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Monday:ScimToken"] = MondayToken,
            ["ConnectionStrings:ScimBridge"] = "Host=db;Username=bridge;Password=s3cr3t-pw",
            ["Auth:Tokens:CacheSeconds"] = "10",
        }).Build());

        var text = redactor.Redact(
            $"token scb_abc_DEF-123 header Authorization: Bearer abc.def, url /x?access_token=scb_q&count=1, monday {MondayToken}, " +
            "cs Host=db;Password=s3cr3t-pw;Timeout=10, jwt eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl, json {\"password\":\"hunter2\"}, " +
            "decoded GET /Users?filter=userName eq \"jane@x.org\" and title co \"un\\\"closed&count=5, " +
            "link https://bridge.example.com/reclaim/answer/CfDJ8Nq-linkToken_1 hook https://hooks.slack.com/services/T01/B02/slackSecret9 " +
            "teams https://acme.webhook.office.com/webhookb2/teamsSecret8@x/IncomingWebhook/abc");

        Assert.DoesNotContain("scb_abc", text, StringComparison.Ordinal);
        Assert.DoesNotContain("abc.def", text, StringComparison.Ordinal);
        Assert.DoesNotContain("scb_q", text, StringComparison.Ordinal);
        Assert.DoesNotContain(MondayToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-pw", text, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJhbGciOi", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("jane@x.org", text, StringComparison.Ordinal);
        Assert.DoesNotContain("closed", text, StringComparison.Ordinal);
        Assert.Contains("?filter=userName eq \"***\" and title co \"***\"&count=5", text, StringComparison.Ordinal);
        Assert.Contains("count=1", text, StringComparison.Ordinal);
        Assert.Contains("Timeout=10", text, StringComparison.Ordinal);
        Assert.DoesNotContain("linkToken_1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("slackSecret9", text, StringComparison.Ordinal);
        Assert.DoesNotContain("teamsSecret8", text, StringComparison.Ordinal);
        Assert.Contains("/reclaim/answer/***", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Loggers_PassOnlyRedactedMessagesStateScopesAndExceptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Monday:ApiToken"] = ApiToken }).Build();
        using var redactor = new LogRedactor(configuration);
        var capture = new CapturingProvider();
        using var factory = new RedactingLoggerFactory(LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace)), redactor);
        var logger = factory.CreateLogger("Test");

        using (logger.BeginScope(new Dictionary<string, object?> { ["Token"] = "scb_scope_secret" }))
        {
#pragma warning disable CA1848, CA2254 // the point is to log what a careless call site would
            logger.LogWarning(new InvalidOperationException($"could not connect with Password={ApiToken};"), "Call with {Token} failed", ApiToken);
#pragma warning restore CA1848, CA2254
        }

        var entry = Assert.Single(capture.Entries);
        var everything = string.Join("|", entry.Message, string.Join(",", entry.State), string.Join(",", entry.Scopes), entry.Exception);
        Assert.DoesNotContain(ApiToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("scb_scope_secret", everything, StringComparison.Ordinal);
        Assert.Contains("Call with *** failed", entry.Message, StringComparison.Ordinal);
        Assert.Contains("Password=***", entry.Exception, StringComparison.Ordinal);
        Assert.Contains("{OriginalFormat}=Call with {Token} failed", everything, StringComparison.Ordinal);
    }

    /// <summary>
    /// The real bridge in its own process at Information for every category, its console read back: no inbound token
    /// (valid, wrong or in a query string), no monday token and no connection-string password, and each line is JSON.
    /// </summary>
    [Fact]
    public async Task BridgeProcessLogs_AreJsonLines_WithoutAnySecret()
    {
        await using var database = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite);
        await using var bridge = await BridgeProcess.StartAsync(database, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
            ["Monday__ScimToken"] = MondayToken,
            ["Monday__ApiToken"] = ApiToken,
            ["ConnectionStrings__Unused"] = "Host=nowhere;Username=x;Password=conn-pw-91c2",
        });
        using var client = bridge.CreateScimClient();
        var wrongToken = "scb_" + Guid.NewGuid().ToString("N") + "_wrong";

        (await client.GetAsync("scim/v2/Users")).EnsureSuccessStatusCode();
        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "scim/v2/Users"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", wrongToken);
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
        }

        var inQuery = $"scim/v2/Users?access_token={Uri.EscapeDataString(bridge.Token)}";
        (await client.GetAsync(inQuery)).EnsureSuccessStatusCode();
        (await client.GetAsync("readyz")).EnsureSuccessStatusCode();

        var lines = await WaitForLogAsync(bridge, "access_token=");
        Assert.All(lines, line => JsonDocument.Parse(line).Dispose());
        var log = string.Join("\n", lines);
        foreach (var secret in new[] { bridge.Token, wrongToken, MondayToken, ApiToken, "conn-pw-91c2" })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        Assert.Contains("access_token=***", log, StringComparison.Ordinal);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.EndsWith("Z", first.RootElement.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Every category at Trace: the URLs ASP.NET Core logs (request starting and finished, routing, the rate limiter)
    /// carry the query string, and a filter's values are userNames and e-mail addresses; they are masked like the
    /// provisioning log masks them, while the attribute and operator stay readable.
    /// </summary>
    [Fact]
    public async Task BridgeProcessLogs_AtTrace_MaskFilterValuesInRequestUrls()
    {
        await using var database = await TestDatabases.CreateAsync(DatabaseProvider.Sqlite);
        await using var bridge = await BridgeProcess.StartAsync(database, new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
        });
        using var client = bridge.CreateScimClient();

        (await client.GetAsync("scim/v2/Users?filter=" + Uri.EscapeDataString("userName eq \"pii-4711@example.com\" or displayName co \"Jane \\\"Doe\\\"\""))).EnsureSuccessStatusCode();
        (await client.GetAsync("scim/v2/Users?count=1&filter=emails.value eq \"pii-0815@example.com\"")).EnsureSuccessStatusCode();
        (await client.GetAsync("readyz")).EnsureSuccessStatusCode();

        var log = string.Join("\n", await WaitForLogAsync(bridge, "filter="));
        foreach (var value in new[] { "pii-4711", "pii-0815", "Jane", "Doe" })
        {
            Assert.DoesNotContain(value, log, StringComparison.Ordinal);
        }

        Assert.Contains("filter=userName%20eq%20%22***%22%20or%20displayName%20co%20%22***%22", log, StringComparison.Ordinal);
        Assert.Contains("filter=emails.value%20eq%20%22***%22", log, StringComparison.Ordinal);
    }

    /// <summary>The bridge's log lines once one has <paramref name="marker"/> and the closing /readyz request is logged.</summary>
    private static async Task<string[]> WaitForLogAsync(BridgeProcess bridge, string marker)
    {
        string[] lines = [];
        await Eventually.UntilAsync(
            () => (lines = bridge.Tail().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)).Any(l => l.Contains(marker, StringComparison.Ordinal))
                && lines.Any(l => l.Contains("/readyz", StringComparison.Ordinal) && l.Contains("Request finished", StringComparison.Ordinal)),
            "the expected log lines",
            interval: TimeSpan.FromMilliseconds(100),
            explain: () => Task.FromResult<string?>(bridge.Tail()));
        return lines;
    }

    private sealed record Entry(string Message, List<string> State, List<string> Scopes, string Exception);

    private sealed class CapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;
        public List<Entry> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.Select(p => $"{p.Key}={p.Value}").ToList() : [];
                var scopes = new List<string>();
                provider._scopes?.ForEachScope((scope, list) =>
                {
                    list.Add(scope?.ToString() ?? "");
                    if (scope is IEnumerable<KeyValuePair<string, object?>> items)
                    {
                        list.AddRange(items.Select(i => $"{i.Key}={i.Value}"));
                    }
                }, scopes);
                provider.Entries.Add(new Entry(formatter(state, exception), values, scopes, exception?.ToString() ?? ""));
            }
        }
    }
}
