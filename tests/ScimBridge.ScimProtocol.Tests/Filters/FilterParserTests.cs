using ScimBridge.ScimProtocol.Filters;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Tests.Filters;

public class FilterParserTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string CoreUser = "urn:ietf:params:scim:schemas:core:2.0:User";

    [Theory]
    [InlineData("a eq \"1\" or b eq \"2\" and c eq \"3\"", "(a eq \"1\" or (b eq \"2\" and c eq \"3\"))")]
    [InlineData("a eq \"1\" and b eq \"2\" or c eq \"3\"", "((a eq \"1\" and b eq \"2\") or c eq \"3\")")]
    [InlineData("a pr and b pr and c pr", "((a pr and b pr) and c pr)")]
    [InlineData("a pr or b pr or c pr", "((a pr or b pr) or c pr)")]
    [InlineData("(a eq \"1\" or b eq \"2\") and c eq \"3\"", "((a eq \"1\" or b eq \"2\") and c eq \"3\")")]
    [InlineData("a eq \"1\" or (b eq \"2\" and c eq \"3\")", "(a eq \"1\" or (b eq \"2\" and c eq \"3\"))")]
    [InlineData("not (a pr) and b pr", "(not(a pr) and b pr)")]
    [InlineData("b pr and not (a pr)", "(b pr and not(a pr))")]
    [InlineData("not (a pr or b pr) and c pr", "(not((a pr or b pr)) and c pr)")]
    [InlineData("not(a pr)", "not(a pr)")]
    [InlineData("not ( not ( a pr ) )", "not(not(a pr))")]
    [InlineData("((a pr))", "a pr")]
    [InlineData("(a pr or b pr) and (c pr or d pr)", "((a pr or b pr) and (c pr or d pr))")]
    [InlineData("  \ta eq \"1\"   and\t\tb eq \"2\"  ", "(a eq \"1\" and b eq \"2\")")]
    public void Precedence_is_grouping_then_not_then_and_then_or(string text, string expected)
    {
        Assert.Equal(expected, FilterFormat.Show(FilterParser.Parse(text)));
    }

    [Theory]
    [InlineData("userName EQ \"x\"", "userName eq \"x\"")]
    [InlineData("userName Eq \"x\" AND title PR", "(userName eq \"x\" and title pr)")]
    [InlineData("a pr Or b pr", "(a pr or b pr)")]
    [InlineData("NOT (a pr)", "not(a pr)")]
    [InlineData("Not(a pr)", "not(a pr)")]
    [InlineData("a Sw \"x\" or a eW \"y\" or a CO \"z\"", "((a sw \"x\" or a ew \"y\") or a co \"z\")")]
    [InlineData("active eq TRUE", "active eq true")]
    [InlineData("active eq False", "active eq false")]
    [InlineData("title eq NULL", "title eq null")]
    public void Operators_and_keywords_are_case_insensitive(string text, string expected)
    {
        Assert.Equal(expected, FilterFormat.Show(FilterParser.Parse(text)));
    }

    [Fact]
    public void Attribute_names_keep_their_spelling_and_resolve_case_insensitively()
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse("USERNAME eq \"x\""));
        Assert.Equal("USERNAME", filter.Path.Name);
        Assert.Equal("userName", ScimSchemas.UserResourceType.Resolve(filter.Path)!.Attribute!.Name);
    }

    [Theory]
    [InlineData("eq", ComparisonOperator.Eq)]
    [InlineData("ne", ComparisonOperator.Ne)]
    [InlineData("co", ComparisonOperator.Co)]
    [InlineData("sw", ComparisonOperator.Sw)]
    [InlineData("ew", ComparisonOperator.Ew)]
    [InlineData("gt", ComparisonOperator.Gt)]
    [InlineData("ge", ComparisonOperator.Ge)]
    [InlineData("lt", ComparisonOperator.Lt)]
    [InlineData("le", ComparisonOperator.Le)]
    public void Every_binary_operator_parses_with_its_value(string op, ComparisonOperator expected)
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse($"title {op} \"x\""));
        Assert.Equal(expected, filter.Operator);
        Assert.Equal(FilterValue.Of("x"), filter.Value);
        Assert.Equal(new AttributePath(null, "title"), filter.Path);
    }

    [Fact]
    public void Pr_parses_without_a_value()
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse("title pr"));
        Assert.Equal(ComparisonOperator.Pr, filter.Operator);
        Assert.Equal(FilterValue.None, filter.Value);
    }

    public static TheoryData<string, FilterValue> Values => new()
    {
        { "\"hello world\"", FilterValue.Of("hello world") },
        { "\"\"", FilterValue.Of("") },
        { "\"True\"", FilterValue.Of("True") },
        { "\"42\"", FilterValue.Of("42") },
        { "true", FilterValue.Of(true) },
        { "false", FilterValue.Of(false) },
        { "null", FilterValue.Null },
        { "42", FilterValue.Of(42m) },
        { "0", FilterValue.Of(0m) },
        { "-17", FilterValue.Of(-17m) },
        { "3.25", FilterValue.Of(3.25m) },
        { "1e3", FilterValue.Of(1000m) },
        { "2.5E-2", FilterValue.Of(0.025m) },
        { "-1.5e+2", FilterValue.Of(-150m) },
        { "jyoung", FilterValue.Of("jyoung") },
        { "54D382A4-2050-4C03-94D1-E769F1D15682", FilterValue.Of("54D382A4-2050-4C03-94D1-E769F1D15682") },
        { "007", FilterValue.Of("007") },
        { "1.", FilterValue.Of("1.") },
        { "12abc", FilterValue.Of("12abc") },
        { "a@b.com", FilterValue.Of("a@b.com") },
        { "truthy", FilterValue.Of("truthy") },
        { "99999999999999999999999999999999999", FilterValue.Of("99999999999999999999999999999999999") },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Every_value_type_parses_including_unquoted_bare_words(string valueText, FilterValue expected)
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse($"title eq {valueText}"));
        Assert.Equal(expected, filter.Value);
    }

    [Theory]
    [InlineData(@"""say \""hi\""""", "say \"hi\"")]
    [InlineData(@"""back\\slash""", "back\\slash")]
    [InlineData(@"""caf\u00e9""", "café")]
    [InlineData(@"""caf\u00E9""", "café")]
    [InlineData(@"""a\/b""", "a/b")]
    [InlineData(@"""tab\there""", "tab\there")]
    [InlineData(@"""line\nbreak\r""", "line\nbreak\r")]
    [InlineData(@"""\b\f""", "\b\f")]
    [InlineData(@"""(not) [a] and or""", "(not) [a] and or")]
    [InlineData("\"café ünïcödé\"", "café ünïcödé")]
    public void String_escapes_are_decoded(string valueText, string expected)
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse($"title eq {valueText}"));
        Assert.Equal(FilterValue.Of(expected), filter.Value);
    }

    [Theory]
    [InlineData(Enterprise + ":manager.value eq \"x\"", Enterprise, "manager", "value")]
    [InlineData(Enterprise + ":employeeNumber eq \"x\"", Enterprise, "employeeNumber", null)]
    [InlineData(CoreUser + ":userName eq \"x\"", CoreUser, "userName", null)]
    [InlineData(CoreUser + ":name.givenName eq \"x\"", CoreUser, "name", "givenName")]
    [InlineData("name.familyName eq \"x\"", null, "name", "familyName")]
    [InlineData("meta.lastModified gt \"2011-05-13T04:42:34Z\"", null, "meta", "lastModified")]
    [InlineData("$ref eq \"x\"", null, "$ref", null)]
    public void Attribute_paths_keep_urns_with_dots_whole(string text, string? urn, string name, string? sub)
    {
        var filter = Assert.IsType<ComparisonFilter>(FilterParser.Parse(text));
        Assert.Equal(new AttributePath(urn, name, sub), filter.Path);
    }

    [Theory]
    [InlineData("emails[type eq \"work\"]", "emails[type eq \"work\"]")]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"]", "emails[(type eq \"work\" and value co \"@example.com\")]")]
    [InlineData("emails[type eq \"work\" or not (primary eq true)]", "emails[(type eq \"work\" or not(primary eq true))]")]
    [InlineData("emails[(type eq \"work\" or type eq \"home\") and value pr]", "emails[((type eq \"work\" or type eq \"home\") and value pr)]")]
    [InlineData("members[value eq \"7f4b\"]", "members[value eq \"7f4b\"]")]
    [InlineData("members[value eq 7f4b]", "members[value eq \"7f4b\"]")]
    [InlineData("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
        "(userType eq \"Employee\" and emails[(type eq \"work\" and value co \"@example.com\")])")]
    [InlineData("emails[type eq \"work\"] or ims[type eq \"xmpp\"]", "(emails[type eq \"work\"] or ims[type eq \"xmpp\"])")]
    [InlineData("not (emails[type eq \"work\"])", "not(emails[type eq \"work\"])")]
    [InlineData(CoreUser + ":emails[type eq \"work\"]", CoreUser + ":emails[type eq \"work\"]")]
    [InlineData("emails[ type eq \"a]b\" ]", "emails[type eq \"a]b\"]")]
    public void Value_paths_hold_a_logical_expression_over_sub_attributes(string text, string expected)
    {
        Assert.Equal(expected, FilterFormat.Show(FilterParser.Parse(text)));
    }

    [Theory]
    [InlineData("emails[type eq \"work\"].value eq \"x@y\"", "emails[(type eq \"work\" and value eq \"x@y\")]")]
    [InlineData("emails[type eq \"work\"].value pr", "emails[(type eq \"work\" and value pr)]")]
    [InlineData("addresses[type eq \"work\"].formatted co \"Main\" and title pr", "(addresses[(type eq \"work\" and formatted co \"Main\")] and title pr)")]
    public void A_sub_attribute_after_a_value_path_folds_into_the_value_filter(string text, string expected)
    {
        Assert.Equal(expected, FilterFormat.Show(FilterParser.Parse(text)));
    }

    [Theory]
    [InlineData("userName eq \"Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee\"", "userName eq \"Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee\"")]
    [InlineData("userName eq \"non-existent user\"", "userName eq \"non-existent user\"")]
    [InlineData("externalId eq jyoung", "externalId eq \"jyoung\"")]
    [InlineData("externalId eq \"johnwong\"", "externalId eq \"johnwong\"")]
    [InlineData("id eq 54D382A4-2050-4C03-94D1-E769F1D15682 and manager eq 2819c223-7f76-453a-919d-413861904646",
        "(id eq \"54D382A4-2050-4C03-94D1-E769F1D15682\" and manager eq \"2819c223-7f76-453a-919d-413861904646\")")]
    [InlineData("displayName eq \"displayName\"", "displayName eq \"displayName\"")]
    [InlineData("active eq \"True\"", "active eq \"True\"")]
    public void Entra_fixture_filters_parse(string text, string expected)
    {
        Assert.Equal(expected, FilterFormat.Show(FilterParser.Parse(text)));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("userName", "comparison operator")]
    [InlineData("userName \"x\"", "position 9")]
    [InlineData("userName equals \"x\"", "comparison operator")]
    [InlineData("userName eq", "Expected a value")]
    [InlineData("userName eq )", "Expected a value")]
    [InlineData("userName eq \"x", "not terminated")]
    [InlineData("userName eq \"x\\", "not terminated")]
    [InlineData("userName eq \"x\\q\"", "Invalid escape")]
    [InlineData("userName eq \"\\u12\"", "\\u escape")]
    [InlineData("userName eq \"\\u12zz\"", "\\u escape")]
    [InlineData("(userName eq \"x\"", "')'")]
    [InlineData("userName eq \"x\")", "Unexpected")]
    [InlineData("((a pr)", "')'")]
    [InlineData("userName eq \"x\" garbage", "Unexpected")]
    [InlineData("userName eq \"x\" and", "attribute path")]
    [InlineData("or userName eq \"x\"", "comparison operator")]
    [InlineData("userName eq \"x\" and or b pr", "comparison operator")]
    [InlineData("title pr \"x\"", "takes no value")]
    [InlineData("title pr x", "takes no value")]
    [InlineData("emails[type eq \"work\"", "']'")]
    [InlineData("emails type eq \"work\"]", "comparison operator")]
    [InlineData("emails[]", "empty")]
    [InlineData("emails[type[value eq \"x\"] eq \"y\"]", "Nested")]
    [InlineData("emails[x[value eq \"x\"]]", "Nested")]
    [InlineData("emails[" + Enterprise + ":manager eq \"x\"]", "plain sub-attribute")]
    [InlineData("emails[type.value eq \"x\"]", "plain sub-attribute")]
    [InlineData("emails.value[type eq \"work\"]", "without a sub-attribute")]
    [InlineData("emails[type eq \"work\"].1bad eq \"x\"", "not a valid sub-attribute")]
    [InlineData("emails[type eq \"work\"].value", "comparison operator")]
    [InlineData("1userName eq \"x\"", "not a valid attribute path")]
    [InlineData("user-name! eq \"x\"", "not a valid attribute path")]
    [InlineData("name.givenName.first eq \"x\"", "not a valid attribute path")]
    [InlineData("urn: eq \"x\"", "not a valid attribute path")]
    [InlineData("a:b eq \"x\"", "not a valid attribute path")]
    [InlineData("\"userName\" eq \"x\"", "attribute path")]
    [InlineData("()", "attribute path")]
    [InlineData("not a pr", "comparison operator")]
    [InlineData("not", "comparison operator")]
    [InlineData("title gt null", "null")]
    [InlineData("title co null", "null")]
    [InlineData("a pr b pr", "takes no value")]
    [InlineData("]", "attribute path")]
    [InlineData("userName eq \"x\"]", "Unexpected")]
    public void Invalid_filters_are_rejected_with_invalidFilter(string text, string messageFragment)
    {
        var error = Assert.Throws<ScimException>(() => FilterParser.Parse(text));
        Assert.Equal(400, error.Status);
        Assert.Equal(ScimErrorTypes.InvalidFilter, error.ScimType);
        Assert.Contains(messageFragment, error.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_error_message_says_what_was_expected_and_where()
    {
        var error = Assert.Throws<ScimException>(() => FilterParser.Parse("userName \"bjensen\""));
        Assert.StartsWith("Expected a comparison operator", error.Detail, StringComparison.Ordinal);
        Assert.Contains("after 'userName' at position 9", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_filter_is_invalidFilter()
    {
        var error = Assert.Throws<ScimException>(() => FilterParser.Parse(null!));
        Assert.Equal(ScimErrorTypes.InvalidFilter, error.ScimType);
    }

    [Fact]
    public void Nesting_up_to_fifty_levels_is_accepted()
    {
        var text = new string('(', 50) + "a pr" + new string(')', 50);
        Assert.Equal("a pr", FilterFormat.Show(FilterParser.Parse(text)));
    }

    [Theory]
    [InlineData(51)]
    [InlineData(4000)]
    public void Nesting_deeper_than_fifty_levels_is_invalidFilter(int levels)
    {
        var text = new string('(', levels) + "a pr" + new string(')', levels);
        var error = Assert.Throws<ScimException>(() => FilterParser.Parse(text));
        Assert.Equal(ScimErrorTypes.InvalidFilter, error.ScimType);
        Assert.Contains("nested", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_nots_and_unclosed_parentheses_do_not_overflow_the_stack()
    {
        foreach (var text in new[] { string.Concat(Enumerable.Repeat("not (", 2000)), new string('(', 9999), string.Concat(Enumerable.Repeat("a[", 3000)) })
        {
            var error = Assert.Throws<ScimException>(() => FilterParser.Parse(text));
            Assert.Equal(ScimErrorTypes.InvalidFilter, error.ScimType);
        }
    }

    [Fact]
    public void A_filter_longer_than_ten_thousand_characters_is_invalidFilter()
    {
        var text = "userName eq \"" + new string('x', 10_000) + "\"";
        var error = Assert.Throws<ScimException>(() => FilterParser.Parse(text));
        Assert.Equal(ScimErrorTypes.InvalidFilter, error.ScimType);
        Assert.Contains("10000", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_flat_chain_of_ands_within_the_length_limit_parses_left_associatively()
    {
        var text = string.Join(" and ", Enumerable.Repeat("a pr", 1000));
        var filter = FilterParser.Parse(text);
        var count = 1;
        while (filter is AndFilter and)
        {
            Assert.IsType<ComparisonFilter>(and.Right);
            filter = and.Left;
            count++;
        }

        Assert.Equal(1000, count);
    }

    [Theory]
    [InlineData("not eq \"x\"", "not eq \"x\"")]
    [InlineData("and pr", "and pr")]
    [InlineData("or eq and", "or eq \"and\"")]
    public void Keywords_not_followed_by_their_syntax_are_attribute_names(string text, string expected)
    {
        Assert.Equal(expected, FilterFormat.Show(FilterParser.Parse(text)));
    }
}
