using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ScimBridge.Mirror;
using ScimBridge.Reclamation;

namespace ScimBridge.Tests.Reclamation;

/// <summary>
/// A Slack-like incoming webhook on Kestrel (127.0.0.1, a port the OS picks): records each body and answers
/// <see cref="Status"/>. Its path carries a secret, as Slack's and Teams' do.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const string SecretPath = "/services/T0001/B0002/hookSecret7c1d9e";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<JsonObject> _bodies = new();
    private int _hits;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>What the next requests get.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;
    public int Hits => Volatile.Read(ref _hits);
    /// <summary>The bodies of the requests answered with a 2xx.</summary>
    public IReadOnlyList<JsonObject> Bodies => [.. _bodies];
    public string Url => _app.Urls.First() + SecretPath;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost(SecretPath, async (HttpContext http) =>
        {
            Interlocked.Increment(ref receiver._hits);
            var body = JsonNode.Parse(await new StreamReader(http.Request.Body).ReadToEndAsync())!.AsObject();
            var status = receiver.Status;
            if (status is >= 200 and < 300)
            {
                receiver._bodies.Enqueue(body);
            }
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>Collects every log line the app writes (message, state, exception).</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(",", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} | {values} | {exception}");
        }
    }
}

/// <summary>
/// The bridge on a fake clock (no background tick: tests call <see cref="ReclaimScheduler.TickAsync"/>), a webhook,
/// and rules and candidates written straight to the database, as the evaluator would leave them.
/// </summary>
public sealed class NoticeTestBed : IAsyncDisposable
{
    public const string PublicUrl = "https://bridge.example.com";

    private int _seat;

    private NoticeTestBed(ScimApp app, FakeTimeProvider clock, WebhookReceiver webhook, CapturedLogs logs)
    {
        App = app;
        Clock = clock;
        Webhook = webhook;
        Logs = logs;
        Anonymous = app.CreateScimClient(null);
    }

    public ScimApp App { get; }
    public FakeTimeProvider Clock { get; }
    public WebhookReceiver Webhook { get; }
    public CapturedLogs Logs { get; }
    public HttpClient Anonymous { get; }
    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <param name="kestrel">Serve on a real socket, for a browser.</param>
    public static async Task<NoticeTestBed> StartAsync(DatabaseProvider provider, Dictionary<string, string?>? settings = null, bool kestrel = false)
    {
        // Near real time: Data Protection also checks a link's expiry on the real clock.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var webhook = await WebhookReceiver.StartAsync();
        var logs = new CapturedLogs();
        var all = new Dictionary<string, string?>
        {
            ["Reclamation:Enabled"] = "false",
            ["Reclamation:PublicUrl"] = PublicUrl,
            ["Logging:LogLevel:ScimBridge"] = "Debug",
            ["Logging:LogLevel:System.Net.Http"] = "Trace",
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var app = await ScimApp.StartAsync(provider, all, kestrel: kestrel,
            services: s => s.AddSingleton<TimeProvider>(clock).AddSingleton<ILoggerProvider>(logs));
        return new NoticeTestBed(app, clock, webhook, logs);
    }

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public Task<TickResult> TickAsync() => Service<ReclaimScheduler>().TickAsync(CancellationToken.None);

    public ReclaimRuleDefinition Rule(string keepApproval = KeepApprovals.None, int? autoReclaimAfterDays = 7, string? webhookUrl = null) => new()
    {
        Name = "Unused monday seats",
        Apps = [MirrorApps.Monday],
        Action = ReclaimActions.Downgrade,
        CooldownDays = 90,
        Notify = new ReclaimNotice
        {
            WebhookUrl = webhookUrl ?? Webhook.Url,
            ReminderEveryDays = 3,
            AutoReclaimAfterDays = autoReclaimAfterDays,
            KeepApproval = keepApproval,
        },
    };

    public Task<long> RuleAsync(ReclaimRuleDefinition rule) =>
        App.DbAsync(async db =>
        {
            var record = new ReclaimRuleRecord
            {
                Name = rule.Name,
                Enabled = rule.Enabled,
                Version = 1,
                Definition = ReclaimWorkflow.RuleToJson(rule),
                CreatedAt = Now,
                CreatedBy = "test",
                UpdatedAt = Now,
                UpdatedBy = "test",
            };
            db.ReclaimRules.Add(record);
            await db.SaveChangesAsync();
            return record.Id;
        });

    /// <summary>A candidate Awaiting User whose notice is due now.</summary>
    public Task<long> SeedCandidateAsync(long ruleId, string email = "jane@example.com", string? userId = null) =>
        App.DbAsync(async db =>
        {
            var seat = Interlocked.Increment(ref _seat);
            var candidate = new ReclaimCandidateRecord
            {
                RuleId = ruleId,
                RuleVersion = 1,
                App = MirrorApps.Monday,
                SeatId = seat,
                AccountId = $"acc-{seat}",
                UserId = userId,
                Email = email,
                Name = "Jane Doe",
                SeatType = SeatTypes.Member,
                Action = ReclaimActions.Downgrade,
                State = CandidateStates.AwaitingUser,
                Reason = "No activity for 74 days",
                LastActivity = Now.AddDays(-74),
                MonthlySaving = 12m,
                Currency = "EUR",
                CreatedAt = Now,
                UpdatedAt = Now,
                NoticeDueAt = Now,
            };
            db.ReclaimCandidates.Add(candidate);
            await db.SaveChangesAsync();
            return candidate.Id;
        });

    public Task<ReclaimCandidateRecord> CandidateAsync(long id) =>
        App.DbAsync(db => db.ReclaimCandidates.AsNoTracking().SingleAsync(c => c.Id == id));

    public Task<List<ReclaimTransitionRecord>> TransitionsAsync(long id) =>
        App.DbAsync(db => db.ReclaimTransitions.AsNoTracking().Where(t => t.CandidateId == id).OrderBy(t => t.Id).ToListAsync());

    /// <summary>An inbound user whose enterprise manager is <paramref name="managerId"/>.</summary>
    public async Task<string> UserAsync(string userName, string? managerId = null)
    {
        var body = ScimBridge.Tests.Infrastructure.Bodies.User(userName);
        if (managerId is not null)
        {
            body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["manager"] = new JsonObject { ["value"] = managerId } };
        }
        var response = await App.PostAsync("/scim/v2/Users", body);
        response.AssertStatus(HttpStatusCode.Created);
        return response.Json!["id"]!.GetValue<string>();
    }

    /// <summary>The link's path on this bridge (the notice names the public URL).</summary>
    public static string PathOf(string link)
    {
        Assert.StartsWith(PublicUrl + AnswerLinks.Path + "/", link, StringComparison.Ordinal);
        return link[PublicUrl.Length..];
    }

    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string link)
    {
        var response = await Anonymous.GetAsync(new Uri(PathOf(link), UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public async Task<(HttpStatusCode Status, string Body)> PostAsync(string link)
    {
        using var response = await Anonymous.PostAsync(new Uri(PathOf(link), UriKind.Relative), null);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static string Action(JsonObject notice, string name) => notice["actions"]![name]!.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        await App.DisposeAsync();
        await Webhook.DisposeAsync();
    }
}
