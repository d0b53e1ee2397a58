using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;
using static ScimBridge.ScimProtocol.Tests.Resources.TestResources;

namespace ScimBridge.ScimProtocol.Tests.Resources;

/// <summary>Type rules with no writable attribute in today's schemas (dateTime, integer, decimal), checked directly.</summary>
public class ScimValuesTests
{
    [Theory]
    [InlineData("\"2024-05-01T12:00:00Z\"")]
    [InlineData("\"2024-05-01T12:00:00.123+02:00\"")]
    [InlineData("\"2024-05-01\"")]
    public void DateTime_Iso8601_IsKept(string value) =>
        AssertJson(value, ScimValues.Coerce(new AttributeDefinition("hired", AttributeType.DateTime), Node(value), "hired"));

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("\"05/01/2024\"")]
    [InlineData("\"2024-13-45T00:00:00Z\"")]
    [InlineData("20240501")]
    public void DateTime_NotIso8601_IsInvalidValue(string value) =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => ScimValues.Coerce(new AttributeDefinition("hired", AttributeType.DateTime), Node(value), "hired"), "'hired'");

    [Theory]
    [InlineData("42", "42")]
    [InlineData("\"42\"", "42")]
    public void Integer_NumberOrNumericString_IsANumber(string value, string expected) =>
        AssertJson(expected, ScimValues.Coerce(new AttributeDefinition("level", AttributeType.Integer), Node(value), "level"));

    [Theory]
    [InlineData("4.5")]
    [InlineData("\"four\"")]
    public void Integer_NotAnInteger_IsInvalidValue(string value) =>
        AssertScimError(ScimErrorTypes.InvalidValue, () => ScimValues.Coerce(new AttributeDefinition("level", AttributeType.Integer), Node(value), "level"));

    [Fact]
    public void Decimal_NumericString_IsANumber() =>
        AssertJson("4.25", ScimValues.Coerce(new AttributeDefinition("rate", AttributeType.Decimal), Node("\"4.25\""), "rate"));

    [Fact]
    public void Coerce_NeverReturnsANodeAttachedToTheInput()
    {
        var input = Node("""{ "emails": [{ "value": "a@b" }] }""")!;

        var result = ScimValues.Coerce(ScimSchemas.User.FindAttribute("emails")!, input["emails"], "emails");

        Assert.Null(result!.Parent);
        Assert.NotSame(input["emails"]![0], result[0]);
    }
}
