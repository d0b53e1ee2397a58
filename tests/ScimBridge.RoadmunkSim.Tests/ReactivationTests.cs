namespace ScimBridge.RoadmunkSim.Tests;

/// <summary>Roadmunk documents no reactivation: inviting a deactivated user reactivates it, or not (<c>--invite-reactivates</c>).</summary>
public sealed class ReactivationTests : SimTest
{
    [Fact]
    public async Task InviteUser_DeactivatedUser_ReactivatedWithTheAskedRole()
    {
        await Seed("""{"email":"old@example.com","accountRole":"reviewer"}""");
        await Query("""mutation { deactivateUser(deactivateUserInput: { email: "old@example.com" }) }""");
        Assert.False(State.Users[0].Active);

        var reply = await Query("""mutation { inviteUser(email: "OLD@example.com", accountRole: collaborator) { id email } }""");

        Assert.Null(reply.ErrorCode);
        var user = Assert.Single(State.Users);
        Assert.Equal((true, "collaborator", false), (user.Active, user.AccountRole, user.IsInvited));
    }

    [Fact]
    public async Task InviteUser_ActiveUser_StillAlreadyExists()
    {
        await Seed("""{"email":"old@example.com","accountRole":"reviewer"}""");

        var reply = await Query("""mutation { inviteUser(email: "old@example.com", accountRole: collaborator) { id } }""");

        Assert.Equal("ALREADY_EXISTS", reply.ErrorCode);
        Assert.Equal("reviewer", State.Users[0].AccountRole);
    }
}

/// <summary>With <c>--invite-reactivates false</c> a deactivated user is refused as any existing one.</summary>
public sealed class NoReactivationTests : SimTest
{
    protected override string[] ExtraArgs => ["--invite-reactivates", "false"];

    [Fact]
    public async Task InviteUser_DeactivatedUser_AlreadyExists_StaysDeactivated()
    {
        await Seed("""{"email":"old@example.com","accountRole":"reviewer"}""");
        await Query("""mutation { deactivateUser(deactivateUserInput: { email: "old@example.com" }) }""");

        var reply = await Query("""mutation { inviteUser(email: "old@example.com", accountRole: collaborator) { id } }""");

        Assert.Equal("ALREADY_EXISTS", reply.ErrorCode);
        Assert.Contains("A user with this email already exists.", reply.ErrorMessage, StringComparison.Ordinal);
        Assert.False(State.Users[0].Active);
    }
}
