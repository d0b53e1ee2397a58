using ScimBridge.Push;
using ScimBridge.Tests.Push;

namespace ScimBridge.Tests.Console;

/// <summary>The entry page's member names and the user and group pages, over HTTP on both databases.</summary>
public sealed class LogEntryPageTests
{
    [Theory, AllDatabases]
    public async Task MembershipEntry_NamesMembers_EvenOnesDeletedSince_AndTheTimelinePagesShowBothSides(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var ada = await h.Bridge.CreateUserAsync("ada@example.com", "Ada Lovelace");
        var grace = await h.Bridge.CreateUserAsync("grace@example.com", "Grace Hopper");
        await h.WaitSettledAsync();
        var team = await h.Bridge.CreateGroupAsync("Engineers", ada, grace);
        await h.WaitSettledAsync();
        var removed = await h.Bridge.PatchAsync($"/scim/v2/Groups/{team}", Bodies.Patch(Bodies.Op("remove", $"members[value eq \"{grace}\"]", null)));
        Assert.Contains(removed.Status, new[] { HttpStatusCode.OK, HttpStatusCode.NoContent });
        await h.WaitSettledAsync();
        (await h.Bridge.DeleteAsync($"/scim/v2/Users/{grace}")).AssertStatus(HttpStatusCode.NoContent);
        await h.WaitSettledAsync();
        var removal = await h.Bridge.DbAsync(db => db.LogEntries.Where(e => e.SourceId == team && e.ModifiedProperties.Contains("members (removed)")).Select(e => e.Id).SingleAsync());
        await h.Bridge.CreateAdminAsync();
        using var browser = h.Bridge.Browser();
        await browser.SignInAsync();

        var entry = WebUtility.HtmlDecode(await PageAsync(browser, $"/admin/logs/{removal}"));
        Assert.Contains($"<a href=\"/admin/users/{grace}\">grace@example.com</a> <code>{grace}</code>", entry, StringComparison.Ordinal);
        Assert.Contains($"href=\"/admin/groups/{team}\"", entry, StringComparison.Ordinal);

        var user = WebUtility.HtmlDecode(await PageAsync(browser, $"/admin/users/{grace}"));
        Assert.Contains("Deleted: only its history is left.", user, StringComparison.Ordinal);
        Assert.Matches(@"data-kind=""received""[\s\S]*?>\s*Delete\s*<", user);
        var group = WebUtility.HtmlDecode(await PageAsync(browser, $"/admin/groups/{team}"));
        Assert.Contains("Engineers", group, StringComparison.Ordinal);
        Assert.Contains($"/admin/logs/{removal}\">{LogActions.GroupMembership}<", group, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/admin/users/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/admin/groups/{ada}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/admin/users/{new string('x', 300)}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync($"/admin/users/{ada}?cursor=%00")).StatusCode);
    }

    private static async Task<string> PageAsync(HttpClient browser, string path)
    {
        using var response = await browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        return html;
    }
}
