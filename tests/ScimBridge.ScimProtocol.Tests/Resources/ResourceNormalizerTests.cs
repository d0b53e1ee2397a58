using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;
using static ScimBridge.ScimProtocol.Tests.Resources.TestResources;

namespace ScimBridge.ScimProtocol.Tests.Resources;

public class ResourceNormalizerTests
{
    private const string UserSchemas = $"""["{SchemaUrns.User}"]""";
    private const string UserAndEnterprise = $"""["{SchemaUrns.User}", "{SchemaUrns.EnterpriseUser}"]""";

    private static JsonObject NormalizeUser(string json) => ResourceNormalizer.Normalize(Node(json), UserType);

    private static JsonObject NormalizeGroup(string json) => ResourceNormalizer.Normalize(Node(json), GroupType);

    private static JsonObject UserWith(string attributesJson) =>
        NormalizeUser($$"""{ "schemas": {{UserSchemas}}, "userName": "u@x", {{attributesJson}} }""");

    // ---- the Entra POST fixtures ----------------------------------------------------------------------

    public static TheoryData<string> PostRequests => EntraFixtures.IdsWithBody("POST");

    private static readonly Dictionary<string, string> ExpectedPosts = new()
    {
        ["Create user"] = $$"""
            {
              "schemas": {{UserSchemas}},
              "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
              "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
              "name": { "formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName" },
              "active": true,
              "emails": [{ "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com", "type": "work", "primary": true }]
            }
            """,
        ["Create user (older doc example with nulls; note the malformed schema URN '...enterprise:2.0User' exactly as printed)"] = $$"""
            {
              "schemas": {{UserSchemas}},
              "externalId": "jyoung",
              "userName": "jyoung@testuser.com",
              "name": { "familyName": "Young", "givenName": "Joy" },
              "displayName": "Joy Young",
              "active": true,
              "emails": [{ "value": "jyoung@Contoso.com", "type": "work", "primary": true }]
            }
            """,
        ["Create group (note Microsoft's extra schema URI)"] = $$"""
            { "schemas": ["{{SchemaUrns.Group}}"], "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": "displayName" }
            """,
    };

    [Fact]
    public void EveryPostFixture_HasAnExpectation() =>
        Assert.All(EntraFixtures.All.Where(r => r.Method == "POST"), r => Assert.True(ExpectedPosts.ContainsKey(r.Id), r.Id));

    [Theory]
    [MemberData(nameof(PostRequests))]
    public void PostFixture_NormalizesToTheExpectedResource(string fixtureId)
    {
        var fixture = EntraFixtures.Get(fixtureId);
        var type = fixture.Path == "/Groups" ? GroupType : UserType;

        var result = ResourceNormalizer.Normalize(fixture.Body, type);
        ResourceNormalizer.ValidateRequired(result, type);

        AssertJson(ExpectedPosts[fixtureId], result);
    }

    [Fact]
    public void PostFixture_GroupBodyPostedToUsers_IsInvalidValue()
    {
        var group = EntraFixtures.Get("Create group (note Microsoft's extra schema URI)");

        AssertScimError(ScimErrorTypes.InvalidValue, () => ResourceNormalizer.Normalize(group.Body, UserType), SchemaUrns.User);
    }

    // ---- body shape and schemas -----------------------------------------------------------------------

    [Theory]
    [InlineData("[]")]
    [InlineData("\"userName\"")]
    [InlineData("42")]
    public void Normalize_BodyNotAnObject_IsInvalidSyntax(string json) =>
        AssertScimError(ScimErrorTypes.InvalidSyntax, () => NormalizeUser(json), "JSON object");

    [Fact]
    public void Normalize_NullBody_IsInvalidSyntax() =>
        AssertScimError(ScimErrorTypes.InvalidSyntax, () => ResourceNormalizer.Normalize(null, UserType));

