using System.Text.Json;

namespace ScimBridge.Tests.Scim;

/// <summary>/ServiceProviderConfig, /ResourceTypes and /Schemas: at every prefix, read-only, and without nulls.</summary>
public sealed class DiscoveryTests
{
    private const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
    private const string EnterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string GroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";

    private static readonly string[] Prefixes = ["/scim/v2", "/scim", ""];
    private static readonly string[] Types = ["string", "boolean", "decimal", "integer", "dateTime", "binary", "reference", "complex"];

    [Theory, AllDatabases]
    public async Task ServiceProviderConfig_AtEveryPrefix_DescribesWhatTheServerDoes(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        foreach (var prefix in Prefixes)
        {
            var response = await app.GetAsync($"{prefix}/ServiceProviderConfig");

            response.AssertStatus(HttpStatusCode.OK);
            Assert.Equal(ScimApp.Media, response.ContentType);
            var config = response.Object;
            Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig", config["schemas"]![0]!.GetValue<string>());
            Assert.True(config["patch"]!["supported"]!.GetValue<bool>());
            Assert.True(config["bulk"]!["supported"]!.GetValue<bool>());
            Assert.Equal(1000, config["bulk"]!["maxOperations"]!.GetValue<int>());
            Assert.Equal(1024 * 1024, config["bulk"]!["maxPayloadSize"]!.GetValue<int>());
            Assert.True(config["filter"]!["supported"]!.GetValue<bool>());
            Assert.True(config["filter"]!["maxResults"]!.GetValue<int>() > 0);
            Assert.False(config["changePassword"]!["supported"]!.GetValue<bool>());
            Assert.True(config["sort"]!["supported"]!.GetValue<bool>());
            Assert.True(config["etag"]!["supported"]!.GetValue<bool>());
            Assert.Equal("oauthbearertoken", config["authenticationSchemes"]![0]!["type"]!.GetValue<string>());
            Assert.Equal("ServiceProviderConfig", config["meta"]!["resourceType"]!.GetValue<string>());
            AssertNoNulls(config);
        }
    }

