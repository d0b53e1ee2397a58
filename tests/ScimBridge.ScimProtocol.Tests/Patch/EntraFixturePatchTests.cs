using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Tests.Resources;
using static ScimBridge.ScimProtocol.Tests.Resources.TestResources;

namespace ScimBridge.ScimProtocol.Tests.Patch;

/// <summary>
/// Every PATCH body in tests/TestData/entra, applied to a realistic user or group, with the whole resulting
/// resource asserted. The expectation is written as a JSON merge patch on the starting resource.
/// </summary>
public class EntraFixturePatchTests
{
    private const string WorkEmailIs = """{ "value": "{0}", "type": "work", "primary": true }""";

    /// <summary>fixture id → (starting resource, expected changes to it).</summary>
    private static readonly Dictionary<string, (Func<JsonObject> Start, string Expected)> Expectations = new()
    {
        ["Update user, multi-valued (filtered path)"] = (User, $$"""
            { "emails": [{{Work("updatedEmail@microsoft.com")}}, {{HomeEmail}}], "name": { "familyName": "updatedFamilyName" } }
            """),
        ["Update user, single-valued"] = (User, """{ "userName": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" }"""),
        ["Disable user (tutorial form: capitalised op, JSON boolean)"] = (User, """{ "active": false }"""),
        ["Add/replace manager (reference attribute)"] = (User, $$"""
            { "{{Enterprise}}": { "manager": {
                "value": "00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
                "$ref": "http://.../scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee" } } }
            """),
        ["Update group, non-member attribute"] = (() => Group(), """{ "displayName": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName" }"""),
        ["Update group, add members"] = (() => Group(), $$"""{ "members": [{{GroupMembers}}, { "value": "f648f8d5ea4e4cd38e9c" }] }"""),
        ["Update group, remove members (value array, not a filter)"] = (() => Group("f648f8d5ea4e4cd38e9c"), $$"""{ "members": [{{GroupMembers}}] }"""),
        ["Disable user WITHOUT aadOptscim062020 (string boolean)"] = (User, """{ "active": false }"""),
        ["Disable user WITH aadOptscim062020"] = (User, """{ "active": false }"""),
        ["Add single-value string WITHOUT flag"] = (User, """{ "nickName": "Babs" }"""),
        ["Add single-value string WITH flag"] = (User, """{ "nickName": "Babs" }"""),
        ["Replace several attributes WITHOUT flag (one op per path, extension URN path)"] = (User, $$"""
            {
              "displayName": "Pvlo",
              "emails": [{{Work("TestBcwqnm@test.microsoft.com")}}, {{HomeEmail}}],
              "name": { "givenName": "Gtfd", "familyName": "Pkqf" },
              "externalId": "Eqpj",
              "{{Enterprise}}": { "employeeNumber": "Eqpj" }
            }
            """),
        ["Replace several attributes WITH flag (no path; value object with dotted and URN-qualified keys)"] = (User, $$"""
            {
              "displayName": "Bjfe",
              "emails": [{{Work("TestMhvaes@test.microsoft.com")}}, {{HomeEmail}}],
              "name": { "givenName": "Kkom", "familyName": "Unua" },
              "{{Enterprise}}": { "employeeNumber": "Aklq" }
            }
            """),
        ["Remove group member WITHOUT flag"] = (() => Group(), """
            { "members": [
                { "value": "u2000" },
                { "value": "7f4bc1a3-285e-48ae-8202-5accb43efb0e" },
                { "value": "aaebb169-b91d-481c-9957-097faeaf649a" } ] }
            """),
        ["Remove group member WITH flag"] = (() => Group(), """
            { "members": [
                { "value": "u1091", "display": "Babs Jensen", "type": "User" },
                { "value": "u2000" },
                { "value": "aaebb169-b91d-481c-9957-097faeaf649a" } ] }
            """),
        ["https://github.com/scimmyjs/scimmy/issues/86"] = (User, """{ "active": false }"""),
        ["https://github.com/scimmyjs/scimmy/issues/51"] = (User, """{ "active": false }"""),
        ["https://learn.microsoft.com/en-us/answers/questions/1684621/entra-id-patch-sending-add-instead-of-replace"] = (User, $$"""
            { "title": "tester", "emails": [{{Work("user@example.com")}}, {{HomeEmail}}] }
            """),
        ["https://github.com/limosa-io/laravel-scim-server/issues/34"] = (User, $$"""
            {
              "emails": [{{Work("AdeleV2@REDACTED.onmicrosoft.com")}}, {{HomeEmail}}],
              "addresses": [{ "formatted": "18/2111", "type": "work" }],
              "{{Enterprise}}": { "department": "Retail" }
            }
            """),
        ["https://github.com/Captain-P-Goldfish/SCIM-SDK/issues/267"] = (User, """{ "name": { "givenName": "captain", "familyName": "goldfish" } }"""),
        ["https://github.com/thomaspoignant/scim-patch/issues/132"] = (User, """{ "name": { "givenName": "John", "familyName": "Doe", "formatted": "John Doe" } }"""),
        ["https://github.com/pingidentity/scim2/issues/224"] = (User, """{ "name": { "familyName": "test", "formatted": "test test2" } }"""),
        ["https://github.com/apache/directory-scimple/pull/447"] = (() => Group(), """
            { "members": [
                { "value": "u1091", "display": "Babs Jensen", "type": "User" },
                { "value": "u2000" },
                { "value": "7f4bc1a3-285e-48ae-8202-5accb43efb0e" } ] }
            """),
        ["https://github.com/MicrosoftDocs/azure-docs/issues/42220"] = (() => Group(), """{ "displayName": " User X" }"""),
    };

