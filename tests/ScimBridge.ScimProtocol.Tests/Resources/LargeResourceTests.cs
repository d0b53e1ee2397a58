using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;
using static ScimBridge.ScimProtocol.Tests.Resources.TestResources;

namespace ScimBridge.ScimProtocol.Tests.Resources;

/// <summary>The pieces that keep a large resource's cost linear and bounded. The benchmark (manyvalues) measures it.</summary>
public class LargeResourceTests
{
    [Theory]
    [InlineData("""{"value":"a","type":"work"}""", """{"type":"work","value":"a"}""")]
    [InlineData("""{"value":"a","primary":true}""", """{"primary":true,"value":"a"}""")]
    [InlineData("""[1,"a",{"b":null}]""", """[1,"a",{"b":null}]""")]
    [InlineData("1", "1")]
    public void Equality_NodesDeepEqualsCallsEqual_HashAlike(string left, string right)
    {
        var (x, y) = (Node(left)!, Node(right)!);
        Assert.True(JsonNodeEquality.Instance.Equals(x, y));
        Assert.Equal(JsonNodeEquality.Instance.GetHashCode(x), JsonNodeEquality.Instance.GetHashCode(y));
    }

    [Theory]
    [InlineData("""{"value":"a"}""", """{"value":"b"}""")]
    [InlineData("""{"value":"a"}""", """{"value":"a","type":"work"}""")]
    [InlineData("""["a","b"]""", """["b","a"]""")]
    public void Equality_DifferentNodes_AreNotEqual(string left, string right) =>
        Assert.False(JsonNodeEquality.Instance.Equals(Node(left), Node(right)));

    [Fact]
    public void AppendDistinct_ManyEmails_KeepsEachOnceWhateverTheKeyOrder()
    {
        var emails = ScimSchemas.UserResourceType.Schema.Attributes.Single(a => a.Name == "emails");
        var target = new JsonArray([.. Enumerable.Range(0, 5000).Select(i => (JsonNode)new JsonObject { ["value"] = $"a{i}@x.example", ["type"] = "other" })]);
        var incoming = new JsonArray([.. Enumerable.Range(4990, 20).Select(i => (JsonNode)new JsonObject { ["type"] = "other", ["value"] = $"a{i}@x.example" })]);

        var added = ScimValues.AppendDistinct(emails, target, incoming);

        Assert.Equal(10, added.Count);
        Assert.Equal(5010, target.Count);
    }

    [Fact]
    public void ValueCount_OverTheLimit_IsInvalidValueNamingAttributeAndLimit()
    {
        var user = Node("""{"userName":"a","emails":[{"value":"1"},{"value":"2"},{"value":"3"}]}""")!.AsObject();

        ResourceLimits.CheckValueCount(user, UserType, 3);
        AssertScimError(ScimErrorTypes.InvalidValue, () => ResourceLimits.CheckValueCount(user, UserType, 2), "'emails' has 3 values");
    }

    [Fact]
    public void ValueCount_GroupMembers_AreNotCounted()
    {
        var group = Node("""{"displayName":"g","members":[{"value":"1"},{"value":"2"},{"value":"3"}]}""")!.AsObject();
        ResourceLimits.CheckValueCount(group, GroupType, 1);
    }

    [Fact]
    public void Patch_RequestAlreadyCancelled_ThrowsOperationCanceled()
    {
        var request = PatchRequest.Parse(Node($$"""
            { "schemas": ["{{SchemaUrns.PatchOp}}"], "Operations": [{ "op": "replace", "path": "title", "value": "x" }] }
            """));
        Assert.Throws<OperationCanceledException>(() => PatchEngine.Apply(User(), request, UserType, new CancellationToken(canceled: true)));
    }
}
