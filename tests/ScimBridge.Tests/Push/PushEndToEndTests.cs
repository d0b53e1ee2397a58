using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Tests.Infrastructure;

namespace ScimBridge.Tests.Push;

public sealed class PushEndToEndTests
{
    [Theory, AllDatabases]
    public async Task Create_ArrivesMapped_LinkedAndLogged(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var body = PushHarness.User("Ada.Lovelace@Example.com", "Ada Lovelace", userType: "Employee", title: "Engineer");
        body["locale"] = "en-GB";
        body["timezone"] = "Europe/London";
        Assert.NotEqual("localhost", h.Bridge.Scim.BaseAddress!.Host);
        var created = await h.Bridge.PostAsync("/scim/v2/Users", body);
        created.AssertStatus(HttpStatusCode.Created);
        var id = created.String("id")!;

        var user = await h.WaitForAsync(() => h.SimUserByName("ada.lovelace@example.com"), "the user in monday.com");
        Assert.Equal("ada.lovelace@example.com", user.UserName);
        Assert.Equal("Ada Lovelace", user.DisplayName);
        Assert.Equal("member", user.UserType);
        Assert.Equal("Engineer", user.Title);
        Assert.Equal("en-GB", user.Locale);
        Assert.Equal("Europe/London", user.Timezone);
        Assert.True(user.Active);
        Assert.True(user.ScimProvisioned);

        var changes = await h.WaitSettledAsync();
        var change = Assert.Single(changes);
        Assert.Equal(PushStatuses.Pushed, change.PushStatus);
        Assert.NotNull(change.PushedAt);
        var state = await h.StateAsync(ResourceKinds.User, id);
        Assert.Equal(user.Id, state!.MondayId);
        var calls = await h.Bridge.DbAsync(db => db.OutboundCalls.AsNoTracking().Where(c => c.ResourceId == id).ToListAsync());
        var post = Assert.Single(calls);
        Assert.Equal(("POST", 201, change.Id), (post.Method, post.Status, post.ChangeId));
        Assert.EndsWith("/scim/v2/Users", post.Path, StringComparison.Ordinal);
        Assert.DoesNotContain("ada", post.Excerpt ?? "", StringComparison.OrdinalIgnoreCase);
    }
}
