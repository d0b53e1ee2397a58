using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;
using static ScimBridge.ScimProtocol.Tests.Resources.TestResources;

namespace ScimBridge.ScimProtocol.Tests.Resources;

public class ResourceProjectionTests
{
    private static readonly string UserSchemas = $"""["{SchemaUrns.User}", "{Enterprise}"]""";
    private const string UserId = "2819c223-7f76-453a-919d-413861904646";

    private static JsonObject UserWithPassword() => With(User(), """{ "password": "s3cret" }""");

    private static JsonObject Project(JsonObject resource, string? attributes, string? excluded = null, ResourceTypeDefinition? type = null) =>
        ResourceProjection.Apply(resource, type ?? UserType, attributes, excluded);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(" , ")]
    public void Project_NoParameters_ReturnsEverythingButNeverReturnedAttributes(string? attributes)
    {
        var result = Project(UserWithPassword(), attributes, attributes);

        AssertJson(User(), result);
    }

    [Fact]
    public void Project_Attributes_ReturnsOnlyThoseWithSchemasAndId() =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}", "userName": "jyoung@testuser.com", "active": true }""",
            Project(User(), "userName,active"));

    [Fact]
    public void Project_AttributesId_ReturnsSchemasAndIdOnly() =>
        AssertJson($$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}" }""", Project(User(), "id"));

    [Fact]
    public void Project_AttributesInAnyCaseWithSpaces_AreMatched() =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}", "userName": "jyoung@testuser.com", "name": { "givenName": "Joy" } }""",
            Project(User(), " USERNAME , Name.GivenName "));

    [Fact]
    public void Project_UnknownNames_AreIgnored() =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}", "title": "Engineer" }""",
            Project(User(), "shoeSize,title,emails[type eq \"work\"],urn:example:x:1.0:Thing:y,name.nickname"));

    [Fact]
    public void Project_AttributesNamingOnlyUnknownNames_ReturnsSchemasAndIdOnly() =>
        AssertJson($$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}" }""", Project(User(), "shoeSize"));

    [Fact]
    public void Project_SubAttributeOfMultiValued_KeepsThatSubAttributeInEachElement() =>
        AssertJson("""[{ "value": "jyoung@contoso.com" }, { "value": "joy@home.example" }]""", Project(User(), "emails.value")["emails"]);

    [Fact]
    public void Project_TwoSubAttributes_KeepsBoth() =>
        AssertJson(
            """[{ "value": "jyoung@contoso.com", "primary": true }, { "value": "joy@home.example" }]""",
            Project(User(), "emails.value,emails.primary")["emails"]);

    [Fact]
    public void Project_UrnQualifiedExtensionAttribute_KeepsOnlyIt() =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}", "{{Enterprise}}": { "employeeNumber": "701984" } }""",
            Project(User(), $"{Enterprise}:employeeNumber"));

    [Fact]
    public void Project_ExtensionAttributeWithoutUrn_IsFound() =>
        AssertJson($$"""{ "department": "Sales" }""", Project(User(), "department")[Enterprise]);

    [Fact]
    public void Project_WholeExtensionUrn_KeepsTheWholeExtension() =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}", "{{Enterprise}}": { "employeeNumber": "701984", "department": "Sales" } }""",
            Project(User(), Enterprise));

    [Fact]
    public void Project_MetaIsNotReturnedUnlessAsked_AndMetaSubAttributesCanBeAsked()
    {
        Assert.False(Project(User(), "userName").ContainsKey("meta"));
        AssertJson("""{ "lastModified": "2024-01-01T00:00:00Z" }""", Project(User(), "meta.lastModified")["meta"]);
        AssertJson(User()["meta"], Project(User(), "meta")["meta"]);
    }

    [Fact]
    public void Project_AttributeAbsentFromTheResource_IsSimplyNotThere() =>
        AssertJson($$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}" }""", Project(User(), "nickName,addresses.formatted"));

    // ---- excludedAttributes -------------------------------------------------------------------------------

    [Fact]
    public void Project_ExcludedMembers_RemovesMembersFromAGroup() =>
        AssertJson(With(Group(), """{ "members": null }"""), Project(Group(), null, "members", GroupType));

    [Fact]
    public void Project_ExcludedIdAndSchemas_AreStillReturned() =>
        AssertJson(User(), Project(User(), null, "id,schemas"));

    [Fact]
    public void Project_ExcludedSubAttributes_AreRemoved()
    {
        var result = Project(User(), null, "name.givenName,emails.type,meta.version");

        AssertJson("""{ "formatted": "Joy Young", "familyName": "Young" }""", result["name"]);
        AssertJson("""[{ "value": "jyoung@contoso.com", "primary": true }, { "value": "joy@home.example" }]""", result["emails"]);
        Assert.False(result["meta"]!.AsObject().ContainsKey("version"));
    }

    /// <summary>Chosen behaviour: an extension emptied by the projection disappears, but <c>schemas</c> is left as it is.</summary>
    [Theory]
    [InlineData(Enterprise)]
    [InlineData(Enterprise + ":employeeNumber," + Enterprise + ":department")]
    [InlineData("employeeNumber,Department")]
    public void Project_ExcludedExtension_IsRemovedButSchemasIsUnchanged(string excluded)
    {
        var result = Project(User(), null, excluded);

        Assert.False(result.ContainsKey(Enterprise));
        AssertJson(UserSchemas, result["schemas"]);
    }

    [Fact]
    public void Project_AttributesAndExcluded_SelectsThenExcludes() =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}", "name": { "formatted": "Joy Young", "familyName": "Young" } }""",
            Project(User(), "name,title", "title,name.givenName"));

    // ---- returned -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(null, null)]
    [InlineData("password", null)]
    [InlineData("password,userName", null)]
    [InlineData(null, "userName")]
    public void Project_Password_NeverAppears(string? attributes, string? excluded) =>
        Assert.False(Project(UserWithPassword(), attributes, excluded).ContainsKey("password"));

    [Fact]
    public void Project_ReturnedRequestAttribute_AppearsOnlyWhenNamed()
    {
        var schema = new SchemaDefinition("urn:example:Thing", "Thing", "",
        [
            new AttributeDefinition("name", AttributeType.String),
            new AttributeDefinition("secretHint", AttributeType.String, Returned: Returned.Request),
        ]);
        var type = new ResourceTypeDefinition("Thing", "/Things", "", schema, []);
        var thing = Obj("""{ "schemas": ["urn:example:Thing"], "id": "t1", "name": "n", "secretHint": "h" }""");

        Assert.False(Project(thing, null, null, type).ContainsKey("secretHint"));
        Assert.False(Project(thing, "name", null, type).ContainsKey("secretHint"));
        Assert.Equal("h", (string?)Project(thing, "secretHint", null, type)["secretHint"]);
    }

    [Fact]
    public void Project_DoesNotModifyTheInput()
    {
        var user = User();

        _ = Project(user, "userName", "id");

        AssertJson(User(), user);
    }

    // ---- the Entra GET fixtures that carry attributes or excludedAttributes -------------------------------

    [Fact]
    public void Project_GetGroupWithoutMembersFixture_LeavesMembersOut()
    {
        var fixture = EntraFixtures.Get("Get group without members");
        var excluded = QueryValue(fixture.Path, "excludedAttributes");

        var result = Project(Group(), null, excluded, GroupType);

        Assert.True((bool)fixture.Expect!["membersAbsent"]!);
        Assert.False(result.ContainsKey("members"));
        Assert.Equal("Sales", (string?)result["displayName"]);
    }

    [Fact]
    public void Project_ManagerReferenceCheckFixture_ReturnsOnlyId()
    {
        var fixture = EntraFixtures.Get("Reference check on manager (older docs; present in every translated copy)");

        var result = Project(User(), QueryValue(fixture.Path, "attributes"));

        AssertJson($$"""{ "schemas": {{UserSchemas}}, "id": "{{UserId}}" }""", result);
    }

    private static string? QueryValue(string path, string name) =>
        path[(path.IndexOf('?', StringComparison.Ordinal) + 1)..]
            .Split('&')
            .Select(p => p.Split('=', 2))
            .Where(p => p[0] == name)
            .Select(p => Uri.UnescapeDataString(p[1]))
            .Single();
}
