using System.Text.RegularExpressions;
using ScimBridge.Admin;
using ScimBridge.Push;
using ScimBridge.Tests.Logs;

namespace ScimBridge.Tests.Console;

public sealed partial class ConsolePagesTests
{
    [Theory, AllDatabases]
    public async Task TokensPage_ShowsANewTokenOnce_ItWorksForScim_AndRevokingItShutsItOut(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        using var created = await browser.PostFormAsync("/admin/tokens", new Dictionary<string, string> { ["name"] = "okta", ["scope"] = "scim" }, tokenFrom: "/admin/tokens");
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var token = TokenValue().Match(await browser.GetStringAsync(created.Headers.Location!.OriginalString)).Groups[1].Value;
        Assert.StartsWith("scb_", token, StringComparison.Ordinal);
        var stored = await app.DbAsync(db => db.ScimTokens.SingleAsync(t => t.Name == "okta"));
        Assert.Equal(TokenScopes.Scim, stored.Scope);
        var list = await browser.GetStringAsync("/admin/tokens");
        Assert.Contains("okta", list, StringComparison.Ordinal);
        Assert.DoesNotContain(token, list, StringComparison.Ordinal);

        using var scim = app.CreateScimClient(token);
        Assert.Equal(HttpStatusCode.OK, (await scim.GetAsync("/scim/v2/Users")).StatusCode);

        Assert.Contains("Revoke token “okta”?", await browser.GetStringAsync("/admin/tokens/revoke?name=okta"), StringComparison.Ordinal);
        using var revoked = await browser.PostFormAsync("/admin/tokens/revoke", new Dictionary<string, string> { ["name"] = "okta" }, tokenFrom: "/admin/tokens/revoke?name=okta");
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await scim.GetAsync("/scim/v2/Users")).StatusCode);
        Assert.NotNull(await app.DbAsync(db => db.ScimTokens.Where(t => t.Name == "okta").Select(t => t.RevokedAt).SingleAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/admin/tokens/revoke?name=okta")).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task TokensPage_DuplicateOrEmptyName_ShowsWhy_AndStoresNothing(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        using var duplicate = await browser.PostFormAsync("/admin/tokens", new Dictionary<string, string> { ["name"] = "test-client", ["scope"] = "scim" }, tokenFrom: "/admin/tokens");
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("already exists", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var badScope = await browser.PostFormAsync("/admin/tokens", new Dictionary<string, string> { ["name"] = "x", ["scope"] = "root" }, tokenFrom: "/admin/tokens");
        Assert.Equal(HttpStatusCode.BadRequest, badScope.StatusCode);
        Assert.Equal(1, await app.DbAsync(db => db.ScimTokens.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task MappingPage_ShowsTheTargetAndRules_ButNeverTheTokens(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new()
        {
            ["Monday:TenantUrl"] = "https://acme.monday.com/scim/v2/",
            ["Monday:ScimToken"] = "monday-scim-secret-1234567890",
            ["Monday:ApiToken"] = "monday-api-secret-0987654321",
            ["Monday:Mapping:ScopeFilter"] = "department eq \"Sales\"",
            ["Push:Enabled"] = "false",
        });
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/admin/mapping"));

        Assert.Contains("https://acme.monday.com/scim/v2/", html, StringComparison.Ordinal);
        Assert.Contains("department eq \"Sales\"", html, StringComparison.Ordinal);
        Assert.Contains("<td>Contractor</td><td>member</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>displayName</td>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, Regex.Count(html, "<dd>Configured</dd>"));
    }

    [Theory, AllDatabases]
    public async Task Dashboard_CountsQueueHeldDeletesQuarantineAndTheLastDayOfTheLog(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        var now = DateTimeOffset.UtcNow;
        await app.DbAsync(async db =>
        {
            var target = await db.PushTargets.FindAsync(Quarantine.TargetId) ?? db.PushTargets.Add(new PushTargetRecord { Id = Quarantine.TargetId }).Entity;
            (target.QuarantinedSince, target.Reason, target.NextProbeAt) = (now.AddMinutes(-7), "monday answered 401", now.AddMinutes(3));
            db.PushStates.AddRange(
                State("u1", changeSeq: 2, pushedSeq: 1),
                State("u2", changeSeq: 1, pushedSeq: 0),
                State("u3", changeSeq: 3, pushedSeq: 3, pushedAt: now.AddMinutes(-2)),
                State("u4", changeSeq: 2, pushedSeq: 1, heldAt: now.AddMinutes(-1)));
            db.Changes.AddRange(Change("u1", now.AddMinutes(-30), PushStatuses.Pending), Change("u2", now.AddMinutes(-10), PushStatuses.Pending), Change("u3", now.AddHours(-2), PushStatuses.Pushed));
            db.LogEntries.AddRange(
                LogSeed.Counted(now.AddHours(-1), LogStatuses.Success, LogActions.Create), LogSeed.Counted(now.AddHours(-2), LogStatuses.Success, LogActions.Create),
                LogSeed.Counted(now.AddHours(-3), LogStatuses.Failure, LogActions.Update), LogSeed.Counted(now.AddHours(-25), LogStatuses.Failure, LogActions.Update));
            return await db.SaveChangesAsync();
        });

        var dashboard = await app.WithScopeAsync(s => s.GetRequiredService<DashboardQuery>().GetAsync(CancellationToken.None));

        Assert.True(dashboard.DatabaseReachable);
        Assert.Equal("monday answered 401", dashboard.Quarantine!.Reason);
        Assert.Equal(2, dashboard.QueueDepth);
        Assert.Equal(1, dashboard.HeldDeletes);
        Assert.Equal(now.AddMinutes(-30).UtcTicks, dashboard.OldestPendingChange!.Value.UtcTicks);
        Assert.Equal(now.AddMinutes(-2).UtcTicks, dashboard.LastSuccess!.Value.UtcTicks);
        Assert.Equal(
            [new DashboardCount(LogStatuses.Failure, LogActions.Update, 1), new DashboardCount(LogStatuses.Success, LogActions.Create, 2)],
            dashboard.Last24Hours);

        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();
        var html = await browser.GetStringAsync("/admin");
        Assert.Contains("Quarantined", html, StringComparison.Ordinal);
        Assert.Contains("monday answered 401", html, StringComparison.Ordinal);
        Assert.Contains("<td>Failure</td><td>Update</td><td class=\"num\">1</td>", html, StringComparison.Ordinal);
    }

    private static PushStateRecord State(string id, long changeSeq, long pushedSeq, DateTimeOffset? pushedAt = null, DateTimeOffset? heldAt = null) =>
        new() { ResourceType = ResourceKinds.User, ResourceId = id, ChangeSeq = changeSeq, PushedSeq = pushedSeq, PushedAt = pushedAt, HeldAt = heldAt };

    private static ChangeRecord Change(string id, DateTimeOffset at, string status) =>
        new() { ResourceType = ResourceKinds.User, ResourceId = id, Operation = ChangeOperations.Update, Changes = "[]", Actor = "test", OccurredAt = at, PushStatus = status };

    [GeneratedRegex("""data-testid="token-value">([^<]+)<""")]
    private static partial Regex TokenValue();
}
