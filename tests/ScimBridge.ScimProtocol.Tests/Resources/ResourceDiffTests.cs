using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;
using static ScimBridge.ScimProtocol.Tests.Resources.TestResources;

namespace ScimBridge.ScimProtocol.Tests.Resources;

public class ResourceDiffTests
{
    private static string Describe(IEnumerable<AttributeChange> changes) =>
        string.Join("\n", changes.Select(c => $"{c.Path}: {c.OldValue?.ToJsonString() ?? "-"} -> {c.NewValue?.ToJsonString() ?? "-"}"));

    private static void AssertChanges(JsonObject before, JsonObject after, params string[] expected) =>
        Assert.Equal(string.Join("\n", expected), Describe(ResourceDiff.Compute(before, after)));

    [Fact]
    public void Diff_SameResource_HasNoChanges() =>
        Assert.Empty(ResourceDiff.Compute(User(), User()));

    [Fact]
    public void Diff_OnlyMetaAndSchemasChanged_HasNoChanges() =>
        Assert.Empty(ResourceDiff.Compute(User(), With(User(), """{ "meta": { "version": "W/\"2\"" }, "schemas": ["x"] }""")));

    [Fact]
    public void Diff_SimpleAttributes_ReportOldAndNew() =>
        AssertChanges(
            User(),
            With(User(), """{ "displayName": "Joy Y", "active": false, "title": null, "nickName": "Jo" }"""),
            "displayName: \"Joy Young\" -> \"Joy Y\"",
            "active: true -> false",
            "nickName: - -> \"Jo\"",
            "title: \"Engineer\" -> -");

    [Fact]
    public void Diff_ComplexAttribute_ReportsSubAttributePaths() =>
        AssertChanges(
            User(),
            With(User(), """{ "name": { "givenName": "Joanne", "formatted": null, "middleName": "Q" } }"""),
            "name.givenName: \"Joy\" -> \"Joanne\"",
            "name.middleName: - -> \"Q\"",
            "name.formatted: \"Joy Young\" -> -");

    [Fact]
    public void Diff_ComplexAttributeRemoved_ReportsEachSubAttribute() =>
        AssertChanges(
            User(),
            With(User(), """{ "name": null }"""),
            "name.formatted: \"Joy Young\" -> -",
            "name.familyName: \"Young\" -> -",
            "name.givenName: \"Joy\" -> -");

    [Fact]
    public void Diff_MultiValuedAttribute_ReportsWholeArrays()
    {
        var after = With(User(), """{ "emails": [{ "value": "new@contoso.com", "type": "work" }] }""");

        var change = Assert.Single(ResourceDiff.Compute(User(), after));

        Assert.Equal("emails", change.Path);
        AssertJson(User()["emails"], change.OldValue);
        AssertJson(after["emails"], change.NewValue);
    }

    [Fact]
    public void Diff_ExtensionAttributes_AreUrnQualified() =>
        AssertChanges(
            User(),
            With(User(), $$"""{ "{{Enterprise}}": { "employeeNumber": "1", "manager": { "value": "m1" } } }"""),
            $"{Enterprise}:employeeNumber: \"701984\" -> \"1\"",
            $"{Enterprise}:manager.value: - -> \"m1\"");

    [Fact]
    public void Diff_ExtensionRemoved_ReportsEachAttribute() =>
        AssertChanges(
            User(),
            With(User(), $$"""{ "{{Enterprise}}": null }"""),
            $"{Enterprise}:employeeNumber: \"701984\" -> -",
            $"{Enterprise}:department: \"Sales\" -> -");

    [Fact]
    public void Diff_Members_ReportsOnlyRemovedAsOldAndAddedAsNew()
    {
        var after = PatchEngine.Apply(Group(), PatchRequest.Parse(Node("""
            { "Operations": [
                { "op": "add", "path": "members", "value": [{ "value": "u3000" }] },
                { "op": "remove", "path": "members[value eq \"u2000\"]" },
                { "op": "replace", "path": "displayName", "value": "Sales EMEA" } ] }
            """)), GroupType);

        var changes = ResourceDiff.Compute(Group(), after);

        Assert.Equal(["displayName", "members"], changes.Select(c => c.Path));
        AssertJson("""[{ "value": "u2000" }]""", changes[1].OldValue);
        AssertJson("""[{ "value": "u3000" }]""", changes[1].NewValue);
    }

    [Fact]
    public void Diff_MembersOnlyAdded_HasNullOldValue()
    {
        var change = Assert.Single(ResourceDiff.Compute(Group(), Group("u5")));

        Assert.Null(change.OldValue);
        AssertJson("""[{ "value": "u5" }]""", change.NewValue);
    }

    [Fact]
    public void Diff_MemberDetailsChangedButSameIds_IsNoMembersChange() =>
        Assert.Empty(ResourceDiff.Compute(Group(), With(Group(), """
            { "members": [
                { "value": "u1091" }, { "value": "u2000", "display": "Someone" },
                { "value": "7f4bc1a3-285e-48ae-8202-5accb43efb0e" }, { "value": "aaebb169-b91d-481c-9957-097faeaf649a" } ] }
            """)));

    [Fact]
    public void ComputeMembers_ReturnsAddedAndRemovedIds()
    {
        var after = With(Group("u7", "u8"), """{ "members": [{ "value": "u2000" }, { "value": "u7" }, { "value": "u8" }] }""");

        var members = ResourceDiff.ComputeMembers(Group(), after);

        Assert.Equal(["u7", "u8"], members.Added);
        Assert.Equal(["u1091", "7f4bc1a3-285e-48ae-8202-5accb43efb0e", "aaebb169-b91d-481c-9957-097faeaf649a"], members.Removed);
        Assert.False(members.IsEmpty);
    }

    [Fact]
    public void ComputeMembers_GroupWithoutMembersOnEitherSide_IsEmpty()
    {
        var empty = With(Group(), """{ "members": null }""");

        Assert.True(ResourceDiff.ComputeMembers(empty, empty).IsEmpty);
        Assert.Equal(4, ResourceDiff.ComputeMembers(empty, Group()).Added.Count);
        Assert.Equal(4, ResourceDiff.ComputeMembers(Group(), empty).Removed.Count);
    }

    [Fact]
    public void ComputeMembers_IdsDifferingOnlyInCase_AreDifferentMembers()
    {
        var members = ResourceDiff.ComputeMembers(Group(), With(Group(), """{ "members": [{ "value": "U1091" }] }"""));

        Assert.Contains("U1091", members.Added);
        Assert.Contains("u1091", members.Removed);
    }

    [Fact]
    public void Diff_UnchangedUserAfterNoOpPatch_HasNoChanges()
    {
        var after = PatchEngine.Apply(User(), PatchRequest.Parse(Node($$"""
            { "Operations": [{ "op": "Add", "path": "title", "value": "Engineer" }, { "op": "replace", "path": "id", "value": "2819c223-7f76-453a-919d-413861904646" }],
              "schemas": ["{{SchemaUrns.PatchOp}}"] }
            """)), UserType);

        Assert.Empty(ResourceDiff.Compute(User(), after));
    }
}