    [Theory, AllDatabases]
    public async Task ResourceTypes_AtEveryPrefix_ListUserAndGroup(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        foreach (var prefix in Prefixes)
        {
            var list = await app.GetAsync($"{prefix}/ResourceTypes");
            list.AssertStatus(HttpStatusCode.OK);
            Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", list.Object["schemas"]![0]!.GetValue<string>());
            Assert.Equal(2, list.Object["totalResults"]!.GetValue<int>());
            var types = list.Object["Resources"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!.AsObject());
            Assert.Equal(["Group", "User"], types.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("/Users", types["User"]["endpoint"]!.GetValue<string>());
            Assert.Equal(UserSchema, types["User"]["schema"]!.GetValue<string>());
            Assert.Equal(EnterpriseSchema, types["User"]["schemaExtensions"]![0]!["schema"]!.GetValue<string>());
            Assert.False(types["User"]["schemaExtensions"]![0]!["required"]!.GetValue<bool>());
            Assert.Equal("/Groups", types["Group"]["endpoint"]!.GetValue<string>());
            Assert.Equal(GroupSchema, types["Group"]["schema"]!.GetValue<string>());
            AssertNoNulls(list.Object);

            var user = await app.GetAsync($"{prefix}/ResourceTypes/User");
            user.AssertStatus(HttpStatusCode.OK);
            Assert.Equal("User", user.String("id"));
            Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:ResourceType", user.Object["schemas"]![0]!.GetValue<string>());
            Assert.EndsWith("/ResourceTypes/User", user.Object["meta"]!["location"]!.GetValue<string>(), StringComparison.Ordinal);

            var group = await app.GetAsync($"{prefix}/ResourceTypes/Group");
            Assert.Equal("/Groups", group.String("endpoint"));

            (await app.GetAsync($"{prefix}/ResourceTypes/Device")).AssertScimError(HttpStatusCode.NotFound);
        }
    }

    [Theory, AllDatabases]
    public async Task Schemas_AtEveryPrefix_ListUserEnterpriseUserAndGroup_CamelCase_NoNulls(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        foreach (var prefix in Prefixes)
        {
            var response = await app.GetAsync($"{prefix}/Schemas");

            response.AssertStatus(HttpStatusCode.OK);
            Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", response.Object["schemas"]![0]!.GetValue<string>());
            var schemas = response.Object["Resources"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>(), s => s!.AsObject());
            Assert.Equal(new[] { GroupSchema, UserSchema, EnterpriseSchema }, schemas.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(3, response.Object["totalResults"]!.GetValue<int>());
            AssertNoNulls(response.Object);
            Assert.DoesNotContain("null", response.Body, StringComparison.Ordinal);

            foreach (var schema in schemas.Values)
            {
                Assert.Equal("urn:ietf:params:scim:schemas:core:2.0:Schema", schema["schemas"]![0]!.GetValue<string>());
                Assert.False(string.IsNullOrEmpty(schema["name"]!.GetValue<string>()));
                foreach (var attribute in Flatten(schema["attributes"]!.AsArray()))
                {
                    AssertAttributeDefinition(attribute);
                }
            }

            var userName = Attribute(schemas[UserSchema], "userName");
            Assert.True(userName["required"]!.GetValue<bool>());
            Assert.Equal("server", userName["uniqueness"]!.GetValue<string>());
            Assert.False(userName["caseExact"]!.GetValue<bool>());
            Assert.Equal("never", Attribute(schemas[UserSchema], "password")["returned"]!.GetValue<string>());
            Assert.Equal("writeOnly", Attribute(schemas[UserSchema], "password")["mutability"]!.GetValue<string>());
            Assert.Equal("readOnly", Attribute(schemas[UserSchema], "groups")["mutability"]!.GetValue<string>());
            var emails = Attribute(schemas[UserSchema], "emails");
            Assert.True(emails["multiValued"]!.GetValue<bool>());
            Assert.Equal("complex", emails["type"]!.GetValue<string>());
            Assert.Contains("work", emails["subAttributes"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "type")!["canonicalValues"]!.AsArray().Select(v => v!.GetValue<string>()));
            var manager = Attribute(schemas[EnterpriseSchema], "manager");
            Assert.Equal("reference", manager["subAttributes"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "$ref")!["type"]!.GetValue<string>());
            var members = Attribute(schemas[GroupSchema], "members");
            Assert.Equal(["User", "Group"], members["subAttributes"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "$ref")!["referenceTypes"]!.AsArray().Select(v => v!.GetValue<string>()));
            Assert.True(Attribute(schemas[GroupSchema], "displayName")["required"]!.GetValue<bool>());
        }
    }

    [Theory, AllDatabases]
    public async Task Schema_ById_AtEveryPrefix_ReturnsThatSchema(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        foreach (var prefix in Prefixes)
        {
            foreach (var urn in new[] { UserSchema, EnterpriseSchema, GroupSchema })
            {
                var response = await app.GetAsync($"{prefix}/Schemas/{urn}");
                response.AssertStatus(HttpStatusCode.OK);
                Assert.Equal(urn, response.String("id"));
                Assert.EndsWith($"/Schemas/{urn}", response.Object["meta"]!["location"]!.GetValue<string>(), StringComparison.Ordinal);
                AssertNoNulls(response.Object);
            }

            (await app.GetAsync($"{prefix}/Schemas/urn:example:nothing")).AssertScimError(HttpStatusCode.NotFound);
        }
    }

    [Theory, AllDatabases]
    public async Task Writes_OnDiscoveryEndpoints_NotImplemented(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        string[] paths = ["/ServiceProviderConfig", "/ResourceTypes", "/ResourceTypes/User", "/Schemas", $"/Schemas/{UserSchema}"];

        var failures = new List<string>();
        foreach (var prefix in Prefixes)
        {
            foreach (var path in paths)
            {
                foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
                {
                    var body = method == HttpMethod.Delete ? null : "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Schema\"]}";
                    var response = await app.SendAsync(method, prefix + path, body);
                    if (!IsScimError(response, HttpStatusCode.NotImplemented))
                    {
                        failures.Add($"{method} {prefix}{path}: {(int)response.Status} {response.Body}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var get = await app.GetAsync("/scim/v2/Schemas");
        Assert.Equal(3, get.Object["totalResults"]!.GetValue<int>());
    }

    [Theory, AllDatabases]
    public async Task Bulk_AtEveryPrefix_CreatesTheUser(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        foreach (var prefix in new[] { "/scim/v2", "/scim" })
        {
            var bulk = new JsonObject
            {
                ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:BulkRequest"),
                ["Operations"] = new JsonArray(new JsonObject { ["method"] = "POST", ["path"] = "/Users", ["bulkId"] = "q1", ["data"] = Bodies.User($"bulk{prefix.Length}@contoso.example") }),
            };
            var response = await app.PostAsync($"{prefix}/Bulk", bulk);
            response.AssertStatus(HttpStatusCode.OK);
            Assert.Equal(ScimApp.Media, response.ContentType);
            Assert.Equal("201", response.Object["Operations"]![0]!["status"]!.GetValue<string>());
            Assert.StartsWith($"http://localhost{prefix}/Users/", response.Object["Operations"]![0]!["location"]!.GetValue<string>());
        }

        Assert.Equal(2, await app.DbAsync(db => Task.FromResult(db.Users.Count())));
    }

    [Theory, AllDatabases]
    public async Task UnknownPath_UnderScim_NotFoundWithAScimErrorBody(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        foreach (var path in new[] { "/scim/v2/Devices", "/scim/v2/Users/x/y", "/scim/v2/Nope/deeper", "/scim/Unknown", "/scim/v3/Users" })
        {
            var response = await app.GetAsync(path);
            Assert.True(IsScimError(response, HttpStatusCode.NotFound), $"{path}: {(int)response.Status} {response.Body}");
            Assert.Equal(ScimApp.Media, response.ContentType);
        }
    }

    [Theory, AllDatabases]
    public async Task UnsupportedMethod_OnAScimPath_ScimErrorBody(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var response = await app.SendAsync(HttpMethod.Put, "/scim/v2/Users", Bodies.User("x@contoso.example").ToJsonString());

        Assert.True(IsScimError(response, HttpStatusCode.MethodNotAllowed), $"{(int)response.Status} {response.Body}");
    }

    [Theory, AllDatabases]
    public async Task Filter_OnSchemasOrResourceTypes_Forbidden(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        foreach (var prefix in Prefixes)
        {
            foreach (var path in new[] { "/Schemas", "/ResourceTypes" })
            {
                var response = await app.GetAsync($"{prefix}{path}?filter={Uri.EscapeDataString("id eq \"x\"")}");
                response.AssertScimError(HttpStatusCode.Forbidden);
            }
        }
    }

    [Theory, AllDatabases]
    public async Task Me_NotImplemented(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        (await app.GetAsync("/scim/v2/Me")).AssertScimError(HttpStatusCode.NotImplemented);
    }

    private static bool IsScimError(ScimResponse response, HttpStatusCode status) =>
        response.Status == status
        && response.Json is JsonObject body
        && body["schemas"]?[0]?.GetValue<string>() == "urn:ietf:params:scim:api:messages:2.0:Error"
        && body["status"]?.GetValue<string>() == ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)
        && !string.IsNullOrEmpty(body["detail"]?.GetValue<string>());

    private static JsonObject Attribute(JsonObject schema, string name) =>
        schema["attributes"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == name)!.AsObject();

    private static IEnumerable<JsonObject> Flatten(JsonArray attributes)
    {
        foreach (var attribute in attributes.Select(a => a!.AsObject()))
        {
            yield return attribute;
            if (attribute["subAttributes"] is JsonArray subs)
            {
                foreach (var sub in Flatten(subs))
                {
                    yield return sub;
                }
            }
        }
    }

    private static void AssertAttributeDefinition(JsonObject attribute)
    {
        var name = attribute["name"]!.GetValue<string>();
        foreach (var key in new[] { "name", "type", "multiValued", "description", "required", "caseExact", "mutability", "returned", "uniqueness" })
        {
            Assert.True(attribute.ContainsKey(key), $"{name} lacks {key}");
        }

        foreach (var (key, _) in attribute)
        {
            Assert.True(char.IsLower(key[0]), $"{name}: key '{key}' is not camelCase");
        }

        Assert.Contains(attribute["type"]!.GetValue<string>(), Types);
        Assert.Contains(attribute["mutability"]!.GetValue<string>(), new[] { "readOnly", "readWrite", "immutable", "writeOnly" });
        Assert.Contains(attribute["returned"]!.GetValue<string>(), new[] { "always", "never", "default", "request" });
        Assert.Contains(attribute["uniqueness"]!.GetValue<string>(), new[] { "none", "server", "global" });
        Assert.Equal(attribute["type"]!.GetValue<string>() == "complex", attribute.ContainsKey("subAttributes"));
    }

    private static void AssertNoNulls(JsonNode? node, string path = "$")
    {
        switch (node)
        {
            case null:
                Assert.Fail($"null at {path}");
                break;
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    AssertNoNulls(value, $"{path}.{key}");
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    AssertNoNulls(array[i], $"{path}[{i}]");
                }

                break;
            case JsonValue value:
                Assert.NotEqual(JsonValueKind.Null, value.GetValueKind());
                break;
        }
    }
}
