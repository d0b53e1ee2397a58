using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using ScimBridge.Admin;
using ScimBridge.Push;
using ScimBridge.Tests.Logs;

namespace ScimBridge.Tests.Console;

/// <summary>The dashboard's activity charts and push queue card, computed in the database, over HTTP with a cookie session.</summary>
public sealed partial class DashboardTests
{
    // 20 past the current hour (the session cookie's clock is the real one): every seeded time falls in a known bucket.
    private static readonly DateTimeOffset Now = new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, TimeSpan.Zero).AddMinutes(20);
    private static readonly DateTimeOffset Hour = Now.AddMinutes(-20);
    private static readonly DateTimeOffset Today = new(Now.UtcDateTime.Date, TimeSpan.Zero);

    [Theory, AllDatabases]
    public async Task Activity_CountsTheLogPerHourAndPerDayByStatus_InTheDatabase(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Push:Enabled"] = "false" }, services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)));
        await app.DbAsync(db =>
        {
            db.LogEntries.AddRange(
                LogSeed.Counted(Now.AddMinutes(-5), LogStatuses.Success), LogSeed.Counted(Now.AddMinutes(-19), LogStatuses.Success),
                LogSeed.Counted(Now.AddMinutes(-15), LogStatuses.Failure),
                LogSeed.Counted(Now.AddHours(-3), LogStatuses.Skipped),
                LogSeed.Counted(Hour.AddHours(-23), LogStatuses.Success),                   // the first hour of the chart
                LogSeed.Counted(Hour.AddHours(-23).AddMinutes(-1), LogStatuses.Failure),    // just before it
                LogSeed.Counted(Today.AddDays(-3).AddHours(1), LogStatuses.Failure),
                LogSeed.Counted(Today.AddDays(-3).AddHours(23), LogStatuses.Failure),
                LogSeed.Counted(Today.AddDays(-29), LogStatuses.Success),                   // midnight, the first day of the chart
                LogSeed.Counted(Today.AddDays(-29).AddTicks(-1), LogStatuses.Success));    // just before it
            return db.SaveChangesAsync();
        });

        var dashboard = await app.WithScopeAsync(s => s.GetRequiredService<DashboardQuery>().GetAsync(CancellationToken.None));

        var hourly = dashboard.Hourly;
        Assert.Equal(24, hourly.Buckets.Count);
        Assert.Equal(Hour.AddHours(-23), hourly.Buckets[0].Start);
        Assert.Equal(Hour, hourly.Buckets[^1].Start);
        Assert.Equal([LogStatuses.Success, LogStatuses.Failure, LogStatuses.Skipped], hourly.Statuses);
        Assert.Equal((2, 1), (hourly.Buckets[^1].Of(LogStatuses.Success), hourly.Buckets[^1].Of(LogStatuses.Failure)));
        Assert.Equal(1, hourly.Buckets[^4].Of(LogStatuses.Skipped));
        Assert.Equal(1, hourly.Buckets[0].Total);
        Assert.Equal(5, hourly.Total);

        var daily = dashboard.Daily;
        Assert.Equal(30, daily.Buckets.Count);
        Assert.Equal(Today.AddDays(-29), daily.Buckets[0].Start);
        Assert.Equal(Today, daily.Buckets[^1].Start);
        Assert.Equal(1, daily.Buckets[0].Total);
        Assert.Equal(2, daily.Buckets[^4].Of(LogStatuses.Failure));
        Assert.Equal(6, daily.Buckets[^1].Total + daily.Buckets[^2].Total);
        Assert.Equal(9, daily.Total);

        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();
        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/admin"));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("""<svg viewBox="0 0 480 170" role="img" aria-labelledby="hourly-title" aria-describedby="hourly-desc" """, html, StringComparison.Ordinal);
        Assert.Contains("""<title id="hourly-title">Log entries per hour, last 24 hours (UTC)</title>""", html, StringComparison.Ordinal);
        Assert.Contains($"""<desc id="hourly-desc">5 entries in the last 24 hours: 3 success, 1 failure, 1 skipped. Busiest hour: {Label(Hour)} with 3 entries.</desc>""", html, StringComparison.Ordinal);
        Assert.Contains("""<title id="daily-title">Log entries per day, last 30 days (UTC)</title>""", html, StringComparison.Ordinal);
        Assert.Contains("Times are UTC.", html, StringComparison.Ordinal);
        // The figures as a table, for screen readers and anyone who wants the numbers.
        Assert.Matches(Row(Label(Hour), 2, 1, 0, 3), html);
        Assert.Matches(Row(Label(Hour.AddHours(-23)), 1, 0, 0, 1), html);
        Assert.DoesNotContain(Label(Hour.AddHours(-24)), html, StringComparison.Ordinal);
        Assert.Matches(Row(Day(Today.AddDays(-3)), 0, 2, 0, 2), html);
        Assert.Matches(Row(Day(Today.AddDays(-29)), 1, 0, 0, 1), html);
        Assert.DoesNotContain(Day(Today.AddDays(-30)), html, StringComparison.Ordinal);
        var hourlyChart = html[html.IndexOf("data-testid=\"activity-hourly\"", StringComparison.Ordinal)..html.IndexOf("data-testid=\"activity-daily\"", StringComparison.Ordinal)];
        Assert.Equal(4, Regex.Count(hourlyChart, """<rect class="bar """));
    }

    [Theory, AllDatabases]
    public async Task QueueCard_AndOldestPendingChange_ComeFromTheSameResources(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Push:Enabled"] = "false" }, services: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)));
        await app.DbAsync(db =>
        {
            db.PushStates.AddRange(
                State(ResourceKinds.User, "u1", changeSeq: 3, pushedSeq: 1),
                State(ResourceKinds.User, "u2", changeSeq: 1, pushedSeq: 0),
                State(ResourceKinds.Group, "g1", changeSeq: 1, pushedSeq: 0),
                State(ResourceKinds.User, "pushed", changeSeq: 2, pushedSeq: 2),
                // A staged delete: held for an admin, out of the queue, its change still pending for days.
                State(ResourceKinds.User, "held", changeSeq: 2, pushedSeq: 1, heldAt: Now.AddDays(-2)));
            db.Changes.AddRange(
                Change(ResourceKinds.User, "u1", Now.AddMinutes(-40), PushStatuses.Pending), Change(ResourceKinds.User, "u1", Now.AddMinutes(-5), PushStatuses.Pending),
                Change(ResourceKinds.User, "u2", Now.AddMinutes(-10), PushStatuses.Pending),
                Change(ResourceKinds.Group, "g1", Now.AddMinutes(-2), PushStatuses.Pending),
                Change(ResourceKinds.User, "pushed", Now.AddHours(-5), PushStatuses.Pushed),
                Change(ResourceKinds.User, "held", Now.AddDays(-3), PushStatuses.Pending));
            return db.SaveChangesAsync();
        });

        var dashboard = await app.WithScopeAsync(s => s.GetRequiredService<DashboardQuery>().GetAsync(CancellationToken.None));

        Assert.Equal(new DashboardQueue(Users: 2, Groups: 1, Changes: 4, OldestChange: Now.AddMinutes(-40)), dashboard.Queue);
        Assert.Equal(3, dashboard.QueueDepth);
        Assert.Equal(Now.AddMinutes(-40), dashboard.OldestPendingChange);
        Assert.Equal(1, dashboard.HeldDeletes);
        // The Connection page and /admin/api/connection count the same queue.
        var status = await app.WithScopeAsync(s => s.GetRequiredService<ScimBridge.Push.PushConnection>().StatusAsync(CancellationToken.None));
        Assert.Equal((3, Now.AddMinutes(-40)), (status.QueueDepth, status.OldestPendingChangeAt));

        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();
        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/admin"));
        Assert.Contains("""<p class="figure" data-testid="queue-changes">4 changes</p>""", html, StringComparison.Ordinal);
        Assert.Contains($"waiting for 2 users and 1 group; oldest pending change {ConsoleFormat.Time(Now.AddMinutes(-40))}", html, StringComparison.Ordinal);
        Assert.Contains(">disable or delete held for approval", html, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task QueueCard_WithNothingWaiting_SaysSo(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/admin"));

        Assert.Contains("""data-testid="queue-changes">0 changes</p>""", html, StringComparison.Ordinal);
        Assert.Contains("Nothing waits to be pushed.", html, StringComparison.Ordinal);
        Assert.Contains("No provisioning log entries in the last 24 hours.", html, StringComparison.Ordinal);
        Assert.Contains("No provisioning log entries in the last 30 days.", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ConsoleFormat_CountsAndDurations_ReadLikeWords()
    {
        Assert.Equal("1 user", ConsoleFormat.Count(1, "user"));
        Assert.Equal("0 users", ConsoleFormat.Count(0, "user"));
        Assert.Equal("1,500 users", ConsoleFormat.Count(1500, "user"));
        Assert.Equal("2 entries", ConsoleFormat.Count(2, "entry", "entries"));
        Assert.Equal("1 entry", ConsoleFormat.Count(1, "entry", "entries"));

        Assert.Equal("1 day", ConsoleFormat.Duration(TimeSpan.FromDays(1)));
        Assert.Equal("30 days", ConsoleFormat.Duration(TimeSpan.FromSeconds(86400 * 30)));
        Assert.Equal("3 hours", ConsoleFormat.Duration(TimeSpan.FromHours(3)));
        Assert.Equal("1 hour 30 min", ConsoleFormat.Duration(TimeSpan.FromMinutes(90)));
        Assert.Equal("1 day 2 hours", ConsoleFormat.Duration(TimeSpan.FromHours(26.5)));
        Assert.Equal("2 min", ConsoleFormat.Duration(TimeSpan.FromMinutes(2)));
        Assert.Equal("2 min 5 s", ConsoleFormat.Duration(TimeSpan.FromSeconds(125)));
        Assert.Equal("45 s", ConsoleFormat.Duration(TimeSpan.FromSeconds(45)));
        Assert.Equal("250 ms", ConsoleFormat.Duration(TimeSpan.FromMilliseconds(250)));
        Assert.Equal("0 ms", ConsoleFormat.Duration(TimeSpan.Zero));
        Assert.Equal("—", ConsoleFormat.Duration((TimeSpan?)null));
    }

    private static string Label(DateTimeOffset hour) => hour.UtcDateTime.ToString("yyyy-MM-dd HH:00", System.Globalization.CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset day) => day.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A row of a chart's table: the bucket, then success, failure, skipped and the total.</summary>
    private static Regex Row(string bucket, long success, long failure, long skipped, long total) => new(
        $"""<th scope="row">{Regex.Escape(bucket)}</th>\s*<td class="num">{success}</td>\s*<td class="num">{failure}</td>\s*<td class="num">{skipped}</td>\s*<td class="num">{total}</td>""");

    private static PushStateRecord State(string type, string id, long changeSeq, long pushedSeq, DateTimeOffset? heldAt = null) =>
        new() { ResourceType = type, ResourceId = id, ChangeSeq = changeSeq, PushedSeq = pushedSeq, HeldAt = heldAt, HoldReason = heldAt is null ? null : "test" };

    private static ChangeRecord Change(string type, string id, DateTimeOffset at, string status) =>
        new() { ResourceType = type, ResourceId = id, Operation = ChangeOperations.Update, Changes = "[]", Actor = "test", OccurredAt = at, PushStatus = status };
}
