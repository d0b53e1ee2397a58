using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Filters;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Tests.Filters;

public class PatchPathAndElementTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    private static AttributeDefinition Emails => ScimSchemas.User.FindAttribute("emails")!;

    private static AttributeDefinition Members => ScimSchemas.Group.FindAttribute("members")!;

    [Theory]
    [InlineData("userName", null, "userName", null)]
    [InlineData("DisplayName", null, "DisplayName", null)]
    [InlineData("name.givenName", null, "name", "givenName")]
    [InlineData("name.FamilyName", null, "name", "FamilyName")]
    [InlineData("emails", null, "emails", null)]
    [InlineData(Enterprise + ":employeeNumber", Enterprise, "employeeNumber", null)]
    [InlineData(Enterprise + ":manager.value", Enterprise, "manager", "value")]
    [InlineData(Enterprise + ":manager", Enterprise, "manager", null)]
    [InlineData(Enterprise, "urn:ietf:params:scim:schemas:extension:enterprise:2.0", "User", null)]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName", "urn:ietf:params:scim:schemas:core:2.0:User", "name", "givenName")]
    [InlineData("  userName  ", null, "userName", null)]
    public void Plain_attribute_paths_parse_without_splitting_urns_on_dots(string text, string? urn, string name, string? sub)
    {
        var path = FilterParser.ParsePatchPath(text);
        Assert.Equal(new AttributePath(urn, name, sub), path.Attribute);
        Assert.Null(path.ValueFilter);
        Assert.Null(path.SubAttribute);
    }

    [Fact]
    public void A_whole_extension_path_resolves_to_the_extension()
    {
        var path = FilterParser.ParsePatchPath(Enterprise);
        var resolved = ScimSchemas.UserResourceType.Resolve(path.Attribute);
        Assert.NotNull(resolved);
        Assert.Null(resolved.Attribute);
        Assert.True(resolved.IsExtension);
    }

    [Theory]
    [InlineData("emails[type eq \"work\"].value", "emails", "type eq \"work\"", "value")]
    [InlineData("addresses[type eq \"work\"].formatted", "addresses", "type eq \"work\"", "formatted")]
    [InlineData("members[value eq \"7f4b8e2a-0f4c-4a8e-9d1b-2c3d4e5f6a7b\"]", "members", "value eq \"7f4b8e2a-0f4c-4a8e-9d1b-2c3d4e5f6a7b\"", null)]
    [InlineData("members[value eq 7f4b]", "members", "value eq \"7f4b\"", null)]
    [InlineData("emails[type eq \"work\" and primary eq true].display", "emails", "(type eq \"work\" and primary eq true)", "display")]
    [InlineData("emails[not (type eq \"work\")]", "emails", "not(type eq \"work\")", null)]
    [InlineData("emails[value eq \"a]b.c\"].type", "emails", "value eq \"a]b.c\"", "type")]
    [InlineData("EMAILS[TYPE EQ \"work\"].VALUE", "EMAILS", "TYPE eq \"work\"", "VALUE")]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq \"work\"].value", "urn:ietf:params:scim:schemas:core:2.0:User:emails", "type eq \"work\"", "value")]
    public void Filtered_paths_carry_the_value_filter_and_the_sub_attribute(string text, string attribute, string filter, string? sub)
    {
        var path = FilterParser.ParsePatchPath(text);
        Assert.Equal(attribute, path.Attribute.ToString());
        Assert.NotNull(path.ValueFilter);
        Assert.Equal(filter, FilterFormat.Show(path.ValueFilter));
        Assert.Equal(sub, path.SubAttribute);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("user Name")]
    [InlineData("1userName")]
    [InlineData("name.givenName.x")]
    [InlineData("name.")]
    [InlineData(".value")]
    [InlineData("emails[")]
    [InlineData("emails[]")]
    [InlineData("emails[type eq \"work\"")]
    [InlineData("emails[type eq \"work\"]]")]
    [InlineData("emails[type eq \"work\"].")]
    [InlineData("emails[type eq \"work\"].value.x")]
    [InlineData("emails[type eq \"work\"]value")]
    [InlineData("emails[type eq \"work\"] .value")]
    [InlineData("emails[type eq \"work\"][value pr]")]
    [InlineData("emails[type eq]")]
    [InlineData("emails[type eq \"work]")]
    [InlineData("emails[type[value pr]]")]
    [InlineData("emails.value[type eq \"work\"]")]
    [InlineData("emails [type eq \"work\"]")]
    [InlineData("[type eq \"work\"]")]
    [InlineData("emails[" + Enterprise + ":manager eq \"x\"]")]
    [InlineData("urn:")]
    [InlineData("\"userName\"")]
    [InlineData("userName eq \"x\"")]
    public void Invalid_paths_are_rejected_with_invalidPath(string text)
    {
        var error = Assert.Throws<ScimException>(() => FilterParser.ParsePatchPath(text));
        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorTypes.InvalidPath, error.ScimType);
    }

    [Fact]
    public void Null_and_overlong_paths_are_invalidPath()
    {
        Assert.Equal(ScimErrorTypes.InvalidPath, Assert.Throws<ScimException>(() => FilterParser.ParsePatchPath(null!)).ScimType);
        var longPath = "emails[value eq \"" + new string('x', 10_000) + "\"]";
        Assert.Equal(ScimErrorTypes.InvalidPath, Assert.Throws<ScimException>(() => FilterParser.ParsePatchPath(longPath)).ScimType);
        var deep = "emails[" + new string('(', 60) + "type pr" + new string(')', 60) + "]";
        Assert.Equal(ScimErrorTypes.InvalidPath, Assert.Throws<ScimException>(() => FilterParser.ParsePatchPath(deep)).ScimType);
    }

    [Theory]
    [InlineData("type eq \"work\"", true)]
    [InlineData("type eq \"WORK\"", true)]
    [InlineData("TYPE eq \"work\"", true)]
    [InlineData("type eq \"home\"", false)]
    [InlineData("type ne \"home\"", true)]
    [InlineData("value co \"@example\" and primary eq true", true)]
    [InlineData("value sw \"a\" or type eq \"home\"", false)]
    [InlineData("not (type eq \"home\")", true)]
    [InlineData("primary eq \"True\"", true)]
    [InlineData("display pr", false)]
    [InlineData("display eq null", true)]
    [InlineData("unknown eq \"x\"", false)]
    [InlineData("unknown ne \"x\"", true)]
    public void An_email_element_matches_against_the_emails_sub_attributes(string filter, bool expected)
    {
        var element = JsonNode.Parse("""{ "type": "Work", "value": "jane@example.com", "primary": true }""");
        Assert.Equal(expected, FilterEvaluator.MatchesElement(FilterParser.Parse(filter), element, Emails));
    }

    [Theory]
    [InlineData("value eq \"7f4b\"", true)]
    [InlineData("value eq \"7F4B\"", false)]
    [InlineData("value eq 7f4b", true)]
    [InlineData("display eq \"ALICE\"", true)]
    public void A_member_element_compares_its_case_exact_value(string filter, bool expected)
    {
        var element = JsonNode.Parse("""{ "value": "7f4b", "display": "Alice" }""");
        Assert.Equal(expected, FilterEvaluator.MatchesElement(FilterParser.Parse(filter), element, Members));
    }

    [Fact]
    public void A_patch_path_filter_selects_the_matching_elements()
    {
        var path = FilterParser.ParsePatchPath("emails[type eq \"work\"].value");
        var emails = JsonNode.Parse("""[{ "type": "home", "value": "h@x" }, { "type": "work", "value": "w@x" }, { "value": "n@x" }]""")!.AsArray();
        var selected = emails.Where(e => FilterEvaluator.MatchesElement(path.ValueFilter!, e, Emails)).ToList();
        Assert.Equal("w@x", Assert.Single(selected)!["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("value eq \"blue\"", "blue", true)]
    [InlineData("value eq \"BLUE\"", "blue", true)]
    [InlineData("value sw \"bl\"", "blue", true)]
    [InlineData("value eq \"red\"", "blue", false)]
    [InlineData("type eq \"blue\"", "blue", false)]
    [InlineData("value pr", "blue", true)]
    [InlineData("value pr", "", false)]
    public void A_primitive_element_is_its_own_value(string filter, string element, bool expected)
    {
        var tags = new AttributeDefinition("tags", AttributeType.String, MultiValued: true);
        Assert.Equal(expected, FilterEvaluator.MatchesElement(FilterParser.Parse(filter), JsonValue.Create(element), tags));
    }

    [Fact]
    public void A_null_element_matches_only_absence_tests()
    {
        Assert.False(FilterEvaluator.MatchesElement(FilterParser.Parse("value eq \"x\""), null, Emails));
        Assert.False(FilterEvaluator.MatchesElement(FilterParser.Parse("value pr"), null, Emails));
        Assert.True(FilterEvaluator.MatchesElement(FilterParser.Parse("value ne \"x\""), null, Emails));
    }

    [Fact]
    public void Element_filters_reject_type_errors_and_urn_paths()
    {
        var element = JsonNode.Parse("""{ "type": "work", "primary": true }""");
        Assert.Equal(ScimErrorTypes.InvalidFilter,
            Assert.Throws<ScimException>(() => FilterEvaluator.MatchesElement(FilterParser.Parse("primary gt true"), element, Emails)).ScimType);
        var urnPath = new ComparisonFilter(new AttributePath(Enterprise, "manager"), ComparisonOperator.Pr, FilterValue.None);
        Assert.Equal(ScimErrorTypes.InvalidFilter,
            Assert.Throws<ScimException>(() => FilterEvaluator.MatchesElement(urnPath, element, Emails)).ScimType);
    }
}