    private const string HomeEmail = """{ "value": "joy@home.example", "type": "home" }""";

    private const string GroupMembers = """
        { "value": "u1091", "display": "Babs Jensen", "type": "User" },
        { "value": "u2000" },
        { "value": "7f4bc1a3-285e-48ae-8202-5accb43efb0e" },
        { "value": "aaebb169-b91d-481c-9957-097faeaf649a" }
        """;

    public static TheoryData<string> PatchRequests => EntraFixtures.IdsWithBody("PATCH");

    [Fact]
    public void Fixtures_AreFoundNextToTheSolution()
    {
        Assert.True(File.Exists(Path.Combine(EntraFixtures.Directory, "entra-documented-requests.json")));
        Assert.Equal(24, EntraFixtures.All.Count(r => r.Method == "PATCH"));
    }

    [Fact]
    public void EveryPatchFixture_HasAnExpectation()
    {
        var missing = EntraFixtures.All.Where(r => r.Method == "PATCH" && !Expectations.ContainsKey(r.Id)).Select(r => r.Id).ToList();
        Assert.True(missing.Count == 0, "PATCH fixtures without an expectation: " + string.Join("; ", missing));
    }

    [Theory]
    [MemberData(nameof(PatchRequests))]
    public void PatchFixture_ProducesTheExpectedResource(string fixtureId)
    {
        var fixture = EntraFixtures.Get(fixtureId);
        var (start, expectedChanges) = Expectations[fixtureId];
        var type = fixture.Path.StartsWith("/Groups", StringComparison.Ordinal) ? GroupType : UserType;
        var original = start();
        var before = original.DeepClone();

        var result = PatchEngine.Apply(original, PatchRequest.Parse(fixture.Body), type);

        AssertJson(With(start(), expectedChanges), result);
        AssertJson(before, original);
    }

    [Fact]
    public void Patch_NoPathWithDottedKeys_NeverCreatesLiteralDottedKeys()
    {
        var fixture = EntraFixtures.Get("Replace several attributes WITH flag (no path; value object with dotted and URN-qualified keys)");

        var result = PatchEngine.Apply(User(), PatchRequest.Parse(fixture.Body), UserType);

        var keys = result.Select(p => p.Key).Concat(result["name"]!.AsObject().Select(p => p.Key)).ToList();
        Assert.DoesNotContain(keys, k => k.Contains('.', StringComparison.Ordinal) && !k.StartsWith("urn:", StringComparison.Ordinal));
        Assert.Equal("Kkom", (string?)result["name"]!["givenName"]);
        Assert.Equal("Aklq", (string?)result[Enterprise]!["employeeNumber"]);
    }

    [Fact]
    public void Patch_AddMembersFixture_IgnoresAMemberAlreadyPresent()
    {
        var fixture = EntraFixtures.Get("Update group, add members");
        var group = Group("f648f8d5ea4e4cd38e9c");

        var result = PatchEngine.Apply(group, PatchRequest.Parse(fixture.Body), GroupType);

        AssertJson(group, result);
    }

    [Fact]
    public void Patch_ManagerFixture_OnAUserWithoutTheExtension_AddsTheExtensionAndItsSchema()
    {
        var fixture = EntraFixtures.Get("Add/replace manager (reference attribute)");
        var user = User();
        user.Remove(Enterprise);
        user["schemas"] = new JsonArray(ScimProtocol.Schemas.SchemaUrns.User);

        var result = PatchEngine.Apply(user, PatchRequest.Parse(fixture.Body), UserType);

        AssertJson($"""["{ScimProtocol.Schemas.SchemaUrns.User}", "{Enterprise}"]""", result["schemas"]);
        Assert.Equal("00aa00aa-bb11-cc22-dd33-44ee44ee44ee", (string?)result[Enterprise]!["manager"]!["value"]);
    }

    private static string Work(string address) => WorkEmailIs.Replace("{0}", address, StringComparison.Ordinal);
}
