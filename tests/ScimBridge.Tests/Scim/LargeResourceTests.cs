using ScimBridge.Scim;
using ScimBridge.ScimProtocol.Patch;

namespace ScimBridge.Tests.Scim;

/// <summary>Large resources cost what their size says, and no more: list pages are bounded in bytes, abandoned work stops.</summary>
public sealed class LargeResourceTests
{
    // About 30 KB of stored data per user: two fit in the smallest budget (64 KiB), three do not.
    private static readonly string Large = new('x', 15_000);

    private static readonly Dictionary<string, string?> SmallBudget = new() { ["Scim:MaxResponseBytes"] = "65536" };

    [Theory, AllDatabases]
    public async Task ListOfLargeUsers_StopsAtTheResponseBudget_AndPagesOnWithCorrectCounts(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, SmallBudget);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateLargeUserAsync(app, i));
        }

        var seen = new List<string>();
        var pages = new List<int>();
        for (var start = 1; start <= 5;)
        {
            var page = await app.GetAsync($"/scim/v2/Users?startIndex={start}&count=100");
            page.AssertStatus(HttpStatusCode.OK);
            var items = page.Object["Resources"]!.AsArray();
            Assert.Equal(5, page.Object["totalResults"]!.GetValue<int>());
            Assert.Equal(start, page.Object["startIndex"]!.GetValue<int>());
            Assert.Equal(items.Count, page.Object["itemsPerPage"]!.GetValue<int>());
            seen.AddRange(items.Select(u => u!["id"]!.GetValue<string>()));
            pages.Add(items.Count);
            start += items.Count;
        }

        Assert.Equal([2, 2, 1], pages);
        Assert.Equal(created.Order(), seen.Order());
    }

    [Theory, AllDatabases]
    public async Task RootSearch_UsersCutShortByTheBudget_DoesNotSkipToGroups(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, SmallBudget);
        for (var i = 0; i < 3; i++)
        {
            await CreateLargeUserAsync(app, i);
        }

        await app.CreateGroupAsync("Readers");

        var response = await app.PostAsync("/scim/v2/.search", new JsonObject { ["count"] = 10 });

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(4, response.Object["totalResults"]!.GetValue<int>());
        Assert.Equal(2, response.Object["itemsPerPage"]!.GetValue<int>());
        Assert.All(response.Object["Resources"]!.AsArray(), r => Assert.NotNull(r!["userName"]));
    }

    [Theory, AllDatabases]
    public async Task Patch_WithTheRequestAlreadyCancelled_ThrowsAndStoresNothing(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var id = await app.CreateUserAsync("alice@contoso.example");
        var before = await app.DbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.Data, u.Version }).SingleAsync());
        var changes = await app.DbAsync(db => db.Changes.CountAsync());
        var patch = PatchRequest.Parse(Bodies.Patch(Bodies.Op("replace", "title", "Changed")));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.WithScopeAsync(s =>
            s.GetRequiredService<UserService>().PatchAsync(id, patch, null, new ChangeActor("test", null), new CancellationToken(canceled: true))));

        Assert.Equal(before, await app.DbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => new { u.Data, u.Version }).SingleAsync()));
        Assert.Equal(changes, await app.DbAsync(db => db.Changes.CountAsync()));
    }

    private static async Task<string> CreateLargeUserAsync(ScimApp app, int index)
    {
        var body = Bodies.User($"large{index}@contoso.example", $"{index} {Large}");
        body["title"] = Large;
        var response = await app.PostAsync("/scim/v2/Users", body);
        response.AssertStatus(HttpStatusCode.Created);
        return response.String("id")!;
    }
}
