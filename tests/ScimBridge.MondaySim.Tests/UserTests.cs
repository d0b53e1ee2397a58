using System.Net;

namespace ScimBridge.MondaySim.Tests;

public sealed class UserTests : SimTest
{
    [Fact]
    public async Task Post_NewUser_CreatedWithMondayStyleIdAndStored()
    {
        var reply = await Post("/scim/v2/Users", """{"userName":"ada@example.com","displayName":"Ada Lovelace","userType":"member","title":"Engineer"}""");

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Equal("50000001", (string)reply.Body!["id"]!);
        var stored = State.FindUser("50000001")!;
        Assert.Equal("ada@example.com", stored.UserName);
        Assert.Equal("Engineer", stored.Title);
        Assert.True(stored.ScimProvisioned);
        Assert.True(stored.Active);
    }

    [Fact]
    public async Task Get_KnownAndUnknownId()
    {
        var id = await CreateUser("ada@example.com", "Ada");

        var found = await Get($"/scim/v2/Users/{id}");
        var missing = await Get("/scim/v2/Users/123");

        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Equal("Ada", (string)found.Body!["displayName"]!);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("404", (string)missing.Body!["status"]!);
    }

    [Fact]
    public async Task List_FilterOnUserName_IsCaseInsensitive()
    {
        await CreateUser("ada@example.com");
        var grace = await CreateUser("grace@example.com");

        var reply = await Get("/scim/v2/Users?filter=" + Uri.EscapeDataString("userName eq \"GRACE@example.com\""));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal([grace], reply.Ids);
    }

    [Fact]
    public async Task List_OtherFilters_InvalidFilter()
    {
        var reply = await Get("/scim/v2/Users?filter=" + Uri.EscapeDataString("displayName eq \"Ada\""));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalidFilter", reply.ScimType);
    }

