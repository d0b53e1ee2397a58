using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Schemas;
using static ScimBridge.ScimProtocol.Tests.Resources.TestResources;

namespace ScimBridge.ScimProtocol.Tests.Patch;

public class PatchEngineTests
{
    private static JsonObject Patch(JsonObject resource, string operationsJson, ResourceTypeDefinition? type = null) =>
        PatchEngine.Apply(resource, PatchRequest.Parse(Node($$"""
            { "schemas": ["{{SchemaUrns.PatchOp}}"], "Operations": {{operationsJson}} }
            """)), type ?? (resource["members"] is not null || (string?)resource["schemas"]![0] == SchemaUrns.Group ? GroupType : UserType));

    private static void AssertPatchFails(string scimType, JsonObject resource, string operationsJson, string? detail = null)
    {
        var before = resource.DeepClone();
        AssertScimError(scimType, () => Patch(resource, operationsJson), detail);
        AssertJson(before, resource);
    }

    // ---- atomicity and copies -------------------------------------------------------------------------

    [Fact]
    public void Patch_SecondOperationInvalid_ThrowsAndLeavesTheOriginalUnchanged()
    {
        var user = User();
        var before = user.DeepClone();

        var error = AssertScimError(ScimErrorTypes.InvalidPath, () => Patch(user, """
            [{ "op": "replace", "path": "displayName", "value": "Changed" },
             { "op": "replace", "path": "favouriteColour", "value": "blue" }]
            """));

        AssertJson(before, user);
        Assert.StartsWith("Operations[1] (REPLACE, path 'favouriteColour'):", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Patch_FailingOperationAfterMemberChanges_AppliesNone()
    {
        var group = Group();

        AssertPatchFails(ScimErrorTypes.NoTarget, group, """
            [{ "op": "add", "path": "members", "value": [{ "value": "new-member" }] },
             { "op": "remove", "path": "members[value eq \"u1091\"]" },
             { "op": "remove", "path": "members[value eq \"not-a-member\"]" }]
            """);
    }

    [Fact]
    public void Patch_Success_ReturnsANewObjectAndDoesNotModifyTheInput()
    {
        var user = User();
        var before = user.DeepClone();

        var result = Patch(user, """[{ "op": "replace", "path": "title", "value": "Boss" }]""");

        Assert.NotSame(user, result);
        AssertJson(before, user);
        Assert.Equal("Boss", (string?)result["title"]);
    }

    [Fact]
    public void Patch_KeepsIdAndMetaAsTheServerSetThem()
    {
        var result = Patch(User(), """[{ "op": "replace", "path": "title", "value": "Boss" }]""");

        AssertJson(User()["meta"], result["meta"]);
        Assert.Equal("2819c223-7f76-453a-919d-413861904646", (string?)result["id"]);
    }

    // ---- add ------------------------------------------------------------------------------------------

    [Fact]
    public void Patch_AddOnExistingSingleValue_ReplacesIt() =>
        AssertJson(With(User(), """{ "title": "Director" }"""), Patch(User(), """[{ "op": "Add", "path": "title", "value": "Director" }]"""));

    [Fact]
    public void Patch_AddComplexValue_MergesSubAttributes() =>
        AssertJson(
            With(User(), """{ "name": { "middleName": "Q", "givenName": "Joanne" } }"""),
            Patch(User(), """[{ "op": "add", "path": "name", "value": { "middleName": "Q", "givenName": "Joanne" } }]"""));

    [Fact]
    public void Patch_AddEmails_AppendsAndSkipsOnesAlreadyPresent() =>
        AssertJson(
            With(User(), """
                { "emails": [
                    { "value": "jyoung@contoso.com", "type": "work", "primary": true },
                    { "value": "joy@home.example", "type": "home" },
                    { "value": "joy@other.example", "type": "other" } ] }
                """),
            Patch(User(), """
                [{ "op": "add", "path": "emails", "value": [
                    { "value": "joy@home.example", "type": "home" },
                    { "value": "joy@other.example", "type": "other" },
                    { "value": "joy@other.example", "type": "other" } ] }]
                """));

    [Fact]
    public void Patch_AddSingleObjectToMultiValued_WrapsIt() =>
        AssertJson(
            """[{ "value": "admin" }]""",
            Patch(User(), """[{ "op": "add", "path": "roles", "value": { "value": "admin" } }]""")["roles"]);

    [Fact]
    public void Patch_AddPlainStringsToMultiValued_BecomeValueObjects() =>
        AssertJson(
            """[{ "value": "admin" }, { "value": "auditor" }]""",
            Patch(User(), """[{ "op": "add", "path": "roles", "value": ["admin", "auditor"] }]""")["roles"]);

    [Fact]
    public void Patch_AddMembersWithNullRef_AddsOnlyNewOnesAndDropsTheNullRef() =>
        AssertJson(
            With(Group(), """
                { "members": [
                    { "value": "u1091", "display": "Babs Jensen", "type": "User" },
                    { "value": "u2000" },
                    { "value": "7f4bc1a3-285e-48ae-8202-5accb43efb0e" },
                    { "value": "aaebb169-b91d-481c-9957-097faeaf649a" },
                    { "value": "u3000" },
                    { "value": "u4000", "type": "Group" } ] }
                """),
            Patch(Group(), """
                [{ "op": "Add", "path": "members", "value": [
                    { "$ref": null, "value": "u1091" },
                    { "$ref": null, "value": "u3000" },
                    { "value": "u3000" },
                    { "value": "u4000", "type": "Group" } ] }]
                """));

    [Fact]
    public void Patch_AddMembersToAGroupWithNone_CreatesTheArray()
    {
        var empty = Group();
        empty.Remove("members");

        var result = Patch(empty, """[{ "op": "add", "path": "members", "value": [{ "value": "u1" }] }]""");

        AssertJson("""[{ "value": "u1" }]""", result["members"]);
    }

    [Theory]
    [InlineData("""[{ "display": "no value" }]""")]
    [InlineData("""[{ "value": "" }]""")]
    [InlineData("""[{ "value": null, "$ref": null }]""")]
    public void Patch_AddMemberWithoutValue_IsInvalidValue(string members) =>
        AssertPatchFails(ScimErrorTypes.InvalidValue, Group(), $$"""[{ "op": "add", "path": "members", "value": {{members}} }]""", "non-empty 'value'");

    [Fact]
    public void Patch_AddExtensionAttribute_ToUserWithoutExtension_AddsTheUrnToSchemas()
    {
        var user = User();
        user.Remove(Enterprise);
        user["schemas"] = new JsonArray(SchemaUrns.User);

        var result = Patch(user, $$"""[{ "op": "add", "path": "{{Enterprise}}:department", "value": "Retail" }]""");

        AssertJson($$"""["{{SchemaUrns.User}}", "{{Enterprise}}"]""", result["schemas"]);
        AssertJson("""{ "department": "Retail" }""", result[Enterprise]);
    }

    // ---- replace --------------------------------------------------------------------------------------

    [Fact]
    public void Patch_ReplaceMultiValuedWithoutFilter_ReplacesTheWholeArray() =>
        AssertJson(
            """[{ "value": "new@contoso.com", "type": "work" }]""",
            Patch(User(), """[{ "op": "replace", "path": "emails", "value": [{ "value": "new@contoso.com", "type": "work" }] }]""")["emails"]);

    [Fact]
    public void Patch_ReplaceComplex_ReplacesOnlyTheSubAttributesGiven() =>
        AssertJson(
            """{ "formatted": "Joy Young", "familyName": "Young-Smith", "givenName": "Joy" }""",
            Patch(User(), """[{ "op": "replace", "path": "name", "value": { "familyName": "Young-Smith" } }]""")["name"]);

    [Fact]
    public void Patch_ReplaceUserName_IsAllowed() =>
        Assert.Equal("new@testuser.com", (string?)Patch(User(), """[{ "op": "Replace", "path": "userName", "value": "new@testuser.com" }]""")["userName"]);

    [Fact]
    public void Patch_ReplaceWithEmptyString_UnassignsTheAttribute() =>
        Assert.False(Patch(User(), """[{ "op": "replace", "path": "title", "value": "" }]""").ContainsKey("title"));

    [Fact]
    public void Patch_ReplaceNumberForStringAttribute_StoresItsText() =>
        AssertJson(
            """{ "employeeNumber": "12345", "department": "Sales" }""",
            Patch(User(), $$"""[{ "op": "replace", "path": "{{Enterprise}}:employeeNumber", "value": 12345 }]""")[Enterprise]);

    [Fact]
    public void Patch_AttributeNamesInPaths_AreCaseInsensitive()
    {
        var result = Patch(User(), """
            [{ "op": "replace", "path": "DisplayName", "value": "D" },
             { "op": "replace", "path": "name.FamilyName", "value": "F" },
             { "op": "replace", "path": "EMAILS[TYPE eq \"work\"].VALUE", "value": "w@x" },
             { "op": "replace", "path": "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:Department", "value": "Ops" }]
            """);

        Assert.Equal("D", (string?)result["displayName"]);
        Assert.Equal("F", (string?)result["name"]!["familyName"]);
        Assert.Equal("w@x", (string?)result["emails"]![0]!["value"]);
        Assert.Equal("Ops", (string?)result[Enterprise]!["department"]);
        Assert.DoesNotContain(result, p => p.Key == "DisplayName");
    }

    // ---- active and other booleans ----------------------------------------------------------------------

    [Theory]
    [InlineData("false", false)]
    [InlineData("\"False\"", false)]
    [InlineData("\"false\"", false)]
    [InlineData("\"FALSE\"", false)]
    [InlineData("true", true)]
    [InlineData("\"True\"", true)]
    [InlineData("\"true\"", true)]
    public void Patch_ActiveAsBooleanOrString_StoresABoolean(string value, bool expected)
    {
        var user = With(User(), """{ "active": null }""");
        user["active"] = !expected;

        var result = Patch(user, $$"""[{ "op": "Replace", "path": "active", "value": {{value}} }]""");

        AssertJson(expected ? "true" : "false", result["active"]);
    }

    [Theory]
    [InlineData("{ \"active\": \"False\" }")]
    [InlineData("{ \"ACTIVE\": false }")]
    public void Patch_ActiveInAValueObject_StoresABoolean(string value) =>
        AssertJson("false", Patch(User(), $$"""[{ "op": "replace", "value": {{value}} }]""")["active"]);

    [Theory]
    [InlineData("\"no\"")]
    [InlineData("\"0\"")]
    [InlineData("1")]
    [InlineData("{ \"value\": false }")]
    public void Patch_ActiveNotABoolean_IsInvalidValueNamingTheAttribute(string value) =>
        AssertPatchFails(ScimErrorTypes.InvalidValue, User(), $$"""[{ "op": "replace", "path": "active", "value": {{value}} }]""", "'active'");

    // ---- manager ----------------------------------------------------------------------------------------

    [Theory]
    [InlineData("manager", """[{ "$ref": "https://x/Users/m1", "value": "m1" }]""", """{ "value": "m1", "$ref": "https://x/Users/m1" }""")]
    [InlineData("manager", "\"m1\"", """{ "value": "m1" }""")]
    [InlineData("Manager", """{ "value": "m1" }""", """{ "value": "m1" }""")]
    [InlineData(Enterprise + ":manager", """{ "value": "m1", "displayName": "Boss" }""", """{ "value": "m1", "displayName": "Boss" }""")]
    [InlineData(Enterprise + ":manager", "\"m1\"", """{ "value": "m1" }""")]
    [InlineData(Enterprise + ":manager.value", "\"m1\"", """{ "value": "m1" }""")]
    [InlineData("manager.value", "\"m1\"", """{ "value": "m1" }""")]
    public void Patch_ManagerInEveryShape_SetsManagerValue(string path, string value, string expectedManager)
    {
        foreach (var op in new[] { "Add", "replace" })
        {
            var result = Patch(User(), $$"""[{ "op": "{{op}}", "path": "{{path}}", "value": {{value}} }]""");

            AssertJson(expectedManager, result[Enterprise]!["manager"]);
            Assert.Equal("701984", (string?)result[Enterprise]!["employeeNumber"]);
        }
    }

    [Fact]
    public void Patch_ManagerValueObjectWithoutPath_SetsManager() =>
        AssertJson(
            """{ "value": "m2" }""",
            Patch(User(), $$"""[{ "op": "replace", "value": { "{{Enterprise}}:manager": { "value": "m2" } } }]""")[Enterprise]!["manager"]);

    [Fact]
    public void Patch_RemoveManager_LeavesTheRestOfTheExtension()
    {
        var withManager = Patch(User(), """[{ "op": "add", "path": "manager", "value": "m1" }]""");

        var result = Patch(withManager, $$"""[{ "op": "remove", "path": "{{Enterprise}}:manager" }]""");

        AssertJson("""{ "employeeNumber": "701984", "department": "Sales" }""", result[Enterprise]);
    }

    // ---- filtered paths -----------------------------------------------------------------------------------

    [Fact]
    public void Patch_FilteredSubAttribute_SetsItOnTheMatchingElementOnly() =>
        AssertJson(
            """[{ "value": "jyoung@contoso.com", "type": "work", "primary": true }, { "value": "joy@new.example", "type": "home" }]""",
            Patch(User(), """[{ "op": "replace", "path": "emails[type eq \"home\"].value", "value": "joy@new.example" }]""")["emails"]);

    [Theory]
    [InlineData("add")]
    [InlineData("replace")]
    public void Patch_FilteredSubAttributeMatchingNothing_CreatesTheElementFromTheFilter(string op)
    {
        var user = User();
        user.Remove("emails");

        var result = Patch(user, $$"""
            [{ "op": "{{op}}", "path": "emails[type eq \"work\"].value", "value": "w@contoso.com" },
             { "op": "{{op}}", "path": "addresses[type eq \"work\"].formatted", "value": "1 Main St" },
             { "op": "{{op}}", "path": "phoneNumbers[type eq \"mobile\" and primary eq \"True\"].value", "value": "+1 555" }]
            """);

        AssertJson("""[{ "value": "w@contoso.com", "type": "work" }]""", result["emails"]);
        AssertJson("""[{ "formatted": "1 Main St", "type": "work" }]""", result["addresses"]);
        AssertJson("""[{ "value": "+1 555", "type": "mobile", "primary": true }]""", result["phoneNumbers"]);
    }

    [Fact]
    public void Patch_FilteredSubAttributeMatchingNothing_WithANonEqFilter_IsNoTarget() =>
        AssertPatchFails(ScimErrorTypes.NoTarget, User(), """[{ "op": "replace", "path": "emails[value co \"@nowhere\"].type", "value": "other" }]""");

    [Fact]
    public void Patch_FilteredSubAttributeMatchingNothing_WithAnOrFilter_IsNoTarget() =>
        AssertPatchFails(ScimErrorTypes.NoTarget, User(), """[{ "op": "add", "path": "emails[type eq \"a\" or type eq \"b\"].value", "value": "x@y" }]""");

    [Fact]
    public void Patch_ReplaceFilteredWithoutSubAttribute_MergesTheValueIntoMatchingElements() =>
        AssertJson(
            """[{ "value": "jyoung@contoso.com", "type": "work", "primary": true, "display": "Work" }, { "value": "joy@home.example", "type": "home" }]""",
            Patch(User(), """[{ "op": "replace", "path": "emails[type eq \"work\"]", "value": { "display": "Work" } }]""")["emails"]);

    [Fact]
    public void Patch_ReplaceFilteredWithoutSubAttributeMatchingNothing_IsNoTarget() =>
        AssertPatchFails(ScimErrorTypes.NoTarget, User(), """[{ "op": "replace", "path": "emails[type eq \"other\"]", "value": { "value": "o@x" } }]""");

    [Fact]
    public void Patch_AddFilteredWithoutSubAttributeMatchingNothing_CreatesTheElement() =>
        AssertJson(
            """{ "value": "o@x", "type": "other" }""",
            Patch(User(), """[{ "op": "add", "path": "emails[type eq \"other\"]", "value": { "value": "o@x" } }]""")["emails"]![2]);

    [Fact]
    public void Patch_FilterOnSingleValuedAttribute_IsInvalidPath() =>
        AssertPatchFails(ScimErrorTypes.InvalidPath, User(), """[{ "op": "replace", "path": "name[givenName eq \"Joy\"].familyName", "value": "x" }]""");

    // ---- remove -------------------------------------------------------------------------------------------

    [Fact]
    public void Patch_RemoveOneMember_KeepsTheOthers() =>
        AssertJson(
            """[{ "value": "u1091", "display": "Babs Jensen", "type": "User" }, { "value": "aaebb169-b91d-481c-9957-097faeaf649a" }]""",
            Patch(Group(), """
                [{ "op": "Remove", "path": "members", "value": [{ "value": "u2000" }, { "$ref": null, "value": "7f4bc1a3-285e-48ae-8202-5accb43efb0e" }] }]
                """)["members"]);

    [Fact]
    public void Patch_RemoveMemberByValueThatIsNotAMember_ChangesNothing() =>
        AssertJson(Group(), Patch(Group(), """[{ "op": "remove", "path": "members", "value": [{ "value": "stranger" }] }]"""));

    [Fact]
    public void Patch_RemoveMembersWithAnEmptyValueArray_NeverWipesTheGroup() =>
        AssertJson(Group(), Patch(Group(), """[{ "op": "remove", "path": "members", "value": [] }]"""));

    [Fact]
    public void Patch_RemoveMemberMatchingIsCaseSensitive_AsMembersValueIsCaseExact() =>
        AssertJson(Group(), Patch(Group(), """[{ "op": "remove", "path": "members", "value": [{ "value": "U1091" }] }]"""));

    [Fact]
    public void Patch_RemoveMemberByFilter_RemovesOnlyThatMember() =>
        AssertJson(
            With(Group(), """{ "members": [{ "value": "u2000" }, { "value": "7f4bc1a3-285e-48ae-8202-5accb43efb0e" }, { "value": "aaebb169-b91d-481c-9957-097faeaf649a" }] }"""),
            Patch(Group(), """[{ "op": "remove", "path": "members[value eq \"u1091\"]" }]"""));

    [Fact]
    public void Patch_RemoveMembersWithoutValue_RemovesAllMembers() =>
        Assert.False(Patch(Group(), """[{ "op": "remove", "path": "members" }]""").ContainsKey("members"));

    [Fact]
    public void Patch_RemoveByFilter_RemovesMatchingElements() =>
        AssertJson(
            """[{ "value": "joy@home.example", "type": "home" }]""",
            Patch(User(), """[{ "op": "remove", "path": "emails[type eq \"work\"]" }]""")["emails"]);

    [Fact]
    public void Patch_RemoveFilteredSubAttribute_RemovesItFromMatchingElements() =>
        AssertJson(
            """[{ "value": "jyoung@contoso.com", "type": "work" }, { "value": "joy@home.example", "type": "home" }]""",
            Patch(User(), """[{ "op": "remove", "path": "emails[type eq \"work\"].primary" }]""")["emails"]);

    [Fact]
    public void Patch_RemoveByFilterMatchingNothing_IsNoTarget() =>
        AssertPatchFails(ScimErrorTypes.NoTarget, User(), """[{ "op": "remove", "path": "emails[type eq \"other\"]" }]""", "matches");

    [Fact]
    public void Patch_RemoveEmailByValue_RemovesThatEmailOnly() =>
        AssertJson(
            """[{ "value": "jyoung@contoso.com", "type": "work", "primary": true }]""",
            Patch(User(), """[{ "op": "remove", "path": "emails", "value": [{ "value": "joy@home.example" }] }]""")["emails"]);

    [Fact]
    public void Patch_RemoveSubAttribute_RemovesItOnly() =>
        AssertJson(
            """{ "formatted": "Joy Young", "familyName": "Young" }""",
            Patch(User(), """[{ "op": "remove", "path": "name.givenName" }]""")["name"]);

    [Fact]
    public void Patch_RemoveAbsentAttribute_ChangesNothing() =>
        AssertJson(User(), Patch(User(), """[{ "op": "remove", "path": "nickName" }]"""));

    [Fact]
    public void Patch_RemoveTheLastEmail_DropsTheAttribute()
    {
        var result = Patch(User(), """
            [{ "op": "remove", "path": "emails[type eq \"work\"]" }, { "op": "remove", "path": "emails[type eq \"home\"]" }]
            """);

        Assert.False(result.ContainsKey("emails"));
    }

    [Fact]
    public void Patch_RemoveEveryExtensionAttribute_DropsTheExtensionAndItsSchemaUrn()
    {
        var result = Patch(User(), $$"""
            [{ "op": "remove", "path": "{{Enterprise}}:employeeNumber" }, { "op": "remove", "path": "department" }]
            """);

        Assert.False(result.ContainsKey(Enterprise));
        AssertJson($$"""["{{SchemaUrns.User}}"]""", result["schemas"]);
    }

    [Fact]
    public void Patch_RemoveWholeExtensionByUrn_DropsItAndItsSchemaUrn()
    {
        var result = Patch(User(), $$"""[{ "op": "remove", "path": "{{Enterprise}}" }]""");

        AssertJson(With(User(), $$"""{ "schemas": ["{{SchemaUrns.User}}"], "{{Enterprise}}": null }"""), result);
    }

    // ---- no path ------------------------------------------------------------------------------------------

    [Fact]
    public void Patch_NoPathWithExtensionUrnKey_MergesIntoTheExtension() =>
        AssertJson(
            """{ "employeeNumber": "701984", "department": "Ops", "costCenter": "4130" }""",
            Patch(User(), $$"""[{ "op": "replace", "value": { "{{Enterprise}}": { "department": "Ops", "costCenter": 4130 } } }]""")[Enterprise]);

    [Fact]
    public void Patch_NoPathWithMalformedEnterpriseUrn_TreatsItAsTheEnterpriseExtension() =>
        AssertJson(
            """{ "employeeNumber": "701984", "department": "Ops" }""",
            Patch(User(), $$"""[{ "op": "add", "value": { "{{SchemaUrns.MalformedEnterpriseUser}}": { "department": "Ops" } } }]""")[Enterprise]);

    [Fact]
    public void Patch_PathWithMalformedEnterpriseUrn_TreatsItAsTheEnterpriseExtension() =>
        Assert.Equal(
            "Ops",
            (string?)Patch(User(), $$"""[{ "op": "add", "path": "{{SchemaUrns.MalformedEnterpriseUser}}:department", "value": "Ops" }]""")[Enterprise]!["department"]);

    [Fact]
    public void Patch_NoPathWithComplexObject_MergesForAddAndReplace()
    {
        foreach (var op in new[] { "add", "replace" })
        {
            AssertJson(
                """{ "formatted": "Joy Young", "familyName": "Young", "givenName": "Jo" }""",
                Patch(User(), $$"""[{ "op": "{{op}}", "value": { "name": { "givenName": "Jo" } } }]""")["name"]);
        }
    }

    [Fact]
    public void Patch_NoPathReplaceWithNullMember_UnassignsIt() =>
        Assert.False(Patch(User(), """[{ "op": "replace", "value": { "title": null, "displayName": "D" } }]""").ContainsKey("title"));

    [Fact]
    public void Patch_NoPathAddWithNullMember_ChangesNothing() =>
        AssertJson(User(), Patch(User(), """[{ "op": "add", "value": { "title": null } }]"""));

    [Theory]
    [InlineData("\"just a string\"")]
    [InlineData("[{ \"title\": \"x\" }]")]
    public void Patch_NoPathWithNonObjectValue_IsInvalidValue(string value) =>
        AssertPatchFails(ScimErrorTypes.InvalidValue, User(), $$"""[{ "op": "replace", "value": {{value}} }]""", "object");

    [Fact]
    public void Patch_NoPathWithUnknownAttribute_IsInvalidPath() =>
        AssertPatchFails(ScimErrorTypes.InvalidPath, User(), """[{ "op": "replace", "value": { "displayName": "x", "shoeSize": 44 } }]""", "shoeSize");

    // ---- paths that do not resolve ------------------------------------------------------------------------

    [Theory]
    [InlineData("favouriteColour")]
    [InlineData("name.nickname")]
    [InlineData("emails[type eq \"work\"].colour")]
    [InlineData("urn:example:unknown:1.0:User:department")]
    [InlineData("emails[type eq \"work\"")]
    [InlineData("emails]")]
    [InlineData("name.givenName.first")]
    public void Patch_UnknownOrMalformedPath_IsInvalidPath(string path) =>
        AssertPatchFails(ScimErrorTypes.InvalidPath, User(), $$"""[{ "op": "replace", "path": {{new JsonArray(path)[0]!.ToJsonString()}}, "value": "x" }]""");

    [Fact]
    public void Patch_GroupAttributeOnAUser_IsInvalidPath() =>
        AssertPatchFails(ScimErrorTypes.InvalidPath, User(), """[{ "op": "add", "path": "members", "value": [{ "value": "u1" }] }]""");

    // ---- mutability ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData("""{ "op": "replace", "path": "id", "value": "another-id" }""", "'id'")]
    [InlineData("""{ "op": "remove", "path": "id" }""", "'id'")]
    [InlineData("""{ "op": "replace", "path": "meta.lastModified", "value": "2030-01-01T00:00:00Z" }""", "'meta'")]
    [InlineData("""{ "op": "add", "path": "meta", "value": { "version": "W/\"9\"" } }""", "'meta'")]
    [InlineData("""{ "op": "add", "path": "groups", "value": [{ "value": "g1" }] }""", "'groups'")]
    [InlineData("""{ "op": "replace", "value": { "id": "another-id" } }""", "'id'")]
    [InlineData("""{ "op": "replace", "path": "manager.displayName", "value": "Boss" }""", "manager.displayName")]
    public void Patch_ReadOnlyAttribute_IsMutabilityError(string operation, string detail) =>
        AssertPatchFails(ScimErrorTypes.Mutability, User(), $"[{operation}]", detail);

    [Theory]
    [InlineData("""{ "op": "replace", "path": "members[value eq \"u1091\"].value", "value": "u9999" }""")]
    [InlineData("""{ "op": "replace", "path": "members[value eq \"u1091\"].type", "value": "Group" }""")]
    [InlineData("""{ "op": "replace", "path": "members.value", "value": "u9999" }""")]
    public void Patch_ImmutableMemberSubAttribute_IsMutabilityError(string operation) =>
        AssertPatchFails(ScimErrorTypes.Mutability, Group(), $"[{operation}]", "immutable");

    [Theory]
    [InlineData("""{ "op": "replace", "path": "id", "value": "2819c223-7f76-453a-919d-413861904646" }""")]
    [InlineData("""{ "op": "Replace", "value": { "id": "2819c223-7f76-453a-919d-413861904646", "displayName": "Joy Young" } }""")]
    public void Patch_ReplaceIdWithTheSameValue_IsANoOp(string operation) =>
        AssertJson(User(), Patch(User(), $"[{operation}]"));

    /// <summary>Chosen behaviour: <c>schemas</c> follows from the data, so operations on it are ignored (not an error).</summary>
    [Theory]
    [InlineData("""{ "op": "replace", "path": "schemas", "value": ["urn:example:other"] }""")]
    [InlineData("""{ "op": "remove", "path": "schemas" }""")]
    [InlineData("""{ "op": "add", "value": { "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"] } }""")]
    public void Patch_OperationOnSchemas_IsIgnored(string operation) =>
        AssertJson(User(), Patch(User(), $"[{operation}]"));

    [Theory]
    [InlineData("""{ "op": "remove", "path": "userName" }""", "userName")]
    [InlineData("""{ "op": "replace", "path": "userName", "value": "" }""", "userName")]
    [InlineData("""{ "op": "replace", "path": "userName", "value": "   " }""", "userName")]
    public void Patch_LeavingUserWithoutUserName_IsInvalidValue(string operation, string detail) =>
        AssertPatchFails(ScimErrorTypes.InvalidValue, User(), $"[{operation}]", detail);

    [Fact]
    public void Patch_RemovingGroupDisplayName_IsInvalidValue() =>
        AssertPatchFails(ScimErrorTypes.InvalidValue, Group(), """[{ "op": "remove", "path": "displayName" }]""", "displayName");

    // ---- primary ------------------------------------------------------------------------------------------

    [Fact]
    public void Patch_SetPrimaryOnOneEmail_ClearsItOnTheOthers() =>
        AssertJson(
            """[{ "value": "jyoung@contoso.com", "type": "work", "primary": false }, { "value": "joy@home.example", "type": "home", "primary": true }]""",
            Patch(User(), """[{ "op": "replace", "path": "emails[type eq \"home\"].primary", "value": "True" }]""")["emails"]);

    [Fact]
    public void Patch_AddPrimaryEmail_ClearsPrimaryOnTheExistingOnes() =>
        AssertJson(
            """
            [{ "value": "jyoung@contoso.com", "type": "work", "primary": false },
             { "value": "joy@home.example", "type": "home" },
             { "value": "new@contoso.com", "type": "other", "primary": true }]
            """,
            Patch(User(), """[{ "op": "add", "path": "emails", "value": [{ "value": "new@contoso.com", "type": "other", "primary": "true" }] }]""")["emails"]);

    [Fact]
    public void Patch_ReplaceEmailsWithTwoPrimaries_KeepsTheFirstAsPrimary() =>
        AssertJson(
            """[{ "value": "a@x", "primary": true }, { "value": "b@x", "primary": false }]""",
            Patch(User(), """[{ "op": "replace", "path": "emails", "value": [{ "value": "a@x", "primary": true }, { "value": "b@x", "primary": true }] }]""")["emails"]);

    // ---- output form --------------------------------------------------------------------------------------

    [Fact]
    public void Patch_Result_HasCanonicalKeyOrder()
    {
        var result = Patch(User(), """[{ "op": "add", "path": "nickName", "value": "Jo" }, { "op": "add", "path": "name.honorificPrefix", "value": "Dr" }]""");

        Assert.Equal(
            ["schemas", "id", "externalId", "userName", "name", "displayName", "nickName", "title", "active", "emails", Enterprise, "meta"],
            result.Select(p => p.Key));
        Assert.Equal(["formatted", "familyName", "givenName", "honorificPrefix"], result["name"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Patch_ManyMembersOnALargeGroup_StaysFast()
    {
        var group = Group();
        var members = group["members"]!.AsArray();
        for (var i = 0; i < 20_000; i++)
        {
            members.Add(new JsonObject { ["value"] = $"member-{i}" });
        }

        var add = new JsonArray();
        var remove = new JsonArray();
        for (var i = 0; i < 500; i++)
        {
            add.Add(new JsonObject { ["value"] = $"new-{i}" });
            remove.Add(new JsonObject { ["value"] = $"member-{i * 2}" });
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Patch(group, $$"""
            [{ "op": "add", "path": "members", "value": {{add.ToJsonString()}} },
             { "op": "remove", "path": "members", "value": {{remove.ToJsonString()}} },
             { "op": "remove", "path": "members[value eq \"member-19999\"]" }]
            """);
        watch.Stop();

        Assert.Equal(20_004 + 500 - 500 - 1, result["members"]!.AsArray().Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
