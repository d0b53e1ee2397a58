using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Filters;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Tests.Filters;

public class FilterEvaluatorTests
{
    internal const string SampleUserJson = """
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "jyoung",
          "userName": "Jane.Young@Example.com",
          "name": { "formatted": "Ms. Jane Young", "familyName": "Young", "givenName": "Jane" },
          "displayName": "Jane Young",
          "nickName": "",
          "title": null,
          "userType": "Employee",
          "active": false,
          "emails": [
            { "value": "jane@example.com", "type": "work", "primary": true },
            { "value": "Jane.Home@Mail.org", "type": "home" },
            { "value": "no-type@example.net" }
          ],
          "phoneNumbers": [],
          "addresses": [ { "type": "work", "formatted": "100 Universal City Plaza", "primary": true } ],
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "department": "Tour Operations",
            "manager": { "value": "26118915-6090-4610-87e4-49d8ca9f808d", "displayName": "John Smith" }
          },
          "meta": {
            "resourceType": "User",
            "created": "2024-01-10T08:00:00Z",
            "lastModified": "2024-05-01T12:30:00Z",
            "version": "W/\"a330bc54f0671c9\""
          }
        }
        """;

    private static readonly ResourceTypeDefinition User = ScimSchemas.UserResourceType;

    private static JsonObject SampleUser() => JsonNode.Parse(SampleUserJson)!.AsObject();

    private static bool Matches(string filter, JsonObject? resource = null) =>
        FilterEvaluator.Matches(FilterParser.Parse(filter), resource ?? SampleUser(), User);

    [Theory]
    [InlineData("userName eq \"\u212Aelvin@x.example\"", true)] // Kelvin sign
    [InlineData("userName sw \"\u212AEL\"", true)]
    [InlineData("displayName eq \"\u2126mega\"", true)] // Ohm sign against ω
    [InlineData("displayName ew \"ME\u0301GA\"", false)] // é is not e
    [InlineData("emails.value co \"\u212Bsa\"", true)] // Ångström sign against å
    public void Case_insensitive_strings_compare_by_the_folded_key(string filter, bool expected)
    {
        var user = JsonNode.Parse("""{"userName": "kelvin@x.example", "displayName": "\u03C9mega", "emails": [{"value": "\u00E5sa@x.example"}]}""")!.AsObject();
        Assert.Equal(expected, Matches(filter, user));
    }

