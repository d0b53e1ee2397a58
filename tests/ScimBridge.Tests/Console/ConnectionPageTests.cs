using System.Text.RegularExpressions;
using ScimBridge.Push;
using ScimBridge.Tests.Push;

namespace ScimBridge.Tests.Console;

/// <summary>The Connection page over HTTP with a cookie session: status, Test connection, Resume, provision on demand.</summary>
public sealed partial class ConnectionPageTests
{
    private const string Page = "/admin/connection";
    private static readonly Dictionary<string, string> NoFields = [];

    [Theory, AllDatabases]
    public async Task NoTarget_StatusSaysNotConfigured_TestAndProvisionAreConflictsOnThePage_SignedOutIsSentToLogin(DatabaseProvider provider)
    {
        // The in-memory server: its browser does not follow redirects, so the sign-in redirect can be seen.
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateUserAsync("lonely@example.com");
        using var anonymous = app.Browser();
        using var signedOut = await anonymous.GetAsync(Page);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.StartsWith("/admin/login?ReturnUrl=", signedOut.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        using var browser = await SignedInAsync(app);

        var html = await browser.GetStringAsync(Page);
        Assert.StartsWith("Not configured", Text(html, "target"), StringComparison.Ordinal);
        Assert.Equal("Not configured", Text(html, "token"));
        Assert.Equal("Not quarantined", Text(html, "quarantine-state"));
        Assert.DoesNotContain("data-testid=\"resume\"", html, StringComparison.Ordinal);

        foreach (var path in new[] { $"{Page}?handler=Test", $"{Page}?handler=Nope", $"{Page}?handler=Provision&resourceType=user&name=lonely@example.com" })
        {
            using var get = await browser.GetAsync(path);
            Assert.True(get.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)get.StatusCode}");
            Assert.Contains("data-testid=\"status\"", await BodyAsync(get), StringComparison.Ordinal);
        }
        foreach (var path in new[] { $"{Page}?handler=Nope", Page })
        {
            using var unknownHandler = await browser.PostFormAsync(path, NoFields, tokenFrom: Page);
            Assert.Equal(HttpStatusCode.BadRequest, unknownHandler.StatusCode);
            Assert.StartsWith("Unknown action", Text(await BodyAsync(unknownHandler), "error"), StringComparison.Ordinal);
        }

        using var test = await browser.PostFormAsync($"{Page}?handler=Test", NoFields, tokenFrom: Page);
        Assert.Equal(HttpStatusCode.Conflict, test.StatusCode);
        Assert.Contains("No monday.com target is configured", Text(await BodyAsync(test), "error"), StringComparison.Ordinal);

        using var provision = await ProvisionAsync(browser, "user", "lonely@example.com", dryRun: true);
        Assert.Equal(HttpStatusCode.Conflict, provision.StatusCode);
        var body = await BodyAsync(provision);
        Assert.Contains("No monday.com target is configured", Text(body, "error"), StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"provision-result\"", body, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task Quarantine_IsShown_TestFailsThenSucceeds_ResumeLeavesIt_AndThePushCatchesUp(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:QuarantineSchedule:0"] = "01:00:00" });
        using var browser = await SignedInAsync(h.Bridge);
        var healthy = await browser.GetStringAsync(Page);
        Assert.Equal(h.Sim.TenantUrl, Text(healthy, "target"));
        Assert.Equal("Configured", Text(healthy, "token"));
        Assert.DoesNotContain("data-testid=\"quarantine\"", healthy, StringComparison.Ordinal);

        h.State.TokenRevoked = true;
        (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("locked@example.com", "locked"))).AssertStatus(HttpStatusCode.Created);
        // The worker enters quarantine first and records the refused call right after.
        await Eventually.UntilAsync(async () => Text(await browser.GetStringAsync(Page), "credentials") == "No"
            && await h.Bridge.DbAsync(db => db.PushTargets.AnyAsync(t => t.QuarantinedSince != null)), "quarantine on the page");

        var quarantined = await browser.GetStringAsync(Page);
        var reason = await h.Bridge.DbAsync(db => db.PushTargets.Select(t => t.Reason).SingleAsync());
        Assert.Contains(reason!, WebUtility.HtmlDecode(Section(quarantined, "quarantine")), StringComparison.Ordinal);
        Assert.StartsWith("Quarantined since", Text(quarantined, "quarantine-state"), StringComparison.Ordinal);
        Assert.Equal("Yes", Text(quarantined, "reachable"));
        Assert.EndsWith("status 401", Text(quarantined, "last-call"), StringComparison.Ordinal);
        Assert.StartsWith("1 ", Text(quarantined, "queue"), StringComparison.Ordinal);
        Assert.NotEqual("—", Text(quarantined, "oldest"));
        Assert.Contains("data-testid=\"resume\"", quarantined, StringComparison.Ordinal);

        var failedHtml = await PostThenGetAsync(browser, "Test", NoFields);
        Assert.Contains("alert error", Attributes(failedHtml, "test-result"), StringComparison.Ordinal);
        Assert.StartsWith("Token refused: monday.com answered 401", Text(failedHtml, "test-message"), StringComparison.Ordinal);
        Assert.Contains("Status 401", Section(failedHtml, "test-result"), StringComparison.Ordinal);

        h.State.TokenRevoked = false;
        var succeededHtml = await PostThenGetAsync(browser, "Test", NoFields);
        Assert.Contains("alert success", Attributes(succeededHtml, "test-result"), StringComparison.Ordinal);
        Assert.Contains("accepted the token", Text(succeededHtml, "test-message"), StringComparison.Ordinal);
        // Testing alone does not leave quarantine.
        Assert.Contains("data-testid=\"quarantine\"", succeededHtml, StringComparison.Ordinal);

        var resumedHtml = await PostThenGetAsync(browser, "Resume", NoFields);
        Assert.StartsWith("Resumed", Text(resumedHtml, "resumed"), StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"quarantine\"", resumedHtml, StringComparison.Ordinal);
        Assert.False(await h.Bridge.DbAsync(db => db.PushTargets.AnyAsync(t => t.QuarantinedSince != null)));

        await h.WaitSettledAsync();
        Assert.NotNull(h.SimUserByName("locked@example.com"));
        var settled = await browser.GetStringAsync(Page);
        Assert.NotEqual("—", Text(settled, "last-success"));
        Assert.StartsWith("0 ", Text(settled, "queue"), StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task ProvisionUserByName_DryRunShowsThePostBodyAndSendsNoWrite_ThenTheRealRunCreatesItAndLinksTheLog(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        var created = await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("now@example.com", "Now Here"));
        created.AssertStatus(HttpStatusCode.Created);
        var id = created.String("id")!;
        using var browser = await SignedInAsync(h.Bridge);

        // Not the exact userName: the page falls back to ignoring case.
        var dryHtml = await FollowAsync(browser, await ProvisionAsync(browser, "user", "NOW@example.com", dryRun: true));
        Assert.Equal("Dry run: user “now@example.com”", StripTags(Regex.Match(dryHtml, "<h2 id=\"result\">(.*?)</h2>").Groups[1].Value));
        Assert.Equal($"id {id}", Text(dryHtml, "result-id"));
        Assert.Equal(("Not sent", LogActions.Create), (StripTags(Text(dryHtml, "result-status")), Text(dryHtml, "result-action")));
        var post = Assert.Single(Rows(dryHtml, "calls"), r => r.Contains("<td>POST</td>", StringComparison.Ordinal));
        Assert.Contains("NOT SENT", post, StringComparison.Ordinal);
        Assert.Contains($"<code>{h.Sim.TenantUrl}Users</code>", post, StringComparison.Ordinal);
        var body = WebUtility.HtmlDecode(Regex.Match(post, "<pre class=\"body\">(.*?)</pre>", RegexOptions.Singleline).Groups[1].Value);
        Assert.Contains("\"userName\":\"now@example.com\"", body.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"log-link\"", dryHtml, StringComparison.Ordinal);
        Assert.Null(h.SimUserByName("now@example.com"));
        lock (h.State.Sync)
        {
            Assert.DoesNotContain(h.State.Requests, r => r.Method != "GET");
        }
        Assert.Equal(0, await h.Bridge.DbAsync(db => db.LogEntries.CountAsync()));

        // The dry run's "Push it for real now" form: the same object by id, without dry run.
        var pushNow = Regex.Match(dryHtml, "<form[^>]*>((?:(?!</form>).)*data-testid=\"push-now\".*?)</form>", RegexOptions.Singleline).Groups[1].Value;
        var fields = Regex.Matches(pushNow, "<input type=\"hidden\" name=\"(\\w+)\" value=\"([^\"]*)\">")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.Equal(new Dictionary<string, string> { ["resourceType"] = "user", ["name"] = id }, fields);
        var realHtml = await PostThenGetAsync(browser, "Provision", fields);
        Assert.Equal("Provisioned: user “now@example.com”", StripTags(Regex.Match(realHtml, "<h2 id=\"result\">(.*?)</h2>").Groups[1].Value));
        Assert.Equal(LogStatuses.Success, StripTags(Text(realHtml, "result-status")));
        Assert.Equal(["Received", "Scoping", "Matching", "Mapping", "Export"],
            Rows(realHtml, "steps").Select(r => StripTags(Regex.Match(r, "<td>(.*?)</td>").Groups[1].Value)));
        var sent = Assert.Single(Rows(realHtml, "calls"), r => r.Contains("<td>POST</td>", StringComparison.Ordinal));
        Assert.DoesNotContain("NOT SENT", sent, StringComparison.Ordinal);
        Assert.Contains("<td>201</td>", sent, StringComparison.Ordinal);
        Assert.Contains("<td>userName</td>", Section(realHtml, "properties"), StringComparison.Ordinal);
        Assert.NotNull(h.SimUserByName("now@example.com"));
        var entry = await h.Bridge.DbAsync(db => db.LogEntries.SingleAsync());
        Assert.Equal((Initiators.Admin, "alice"), (entry.InitiatorType, entry.Initiator));
        Assert.Contains($"<a href=\"/admin/logs/{entry.Id}\" data-testid=\"log-link\">", realHtml, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task ProvisionGroupByDisplayName_PushesItsMembersFirst_AndListsThem(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        var a = await h.Bridge.CreateUserAsync("m1@example.com");
        var b = await h.Bridge.CreateUserAsync("m2@example.com");
        await h.Bridge.CreateGroupAsync("On Demand", a, b);
        using var browser = await SignedInAsync(h.Bridge);

        var html = await FollowAsync(browser, await ProvisionAsync(browser, "group", "On Demand", dryRun: false));

        Assert.Equal(LogStatuses.Success, StripTags(Text(html, "result-status")));
        var members = Rows(html, "members");
        Assert.Equal(2, members.Count);
        Assert.Contains(members, m => m.Contains("<td>m1@example.com</td>", StringComparison.Ordinal));
        Assert.Contains(members, m => m.Contains("<td>m2@example.com</td>", StringComparison.Ordinal));
        Assert.All(members, m => Assert.Contains(">Success</span>", m, StringComparison.Ordinal));
        Assert.Equal(2, h.SimGroupByName("On Demand")!.Members.Count);
        Assert.NotNull(h.SimUserByName("m1@example.com"));
    }

    [Theory, AllDatabases]
    public async Task UnknownOrAmbiguousName_BadInput_AndMissingAntiforgery_AreRefusedWithoutA500(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        await h.Bridge.CreateUserAsync("real@example.com");
        await h.Bridge.CreateGroupAsync("Twins");
        await h.Bridge.CreateGroupAsync("Twins");
        using var browser = await SignedInAsync(h.Bridge);

        using var unknown = await ProvisionAsync(browser, "user", "ghost@example.com", dryRun: true);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var unknownHtml = await BodyAsync(unknown);
        Assert.Contains("There is no user with the userName or id “ghost@example.com”", Text(unknownHtml, "error"), StringComparison.Ordinal);
        Assert.Contains("data-testid=\"status\"", unknownHtml, StringComparison.Ordinal);

        using var ambiguous = await ProvisionAsync(browser, "group", "Twins", dryRun: true);
        Assert.Equal(HttpStatusCode.Conflict, ambiguous.StatusCode);
        Assert.Contains("enter the id", Text(await BodyAsync(ambiguous), "error"), StringComparison.Ordinal);

        var cases = new (Dictionary<string, string> Fields, string Message)[]
        {
            (new() { ["resourceType"] = "user", ["name"] = "" }, "Enter the user"),
            (new() { ["resourceType"] = "user", ["name"] = "   " }, "Enter the user"),
            (new() { ["resourceType"] = "group" }, "Enter the group"),
            (new() { ["resourceType"] = "user", ["name"] = new string('a', 257) }, "at most 256"),
            (new() { ["resourceType"] = "user", ["name"] = "real\u0007@example.com" }, "control characters"),
            (new() { ["resourceType"] = "robot", ["name"] = "real@example.com" }, "resourceType"),
            (new() { ["name"] = "real@example.com" }, "resourceType"),
            (new() { ["resourceType"] = "user", ["name"] = "real@example.com", ["dryRun"] = "maybe" }, "Dry run"),
        };
        foreach (var (fields, message) in cases)
        {
            using var response = await browser.PostFormAsync($"{Page}?handler=Provision", fields, tokenFrom: Page);
            var html = await BodyAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{string.Join(", ", fields)}: {(int)response.StatusCode} {html}");
            Assert.True(html.Contains("data-testid=\"error\"", StringComparison.Ordinal), $"{string.Join(", ", fields)}: {html}");
            Assert.Contains(message, Text(html, "error"), StringComparison.Ordinal);
        }
        // ASP.NET Core refuses a NUL in a form before the page sees it: still a 400.
        using var nul = await browser.PostFormAsync($"{Page}?handler=Provision",
            new Dictionary<string, string> { ["resourceType"] = "user", ["name"] = "real\0@example.com" }, tokenFrom: Page);
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        // A 256-character name is allowed: it is just not found.
        using var longest = await ProvisionAsync(browser, "user", new string('a', 256), dryRun: true);
        Assert.Equal(HttpStatusCode.NotFound, longest.StatusCode);
        lock (h.State.Sync)
        {
            Assert.Empty(h.State.Requests);
        }

        using var forged = await browser.PostAsync($"{Page}?handler=Provision", new FormUrlEncodedContent(
            new Dictionary<string, string> { ["resourceType"] = "user", ["name"] = "real@example.com" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using var forgedTest = await browser.PostAsync($"{Page}?handler=Test", null);
        Assert.Equal(HttpStatusCode.BadRequest, forgedTest.StatusCode);
        Assert.Null(h.SimUserByName("real@example.com"));
        Assert.Equal(0, await h.Bridge.DbAsync(db => db.OutboundCalls.CountAsync()));

    }

    private static async Task<HttpClient> SignedInAsync(ScimApp app)
    {
        await app.CreateAdminAsync();
        var browser = app.Browser();
        using var signIn = await browser.SignInAsync();
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return browser;
    }

    private static Task<HttpResponseMessage> ProvisionAsync(HttpClient browser, string resourceType, string name, bool dryRun)
    {
        var fields = new Dictionary<string, string> { ["resourceType"] = resourceType, ["name"] = name };
        if (dryRun)
        {
            fields["dryRun"] = "true";
        }
        return browser.PostFormAsync($"{Page}?handler=Provision", fields, tokenFrom: Page);
    }

    private static async Task<string> BodyAsync(HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    /// <summary>Post/Redirect/Get: the post answers a redirect to the page, whose GET shows the result.</summary>
    internal static async Task<string> PostThenGetAsync(HttpClient browser, string handler, IDictionary<string, string> fields)
    {
        using var response = await browser.PostFormAsync($"{Page}?handler={handler}", fields, tokenFrom: Page);
        return await FollowAsync(browser, response);
    }

    internal static async Task<string> FollowAsync(HttpClient browser, HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{(int)response.StatusCode}: {await BodyAsync(response)}");
            Assert.Equal(Page, response.Headers.Location!.OriginalString);
        }
        return await browser.GetStringAsync(Page);
    }

    /// <summary>The decoded text of the first element with the test id, up to its first child tag's end.</summary>
    private static string Text(string html, string testId)
    {
        var match = Regex.Match(html, $"""data-testid="{testId}"[^>]*>(.*?)</(dd|p|span|h2|a)>""", RegexOptions.Singleline);
        Assert.True(match.Success, $"No data-testid=\"{testId}\" in: {html}");
        return WebUtility.HtmlDecode(match.Groups[1].Value).Trim();
    }

    private static string Attributes(string html, string testId)
    {
        var match = Regex.Match(html, $"""<[^>]*data-testid="{testId}"[^>]*>""");
        Assert.True(match.Success, $"No data-testid=\"{testId}\" in: {html}");
        return match.Value;
    }

    /// <summary>From the element with the test id to the end of the enclosing section, table or div.</summary>
    private static string Section(string html, string testId)
    {
        var start = html.IndexOf($"data-testid=\"{testId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No data-testid=\"{testId}\" in: {html}");
        var tag = html[..start].LastIndexOf('<');
        var name = Regex.Match(html[(tag + 1)..], "^[a-z0-9]+").Value;
        var end = html.IndexOf($"</{name}>", start, StringComparison.Ordinal);
        return html[tag..end];
    }

    private static List<string> Rows(string html, string tableTestId)
    {
        var table = Section(html, tableTestId);
        var body = table[table.IndexOf("<tbody>", StringComparison.Ordinal)..];
        return [.. Regex.Matches(body, "<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline).Select(m => m.Groups[1].Value)];
    }

    private static string StripTags(string html) => WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", "")).Trim();
}
