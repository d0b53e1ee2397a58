using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Schemas;
using static ScimBridge.ScimProtocol.Tests.Resources.TestResources;

namespace ScimBridge.ScimProtocol.Tests.Patch;

public class PatchRequestTests
{
    private const string PatchSchemas = $"""["{SchemaUrns.PatchOp}"]""";

    [Theory]
    [InlineData("add", PatchOperationType.Add)]
    [InlineData("Add", PatchOperationType.Add)]
    [InlineData("ADD", PatchOperationType.Add)]
    [InlineData("aDd", PatchOperationType.Add)]
    [InlineData("replace", PatchOperationType.Replace)]
    [InlineData("Replace", PatchOperationType.Replace)]
    [InlineData("REPLACE", PatchOperationType.Replace)]
    [InlineData("remove", PatchOperationType.Remove)]
    [InlineData("Remove", PatchOperationType.Remove)]
    [InlineData(" REMOVE ", PatchOperationType.Remove)]
    public void Parse_OpInAnyCase_IsTheRfcOp(string op, PatchOperationType expected)
    {
        var request = PatchRequest.Parse(Node($$"""
            { "schemas": {{PatchSchemas}}, "Operations": [{ "op": "{{op}}", "path": "title", "value": "x" }] }
            """));

        Assert.Equal(expected, request.Operations.Single().Op);
        Assert.Equal("title", request.Operations.Single().Path);
    }

    [Theory]
    [InlineData("operations")]
    [InlineData("OPERATIONS")]
    [InlineData("Operations")]
    public void Parse_OperationsKeyInAnyCase_IsAccepted(string key)
    {
        var request = PatchRequest.Parse(Node($$"""{ "schemas": {{PatchSchemas}}, "{{key}}": [{ "Op": "add", "Path": "title", "Value": "x" }] }"""));

        Assert.Equal(new PatchOperation(PatchOperationType.Add, "title", JsonValue.Create("x")).Op, request.Operations[0].Op);
        Assert.Equal("x", (string?)request.Operations[0].Value);
    }

    [Fact]
    public void Parse_WithoutSchemas_IsAcceptedLeniently()
    {
        var request = PatchRequest.Parse(Node("""{ "Operations": [{ "op": "replace", "path": "active", "value": false }] }"""));

        Assert.Single(request.Operations);
    }

    [Fact]
    public void Parse_KeepsOperationsInOrderWithDetachedValues()
    {
        var body = Node($$"""
            { "schemas": {{PatchSchemas}}, "Operations": [
                { "op": "add", "path": "members", "value": [{ "value": "a" }] },
                { "op": "replace", "value": { "displayName": "x" } },
                { "op": "remove", "path": "members[value eq \"a\"]" } ] }
            """);

        var request = PatchRequest.Parse(body);

        Assert.Equal([PatchOperationType.Add, PatchOperationType.Replace, PatchOperationType.Remove], request.Operations.Select(o => o.Op));
        Assert.All(request.Operations, o => Assert.Null(o.Value?.Parent));
        Assert.Null(request.Operations[1].Path);
        Assert.Null(request.Operations[2].Value);
    }

    [Theory]
    [InlineData("""[]""", "must be a JSON object")]
    [InlineData("""  "Operations"  """, "must be a JSON object")]
    [InlineData("""{ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"] }""", "Operations")]
    [InlineData("""{ "Operations": [] }""", "Operations")]
    [InlineData("""{ "Operations": null }""", "Operations")]
    [InlineData("""{ "Operations": { "op": "add" } }""", "Operations")]
    [InlineData("""{ "Operations": ["add"] }""", "must be an object")]
    [InlineData("""{ "Operations": [null] }""", "must be an object")]
    [InlineData("""{ "Operations": [{ "path": "title", "value": "x" }] }""", "must be \"add\", \"replace\" or \"remove\"")]
    [InlineData("""{ "Operations": [{ "op": "merge", "path": "title", "value": "x" }] }""", "merge")]
    [InlineData("""{ "Operations": [{ "op": "copy", "from": "title", "path": "nickName" }] }""", "copy")]
    [InlineData("""{ "Operations": [{ "op": 1, "path": "title", "value": "x" }] }""", "the number 1")]
    [InlineData("""{ "Operations": [{ "op": "add", "path": 7, "value": "x" }] }""", "path must be a string")]
    [InlineData("""{ "Operations": [{ "op": "add", "path": "title" }] }""", "needs a 'value'")]
    [InlineData("""{ "Operations": [{ "op": "Replace", "path": "title", "value": null }] }""", "needs a 'value'")]
    [InlineData("""{ "Operations": [{ "op": "add", "value": "x" }, { "op": "replace" }] }""", "Operations[1]")]
    [InlineData("""{ "schemas": {}, "Operations": [{ "op": "add", "path": "title", "value": "x" }] }""", "schemas")]
    public void Parse_MalformedBody_IsInvalidSyntax(string json, string detail) =>
        AssertScimError(ScimErrorTypes.InvalidSyntax, () => PatchRequest.Parse(Node(json)), detail);

