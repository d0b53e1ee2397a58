using System.Net;

namespace ScimBridge.MondaySim.Tests;

public sealed class GroupTests : SimTest
{
    [Fact]
    public async Task Post_NewTeam_CreatedAndFoundByDisplayName()
    {
        var id = await CreateGroup("Engineering");

        var got = await Get($"/scim/v2/Groups/{id}");
        var filtered = await Get("/scim/v2/Groups?filter=" + Uri.EscapeDataString("displayName eq \"Engineering\""));

        Assert.Equal("Engineering", (string)got.Body!["displayName"]!);
        Assert.Equal([id], filtered.Ids);
    }

    [Fact]
    public async Task Post_DuplicateDisplayName_Conflict()
    {
        await CreateGroup("Engineering");

        var reply = await Post("/scim/v2/Groups", """{"displayName":"engineering"}""");

        Assert.Equal(HttpStatusCode.Conflict, reply.Status);
        Assert.Equal("uniqueness", reply.ScimType);
        Assert.Single(State.Groups);
    }

    [Fact]
    public async Task Post_DuplicateDisplayName_CreatedWhenTeamNamesNeedNotBeUnique()
    {
        State.UniqueTeamNames = false;
        var first = await CreateGroup("Engineering");

        var second = await CreateGroup("engineering");

        Assert.NotEqual(first, second);
        Assert.Equal(2, (await Get("/scim/v2/Groups?filter=" + Uri.EscapeDataString("displayName eq \"Engineering\""))).Ids.Count());
    }

    [Fact]
    public async Task Post_WithoutDisplayName_BadRequest()
    {
        var reply = await Post("/scim/v2/Groups", """{"members":[]}""");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
    }

    [Fact]
    public async Task Patch_Rename()
    {
        var id = await CreateGroup("Engineering");

        var reply = await Patch($"/scim/v2/Groups/{id}", """{"Operations":[{"op":"replace","path":"displayName","value":"R&D"}]}""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("R&D", State.FindGroup(id)!.DisplayName);
    }

    [Fact]
    public async Task Patch_AddAndRemoveMembers_BothRemoveForms()
    {
        var ada = await CreateUser("ada@example.com");
        var grace = await CreateUser("grace@example.com");
        var alan = await CreateUser("alan@example.com");
        var id = await CreateGroup("Engineering");

        var added = await Patch($"/scim/v2/Groups/{id}", $$"""
            {"Operations":[{"op":"Add","path":"members","value":[{"value":"{{ada}}"},{"value":"{{grace}}"},{"value":"{{alan}}"}]}]}
            """);
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Equal([ada, grace, alan], State.FindGroup(id)!.Members);

        var byValue = await Patch($"/scim/v2/Groups/{id}", $$"""
            {"Operations":[{"op":"remove","path":"members","value":[{"value":"{{ada}}"}]}]}
            """);
        Assert.Equal(HttpStatusCode.OK, byValue.Status);
        Assert.Equal([grace, alan], State.FindGroup(id)!.Members);

        var byFilter = await Patch($"/scim/v2/Groups/{id}", $$"""
            {"Operations":[{"op":"Remove","path":"members[value eq \"{{grace}}\"]"}]}
            """);
        Assert.Equal(HttpStatusCode.OK, byFilter.Status);
        Assert.Equal([alan], State.FindGroup(id)!.Members);
    }

    [Fact]
    public async Task Patch_UnknownMember_BadRequestAndUnchanged()
    {
        var id = await CreateGroup("Engineering");

        var reply = await Patch($"/scim/v2/Groups/{id}", """{"Operations":[{"op":"add","path":"members","value":[{"value":"424242"}]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("424242", (string)reply.Body!["detail"]!, StringComparison.Ordinal);
        Assert.Empty(State.FindGroup(id)!.Members);
    }

    [Fact]
    public async Task Delete_RemovesTheTeam()
    {
        var id = await CreateGroup("Engineering");

        var reply = await Delete($"/scim/v2/Groups/{id}");

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Null(State.FindGroup(id));
        Assert.Equal(HttpStatusCode.NotFound, (await Get($"/scim/v2/Groups/{id}")).Status);
    }
}
