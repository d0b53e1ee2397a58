using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using ScimBridge.Monday;

namespace ScimBridge.Tests.Monday;

/// <summary>The SCIM to monday.com attribute mapping: options, validation and the mapper.</summary>
public sealed class MondayMappingTests
{
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    private static MondayMappingOptions Options(Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var options = new MondayMappingOptions();
        MondayMappingFeature.Bind(configuration.GetSection(MondayMappingOptions.Section), options);
        return options;
    }

    private static MondayUserMapper Mapper(Dictionary<string, string?>? settings = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(settings)));

    private static JsonObject User(string json) => JsonNode.Parse(json)!.AsObject();

    [Theory]
    [InlineData("Member", "member", false)]
    [InlineData("GUEST", "guest", false)]
    [InlineData("Employee", "member", false)]
    [InlineData("Contractor", "member", false)]
    [InlineData("admin", "admin", false)]
    [InlineData("Viewer", "viewer", false)]
    [InlineData("Robot", "member", true)]
    public void UserTypeIsNormalised(string source, string expected, bool warns)
    {
        var mapped = Mapper().Map(User($$"""{"userName":"a@b.example","userType":"{{source}}"}"""));
        Assert.Equal(expected, mapped.UserType);
        Assert.Equal(warns, mapped.Warnings.Any(w => w.Contains(source, StringComparison.Ordinal)));
    }

    /// <summary>userName uniqueness compares folded names, so the name monday gets must be the folded one, whatever the rule.</summary>
    [Theory]
    [InlineData("kelvin@x.example", "\u212Aelvin@x.example")]
    [InlineData("\u03C9mega@x.example", "\u2126mega@x.example")]
    [InlineData("\u00E5sa@x.example", "\u212Bsa@x.example")]
    [InlineData("jos\u00E9@x.example", "Jose\u0301@x.example")]
    public void SpellingsOfOneUserName_SendOneFoldedName(string folded, string other)
    {
        var direct = Mapper(new()
        {
            ["Monday:Mapping:Attributes:0:Target"] = "userName",
            ["Monday:Mapping:Attributes:0:Source"] = "userName",
            ["Monday:Mapping:Attributes:0:Transform"] = "None"
        });
        foreach (var mapper in new[] { Mapper(), direct })
        {
            Assert.Equal(folded, mapper.Map(new JsonObject { ["userName"] = folded }).UserName);
            Assert.Equal(folded, mapper.Map(new JsonObject { ["userName"] = other }).UserName);
        }
    }

    [Fact]
    public void MissingUserTypeIsDefaultWithoutWarning()
    {
        var mapped = Mapper().Map(User("""{"userName":"a@b.example"}"""));
        Assert.Equal("member", mapped.UserType);
        Assert.Empty(mapped.Warnings);
        Assert.True(mapped.Active);
    }

    [Theory]
    [InlineData("""[{"value":"Admin"}]""", "Guest", "admin")]
    [InlineData("""[{"value":"viewer"},{"value":"admin"}]""", "Member", "admin")]
    [InlineData("""[{"display":"Viewer"}]""", "Member", "viewer")]
    [InlineData("""[{"value":"guest"},{"value":"viewer"}]""", "Member", "viewer")]
    [InlineData("""[{"value":"Approver"}]""", "Guest", "guest")]
    public void RolesDecideUserType(string roles, string userType, string expected)
    {
        var mapped = Mapper().Map(User($$"""{"userName":"a@b.example","userType":"{{userType}}","roles":{{roles}}}"""));
        Assert.Equal(expected, mapped.UserType);
    }

    [Fact]
    public void RolesIgnoredWhenDisabled()
    {
        var mapped = Mapper(new() { ["Monday:Mapping:RolesDecideUserType"] = "false" })
            .Map(User("""{"userName":"a@b.example","userType":"Guest","roles":[{"value":"admin"}]}"""));
        Assert.Equal("guest", mapped.UserType);
        Assert.Equal(["admin"], mapped.Roles);
    }

    [Fact]
    public void DefaultsReproduceEntraApp()
    {
        var mapped = Mapper().Map(User("""
            {"userName":"Jane.Doe@Contoso.EXAMPLE","displayName":"Jane Doe","title":"CFO","locale":"en-GB",
             "timezone":"Europe/London","active":false}
            """));
        Assert.Equal("jane.doe@contoso.example", mapped.UserName);
        Assert.Equal("Jane Doe", mapped.DisplayName);
        Assert.Equal("CFO", mapped.Title);
        Assert.Equal("en-GB", mapped.Locale);
        Assert.Equal("Europe/London", mapped.Timezone);
        Assert.False(mapped.Active);
        Assert.True(mapped.InScope);
    }

    [Theory]
    [InlineData("""{"userName":"u@x.example","displayName":"D","name":{"formatted":"F"}}""", "D")]
    [InlineData("""{"userName":"u@x.example","displayName":"","name":{"formatted":"F"}}""", "F")]
    [InlineData("""{"userName":"u@x.example"}""", "u@x.example")]
    public void FirstNonEmptyFallsBack(string json, string expected) =>
        Assert.Equal(expected, Mapper().Map(User(json)).DisplayName);

    private static readonly Dictionary<string, string?> TransformSettings = new()
    {
        ["Monday:Mapping:Attributes:0:Target"] = "userName",
        ["Monday:Mapping:Attributes:0:Source"] = "emails[type eq \"work\"].value",
        ["Monday:Mapping:Attributes:0:Transform"] = "Lowercase",
        ["Monday:Mapping:Attributes:1:Target"] = "title",
        ["Monday:Mapping:Attributes:1:Source"] = Enterprise + ":department",
        ["Monday:Mapping:Attributes:2:Target"] = "locale",
        ["Monday:Mapping:Attributes:2:Transform"] = "Constant",
        ["Monday:Mapping:Attributes:2:Value"] = "fr-FR",
        ["Monday:Mapping:Attributes:3:Target"] = "timezone",
        ["Monday:Mapping:Attributes:3:Source"] = "addresses[type eq \"work\"].country",
        ["Monday:Mapping:Attributes:3:Transform"] = "Lookup",
        ["Monday:Mapping:Attributes:3:Table:GB"] = "Europe/London",
        ["Monday:Mapping:Attributes:3:Table:FR"] = "Europe/Paris",
        ["Monday:Mapping:Attributes:3:Value"] = "UTC",
        ["Monday:Mapping:Attributes:4:Target"] = "displayName",
        ["Monday:Mapping:Attributes:4:Source"] = "name.givenName",
    };

    [Fact]
    public void EveryTransformAndPathKind()
    {
        var mapped = Mapper(TransformSettings).Map(User($$$"""
            {"userName":"ignored@x.example","name":{"givenName":"Jane"},
             "emails":[{"type":"home","value":"home@x.example"},{"type":"work","value":"Jane@Work.EXAMPLE"}],
             "addresses":[{"type":"work","country":"fr"}],
             "{{{Enterprise}}}":{"department":"Finance"}}
            """));
        Assert.Equal("jane@work.example", mapped.UserName);
        Assert.Equal("Finance", mapped.Title);
        Assert.Equal("fr-FR", mapped.Locale);
        Assert.Equal("Europe/Paris", mapped.Timezone);
        Assert.Equal("Jane", mapped.DisplayName);
    }

    [Fact]
    public void LookupFallsBackToValueThenSkips()
    {
        var user = User("""{"userName":"u@x.example","addresses":[{"type":"work","country":"DE"}]}""");
        Assert.Equal("UTC", Mapper(TransformSettings).Map(user).Timezone);
        var withoutFallback = new Dictionary<string, string?>(TransformSettings);
        withoutFallback.Remove("Monday:Mapping:Attributes:3:Value");
        Assert.Null(Mapper(withoutFallback).Map(user).Timezone);
    }

    [Fact]
    public void MissingFilteredAndUrnValuesAreNull()
    {
        var mapped = Mapper(TransformSettings).Map(User("""{"userName":"u@x.example","emails":[{"type":"home","value":"h@x.example"}]}"""));
        Assert.Equal("", mapped.UserName);
        Assert.Null(mapped.Title);
        Assert.NotEmpty(mapped.Warnings);
    }

    [Theory]
    [InlineData("""{"userName":"u@x.example","userType":"Employee"}""", true)]
    [InlineData("""{"userName":"u@x.example","userType":"Guest"}""", false)]
    [InlineData("""{"userName":"u@x.example"}""", false)]
    public void ScopeFilterDecidesInScope(string json, bool expected)
    {
        var mapper = Mapper(new() { ["Monday:Mapping:ScopeFilter"] = "userType eq \"Employee\" and active ne false" });
        Assert.Equal(expected, mapper.Map(User(json)).InScope);
    }

    [Fact]
    public void DefaultConfigurationIsValid()
    {
        var result = new MondayMappingValidator().Validate(Options());
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(8, Options().UserTypes.Count);
        Assert.Equal(5, Options().Attributes.Count);
    }

    [Fact]
    public void ConfiguredAttributesReplaceDefaults()
    {
        var options = Options(new() { ["Monday:Mapping:Attributes:0:Target"] = "userName", ["Monday:Mapping:Attributes:0:Source"] = "userName" });
        Assert.Single(options.Attributes);
        Assert.True(new MondayMappingValidator().Validate(options).IsValid);
    }

    /// <summary>The default rules written out as configuration, so a test can spoil one key.</summary>
    private static readonly Dictionary<string, string?> DefaultsAsSettings = new()
    {
        ["Monday:Mapping:Attributes:0:Target"] = "userName",
        ["Monday:Mapping:Attributes:0:Source"] = "userName",
        ["Monday:Mapping:Attributes:0:Transform"] = "Lowercase",
        ["Monday:Mapping:Attributes:1:Target"] = "displayName",
        ["Monday:Mapping:Attributes:1:Transform"] = "FirstNonEmpty",
        ["Monday:Mapping:Attributes:1:Sources:0"] = "displayName",
        ["Monday:Mapping:Attributes:1:Sources:1"] = "name.formatted",
        ["Monday:Mapping:Attributes:1:Sources:2"] = "userName",
        ["Monday:Mapping:Attributes:2:Target"] = "title",
        ["Monday:Mapping:Attributes:2:Source"] = "title",
    };

    public static TheoryData<string, string, string> BadConfigurations() => new()
    {
        { "Monday:Mapping:DefaultUserType", "boss", "Monday:Mapping:DefaultUserType" },
        { "Monday:Mapping:UserTypes:Contractor", "boss", "Monday:Mapping:UserTypes:Contractor: 'boss' is not a monday userType" },
        { "Monday:Mapping:Attributes:0:Target", "email", "Monday:Mapping:Attributes:0:Target" },
        { "Monday:Mapping:Attributes:0:Source", "emails[type eq", "Monday:Mapping:Attributes:0:Source: 'emails[type eq' is not a valid SCIM attribute path" },
        { "Monday:Mapping:Attributes:0:Transform", "Constant", "Monday:Mapping:Attributes:0:Value" },
        { "Monday:Mapping:Attributes:0:Transform", "Lookup", "Monday:Mapping:Attributes:0:Table" },
        { "Monday:Mapping:Attributes:1:Sources:1", "name..formatted", "Monday:Mapping:Attributes:1:Sources:1" },
        { "Monday:Mapping:Attributes:2:Target", "userName", "Monday:Mapping:Attributes:2:Target: 'userName' is mapped more than once" },
        { "Monday:Mapping:ScopeFilter", "userType eq", "Monday:Mapping:ScopeFilter" },
        { "Monday:Mapping:Attributes:0:Source", "", "Monday:Mapping:Attributes:0:Source" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public void ValidatorNamesTheKey(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>(DefaultsAsSettings) { [key] = value };
        var result = new MondayMappingValidator().Validate(Options(settings));
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ErrorMessage.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void FirstNonEmptyWithoutSourcesIsInvalid()
    {
        var options = Options();
        options.Attributes[1].Sources = [];
        var result = new MondayMappingValidator().Validate(options);
        Assert.Contains(result.Errors, e => e.ErrorMessage.StartsWith("Monday:Mapping:Attributes:1:Sources:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ServerRefusesToStartWithInvalidMapping()
    {
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { ["Monday:Mapping:DefaultUserType"] = "boss" });
        });
        var validation = Exceptions.Flatten(error).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains("Monday:Mapping:DefaultUserType", validation.Message, StringComparison.Ordinal);
    }

}
