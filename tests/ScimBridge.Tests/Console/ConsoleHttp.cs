using System.Text.RegularExpressions;
using ScimBridge.Admin;

namespace ScimBridge.Tests.Console;

/// <summary>The console over plain HTTP, as a browser without script would use it: a cookie jar, forms and their antiforgery field.</summary>
public static partial class ConsoleHttp
{
    public const string Password = "correct horse battery staple";

    public static Task<AdminAccountInfo> CreateAdminAsync(this ScimApp app, string name = "alice", string password = Password) =>
        app.WithScopeAsync(s => s.GetRequiredService<AdminAccounts>().CreateAsync(name, password, CancellationToken.None));

    /// <summary>Recent failed sign-ins to an account from one address (192.0.2.1), locked until the given time if any.</summary>
    public static Task<int> SeedSignInFailuresAsync(this ScimApp app, string name, int attempts, DateTimeOffset? lockedUntil = null) =>
        app.DbAsync(async db =>
        {
            var normalized = AdminAccounts.Normalize(name);
            var account = await db.AdminAccounts.SingleAsync(a => a.UserNameNormalized == normalized);
            db.AdminSignInFailures.Add(new AdminSignInFailureRecord
            {
                AccountId = account.Id,
                Address = "192.0.2.1",
                FailedAttempts = attempts,
                LastFailedAt = DateTimeOffset.UtcNow,
                LockedUntil = lockedUntil,
            });
            return await db.SaveChangesAsync();
        });

    /// <summary>A client with its own cookie jar and no bearer token, not following redirects.</summary>
    public static HttpClient Browser(this ScimApp app) => app.CreateScimClient(null);

    /// <summary>A browser whose requests come through a proxy that says the client is <paramref name="address"/> (X-Forwarded-For).</summary>
    public static HttpClient BrowserFrom(this ScimApp app, string address)
    {
        var client = app.CreateScimClient(null);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    /// <summary>The antiforgery field of the first form on the page.</summary>
    public static async Task<string> AntiforgeryTokenAsync(this HttpClient client, string page)
    {
        var html = await client.GetStringAsync(page);
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, $"No antiforgery field on {page}: {html}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string path, IDictionary<string, string> fields, string? tokenFrom = null)
    {
        var form = new Dictionary<string, string>(fields);
        if (tokenFrom is not null)
        {
            form["__RequestVerificationToken"] = await client.AntiforgeryTokenAsync(tokenFrom);
        }

        return await client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    /// <summary>
    /// Post/Redirect/Get: a form that changed something is answered with a redirect; this follows it and returns the
    /// page it leads to (HTML-decoded), where the outcome is shown once.
    /// </summary>
    public static async Task<string> FollowAsync(this HttpClient client, HttpResponseMessage posted)
    {
        Assert.True(posted.StatusCode == HttpStatusCode.Redirect, $"{(int)posted.StatusCode} instead of a redirect: {await posted.Content.ReadAsStringAsync()}");
        using var page = await client.GetAsync(posted.Headers.Location);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET {posted.Headers.Location}: {(int)page.StatusCode} {html}");
        return WebUtility.HtmlDecode(html);
    }

    public static Task<HttpResponseMessage> SignInAsync(this HttpClient client, string user = "alice", string password = Password, string? returnUrl = null)
    {
        var path = returnUrl is null ? "/admin/login" : $"/admin/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        return client.PostFormAsync(path, new Dictionary<string, string> { ["username"] = user, ["password"] = password }, tokenFrom: "/admin/login");
    }

    [GeneratedRegex("""name="__RequestVerificationToken" type="hidden" value="([^"]+)" """)]
    private static partial Regex AntiforgeryField();
}
