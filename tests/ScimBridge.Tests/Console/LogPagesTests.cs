using System.Text.RegularExpressions;
using ScimBridge.Push;
using ScimBridge.Tests.Push;

namespace ScimBridge.Tests.Console;

/// <summary>The console's log, entry, staged-delete and progress pages over plain HTTP with a cookie session.</summary>
public sealed partial class LogPagesTests
{
    [Theory, AllDatabases]
    public async Task FailedChange_FoundByName_EntryShowsFixStepsAndCalls_ReplayRunsToDone(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        h.State.RefuseUserNamesContaining = "refused";
        await h.Bridge.CreateUserAsync("refused.person@example.com", "Refused Person");
        await h.Bridge.CreateUserAsync("fine.person@example.com", "Fine Person");
        await h.WaitSettledAsync();
        await h.Bridge.CreateAdminAsync();
        using var browser = h.Bridge.Browser();
        await browser.SignInAsync();

        var list = await GetPageAsync(browser, "/admin/logs?identity=REFUSED.p&status=Failure");
        Assert.Contains("refused.person@example.com", list, StringComparison.Ordinal);
        Assert.DoesNotContain("fine.person@example.com", list, StringComparison.Ordinal);
        Assert.Contains("Retry all failed", list, StringComparison.Ordinal);
        var entryPath = EntryLink().Match(list).Value;
        Assert.NotEmpty(entryPath);

        var entry = await GetPageAsync(browser, entryPath);
        Assert.Contains(LogCodes.InvalidValue, entry, StringComparison.Ordinal);
        Assert.Contains(LogCodes.Fix(LogCodes.InvalidValue)!, entry, StringComparison.Ordinal);
        foreach (var step in new[] { "Received", "Scoping", "Matching", "Mapping", "Export" })
        {
            Assert.Contains($"<td>{step}</td>", entry, StringComparison.Ordinal);
        }
        Assert.Matches("<code>POST [^<]*Users</code>", entry);
        Assert.Contains("data-testid=\"replay\"", entry, StringComparison.Ordinal);

        h.State.RefuseUserNamesContaining = null;
        using var replay = await browser.PostFormAsync($"{entryPath}?handler=Replay", new Dictionary<string, string>(), tokenFrom: entryPath);
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        var progress = replay.Headers.Location!.OriginalString;
        Assert.StartsWith("/admin/progress?", progress, StringComparison.Ordinal);

        string page = "";
        await Eventually.UntilAsync(async () => (page = await GetPageAsync(browser, progress)).Contains(">Done<", StringComparison.Ordinal), "the replay to finish");
        Assert.DoesNotContain("http-equiv=\"refresh\"", page, StringComparison.Ordinal);
        Assert.Contains("Finished: 1 succeeded, 0 failed.", page, StringComparison.Ordinal);
        Assert.Contains("refused.person@example.com", page, StringComparison.Ordinal);
        Assert.NotNull(h.SimUserByName("refused.person@example.com"));
        // The change is pushed now, so the old entry no longer offers a replay, and replaying it anyway is refused.
        Assert.DoesNotContain("data-testid=\"replay\"", await GetPageAsync(browser, entryPath), StringComparison.Ordinal);
        using var again = await browser.PostFormAsync($"{entryPath}?handler=Replay", new Dictionary<string, string>(), tokenFrom: entryPath);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("only failed changes can be replayed", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task ProgressPage_PollsItsStatusRegionWhileWorkWaits_WithoutReloadingItself(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        h.State.RefuseUserNamesContaining = "stuck";
        var id = await h.Bridge.CreateUserAsync("stuck@example.com");
        await h.Bridge.CreateAdminAsync();
        await h.Bridge.WithScopeAsync(async s =>
        {
            // A failed push, as the worker would have left it, then a replay by alice that nothing pushes (the worker is off).
            await s.GetRequiredService<ProvisionOnDemand>().ProvisionAsync("users", id, dryRun: false, "alice", CancellationToken.None);
            var failed = await h.Bridge.DbAsync(db => db.Changes.SingleAsync());
            Assert.Equal(PushStatuses.Failed, failed.PushStatus);
            await s.GetRequiredService<ChangeReplay>().ReplayAsync(failed.Id, "alice", CancellationToken.None);
            return 0;
        });
        using var browser = h.Bridge.Browser();
        await browser.SignInAsync();

        var page = await GetPageAsync(browser, $"/admin/progress?since={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O"))}&what=Replay");
        Assert.DoesNotContain("http-equiv=\"refresh\"", page, StringComparison.Ordinal);
        Assert.Contains("role=\"status\"", page, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/admin/progress.js\" defer></script>", page, StringComparison.Ordinal);
        Assert.Contains("0 finished, 1 still waiting", page, StringComparison.Ordinal);
        Assert.Contains(">In progress<", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync("/admin/progress?since=yesterday")).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task LogsPage_PagesByCursor_ExportsTheFilter_AndRefusesBadInput(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        for (var i = 0; i < 3; i++)
        {
            await h.Bridge.CreateUserAsync($"pager{i}@example.com");
        }
        await h.WaitSettledAsync();
        await h.Bridge.CreateAdminAsync();
        using var browser = h.Bridge.Browser();
        await browser.SignInAsync();

        var first = await GetPageAsync(browser, "/admin/logs?identity=pager&pageSize=2");
        Assert.Equal(2, EntryRow().Matches(first).Count);
        var older = OlderLink().Match(first);
        Assert.True(older.Success, first);
        var second = await GetPageAsync(browser, WebUtility.HtmlDecode(older.Groups[1].Value));
        Assert.Single(EntryRow().Matches(second));
        Assert.Contains("« Newest", second, StringComparison.Ordinal);
        var names = new[] { first, second }.SelectMany(p => PagerName().Matches(p).Select(m => m.Value)).ToList();
        Assert.Equal(3, names.Distinct().Count());

        var export = ExportLink().Match(first);
        Assert.True(export.Success, first);
        using var csv = await browser.GetAsync(WebUtility.HtmlDecode(export.Groups[1].Value));
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);

        foreach (var bad in new[] { "/admin/logs?status=Exploded", "/admin/logs?from=not-a-date", "/admin/logs?cursor=%00%01", "/admin/logs?pageSize=100000",
                     "/admin/logs?from=2026-02-01T00:00&to=2026-01-01T00:00", $"/admin/logs?identity={new string('x', 300)}" })
        {
            using var response = await browser.GetAsync(bad);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)response.StatusCode}");
            Assert.Contains("class=\"alert error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/logs?from=&to=&status=&identity=")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/admin/logs/999999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/admin/logs/abc")).StatusCode);
        using var noToken = await browser.PostAsync("/admin/logs?handler=RetryFailed", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        using var signedOut = h.Bridge.Browser();
        using var anonymous = await signedOut.GetAsync("/admin/logs");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/admin/login", anonymous.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task RetryAllFailed_FromTheFilteredLog_QueuesEveryFailedChangeAgain(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        h.State.RefuseUserNamesContaining = "blocked";
        await h.Bridge.CreateUserAsync("blocked1@example.com");
        await h.Bridge.CreateUserAsync("blocked2@example.com");
        await h.WaitSettledAsync();
        await h.Bridge.CreateAdminAsync();
        using var browser = h.Bridge.Browser();
        await browser.SignInAsync();
        h.State.RefuseUserNamesContaining = null;

        using var retry = await browser.PostFormAsync("/admin/logs?handler=RetryFailed", new Dictionary<string, string> { ["resourceType"] = "User" },
            tokenFrom: "/admin/logs?status=Failure");
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        var progress = retry.Headers.Location!.OriginalString;
        Assert.Contains("Retry%20of%202%20failed", progress, StringComparison.Ordinal);
        await Eventually.UntilAsync(async () => (await GetPageAsync(browser, progress)).Contains("Finished: 2 succeeded, 0 failed.", StringComparison.Ordinal), "both retries");
        Assert.NotNull(h.SimUserByName("blocked1@example.com"));
        Assert.NotNull(h.SimUserByName("blocked2@example.com"));

        using var badRange = await browser.PostFormAsync("/admin/logs?handler=RetryFailed", new Dictionary<string, string> { ["from"] = "tomorrow" },
            tokenFrom: "/admin/logs?status=Failure");
        Assert.Equal(HttpStatusCode.BadRequest, badRange.StatusCode);
        using var badType = await browser.PostFormAsync("/admin/logs?handler=RetryFailed", new Dictionary<string, string> { ["resourceType"] = "Printer" },
            tokenFrom: "/admin/logs?status=Failure");
        Assert.Equal(HttpStatusCode.BadRequest, badType.StatusCode);
    }

