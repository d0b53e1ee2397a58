using System.Net;
using System.Text.Json.Nodes;

namespace ScimBridge.RoadmunkSim.Tests;

public sealed class MutationTests : SimTest
{
    [Fact]
    public async Task DeactivateUser_ById_TurnsTheSeatOff()
    {
        var ids = await SeedMany(2);

        var reply = await Query($$"""mutation { deactivateUser(deactivateUserInput: { id: "{{ids[0]}}" }) }""");

        Assert.True((bool)reply.Data!["deactivateUser"]!);
        Assert.False(State.Users[0].Active);
        Assert.True(State.Users[1].Active);
    }

    [Fact]
    public async Task DeactivateUser_ByEmailInAVariable_TurnsTheSeatOff()
    {
        await SeedMany(1);

        var reply = await Query("mutation($input: DeactivateUserInput!) { deactivateUser(deactivateUserInput: $input) }",
            new JsonObject { ["input"] = new JsonObject { ["email"] = "USER1@example.com" } });

        Assert.True((bool)reply.Data!["deactivateUser"]!);
        Assert.False(State.Users[0].Active);
    }

    [Theory]
    [InlineData("""{ id: "000000000000000000000099" }""", "NOT_FOUND")]
    [InlineData("""{ email: "nobody@example.com" }""", "NOT_FOUND")]
    [InlineData("{ }", "BAD_USER_INPUT")]
    public async Task DeactivateUser_UnknownUser_ErrorAt200AndNothingChanges(string input, string code)
    {
        await SeedMany(1);

        var reply = await Query($"mutation {{ deactivateUser(deactivateUserInput: {input}) }}");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(code, reply.ErrorCode);
        Assert.True(State.Users[0].Active);
    }

    [Fact]
    public async Task DeactivateUser_SupportRole_Forbidden()
    {
        await Seed("""{"email":"support@roadmunk.example","accountRole":"support_admin"}""");

        var reply = await Query("""mutation { deactivateUser(deactivateUserInput: { email: "support@roadmunk.example" }) }""");

        Assert.Equal("FORBIDDEN", reply.ErrorCode);
        Assert.True(State.Users[0].Active);
    }

    [Fact]
    public async Task InviteUser_NewReviewer_ListedAsInvitedWithoutLastLogin()
    {
        var reply = await Query("""mutation { inviteUser(email: "new@example.com", accountRole: reviewer, firstName: "New", lastName: "Person") { id email isInvited } }""");

        Assert.True((bool)reply.Data!["inviteUser"]!["isInvited"]!);
        var listed = await Query("{ users(limit: 10, offset: 0) { page { email displayName accountRole lastLogin isInvited } } }");
        var user = listed.Data!["users"]!["page"]![0]!;
        Assert.Equal("New Person", (string)user["displayName"]!);
        Assert.Equal("reviewer", (string)user["accountRole"]!);
        Assert.Null(user["lastLogin"]);
    }

    [Fact]
    public async Task InviteUser_SwitchedToReturnBoolean_TrueAndASelectionIsRefused()
    {
        await Post("/_sim/faults", """{"inviteReturns":"Boolean"}""");

        var withSelection = await Query("""mutation { inviteUser(email: "a@example.com", accountRole: reviewer) { id } }""");
        var plain = await Query("""mutation { inviteUser(email: "a@example.com", accountRole: reviewer) }""");

        Assert.Equal("GRAPHQL_VALIDATION_FAILED", withSelection.ErrorCode);
        Assert.True((bool)plain.Data!["inviteUser"]!);
        Assert.True(Assert.Single(State.Users).IsInvited);
    }

    [Theory]
    [InlineData("account_admin")]
    [InlineData("owner")]
    public async Task InviteUser_RoleOtherThanCollaboratorOrReviewer_BadUserInput(string role)
    {
        var reply = await Query($$"""mutation { inviteUser(email: "new@example.com", accountRole: {{role}}) { id } }""");

        Assert.Equal("BAD_USER_INPUT", reply.ErrorCode);
        Assert.Empty(State.Users);
    }

    [Fact]
    public async Task InviteUser_AlreadyInvited_AlreadyExists()
    {
        await Seed("""{"email":"new@example.com","isInvited":true}""");

        var reply = await Query("""mutation { inviteUser(email: "NEW@example.com", accountRole: collaborator) { id } }""");

        Assert.Equal("ALREADY_EXISTS", reply.ErrorCode);
        Assert.Contains("already been invited", reply.ErrorMessage, StringComparison.Ordinal);
        Assert.Single(State.Users);
    }

    [Fact]
    public async Task InviteUser_UnknownFieldInSelection_NothingInvited()
    {
        var reply = await Query("""mutation { inviteUser(email: "new@example.com", accountRole: collaborator) { id seat } }""");

        Assert.Equal("GRAPHQL_VALIDATION_FAILED", reply.ErrorCode);
        Assert.Empty(State.Users);
    }
}