    [Theory]
    [InlineData("userName eq \"Jane.Young@Example.com\"", true)]
    [InlineData("userName eq \"jane.young@example.com\"", true)]
    [InlineData("USERNAME EQ \"JANE.YOUNG@EXAMPLE.COM\"", true)]
    [InlineData("userName eq \"jane\"", false)]
    [InlineData("userName ne \"jane\"", true)]
    [InlineData("userName ne \"JANE.YOUNG@example.com\"", false)]
    [InlineData("userName co \"young@\"", true)]
    [InlineData("userName co \"smith\"", false)]
    [InlineData("userName sw \"JANE\"", true)]
    [InlineData("userName sw \"Young\"", false)]
    [InlineData("userName ew \"EXAMPLE.COM\"", true)]
    [InlineData("userName ew \"Jane\"", false)]
    [InlineData("userName gt \"a\"", true)]
    [InlineData("userName gt \"z\"", false)]
    [InlineData("userName ge \"jane.young@example.com\"", true)]
    [InlineData("userName lt \"k\"", true)]
    [InlineData("userName lt \"a\"", false)]
    [InlineData("userName le \"JANE.YOUNG@EXAMPLE.COM\"", true)]
    [InlineData("userName pr", true)]
    [InlineData("displayName pr", true)]
    [InlineData("nickName pr", false)]
    [InlineData("title pr", false)]
    [InlineData("locale pr", false)]
    [InlineData("phoneNumbers pr", false)]
    [InlineData("emails pr", true)]
    [InlineData("name pr", true)]
    [InlineData("meta pr", true)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User pr", true)]
    public void Every_operator_compares_a_case_insensitive_string(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    [Theory]
    [InlineData("externalId eq jyoung", true)]
    [InlineData("externalId eq \"JYOUNG\"", false)]
    [InlineData("externalId co \"YOUNG\"", false)]
    [InlineData("externalId sw \"jy\"", true)]
    [InlineData("id eq \"2819c223-7f76-453a-919d-413861904646\"", true)]
    [InlineData("id eq 2819C223-7F76-453A-919D-413861904646", false)]
    [InlineData("meta.version eq \"W/\\\"a330bc54f0671c9\\\"\"", true)]
    [InlineData("meta.version eq \"w/\\\"A330BC54F0671C9\\\"\"", false)]
    [InlineData("meta.resourceType eq \"User\"", true)]
    [InlineData("meta.resourceType eq \"user\"", false)]
    public void Case_exact_attributes_compare_ordinally(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    [Theory]
    [InlineData("name.givenName eq \"jane\"", true)]
    [InlineData("name.familyName sw \"Yo\"", true)]
    [InlineData("NAME.GIVENNAME eq \"Jane\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq \"Jane\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:core:2.0:User:userName sw \"jane\"", true)]
    [InlineData("name.middleName pr", false)]
    [InlineData("name.middleName eq \"x\"", false)]
    public void Sub_attributes_and_urn_qualified_core_paths_resolve(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    [Theory]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"701984\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq 701984", true)]
    [InlineData("employeeNumber eq \"701984\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq \"26118915-6090-4610-87e4-49d8ca9f808d\"", true)]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq \"26118915-6090-4610-87e4-49d8ca9f808d\"", true)]
    [InlineData("manager eq 26118915-6090-4610-87e4-49d8ca9f808d", true)]
    [InlineData("manager.displayName co \"smith\"", true)]
    [InlineData("manager pr", true)]
    [InlineData("department eq \"tour operations\"", true)]
    [InlineData("costCenter pr", false)]
    public void Enterprise_extension_attributes_are_read_under_the_extension_urn(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    [Theory]
    [InlineData("active eq false", true)]
    [InlineData("active eq true", false)]
    [InlineData("active eq \"False\"", true)]
    [InlineData("active eq \"True\"", false)]
    [InlineData("active ne \"True\"", true)]
    [InlineData("active ne false", false)]
    [InlineData("active pr", true)]
    [InlineData("emails[primary eq \"TRUE\"]", true)]
    public void Booleans_compare_as_booleans_even_when_written_as_strings(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    [Fact]
    public void A_boolean_stored_as_a_string_still_compares_as_a_boolean()
    {
        var user = SampleUser();
        user["active"] = "True";
        Assert.True(Matches("active eq true", user));
        Assert.False(Matches("active eq false", user));
    }

    [Theory]
    [InlineData("meta.lastModified gt \"2024-01-01T00:00:00Z\"", true)]
    [InlineData("meta.lastModified gt \"2024-05-01T12:30:00Z\"", false)]
    [InlineData("meta.lastModified ge \"2024-05-01T12:30:00Z\"", true)]
    [InlineData("meta.lastModified lt \"2024-06-01\"", true)]
    [InlineData("meta.lastModified le \"2024-05-01T12:29:59Z\"", false)]
    [InlineData("meta.lastModified eq \"2024-05-01T14:30:00+02:00\"", true)]
    [InlineData("meta.lastModified ne \"2024-05-01T14:30:00+02:00\"", false)]
    [InlineData("meta.created lt \"2024-01-10T08:00:00.001Z\"", true)]
    [InlineData("meta.created gt \"2011-05-13T04:42:34Z\" and meta.created lt \"2024-01-11T00:00:00Z\"", true)]
    [InlineData("meta.lastModified sw \"2024-05\"", true)]
    [InlineData("meta.lastModified co \"T12:30\"", true)]
    public void Dates_compare_as_instants(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    [Theory]
    [InlineData("emails.value co \"mail.org\"", true)]
    [InlineData("emails.value eq \"jane.home@mail.org\"", true)]
    [InlineData("emails.type eq \"home\"", true)]
    [InlineData("emails.type eq \"other\"", false)]
    [InlineData("emails co \"@example.net\"", true)]
    [InlineData("emails eq \"jane@example.com\"", true)]
    [InlineData("emails.primary eq true", true)]
    [InlineData("emails.type pr", true)]
    [InlineData("emails.display pr", false)]
    [InlineData("addresses.formatted sw \"100\"", true)]
    [InlineData("phoneNumbers.value pr", false)]
    public void Multi_valued_attributes_match_when_any_value_matches(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    [Theory]
    [InlineData("emails[type eq \"work\" and value co \"@example.com\"]", true)]
    [InlineData("emails[type eq \"home\" and value co \"@example.com\"]", false)]
    [InlineData("emails[type eq \"work\" or type eq \"other\"]", true)]
    [InlineData("emails[not (type pr)]", true)]
    [InlineData("emails[not (type eq \"work\") and primary eq true]", false)]
    [InlineData("emails[primary eq true and value ew \".COM\"]", true)]
    [InlineData("emails[type eq \"work\"].value eq \"jane@example.com\"", true)]
    [InlineData("emails[type eq \"home\"].value eq \"jane@example.com\"", false)]
    [InlineData("addresses[type eq \"work\"].formatted co \"universal\"", true)]
    [InlineData("phoneNumbers[type eq \"work\"]", false)]
    [InlineData("ims[type eq \"xmpp\"]", false)]
    [InlineData("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]", true)]
    [InlineData("emails[type eq \"work\"] and not (emails[type eq \"home\"])", false)]
    [InlineData("emails[bogus eq \"x\"]", false)]
    [InlineData("emails[bogus ne \"x\"]", true)]
    public void Value_paths_need_one_element_to_match_the_whole_inner_filter(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    [Theory]
    [InlineData("userName eq \"nobody\" or active eq false", true)]
    [InlineData("userName eq \"nobody\" and active eq false", false)]
    [InlineData("not (active eq true)", true)]
    [InlineData("not (userName pr)", false)]
    [InlineData("(userName eq \"x\" or displayName co \"jane\") and not (title pr)", true)]
    public void Logical_operators_combine_results(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    /// <summary>
    /// Choice: an absent attribute (missing, JSON null, not defined by the resource type) is "not equal" to any
    /// value, so <c>ne</c> is true, while every other operator, including <c>pr</c>, is false.
    /// <c>eq null</c> means "not present" and <c>ne null</c> means "present".
    /// </summary>
    [Theory]
    [InlineData("title eq \"x\"", false)]
    [InlineData("title ne \"x\"", true)]
    [InlineData("title co \"x\"", false)]
    [InlineData("title gt \"a\"", false)]
    [InlineData("locale ne \"en\"", true)]
    [InlineData("title eq null", true)]
    [InlineData("title ne null", false)]
    [InlineData("nickName eq null", true)]
    [InlineData("userName eq null", false)]
    [InlineData("userName ne null", true)]
    [InlineData("phoneNumbers eq null", true)]
    [InlineData("emails eq null", false)]
    [InlineData("notAnAttribute eq \"x\"", false)]
    [InlineData("notAnAttribute ne \"x\"", true)]
    [InlineData("notAnAttribute pr", false)]
    [InlineData("notAnAttribute gt 5", false)]
    [InlineData("urn:example:unknown:Schema:thing eq \"x\"", false)]
    [InlineData("costCenter ne \"x\"", true)]
    [InlineData("phoneNumbers.value ne \"x\"", true)]
    public void Absent_attributes_are_not_equal_to_anything(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    /// <summary>Per RFC 7644 "any value matches": ne on a multi-valued attribute is true when some value differs.</summary>
    [Theory]
    [InlineData("emails.type ne \"work\"", true)]
    [InlineData("addresses.type ne \"work\"", false)]
    [InlineData("not (emails.type eq \"work\")", false)]
    public void Ne_on_a_multi_valued_attribute_is_true_when_any_value_differs(string filter, bool expected)
    {
        Assert.Equal(expected, Matches(filter));
    }

    [Fact]
    public void Keys_are_looked_up_case_insensitively()
    {
        var user = JsonNode.Parse("""
            {
              "USERNAME": "bjensen",
              "Emails": [{ "Type": "work", "VALUE": "b@x.org" }],
              "URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER": { "EmployeeNumber": "7" },
              "Meta": { "LastModified": "2020-01-01T00:00:00Z" }
            }
            """)!.AsObject();
        Assert.True(Matches("userName eq \"BJENSEN\"", user));
        Assert.True(Matches("emails[type eq \"work\" and value eq \"b@x.org\"]", user));
        Assert.True(Matches("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq \"7\"", user));
        Assert.True(Matches("meta.lastModified lt \"2021-01-01T00:00:00Z\"", user));
    }

    [Fact]
    public void A_manager_stored_as_a_plain_string_compares_as_its_value()
    {
        var user = JsonNode.Parse("""
            { "userName": "x", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "manager": "m-1" } }
            """)!.AsObject();
        Assert.True(Matches("manager eq \"m-1\"", user));
        Assert.True(Matches("manager.value eq \"m-1\"", user));
    }

    [Theory]
    [InlineData("members[value eq \"ABC\"]", false)]
    [InlineData("members[value eq \"abc\"]", true)]
    [InlineData("members.display co \"ALICE\"", true)]
    [InlineData("displayName eq \"engineering\"", true)]
    [InlineData("members eq \"def\"", true)]
    [InlineData("members[type eq \"group\" and value eq \"def\"]", true)]
    public void Group_members_value_is_case_exact(string filter, bool expected)
    {
        var group = JsonNode.Parse("""
            {
              "id": "g1", "displayName": "Engineering",
              "members": [ { "value": "abc", "display": "Alice", "type": "User" }, { "value": "def", "type": "Group" } ]
            }
            """)!.AsObject();
        Assert.Equal(expected, FilterEvaluator.Matches(FilterParser.Parse(filter), group, ScimSchemas.GroupResourceType));
    }

    [Theory]
    [InlineData("active gt true")]
    [InlineData("active lt false")]
    [InlineData("active co \"t\"")]
    [InlineData("active eq \"yes\"")]
    [InlineData("active eq 1")]
    [InlineData("meta.lastModified gt \"yesterday\"")]
    [InlineData("meta.lastModified gt 5")]
    [InlineData("name eq \"Jane\"")]
    [InlineData("meta co \"x\"")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User eq \"x\"")]
    [InlineData("userName eq \"nobody\" and active gt true")]
    [InlineData("emails[primary gt true]")]
    [InlineData("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User[value eq \"x\"]")]
    public void Type_errors_are_invalidFilter_whatever_the_resource_holds(string filter)
    {
        var parsed = FilterParser.Parse(filter);
        var error = Assert.Throws<ScimException>(() => FilterEvaluator.Matches(parsed, SampleUser(), User));
        Assert.Equal(ScimErrorTypes.InvalidFilter, error.ScimType);
        var empty = Assert.Throws<ScimException>(() => FilterEvaluator.Matches(parsed, new JsonObject(), User));
        Assert.Equal(ScimErrorTypes.InvalidFilter, empty.ScimType);
    }

    [Fact]
    public void Hand_built_filters_with_impossible_values_are_invalidFilter()
    {
        var path = new AttributePath(null, "userName");
        Filter[] filters =
        [
            new ComparisonFilter(path, ComparisonOperator.Eq, FilterValue.None),
            new ComparisonFilter(path, ComparisonOperator.Pr, FilterValue.Of("x")),
            new ComparisonFilter(path, ComparisonOperator.Gt, FilterValue.Null),
            new ValuePathFilter(new AttributePath(null, "emails"), new ValuePathFilter(new AttributePath(null, "type"), new ComparisonFilter(path, ComparisonOperator.Pr, FilterValue.None))),
        ];
        foreach (var filter in filters)
        {
            var error = Assert.Throws<ScimException>(() => FilterEvaluator.Matches(filter, SampleUser(), User));
            Assert.Equal(ScimErrorTypes.InvalidFilter, error.ScimType);
        }
    }

    [Fact]
    public void Numbers_compare_as_decimals()
    {
        var attribute = new AttributeDefinition("scores", AttributeType.Complex, MultiValued: true)
        {
            SubAttributes = [new AttributeDefinition("value", AttributeType.Decimal), new AttributeDefinition("rank", AttributeType.Integer)],
        };
        var element = JsonNode.Parse("""{ "value": 10.50, "rank": 3 }""");
        Assert.True(FilterEvaluator.MatchesElement(FilterParser.Parse("value eq 10.5"), element, attribute));
        Assert.True(FilterEvaluator.MatchesElement(FilterParser.Parse("value gt 9.99 and value lt 1e2"), element, attribute));
        Assert.True(FilterEvaluator.MatchesElement(FilterParser.Parse("rank ge \"3\""), element, attribute));
        Assert.False(FilterEvaluator.MatchesElement(FilterParser.Parse("rank gt 3"), element, attribute));
        Assert.True(FilterEvaluator.MatchesElement(FilterParser.Parse("rank le 3"), element, attribute));
        var error = Assert.Throws<ScimException>(() => FilterEvaluator.MatchesElement(FilterParser.Parse("rank co 3"), element, attribute));
        Assert.Equal(ScimErrorTypes.InvalidFilter, error.ScimType);
    }
}