    [Theory, AllDatabases]
    public async Task StagedDeletesPage_ApproveOne_RejectOne_AllNeedsTheCountSeen(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:DeletionGuard:MaxPerHour"] = "1" });
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await h.Bridge.CreateUserAsync($"leaver{i}@example.com"));
        }
        await h.WaitSettledAsync();
        await h.DeactivateAsync(ids, held: 3);
        await h.Bridge.CreateAdminAsync();
        using var browser = h.Bridge.Browser();
        await browser.SignInAsync();

        var page = await GetPageAsync(browser, "/admin/staged-deletes");
        Assert.Equal(3, StagedRow().Matches(page).Count);
        Assert.Contains("Approve all 3", page, StringComparison.Ordinal);
        var held = await h.Bridge.DbAsync(db => db.PushStates.Where(p => p.HeldAt != null).OrderBy(p => p.HeldAt).ThenBy(p => p.ResourceType).ThenBy(p => p.ResourceId)
            .Select(p => p.ResourceId).ToListAsync());
        var (approved, rejected) = (held[0], held[1]);

        using var approve = await browser.PostFormAsync("/admin/staged-deletes?handler=Approve",
            new Dictionary<string, string> { ["resourceType"] = "User", ["id"] = approved }, tokenFrom: "/admin/staged-deletes");
        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        var progress = approve.Headers.Location!.OriginalString;
        await Eventually.UntilAsync(async () => (await GetPageAsync(browser, progress)).Contains(">Done<", StringComparison.Ordinal), "the approved disable");
        var approvedName = await h.Bridge.DbAsync(db => db.Users.Where(u => u.Id == approved).Select(u => u.UserName).SingleAsync());
        Assert.False(h.SimUserByName(approvedName)!.Active);

        using var reject = await browser.PostFormAsync("/admin/staged-deletes?handler=Reject",
            new Dictionary<string, string> { ["resourceType"] = "User", ["id"] = rejected }, tokenFrom: "/admin/staged-deletes");
        Assert.Equal(HttpStatusCode.Redirect, reject.StatusCode);
        Assert.Contains("rejected=1", reject.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var rejectedName = await h.Bridge.DbAsync(db => db.Users.Where(u => u.Id == rejected).Select(u => u.UserName).SingleAsync());
        Assert.True(h.SimUserByName(rejectedName)!.Active);
        var entry = await h.Bridge.DbAsync(db => db.LogEntries.SingleAsync(e => e.SourceId == rejected && e.ErrorCode == LogCodes.RejectedByAdmin));
        Assert.Equal("alice", entry.Initiator);

        // Deciding twice, or for all with a count that is no longer true, is refused with the reason.
        using var twice = await browser.PostFormAsync("/admin/staged-deletes?handler=Reject",
            new Dictionary<string, string> { ["resourceType"] = "User", ["id"] = rejected }, tokenFrom: "/admin/staged-deletes");
        Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
        using var stale = await browser.PostFormAsync("/admin/staged-deletes?handler=ApproveAll", new Dictionary<string, string> { ["seen"] = "3" }, tokenFrom: "/admin/staged-deletes");
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("There are now 1 staged delete, not the 3 you saw", WebUtility.HtmlDecode(await stale.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var missing = await browser.PostFormAsync("/admin/staged-deletes?handler=Approve", new Dictionary<string, string> { ["resourceType"] = "User" }, tokenFrom: "/admin/staged-deletes");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);

        using var all = await browser.PostFormAsync("/admin/staged-deletes?handler=RejectAll", new Dictionary<string, string> { ["seen"] = "1" }, tokenFrom: "/admin/staged-deletes");
        Assert.Equal(HttpStatusCode.Redirect, all.StatusCode);
        Assert.Contains("Nothing is waiting for a decision.", await GetPageAsync(browser, "/admin/staged-deletes"), StringComparison.Ordinal);
    }

    private static async Task<string> GetPageAsync(HttpClient browser, string path)
    {
        using var response = await browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        return html;
    }

    [GeneratedRegex(@"/admin/logs/\d+")]
    private static partial Regex EntryLink();

    [GeneratedRegex("data-testid=\"log-entry\"")]
    private static partial Regex EntryRow();

    [GeneratedRegex("data-testid=\"staged-row\"")]
    private static partial Regex StagedRow();

    [GeneratedRegex("""href="(/admin/logs\?[^"]*cursor=[^"]+)" rel="next">""")]
    private static partial Regex OlderLink();

    [GeneratedRegex("""href="(/admin/api/logs/export\?[^"]*format=csv)" """)]
    private static partial Regex ExportLink();

    [GeneratedRegex(@"pager\d@example\.com")]
    private static partial Regex PagerName();
}