    [Theory]
    [InlineData(SchemaUrns.PatchOp, true)]
    [InlineData(SchemaUrns.BulkRequest, false)]
    public void Parse_SchemasAsASingleString_IsReadAsAOneElementArray(string urn, bool accepted)
    {
        var body = Node($$"""{ "schemas": "{{urn}}", "Operations": [{ "op": "add", "path": "title", "value": "x" }] }""");

        if (accepted)
        {
            Assert.Single(PatchRequest.Parse(body).Operations);
        }
        else
        {
            AssertScimError(ScimErrorTypes.InvalidValue, () => PatchRequest.Parse(body));
        }
    }

    [Fact]
    public void Parse_NullBody_IsInvalidSyntax() =>
        AssertScimError(ScimErrorTypes.InvalidSyntax, () => PatchRequest.Parse(null));

    [Theory]
    [InlineData("""{ "op": "remove" }""")]
    [InlineData("""{ "op": "Remove", "value": [{ "value": "u1" }] }""")]
    [InlineData("""{ "op": "remove", "path": "   " }""")]
    public void Parse_RemoveWithoutPath_IsNoTarget(string operation) =>
        AssertScimError(ScimErrorTypes.NoTarget, () => PatchRequest.Parse(Node($$"""{ "Operations": [{{operation}}] }""")), "needs a 'path'");

    [Theory]
    [InlineData(SchemaUrns.SearchRequest)]
    [InlineData(SchemaUrns.User)]
    public void Parse_SchemasNamingAnotherMessageOnly_IsInvalidValue(string urn) =>
        AssertScimError(
            ScimErrorTypes.InvalidValue,
            () => PatchRequest.Parse(Node($$"""{ "schemas": ["{{urn}}"], "Operations": [{ "op": "add", "path": "title", "value": "x" }] }""")),
            SchemaUrns.PatchOp);

    [Fact]
    public void Parse_SchemasWithPatchOpAmongOthers_IsAccepted()
    {
        var request = PatchRequest.Parse(Node($$"""
            { "schemas": ["{{SchemaUrns.PatchOp.ToUpperInvariant()}}", "urn:example:extra"], "Operations": [{ "op": "add", "path": "title", "value": "x" }] }
            """));

        Assert.Single(request.Operations);
    }

    [Fact]
    public void Parse_ThousandOperations_IsAccepted()
    {
        var request = PatchRequest.Parse(BodyWithOperations(PatchRequest.MaxOperations));

        Assert.Equal(1000, request.Operations.Count);
    }

    /// <summary>Documented size guard: more than 1,000 operations in one request is refused before any is parsed.</summary>
    [Fact]
    public void Parse_MoreThanAThousandOperations_IsInvalidValueTooManyOperations() =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => PatchRequest.Parse(BodyWithOperations(1001)), "too many operations");

    private static JsonObject BodyWithOperations(int count)
    {
        var operations = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            operations.Add(new JsonObject { ["op"] = "add", ["path"] = "members", ["value"] = new JsonArray(new JsonObject { ["value"] = $"u{i}" }) });
        }

        return new JsonObject { ["schemas"] = new JsonArray(SchemaUrns.PatchOp), ["Operations"] = operations };
    }
}
