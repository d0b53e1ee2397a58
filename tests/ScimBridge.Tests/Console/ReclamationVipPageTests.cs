using ScimBridge.Mirror;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Console;

/// <summary>The VIP list on the Rules page: add, refuse nobody and duplicates, remove.</summary>
public sealed class ReclamationVipPageTests
{
    [Theory, AllDatabases]
    public async Task VipList_AddsKnownPeople_RefusesNobodyAndDuplicates_AndRemoves(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.SeatsAsync([MirrorSeed.Seat(MirrorApps.Monday, "m1", "ceo@example.com")]);
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();

        using var added = await browser.PostFormAsync("/admin/reclamation/rules?handler=AddVip",
            new Dictionary<string, string> { ["VipMatch"] = "CEO@example.com", ["VipNote"] = "board" }, tokenFrom: "/admin/reclamation/rules");
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var page = await SubscriptionsPageTests.GetPageAsync(browser, "/admin/reclamation/rules");
        Assert.Contains("CEO@example.com", page, StringComparison.Ordinal);
        Assert.Contains("board", page, StringComparison.Ordinal);

        using var nobody = await browser.PostFormAsync("/admin/reclamation/rules?handler=AddVip",
            new Dictionary<string, string> { ["VipMatch"] = "ghost@example.com" }, tokenFrom: "/admin/reclamation/rules");
        Assert.Equal(HttpStatusCode.BadRequest, nobody.StatusCode);
        Assert.Contains("ghost@example.com", WebUtility.HtmlDecode(await nobody.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var twice = await browser.PostFormAsync("/admin/reclamation/rules?handler=AddVip",
            new Dictionary<string, string> { ["VipMatch"] = "ceo@EXAMPLE.com" }, tokenFrom: "/admin/reclamation/rules");
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        var id = await app.DbAsync(db => db.ReclaimVips.Select(v => v.Id).SingleAsync());
        using var removed = await browser.PostFormAsync($"/admin/reclamation/rules?handler=RemoveVip&id={id}", new Dictionary<string, string>(), tokenFrom: "/admin/reclamation/rules");
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal(0, await app.DbAsync(db => db.ReclaimVips.CountAsync()));
    }
}
