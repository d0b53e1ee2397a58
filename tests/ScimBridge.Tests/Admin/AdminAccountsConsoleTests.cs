using ScimBridge.Admin;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Admin;

/// <summary>The Admins page: create, disable, enable and reset a password from the console, each in the provisioning log.</summary>
public sealed partial class AdminAccountsConsoleTests
{
    private const string Page = "/admin/accounts";

    [Theory, AllDatabases]
    public async Task AnAdmin_CreatesDisablesEnablesAndResetsAnotherAdmin_EachOnceAndInTheLog(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var alice = app.Browser();
        await alice.SignInAsync();

        using var created = await alice.PostFormAsync($"{Page}?handler=Create", new Dictionary<string, string> { ["userName"] = "bob", ["password"] = "" }, tokenFrom: Page);
        var shown = await alice.FollowAsync(created);
        Assert.Contains("Created the admin account “bob”.", shown, StringComparison.Ordinal);
        var password = NewPassword().Match(shown).Groups[1].Value;
        Assert.True(password.Length >= AdminAccounts.MinPasswordLength, shown);
        Assert.DoesNotContain(password, await alice.GetStringAsync(Page), StringComparison.Ordinal);
        Assert.Equal(2, await app.DbAsync(db => db.AdminAccounts.CountAsync()));

        using var bob = app.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await bob.SignInAsync("bob", password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/admin")).StatusCode);

        using var disabled = await alice.PostFormAsync($"{Page}?handler=Disable", new Dictionary<string, string> { ["name"] = "bob" }, tokenFrom: Page);
        Assert.Contains("Disabled “bob”", await alice.FollowAsync(disabled), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await bob.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bob.SignInAsync("bob", password)).StatusCode);
        Assert.Equal(0, await app.DbAsync(db => db.AdminSessions.CountAsync(s => db.AdminAccounts.Any(a => a.Id == s.AccountId && a.UserName == "bob"))));

        using var self = await alice.PostFormAsync($"{Page}?handler=Disable", new Dictionary<string, string> { ["name"] = "alice" }, tokenFrom: Page);
        Assert.Equal(HttpStatusCode.Conflict, self.StatusCode);
        Assert.Contains("You cannot disable your own account", await self.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            app.WithScopeAsync(s => s.GetRequiredService<AdminAccounts>().DisableAsync("alice", "bob", CancellationToken.None)));

        using var enabled = await alice.PostFormAsync($"{Page}?handler=Enable", new Dictionary<string, string> { ["name"] = "bob" }, tokenFrom: Page);
        Assert.Contains("Enabled “bob”", await alice.FollowAsync(enabled), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await bob.SignInAsync("bob", password)).StatusCode);

        using var reset = await alice.PostFormAsync($"{Page}?handler=Reset", new Dictionary<string, string> { ["name"] = "bob" }, tokenFrom: Page);
        var resetPage = await alice.FollowAsync(reset);
        var newPassword = NewPassword().Match(resetPage).Groups[1].Value;
        Assert.NotEqual(password, newPassword);
        Assert.True(newPassword.Length >= AdminAccounts.MinPasswordLength, resetPage);
        Assert.DoesNotContain(newPassword, await alice.GetStringAsync(Page), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await bob.GetAsync("/admin")).StatusCode);
        using var stale = app.Browser();
        Assert.Equal(HttpStatusCode.OK, (await stale.SignInAsync("bob", password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await stale.SignInAsync("bob", newPassword)).StatusCode);

        using var invalid = await alice.PostFormAsync($"{Page}?handler=Create", new Dictionary<string, string> { ["userName"] = "carol", ["password"] = "short" }, tokenFrom: Page);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("12 to 1024 characters", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var twice = await alice.PostFormAsync($"{Page}?handler=Create", new Dictionary<string, string> { ["userName"] = "BOB", ["password"] = "" }, tokenFrom: Page);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        var log = await app.DbAsync(db => db.LogEntries.AsNoTracking().Where(e => e.ResourceType == AdminAccounts.ResourceKind).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([LogActions.Create, LogActions.Disable, LogActions.Enable, LogActions.Update], log.Select(e => e.Action));
        Assert.All(log, e =>
        {
            Assert.Equal((Initiators.Admin, "alice", "bob", LogStatuses.Success), (e.InitiatorType, e.Initiator, e.SourceName, e.Status));
            Assert.DoesNotContain(password, e.Message + e.Steps, StringComparison.Ordinal);
            Assert.DoesNotContain(newPassword, e.Message + e.Steps, StringComparison.Ordinal);
        });
        Assert.Contains("alice reset the password of the admin account bob", log[^1].Message, StringComparison.Ordinal);
        Assert.Contains("AdminAccount", await alice.GetStringAsync($"/admin/logs/{log[0].Id}"), StringComparison.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex("""data-testid="new-password">([^<]+)<""")]
    private static partial System.Text.RegularExpressions.Regex NewPassword();
}
