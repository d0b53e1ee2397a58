using System.Text;
using System.Text.Json.Nodes;

namespace ScimBridge.MondaySim.Tests;

/// <summary>What licence reclamation meets in monday's user mutations: the token's own user, the last admin, the record of calls.</summary>
public sealed class ReclaimMutationTests : SimTest
{
    private async Task<JsonNode> Gql(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2");
        request.Headers.TryAddWithoutValidation("Authorization", "api-secret");
        request.Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task TheTokensOwnUser_CannotUpdateSelf_OthersChange()
    {
        var me = State.SeedUser("me@example.com", "Me", "admin");
        var other = State.SeedUser("other@example.com", "Other", "admin");
        State.TokenUserId = me.Id;

        var reply = await Gql($$"""mutation { update_users_role(user_ids: [{{me.Id}}, {{other.Id}}], new_role: VIEW_ONLY) { updated_users { id } errors { message code user_id } } }""");

        var result = reply["data"]!["update_users_role"]!;
        Assert.Equal($$"""[{"id":"{{other.Id}}"}]""", result["updated_users"]!.ToJsonString());
        Assert.Equal(("CANNOT_UPDATE_SELF", me.Id), ((string)result["errors"]![0]!["code"]!, (string)result["errors"]![0]!["user_id"]!));
        Assert.Equal("admin", State.FindUser(me.Id)!.UserType);
        Assert.Equal("viewer", State.FindUser(other.Id)!.UserType);
    }

    [Theory]
    [InlineData("deactivate_users(user_ids: [IDS]) { deactivated_users { id } errors { message code user_id } }", "deactivate_users")]
    [InlineData("update_users_role(user_ids: [IDS], new_role: MEMBER) { updated_users { id } errors { message code user_id } }", "update_users_role")]
    public async Task TheLastAdmin_IsKept_TheOtherAdminChanges(string mutation, string field)
    {
        var first = State.SeedUser("a1@example.com", "A1", "admin");
        var second = State.SeedUser("a2@example.com", "A2", "admin");

        var reply = await Gql($"mutation {{ {mutation.Replace("IDS", $"{first.Id}, {second.Id}", StringComparison.Ordinal)} }}");

        var errors = reply["data"]![field]!["errors"]!.AsArray();
        var error = Assert.Single(errors);
        Assert.Equal(("FAILED", second.Id), ((string)error!["code"]!, (string)error["user_id"]!));
        Assert.Contains("last admin", (string)error["message"]!, StringComparison.Ordinal);
        var kept = State.FindUser(second.Id)!;
        Assert.Equal((true, "admin"), (kept.Active, kept.UserType));
        Assert.Equal([first.Id, second.Id], Assert.Single(State.Mutations).UserIds);
    }

    [Fact]
    public async Task LastAdminProtection_SwitchedOff_TheLastAdminIsDeactivated()
    {
        var only = State.SeedUser("a1@example.com", "A1", "admin");
        State.ProtectLastAdmin = false;

        var reply = await Gql($$"""mutation { deactivate_users(user_ids: [{{only.Id}}]) { deactivated_users { id } errors { code } } }""");

        Assert.Equal("[]", reply["data"]!["deactivate_users"]!["errors"]!.ToJsonString());
        Assert.False(State.FindUser(only.Id)!.Active);
    }
}
