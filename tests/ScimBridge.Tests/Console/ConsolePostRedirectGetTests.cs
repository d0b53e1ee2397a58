namespace ScimBridge.Tests.Console;

/// <summary>
/// Every console form that changes something answers with a redirect (Post/Redirect/Get): the outcome shows once on
/// the page it leads to, and reloading that page neither repeats the change nor shows the outcome again.
/// </summary>
public sealed class ConsolePostRedirectGetTests
{
    private static readonly Dictionary<string, string> NoFields = [];

    [Theory, AllDatabases]
    public async Task CreatingAToken_Redirects_ShowsTheSecretOnce_AndAReloadCreatesNoOther(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        using var created = await browser.PostFormAsync("/admin/tokens", new Dictionary<string, string> { ["name"] = "okta", ["scope"] = "scim" }, tokenFrom: "/admin/tokens");
        Assert.Equal("/admin/tokens", created.Headers.Location?.OriginalString);
        var shown = await browser.FollowAsync(created);
        Assert.Contains("data-testid=\"token-value\">scb_", shown, StringComparison.Ordinal);

        var reloaded = await browser.GetStringAsync("/admin/tokens");
        Assert.DoesNotContain("data-testid=\"token-value\"", reloaded, StringComparison.Ordinal);
        Assert.Equal(1, await app.DbAsync(db => db.ScimTokens.CountAsync(t => t.Name == "okta")));
    }

    [Theory, AllDatabases]
    public async Task ReclamationAndSubscriptionForms_Redirect_AndTheirOutcomeShowsOnce(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        using var bulk = await browser.PostFormAsync("/admin/reclamation?handler=Bulk&state=ready",
            new Dictionary<string, string> { ["command"] = "skip", ["ids"] = "987654" }, tokenFrom: "/admin/reclamation");
        Assert.Equal("/admin/reclamation?state=ready", bulk.Headers.Location?.OriginalString);
        var done = await browser.FollowAsync(bulk);
        Assert.Contains("data-testid=\"done\"", done, StringComparison.Ordinal);
        Assert.Contains("#987654", done, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"done\"", await browser.GetStringAsync("/admin/reclamation?state=ready"), StringComparison.Ordinal);

        using var evaluate = await browser.PostFormAsync("/admin/reclamation/rules?handler=Evaluate", NoFields, tokenFrom: "/admin/reclamation/rules");
        Assert.Contains("data-testid=\"evaluation\"", await browser.FollowAsync(evaluate), StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"evaluation\"", await browser.GetStringAsync("/admin/reclamation/rules"), StringComparison.Ordinal);

        using var disconnect = await browser.PostFormAsync("/admin/subscriptions/connect?handler=Disconnect", NoFields, tokenFrom: "/admin/subscriptions/connect");
        Assert.Contains("nothing to disconnect", await browser.FollowAsync(disconnect), StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task HrForms_Redirect_AndTheirOutcomeShowsOnce(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        using var approveAll = await browser.PostFormAsync("/admin/hr/held?handler=ApproveAll", new Dictionary<string, string> { ["seen"] = "0" }, tokenFrom: "/admin/hr/held");
        Assert.Equal("/admin/hr/held", approveAll.Headers.Location?.OriginalString);
        Assert.Contains("Approved 0 held terminations.", await browser.FollowAsync(approveAll), StringComparison.Ordinal);
        Assert.DoesNotContain("Approved 0 held terminations.", await browser.GetStringAsync("/admin/hr/held"), StringComparison.Ordinal);

        // A refusal is not a change: the page comes again at once with the reason and the status.
        using var refused = await browser.PostFormAsync("/admin/hr?handler=Rescind", NoFields, tokenFrom: "/admin/hr");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }
}