    [Theory]
    [InlineData("\"urn:ietf:params:scim:schemas:core:2.0:User\"")]
    [InlineData("{ }")]
    [InlineData("[1]")]
    public void Normalize_SchemasNotAnArrayOfStrings_IsInvalidSyntax(string schemas) =>
        AssertScimError(ScimErrorTypes.InvalidSyntax, () => NormalizeUser($$"""{ "schemas": {{schemas}}, "userName": "u" }"""), "schemas");

    [Fact]
    public void Normalize_SchemasWithoutTheCoreSchema_IsInvalidValue() =>
        AssertScimError(
            ScimErrorTypes.InvalidValue,
            () => NormalizeUser($$"""{ "schemas": ["{{SchemaUrns.EnterpriseUser}}"], "userName": "u" }"""),
            SchemaUrns.User);

    [Theory]
    [InlineData("""{ "userName": "u" }""")]
    [InlineData("""{ "schemas": null, "userName": "u" }""")]
    [InlineData("""{ "schemas": [], "userName": "u" }""")]
    [InlineData("""{ "SCHEMAS": ["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"], "userName": "u" }""")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:example:unknown"], "userName": "u" }""")]
    public void Normalize_MissingOrLenientSchemas_IsAcceptedAndRewritten(string json) =>
        AssertJson($$"""{ "schemas": {{UserSchemas}}, "userName": "u" }""", NormalizeUser(json));

    [Fact]
    public void Normalize_GroupWithMicrosoftSchema_IsAcceptedWithoutEchoingIt() =>
        AssertJson(
            $$"""{ "schemas": ["{{SchemaUrns.Group}}"], "displayName": "G" }""",
            NormalizeGroup($$"""{ "schemas": ["{{SchemaUrns.Group}}", "{{SchemaUrns.MicrosoftAdGroup}}"], "displayName": "G" }"""));

    // ---- names --------------------------------------------------------------------------------------------

    [Fact]
    public void Normalize_KeysInAnyCase_AreRewrittenToCanonicalCase() =>
        AssertJson(
            $$"""
            {
              "schemas": {{UserSchemas}}, "externalId": "e", "userName": "u",
              "name": { "familyName": "F", "givenName": "G" },
              "emails": [{ "value": "a@b", "type": "work", "primary": true }]
            }
            """,
            NormalizeUser("""
                { "ExternalID": "e", "UserName": "u", "NAME": { "FamilyName": "F", "givenname": "G" },
                  "Emails": [{ "Value": "a@b", "TYPE": "work", "Primary": true }] }
                """));

    [Fact]
    public void Normalize_UnknownAttributesAndSubAttributes_AreDropped() =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "userName": "u", "name": { "givenName": "G" }, "emails": [{ "value": "a@b" }] }""",
            NormalizeUser("""
                { "userName": "u", "shoeSize": 44, "name": { "givenName": "G", "nickname": "X" },
                  "emails": [{ "value": "a@b", "verified": true }], "urn:example:ext:1.0:Thing": { "x": 1 },
                  "emails[type eq \"work\"].value": "x", "$ref": "y" }
                """));

    [Fact]
    public void Normalize_OutputKeys_AreInSchemaOrder()
    {
        var result = NormalizeUser($$"""
            { "{{SchemaUrns.EnterpriseUser}}": { "department": "D", "employeeNumber": "1" }, "emails": ["a@b"], "active": true,
              "name": { "givenName": "G", "familyName": "F" }, "userName": "u", "externalId": "e", "schemas": {{UserAndEnterprise}} }
            """);

        Assert.Equal(["schemas", "externalId", "userName", "name", "active", "emails", SchemaUrns.EnterpriseUser], result.Select(p => p.Key));
        Assert.Equal(["familyName", "givenName"], result["name"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["employeeNumber", "department"], result[SchemaUrns.EnterpriseUser]!.AsObject().Select(p => p.Key));
    }

    // ---- extensions -----------------------------------------------------------------------------------------

    [Theory]
    [InlineData(SchemaUrns.EnterpriseUser)]
    [InlineData("URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER")]
    [InlineData(SchemaUrns.MalformedEnterpriseUser)]
    public void Normalize_ExtensionUnderItsUrnKey_IsKeptUnderTheCanonicalUrn(string key) =>
        AssertJson(
            $$"""{ "schemas": {{UserAndEnterprise}}, "userName": "u", "{{SchemaUrns.EnterpriseUser}}": { "employeeNumber": "7", "department": "D" } }""",
            NormalizeUser($$"""{ "userName": "u", "{{key}}": { "EmployeeNumber": "7", "department": "D", "unknown": 1 } }"""));

    [Fact]
    public void Normalize_UrnQualifiedAndDottedTopLevelKeys_AreNested() =>
        AssertJson(
            $$"""
            {
              "schemas": {{UserAndEnterprise}}, "userName": "u",
              "name": { "familyName": "F", "givenName": "G" },
              "{{SchemaUrns.EnterpriseUser}}": { "department": "x", "manager": { "value": "m1" } }
            }
            """,
            NormalizeUser($$"""
                {
                  "userName": "u", "name.givenName": "G", "Name.FamilyName": "F",
                  "{{SchemaUrns.EnterpriseUser}}:department": "x",
                  "{{SchemaUrns.EnterpriseUser}}:manager.value": "m1"
                }
                """));

    [Fact]
    public void Normalize_CoreAttributesNestedUnderTheCoreUrn_AreTopLevel() =>
        AssertJson(
            $$"""
            {
              "schemas": {{UserAndEnterprise}}, "userName": "u", "name": { "givenName": "G" }, "active": false,
              "emails": [{ "value": "u@x", "primary": true }],
              "{{SchemaUrns.EnterpriseUser}}": { "department": "D" }
            }
            """,
            NormalizeUser($$"""
                {
                  "schemas": {{UserAndEnterprise}},
                  "{{SchemaUrns.User}}": {
                    "UserName": "u", "name": { "givenName": "G" }, "active": "False", "emails": [{ "value": "u@x", "primary": true }],
                    "id": "client-id", "unknown": 1
                  },
                  "{{SchemaUrns.EnterpriseUser}}": { "department": "D" }
                }
                """));

    [Theory]
    [InlineData(SchemaUrns.User)]
    [InlineData("URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER")]
    public void Normalize_CoreAttributesNamedByTheirUrnPath_AreTopLevel(string urn) =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "userName": "u", "name": { "familyName": "F", "givenName": "G" }, "title": "T" }""",
            NormalizeUser($$"""
                {
                  "{{urn}}:userName": "u", "{{urn}}:name.givenName": "G", "{{urn}}:name": { "familyName": "F" },
                  "{{urn}}:title": "T", "{{urn}}:id": "client-id"
                }
                """));

    [Fact]
    public void Normalize_GroupAttributesUnderOrNamedByTheGroupUrn_AreTopLevel() =>
        AssertJson(
            $$"""{ "schemas": ["{{SchemaUrns.Group}}"], "displayName": "G", "members": [{ "value": "1" }, { "value": "2" }] }""",
            NormalizeGroup($$"""
                {
                  "schemas": ["{{SchemaUrns.Group}}"],
                  "{{SchemaUrns.Group}}": { "displayName": "G" },
                  "{{SchemaUrns.Group}}:members": [{ "value": "1" }, { "value": "2" }]
                }
                """));

    [Fact]
    public void Normalize_CoreUrnObjectOfTheWrongShape_IsInvalidValueNamingIt() =>
        AssertScimError("invalidValue", () => NormalizeUser($$"""{ "{{SchemaUrns.User}}": "u" }"""), SchemaUrns.User);

    [Theory]
    [InlineData($$"""{ "userName": "a", "{{SchemaUrns.User}}:userName": "b" }""", "userName")]
    [InlineData($$"""{ "userName": "a", "{{SchemaUrns.User}}": { "userName": "b" } }""", "userName")]
    [InlineData($$"""{ "{{SchemaUrns.User}}": { "name.givenName": "a" }, "name.givenName": "b", "userName": "u" }""", "name.givenName")]
    [InlineData($$"""{ "userName": "u", "department": "a", "{{SchemaUrns.EnterpriseUser}}": { "department": "b" } }""", "department")]
    [InlineData($$"""{ "userName": "u", "{{SchemaUrns.EnterpriseUser}}:department": "a", "{{SchemaUrns.EnterpriseUser}}": { "department": "b" } }""", "department")]
    public void Normalize_OneAttributeNamedByTwoKeys_IsInvalidSyntaxNamingIt(string json, string attribute) =>
        AssertScimError("invalidSyntax", () => NormalizeUser(json), attribute);

    [Fact]
    public void ValidateRequired_UserNameOnlyUnderTheCoreUrn_Passes() =>
        ResourceNormalizer.ValidateRequired(NormalizeUser($$"""{ "{{SchemaUrns.User}}": { "userName": "u" } }"""), UserType);

    [Fact]
    public void Normalize_DottedKeyAndObjectForTheSameAttribute_AreMerged() =>
        AssertJson(
            """{ "formatted": "Joy Young", "givenName": "Joy" }""",
            NormalizeUser("""{ "userName": "u", "name.givenName": "Joy", "name": { "formatted": "Joy Young" } }""")["name"]);

    [Fact]
    public void Normalize_ExtensionAttributeWithoutUrn_IsPlacedInTheExtension() =>
        AssertJson(
            $$"""{ "schemas": {{UserAndEnterprise}}, "userName": "u", "{{SchemaUrns.EnterpriseUser}}": { "department": "D", "manager": { "value": "m" } } }""",
            NormalizeUser("""{ "userName": "u", "department": "D", "manager": "m" }"""));

    [Theory]
    [InlineData("""{ "userName": "u", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {} }""")]
    [InlineData("""{ "userName": "u", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": null, "manager": null } }""")]
    [InlineData("""{ "userName": "u", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": null }""")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"], "userName": "u" }""")]
    public void Normalize_EmptyExtension_IsAbsentAndNotInSchemas(string json) =>
        AssertJson($$"""{ "schemas": {{UserSchemas}}, "userName": "u" }""", NormalizeUser(json));

    [Fact]
    public void Normalize_ExtensionNotAnObject_IsInvalidValue() =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => NormalizeUser($$"""{ "userName": "u", "{{SchemaUrns.EnterpriseUser}}": "Sales" }"""), SchemaUrns.EnterpriseUser);

    // ---- absent values and server-owned attributes ---------------------------------------------------------

    [Fact]
    public void Normalize_NullsEmptyArraysAndEmptyStrings_MeanAbsent() =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "userName": "u", "emails": [{ "value": "a@b" }] }""",
            NormalizeUser("""
                { "userName": "u", "title": null, "nickName": "", "roles": [], "addresses": null, "phoneNumbers": [null],
                  "name": { "givenName": null, "familyName": "" }, "emails": [{ "value": "a@b", "type": null }, {}, { "type": "" }],
                  "active": null, "manager": null }
                """));

    [Fact]
    public void Normalize_IdMetaAndGroupsFromTheClient_AreDropped() =>
        AssertJson(
            $$"""{ "schemas": {{UserSchemas}}, "userName": "u" }""",
            NormalizeUser("""
                { "id": "client-chosen", "userName": "u", "meta": { "resourceType": "User", "created": "2020-01-01T00:00:00Z" },
                  "groups": [{ "value": "g1" }], "meta.version": "W/\"3\"" }
                """));

    [Fact]
    public void Normalize_GroupIdAndMeta_AreDropped() =>
        AssertJson(
            $$"""{ "schemas": ["{{SchemaUrns.Group}}"], "displayName": "G" }""",
            NormalizeGroup("""{ "id": "x", "displayName": "G", "meta": { "resourceType": "Group" } }"""));

    [Fact]
    public void Normalize_WriteOnlyPassword_IsKeptForTheServer() =>
        Assert.Equal("s3cret", (string?)UserWith("\"password\": \"s3cret\"")["password"]);

    // ---- types --------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("\"true\"", true)]
    [InlineData("\"True\"", true)]
    [InlineData("\"TRUE\"", true)]
    [InlineData("\"false\"", false)]
    [InlineData("\"False\"", false)]
    [InlineData("\"fAlSe\"", false)]
    public void Normalize_BooleanOrBooleanString_BecomesABoolean(string value, bool expected) =>
        AssertJson(expected ? "true" : "false", UserWith($"\"active\": {value}")["active"]);

    [Theory]
    [InlineData("\"yes\"")]
    [InlineData("\"1\"")]
    [InlineData("1")]
    [InlineData("{ \"value\": true }")]
    [InlineData("[true]")]
    public void Normalize_NonBooleanForBoolean_IsInvalidValueNamingTheAttribute(string value) =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => UserWith($"\"active\": {value}"), "'active'");

    [Theory]
    [InlineData("12345", "12345")]
    [InlineData("12.50", "12.50")]
    [InlineData("true", "true")]
    [InlineData("\"E-1\"", "E-1")]
    public void Normalize_NumberOrBooleanForString_BecomesItsText(string value, string expected) =>
        Assert.Equal(expected, (string?)UserWith($"\"{SchemaUrns.EnterpriseUser}:employeeNumber\": {value}")[SchemaUrns.EnterpriseUser]!["employeeNumber"]);

    [Theory]
    [InlineData("title", "{ \"value\": \"x\" }", "'title'")]
    [InlineData("title", "[\"x\"]", "'title'")]
    [InlineData("name", "{ \"givenName\": [\"G\"] }", "'name.givenName'")]
    [InlineData("emails", "[{ \"value\": { \"address\": \"a@b\" } }]", "'emails[0].value'")]
    public void Normalize_ObjectOrArrayForString_IsInvalidValueNamingTheAttribute(string attribute, string value, string detail) =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => UserWith($"\"{attribute}\": {value}"), detail);

    [Theory]
    [InlineData("\"Joy Young\"")]
    [InlineData("[{ \"givenName\": \"Joy\" }]")]
    [InlineData("true")]
    public void Normalize_ComplexSingleValuedNotAnObject_IsInvalidValue(string value) =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => UserWith($"\"name\": {value}"), "'name' must be an object");

    [Theory]
    [InlineData("\"m1\"", """{ "value": "m1" }""")]
    [InlineData("""[{ "$ref": "https://x/Users/m1", "value": "m1" }]""", """{ "value": "m1", "$ref": "https://x/Users/m1" }""")]
    [InlineData("""[{ "value": "m1" }, { "value": "m2" }]""", """{ "value": "m1" }""")]
    [InlineData("""{ "value": "m1", "displayName": "Boss" }""", """{ "value": "m1", "displayName": "Boss" }""")]
    [InlineData("12", """{ "value": "12" }""")]
    public void Normalize_ManagerShapes_BecomeAManagerObject(string value, string expected) =>
        AssertJson(expected, UserWith($"\"manager\": {value}")[SchemaUrns.EnterpriseUser]!["manager"]);

    [Theory]
    [InlineData("[]")]
    [InlineData("\"\"")]
    [InlineData("[null]")]
    public void Normalize_EmptyManager_IsAbsent(string value) =>
        Assert.False(UserWith($"\"manager\": {value}").ContainsKey(SchemaUrns.EnterpriseUser));

    [Fact]
    public void Normalize_SingleObjectForMultiValued_IsWrappedIntoAnArray() =>
        AssertJson("""[{ "value": "a@b", "type": "work" }]""", UserWith("\"emails\": { \"value\": \"a@b\", \"type\": \"work\" }")["emails"]);

    [Fact]
    public void Normalize_PlainStringsForMultiValuedComplex_BecomeValueObjects()
    {
        var result = UserWith("\"roles\": [\"admin\", \"auditor\"], \"emails\": [\"a@b\"], \"entitlements\": \"e1\"");

        AssertJson("""[{ "value": "admin" }, { "value": "auditor" }]""", result["roles"]);
        AssertJson("""[{ "value": "a@b" }]""", result["emails"]);
        AssertJson("""[{ "value": "e1" }]""", result["entitlements"]);
    }

    [Fact]
    public void Normalize_ArrayInsideAMultiValuedElement_IsInvalidValue() =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => UserWith("\"emails\": [[\"a@b\"]]"), "'emails[0]'");

    [Fact]
    public void Normalize_PrimaryAsString_BecomesABoolean() =>
        AssertJson("""[{ "value": "a@b", "primary": true }, { "value": "c@d", "primary": false }]""", UserWith("\"emails\": [{ \"value\": \"a@b\", \"primary\": \"True\" }, { \"value\": \"c@d\", \"primary\": \"false\" }]")["emails"]);

    /// <summary>Chosen behaviour: with several primary values, the first keeps primary and the others are set to false.</summary>
    [Fact]
    public void Normalize_SeveralPrimaries_KeepsTheFirstAndSetsTheOthersFalse() =>
        AssertJson(
            """[{ "value": "a@b" }, { "value": "c@d", "primary": true }, { "value": "e@f", "primary": false }, { "value": "g@h", "primary": false }]""",
            UserWith("""
                "emails": [{ "value": "a@b" }, { "value": "c@d", "primary": true }, { "value": "e@f", "primary": "True" }, { "value": "g@h", "primary": true }]
                """)["emails"]);

    [Fact]
    public void Normalize_IdenticalElements_CollapseToOne() =>
        AssertJson("""[{ "value": "a@b", "type": "work" }]""", UserWith("\"emails\": [{ \"value\": \"a@b\", \"type\": \"work\" }, { \"type\": \"work\", \"value\": \"a@b\" }]")["emails"]);

    // ---- group members ------------------------------------------------------------------------------------

    [Fact]
    public void Normalize_GroupMembers_DropNullRefsAndCollapseDuplicates() =>
        AssertJson(
            $$"""
            { "schemas": ["{{SchemaUrns.Group}}"], "displayName": "G",
              "members": [{ "value": "u1" }, { "value": "u2", "type": "User", "$ref": "https://x/Users/u2" }, { "value": "g9", "type": "Group" }] }
            """,
            NormalizeGroup("""
                { "displayName": "G", "members": [
                    { "value": "u1", "$ref": null }, { "value": "u2", "type": "User", "$ref": "https://x/Users/u2" },
                    { "value": "u1", "display": "duplicate" }, null, { "value": "g9", "type": "Group" } ] }
                """));

    [Theory]
    [InlineData("""[{ "display": "Babs" }]""")]
    [InlineData("""[{ "value": "" }]""")]
    [InlineData("""[{ "value": null }]""")]
    [InlineData("""[{ "$ref": null }]""")]
    public void Normalize_MemberWithoutValue_IsInvalidValue(string members) =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => NormalizeGroup($$"""{ "displayName": "G", "members": {{members}} }"""), "'members[0]' needs a non-empty 'value'");

    [Fact]
    public void Normalize_EmptyMembers_IsAbsent() =>
        Assert.False(NormalizeGroup("""{ "displayName": "G", "members": [] }""").ContainsKey("members"));

    // ---- required attributes ------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{ "displayName": "No user name" }""")]
    [InlineData("""{ "userName": "" }""")]
    [InlineData("""{ "userName": "   " }""")]
    [InlineData("""{ "userName": null }""")]
    public void ValidateRequired_UserWithoutUserName_IsInvalidValueNamingIt(string json) =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => ResourceNormalizer.ValidateRequired(NormalizeUser(json), UserType), "'userName'");

    [Fact]
    public void ValidateRequired_GroupWithoutDisplayName_IsInvalidValueNamingIt() =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => ResourceNormalizer.ValidateRequired(NormalizeGroup("""{ "members": [{ "value": "u" }] }"""), GroupType), "'displayName'");

    [Fact]
    public void ValidateRequired_CompleteResources_Pass()
    {
        ResourceNormalizer.ValidateRequired(User(), UserType);
        ResourceNormalizer.ValidateRequired(Group(), GroupType);
    }
}
