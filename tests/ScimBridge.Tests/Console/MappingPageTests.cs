namespace ScimBridge.Tests.Console;

/// <summary>The Mapping page shows every rule with its configured values, durations in words.</summary>
public sealed class MappingPageTests
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Monday:TenantUrl"] = "https://acme.monday.com/scim/v2/",
        ["Monday:ScimToken"] = "monday-scim-secret-1234567890",
        ["Monday:MemberChunkSize"] = "1",
        ["Monday:Mapping:UserTypes:Employee"] = "member",
        ["Monday:Mapping:UserTypes:Freelancer"] = "guest",
        ["Monday:Mapping:DefaultUserType"] = "viewer",
        ["Monday:Mapping:Attributes:0:Target"] = "userName",
        ["Monday:Mapping:Attributes:0:Source"] = "userName",
        ["Monday:Mapping:Attributes:0:Transform"] = "Lowercase",
        ["Monday:Mapping:Attributes:1:Target"] = "locale",
        ["Monday:Mapping:Attributes:1:Source"] = "preferredLanguage",
        ["Monday:Mapping:Attributes:1:Transform"] = "Lookup",
        ["Monday:Mapping:Attributes:1:Table:de-DE"] = "de",
        ["Monday:Mapping:Attributes:1:Table:fr-FR"] = "fr",
        ["Monday:Mapping:Attributes:1:Value"] = "en",
        ["Monday:Mapping:Attributes:2:Target"] = "timezone",
        ["Monday:Mapping:Attributes:2:Transform"] = "Constant",
        ["Monday:Mapping:Attributes:2:Value"] = "Europe/Berlin",
        ["Push:Enabled"] = "false",
        ["Push:Deprovision"] = "DeleteAfterRetention",
        ["Push:DeleteRetention"] = "1.00:00:00",
        ["Push:RetryBase"] = "00:00:05",
        ["Push:RetryMax"] = "00:10:00",
        ["Push:DeletionGuard:MaxPerHour"] = "1",
    };

    [Fact]
    public async Task MappingPage_ShowsEachRuleWithItsValues()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, Settings);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/admin/mapping"));

        Assert.Contains("<tr><td>Freelancer</td><td>guest</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td><em>anything else, or none</em></td><td>viewer</td></tr>", html, StringComparison.Ordinal);
        Assert.Contains("""<tr><td class="num">1</td><td>admin</td><td>admin</td></tr>""", html, StringComparison.Ordinal);
        Assert.Contains("""<tr><td class="num">4</td><td>guest</td><td>guest</td></tr>""", html, StringComparison.Ordinal);
        Assert.Contains("<td>SCIM userName, lower-cased</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>SCIM preferredLanguage, looked up in its table; “en” for a value not in it</td>", html, StringComparison.Ordinal);
        Assert.Contains("<li>de-DE → de</li>", html, StringComparison.Ordinal);
        Assert.Contains("<td>Always “Europe/Berlin”</td>", html, StringComparison.Ordinal);
        Assert.Contains("""<tr data-testid="rule-displayName"><td>displayName</td><td>Not sent: monday.com keeps its own value</td>""", html, StringComparison.Ordinal);
        Assert.Contains("Every SCIM group becomes a monday.com team with the group's displayName", html, StringComparison.Ordinal);
        Assert.Contains("Member users are added and removed 1 member at a time", html, StringComparison.Ordinal);
        Assert.Contains("a member still on its way is added 2 s later", html, StringComparison.Ordinal);
        Assert.Contains("<dd>Deactivate, then delete in monday.com after 1 day</dd>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>5 s, doubling up to 10 min</dd>", html, StringComparison.Ordinal);
        Assert.Contains("After 5 min, then 30 min, then 6 hours, then 12 hours, then 1 day (the last one repeats)", html, StringComparison.Ordinal);
        Assert.Contains("Holds disables and deletes beyond 1 disable or delete an hour or 20% of the linked users and teams (counted from 10 in the hour)", html, StringComparison.Ordinal);
        Assert.Contains("<dd>1,500 requests a minute</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("1.00:00:00", html, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task MappingPage_WhenRolesDoNotDecide_SaysSo_AndShowsNoRoleTable()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { ["Monday:Mapping:RolesDecideUserType"] = "false", ["Push:Enabled"] = "false" });
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync("/admin/mapping"));

        Assert.Contains("No: only userType decides; SCIM roles are not read", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"roles\"", html, StringComparison.Ordinal);
        Assert.Contains("<td>The first non-empty of SCIM displayName, name.formatted, userName</td>", html, StringComparison.Ordinal);
        Assert.Contains("<td>SCIM locale, as it is</td>", html, StringComparison.Ordinal);
        Assert.Contains("<dd>Deactivate in monday.com (the user is kept and can come back)</dd>", html, StringComparison.Ordinal);
    }
}