    [Fact]
    public async Task List_Paging_RespectsStartIndexCountAndMaxPageSize()
    {
        State.MaxPageSize = 2;
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateUser($"user{i}@example.com"));
        }

        var second = await Get("/scim/v2/Users?startIndex=2&count=2");
        var clamped = await Get("/scim/v2/Users?count=50");

        Assert.Equal(5, second.Total);
        Assert.Equal(ids[1..3], second.Ids);
        Assert.Equal(ids[..2], clamped.Ids);
    }

    [Fact]
    public async Task List_SeededUsers_OnlyWithScimProvisionedOnlyFalse()
    {
        var provisioned = await CreateUser("ada@example.com");
        var seeded = State.SeedUser("boss@example.com", "The Boss", "admin");

        var defaultList = await Get("/scim/v2/Users");
        var everyone = await Get("/scim/v2/Users?scim_provisioned_only=false");

        Assert.Equal([provisioned], defaultList.Ids);
        Assert.Equal(new[] { seeded.Id, provisioned }.Order(), everyone.Ids.Order());
    }

    [Theory]
    [InlineData("""{"userName":"Ada@Example.com","displayName":"Ada"}""")]
    [InlineData("""{"userName":"not-an-email","displayName":"Ada"}""")]
    [InlineData("""{"displayName":"Ada"}""")]
    [InlineData("""{"userName":"ada@example.com","displayName":"Ada","userType":"Member"}""")]
    [InlineData("""{"userName":"ada@example.com","displayName":"Ada","userType":"Employee"}""")]
    [InlineData("""{"userName":"ada@example.com"}""")]
    [InlineData("""{"userName":"ada@example.com","displayName":"<Ada>"}""")]
    [InlineData("""{"userName":"ada@example.com","displayName":"Ada\u0007"}""")]
    public async Task Post_InvalidUser_BadRequestAndNothingStored(string body)
    {
        var reply = await Post("/scim/v2/Users", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("invalidValue", reply.ScimType);
        Assert.Empty(State.Users);
    }

    [Fact]
    public async Task Post_ExistingUserNameAnyCase_Conflict()
    {
        State.SeedUser("ada@example.com", "Ada");

        var reply = await Post("/scim/v2/Users", """{"userName":"ada@example.com","displayName":"Ada Again"}""");

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal("uniqueness", reply.ScimType);
        Assert.Single(State.Users);
    }

    [Fact]
    public async Task Patch_PathedOps_CaseInsensitiveOpNames()
    {
        var id = await CreateUser("ada@example.com");

        var reply = await Patch($"/scim/v2/Users/{id}", """
            {"Operations":[
              {"op":"Replace","path":"displayName","value":"Ada L."},
              {"op":"ADD","path":"title","value":"CTO"},
              {"op":"replace","path":"userType","value":"admin"},
              {"op":"replace","path":"roles","value":[{"value":"owner"}]}
            ]}
            """);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var stored = State.FindUser(id)!;
        Assert.Equal(("Ada L.", "CTO", "admin"), (stored.DisplayName, stored.Title, stored.UserType));
        Assert.Equal("owner", (string)stored.Roles![0]!["value"]!);
    }

    [Fact]
    public async Task Patch_PathLessValueObject_DemotesToViewer()
    {
        var id = await CreateUser("ada@example.com");

        var reply = await Patch($"/scim/v2/Users/{id}", """{"Operations":[{"op":"replace","value":{"userType":"viewer"}}]}""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("viewer", (string)reply.Body!["userType"]!);
        Assert.Equal("viewer", State.FindUser(id)!.UserType);
    }

    [Fact]
    public async Task Patch_ActiveFalse_DeactivatesAndKeepsTheUser()
    {
        var id = await CreateUser("ada@example.com");

        var reply = await Patch($"/scim/v2/Users/{id}", """{"Operations":[{"op":"replace","path":"active","value":false}]}""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(State.FindUser(id)!.Active);
        Assert.False((bool)(await Get($"/scim/v2/Users/{id}")).Body!["active"]!);
    }

    [Fact]
    public async Task Patch_InvalidUserType_BadRequestAndUnchanged()
    {
        var id = await CreateUser("ada@example.com");

        var reply = await Patch($"/scim/v2/Users/{id}", """{"Operations":[{"op":"replace","path":"userType","value":"Guest"}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("member", State.FindUser(id)!.UserType);
    }

    [Fact]
    public async Task Put_ReplacesAttributes()
    {
        var id = await CreateUser("ada@example.com");

        var reply = await Put($"/scim/v2/Users/{id}", """{"userName":"ada.l@example.com","displayName":"Ada L","userType":"guest"}""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var stored = State.FindUser(id)!;
        Assert.Equal(("ada.l@example.com", "guest"), (stored.UserName, stored.UserType));
    }

    [Fact]
    public async Task Delete_ByDefault_Deactivates()
    {
        var id = await CreateUser("ada@example.com");

        var reply = await Delete($"/scim/v2/Users/{id}");

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.False(State.FindUser(id)!.Active);
    }

    [Fact]
    public async Task Delete_WhenDeleteBehaviorDelete_RemovesUserAndMemberships()
    {
        State.DeleteBehavior = DeleteBehavior.Delete;
        var id = await CreateUser("ada@example.com");
        var team = await CreateGroup("Team");
        await Patch($"/scim/v2/Groups/{team}", $$"""{"Operations":[{"op":"add","path":"members","value":[{"value":"{{id}}"}]}]}""");

        var reply = await Delete($"/scim/v2/Users/{id}");

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Null(State.FindUser(id));
        Assert.Empty(State.FindGroup(team)!.Members);
    }

    [Theory]
    [InlineData(DeleteBehavior.NotAllowed, HttpStatusCode.MethodNotAllowed)]
    [InlineData(DeleteBehavior.NotImplemented, HttpStatusCode.NotImplemented)]
    public async Task Delete_WhenNotSupported_ErrorAndUserUnchanged(DeleteBehavior behavior, HttpStatusCode expected)
    {
        State.DeleteBehavior = behavior;
        var id = await CreateUser("ada@example.com");

        var reply = await Delete($"/scim/v2/Users/{id}");

        Assert.Equal(expected, reply.Status);
        Assert.True(State.FindUser(id)!.Active);
    }

    [Fact]
    public async Task Requests_AreRecorded()
    {
        await CreateUser("ada@example.com");
        await Post("/scim/v2/Users", """{"userName":"ada@example.com","displayName":"Ada"}""");

        var posts = State.RequestsSnapshot().Where(r => r.Method == "POST" && r.Path == "/scim/v2/Users").ToList();

        Assert.Equal([201, 409], posts.Select(r => r.Status));
    }
}
