namespace ScimBridge.Tests.Console;

/// <summary>Console pages that fail answer in the console's layout with a way back; the admin API, SCIM and HR keep their own errors.</summary>
public sealed class ConsoleErrorPagesTests
{
    [Theory, AllDatabases]
    public async Task ErrorsOfConsolePages_ShowInTheLayout_WithAWayBack_AndNoStackTrace(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        var missing = await PageAsync(browser.GetAsync("/admin/no-such-page"), HttpStatusCode.NotFound);
        Assert.Contains("<h1>Not found", missing, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/admin\">Go to the dashboard</a>", missing, StringComparison.Ordinal);
        Assert.Contains("Not found", await PageAsync(browser.GetAsync("/admin/logs/987654"), HttpStatusCode.NotFound), StringComparison.Ordinal);

        var forged = await PageAsync(browser.PostAsync("/admin/tokens", new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "x" })), HttpStatusCode.BadRequest);
        Assert.Contains("The form was not sent from this console", forged, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/admin/tokens\">Load that page again</a>", forged, StringComparison.Ordinal);

        Assert.Contains("<h1>Forbidden", await PageAsync(browser.GetAsync("/admin/error?status=403"), HttpStatusCode.Forbidden), StringComparison.Ordinal);

        await app.DbAsync(db => db.Database.ExecuteSqlRawAsync("DROP TABLE \"ScimTokens\""));
        var failed = await PageAsync(browser.GetAsync("/admin/tokens"), HttpStatusCode.InternalServerError);
        Assert.Contains("Something went wrong", failed, StringComparison.Ordinal);
        Assert.Contains("Go to the dashboard", failed, StringComparison.Ordinal);
        foreach (var leak in new[] { "Exception", "ScimTokens", " at ScimBridge", "StackTrace", ".cs:line" })
        {
            Assert.DoesNotContain(leak, failed, StringComparison.Ordinal);
        }

        using var anonymous = app.Browser();
        var signedOut = await PageAsync(anonymous.GetAsync("/admin/no-such-page"), HttpStatusCode.NotFound);
        Assert.Contains("<a href=\"/admin/login\">Sign in</a>", signedOut, StringComparison.Ordinal);
        Assert.DoesNotContain("Sign out", signedOut, StringComparison.Ordinal);

        // Only console pages: the admin API answers ProblemDetails and SCIM its own errors.
        using var api = await browser.GetAsync("/admin/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.DoesNotContain("<header", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var scim = await anonymous.GetAsync("/scim/v2/NoSuchThing");
        Assert.DoesNotContain("<header", await scim.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task ProgressPage_WithoutParameters_SaysWhatItIsFor(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        var page = await PageAsync(browser.GetAsync("/admin/progress"), HttpStatusCode.OK);
        Assert.Contains("This page follows work you start from the console", page, StringComparison.Ordinal);
        Assert.DoesNotContain("form was not sent", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("cannot be read", await PageAsync(browser.GetAsync("/admin/progress?since=yesterday"), HttpStatusCode.BadRequest), StringComparison.Ordinal);
    }

    /// <summary>The page, checked to be a console page (the layout, its stylesheet and the skip link) with the status given.</summary>
    internal static async Task<string> PageAsync(Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        using var response = await request;
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} instead of {(int)status}: {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<header class=\"top\">", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/admin/console.css\"", html, StringComparison.Ordinal);
        Assert.Contains("Skip to content", html, StringComparison.Ordinal);
        return html;
    }
}
