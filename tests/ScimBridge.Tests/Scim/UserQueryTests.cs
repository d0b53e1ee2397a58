namespace ScimBridge.Tests.Scim;

/// <summary>
/// Filtering, paging, sorting and searching users over HTTP, against a seeded set of eight users whose attributes
/// differ in the ways filters care about (case, absence, multi-valued emails, the enterprise extension, managers).
/// </summary>
public sealed class UserQueryTests
{
    private const string Users = "/scim/v2/Users";
    private const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    private const string SearchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

    private static readonly string[] Everyone = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];

    /// <summary>(filter, expected users by first name). {alice} and {t:dave} stand for alice's id and dave's meta.lastModified.</summary>
    private static readonly (string Filter, string[] Expected)[] FilterTable =
    [
        ("userName eq \"alice@x.example\"", ["alice"]),
        ("userName eq \"ALICE@X.EXAMPLE\"", ["alice"]),
        ("USERNAME EQ \"Alice@X.Example\"", ["alice"]),
        ("userName eq \"nobody@x.example\"", []),
        ("userName ne \"alice@x.example\"", Except("alice")),
        ("userName co \"@X.\"", ["alice", "bob", "grace"]),
        ("userName sw \"c\"", ["carol"]),
        ("userName sw \"C\"", ["carol"]),
        ("userName ew \"@z.example\"", ["erin", "frank"]),
        ("userName ew \".EXAMPLE\"", Everyone),
        ("userName pr", Everyone),
        ("userName gt \"dave@y.example\"", ["erin", "frank", "grace", "heidi"]),
        ("userName ge \"DAVE@Y.EXAMPLE\"", ["dave", "erin", "frank", "grace", "heidi"]),
        ("userName lt \"carol\"", ["alice", "bob"]),
        ("userName le \"carol@y.example\"", ["alice", "bob", "carol"]),
        ("displayName eq \"bob brown\"", ["bob"]),
        ("displayName co \"EN\"", ["carol", "grace"]),
        ("displayName sw \"h\"", ["heidi"]),
        ("displayName ew \"s\"", ["alice", "erin"]),
        ("displayName pr", Except("frank")),
        ("not (displayName pr)", ["frank"]),
        ("externalId eq \"johnwong\"", ["bob"]),
        ("externalId eq \"ext-Alice\"", ["alice"]),
        ("externalId eq \"EXT-ALICE\"", ["heidi"]),
        ("externalId eq \"ext-alice\"", []),
        ("externalId sw \"ext-\"", ["alice", "carol"]),
        ("externalId sw \"EXT-\"", ["heidi"]),
        ("externalId ew \"Alice\"", ["alice"]),
        ("externalId ew \"ALICE\"", ["heidi"]),
        ("externalId co \"t-A\"", ["alice"]),
        ("id sw \"{carol}\"", ["carol"]),
        ("id ew \"{CAROL}\"", []),
        ("externalId pr", ["alice", "bob", "carol", "heidi"]),
        ("externalId ne \"johnwong\"", Except("bob")),
        ("id eq \"{carol}\"", ["carol"]),
        ("id eq \"{CAROL}\"", []),
        ("id ne \"{carol}\"", Except("carol")),
        ("title eq \"engineer\"", ["alice", "dave", "grace"]),
        ("title eq \"ENGINEER\"", ["alice", "dave", "grace"]),
        ("title ne \"engineer\"", ["bob", "carol", "erin", "frank", "heidi"]),
        ("title sw \"Man\"", ["bob", "heidi"]),
        ("title ew \"ER\"", ["alice", "bob", "dave", "erin", "grace", "heidi"]),
        ("title co \"sign\"", ["erin"]),
        ("title pr", Except("carol")),
        ("title eq null", ["carol"]),
        ("title gt \"j\"", ["bob", "heidi"]),
        ("title lt \"E\"", ["erin"]),
        ("title le \"engineer\"", ["alice", "dave", "erin", "grace"]),
        ("title ge \"Manager\"", ["bob", "heidi"]),
        ("active eq true", ["alice", "carol", "dave", "erin", "grace", "heidi"]),
        ("active eq false", ["bob", "frank"]),
        ("active eq \"True\"", ["alice", "carol", "dave", "erin", "grace", "heidi"]),
        ("active eq \"false\"", ["bob", "frank"]),
        ("active EQ False", ["bob", "frank"]),
        ("active ne true", ["bob", "frank"]),
        ("active pr", Everyone),
        ("emails.value eq \"bob@x.example\"", ["bob"]),
        ("emails.value eq \"BOB@X.EXAMPLE\"", ["bob"]),
        ("emails.value co \"@x.\"", ["alice", "bob", "frank", "heidi"]),
        ("emails co \"@y.\"", ["alice", "carol", "dave"]),
        ("emails eq \"grace@w.example\"", ["grace"]),
        ("emails[type eq \"work\" and value co \"@x\"]", ["alice", "bob", "heidi"]),
        ("emails[type eq \"home\"]", ["alice", "carol"]),
        ("emails[type eq \"work\"].value ew \"@y.example\"", ["dave"]),
        ("emails[not (type eq \"work\")]", ["alice", "carol", "frank"]),
        ("emails.type eq \"WORK\"", ["alice", "bob", "dave", "grace", "heidi"]),
        ("emails.primary eq true", ["alice"]),
        ("emails pr", Except("erin")),
        ("not (emails pr)", ["erin"]),
        ("meta.lastModified gt \"2000-01-01T00:00:00Z\"", Everyone),
        ("meta.lastModified lt \"2000-01-01T00:00:00Z\"", []),
        ("meta.lastModified gt \"2999-12-31\"", []),
        ("meta.lastModified gt \"{t:dave}\"", ["erin", "frank", "grace", "heidi"]),
        ("meta.lastModified ge \"{t:dave}\"", ["dave", "erin", "frank", "grace", "heidi"]),
        ("meta.lastModified lt \"{t:dave}\"", ["alice", "bob", "carol"]),
        ("meta.lastModified le \"{t:dave}\"", ["alice", "bob", "carol", "dave"]),
        ("meta.lastModified eq \"{t:dave}\"", ["dave"]),
        ("meta.created ge \"{t:grace}\"", ["grace", "heidi"]),
        ($"{Enterprise}:employeeNumber eq \"1002\"", ["bob"]),
        ("employeeNumber eq \"1002\"", ["bob"]),
        ("employeeNumber sw \"1\"", ["alice", "bob"]),
        ("employeeNumber pr", ["alice", "bob", "carol", "grace"]),
        ($"{Enterprise}:department eq \"sales\"", ["carol"]),
        ("manager eq \"{alice}\"", ["carol", "dave"]),
        ("manager.value eq \"{bob}\"", ["grace"]),
        ($"{Enterprise}:manager.value eq \"{{alice}}\"", ["carol", "dave"]),
        ("manager pr", ["carol", "dave", "grace"]),
        ("name.givenName eq \"carol\"", ["carol"]),
        ("name.familyName sw \"G\"", ["grace"]),
        ("name.givenName pr", Except("frank")),
        ("title eq \"Engineer\" or title eq \"Manager\" and active eq false", ["alice", "bob", "dave", "grace"]),
        ("(title eq \"Engineer\" or title eq \"Manager\") and active eq false", ["bob"]),
        ("title eq \"Manager\" and active eq false or title eq \"Engineer\"", ["alice", "bob", "dave", "grace"]),
        ("title eq \"Manager\" and (active eq false or title eq \"Engineer\")", ["bob"]),
        ("not (active eq true) and userName sw \"f\"", ["frank"]),
        ("not (title eq \"Engineer\" or title eq \"Manager\")", ["carol", "erin", "frank"]),
        ("not(title eq \"Engineer\") and not(title eq \"Manager\")", ["carol", "erin", "frank"]),
        ("userName eq \"alice@x.example\" or userName eq \"bob@x.example\" and active eq true", ["alice"]),
        ("emails[type eq \"work\"] and not (emails[value co \"@x\"])", ["dave", "grace"]),
        ("((userName sw \"a\"))", ["alice"]),
        ("userName sw \"a\" or (userName sw \"b\" or (userName sw \"c\" and active eq true))", ["alice", "bob", "carol"]),
        ("externalId eq johnwong", ["bob"]),
    ];

    [Theory, AllDatabases]
    public async Task Filters_OverSeededUsers_ReturnExactlyTheExpectedUsers(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);

        var failures = new List<string>();
        foreach (var (template, expected) in FilterTable)
        {
            var filter = seed.Substitute(template);
            var response = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString(filter)}");
            if (response.Status != HttpStatusCode.OK)
            {
                failures.Add($"{filter}: {(int)response.Status} {response.Body}");
                continue;
            }

            var actual = seed.Names(response);
            if (!actual.SequenceEqual(expected.Order(StringComparer.Ordinal)))
            {
                failures.Add($"{filter}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            }

            if (response.Object["totalResults"]!.GetValue<int>() != expected.Length)
            {
                failures.Add($"{filter}: totalResults {response.Object["totalResults"]} but {expected.Length} expected");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {FilterTable.Length} filters failed:\n" + string.Join("\n", failures));
    }

    [Theory, AllDatabases]
    public async Task Filter_RawPlusEncodedQueryString_MatchesLikeEntraSendsIt(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);

        var response = await app.GetAsync($"{Users}?filter=externalId+eq+%22johnwong%22");

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(["bob"], seed.Names(response));
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", response.Object["schemas"]![0]!.GetValue<string>());
    }

    [Theory, AllDatabases]
    public async Task Filter_NoMatch_OkWithAnEmptyListResponse(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedAsync(app);

        var response = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString($"userName eq \"{Guid.NewGuid()}\"")}");

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(0, response.Object["totalResults"]!.GetValue<int>());
        Assert.Equal(0, response.Object["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(1, response.Object["startIndex"]!.GetValue<int>());
        Assert.Empty(response.Object["Resources"]!.AsArray());
    }

    [Theory, AllDatabases]
    public async Task Pagination_StartIndexIsOneBasedAndEchoed_ItemsPerPageIsWhatWasReturned(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);

        var page2 = await app.GetAsync($"{Users}?sortBy=userName&startIndex=3&count=2");
        page2.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(["carol", "dave"], seed.NamesInOrder(page2));
        AssertPage(page2, total: 8, startIndex: 3, items: 2);

        var first = await app.GetAsync($"{Users}?sortBy=userName&startIndex=1&count=3");
        Assert.Equal(["alice", "bob", "carol"], seed.NamesInOrder(first));
        AssertPage(first, total: 8, startIndex: 1, items: 3);

        var last = await app.GetAsync($"{Users}?sortBy=userName&startIndex=7&count=5");
        Assert.Equal(["grace", "heidi"], seed.NamesInOrder(last));
        AssertPage(last, total: 8, startIndex: 7, items: 2);

        var beyond = await app.GetAsync($"{Users}?startIndex=50&count=5");
        beyond.AssertStatus(HttpStatusCode.OK);
        AssertPage(beyond, total: 8, startIndex: 50, items: 0);

        var zero = await app.GetAsync($"{Users}?sortBy=userName&startIndex=0&count=2");
        Assert.Equal(["alice", "bob"], seed.NamesInOrder(zero));
        AssertPage(zero, total: 8, startIndex: 1, items: 2);

        var negative = await app.GetAsync($"{Users}?sortBy=userName&startIndex=-4&count=1");
        Assert.Equal(["alice"], seed.NamesInOrder(negative));
        AssertPage(negative, total: 8, startIndex: 1, items: 1);

        var all = await app.GetAsync(Users);
        AssertPage(all, total: 8, startIndex: 1, items: 8);

        var filtered = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString("active eq true")}&sortBy=userName&startIndex=2&count=2");
        Assert.Equal(["carol", "dave"], seed.NamesInOrder(filtered));
        AssertPage(filtered, total: 6, startIndex: 2, items: 2);
    }

    [Theory, AllDatabases]
    public async Task Pagination_CountZeroOrNegative_OnlyTotalResults(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedAsync(app);

        foreach (var count in new[] { "0", "-1", "-2147483649" })
        {
            var response = await app.GetAsync($"{Users}?count={count}");
            response.AssertStatus(HttpStatusCode.OK);
            AssertPage(response, total: 8, startIndex: 1, items: 0);
        }
    }

    [Theory, AllDatabases]
    public async Task Pagination_CountAboveMaxPageSize_IsClamped(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Scim:MaxPageSize"] = "3" });
        await SeedAsync(app);

        var response = await app.GetAsync($"{Users}?count=50");
        response.AssertStatus(HttpStatusCode.OK);
        AssertPage(response, total: 8, startIndex: 1, items: 3);

        var unspecified = await app.GetAsync(Users);
        AssertPage(unspecified, total: 8, startIndex: 1, items: 3);

        var huge = await app.GetAsync($"{Users}?count=99999999999");
        AssertPage(huge, total: 8, startIndex: 1, items: 3);

        var config = await app.GetAsync("/scim/v2/ServiceProviderConfig");
        Assert.Equal(3, config.Object["filter"]!["maxResults"]!.GetValue<int>());
    }

    [Theory, AllDatabases]
    public async Task SortBy_UserName_AscendingAndDescending(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);

        var ascending = await app.GetAsync($"{Users}?sortBy=userName");
        Assert.Equal(Everyone, seed.NamesInOrder(ascending));

        var explicitAscending = await app.GetAsync($"{Users}?sortBy=USERNAME&sortOrder=ascending");
        Assert.Equal(Everyone, seed.NamesInOrder(explicitAscending));

        var descending = await app.GetAsync($"{Users}?sortBy=userName&sortOrder=descending");
        Assert.Equal(Everyone.Reverse(), seed.NamesInOrder(descending));

        var byTitle = await app.GetAsync($"{Users}?sortBy=title&sortOrder=descending&filter={Uri.EscapeDataString("title pr")}&count=2");
        Assert.Equal(2, byTitle.Object["itemsPerPage"]!.GetValue<int>());
        Assert.All(byTitle.Object["Resources"]!.AsArray(), r => Assert.Equal("manager", r!["title"]!.GetValue<string>().ToLowerInvariant()));
    }

    [Theory, AllDatabases]
    public async Task SortBy_Unknown_BadRequest(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedAsync(app);

        foreach (var query in new[] { "sortBy=shoeSize", "sortBy=password", "sortBy=emails.value", "sortBy=name", "sortBy=not%20a%20path", "sortBy=userName&sortOrder=sideways" })
        {
            var response = await app.GetAsync($"{Users}?{query}");
            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{query}: {(int)response.Status} {response.Body}");
            response.AssertScimError(HttpStatusCode.BadRequest);
        }
    }

    [Theory, AllDatabases]
    public async Task Search_PostToUsersDotSearch_TakesASearchRequest(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var request = new JsonObject
        {
            ["schemas"] = new JsonArray(SearchRequest),
            ["filter"] = "title eq \"engineer\" or title eq \"manager\"",
            ["sortBy"] = "userName",
            ["sortOrder"] = "descending",
            ["startIndex"] = 2,
            ["count"] = 3,
            ["attributes"] = new JsonArray("userName", "title"),
        };

        var response = await app.PostAsync($"{Users}/.search", request);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(ScimApp.Media, response.ContentType);
        Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", response.Object["schemas"]![0]!.GetValue<string>());
        Assert.Equal(["grace", "dave", "bob"], seed.NamesInOrder(response));
        AssertPage(response, total: 5, startIndex: 2, items: 3);
        Assert.All(response.Object["Resources"]!.AsArray(), r =>
            Assert.Equal(["id", "schemas", "title", "userName"], r!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal)));
    }

    [Theory, AllDatabases]
    public async Task Search_PostToRootDotSearch_ReturnsUsersAndGroups(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var group = await app.CreateGroupAsync("Alpha Team", seed.Ids["alice"]);

        var request = new JsonObject { ["schemas"] = new JsonArray(SearchRequest), ["filter"] = "displayName sw \"A\"" };
        var response = await app.PostAsync("/scim/v2/.search", request);

        response.AssertStatus(HttpStatusCode.OK);
        var ids = response.Object["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([seed.Ids["alice"], group], ids);
        AssertPage(response, total: 2, startIndex: 1, items: 2);
        Assert.Equal("Group", response.Object["Resources"]![1]!["meta"]!["resourceType"]!.GetValue<string>());

        var paged = await app.PostAsync("/scim/v2/.search", new JsonObject { ["startIndex"] = 8, ["count"] = 2 });
        paged.AssertStatus(HttpStatusCode.OK);
        AssertPage(paged, total: 9, startIndex: 8, items: 2);
        Assert.Equal(group, paged.Object["Resources"]![1]!["id"]!.GetValue<string>());

        var unprefixed = await app.PostAsync("/scim/.search", request);
        unprefixed.AssertStatus(HttpStatusCode.OK);
        AssertPage(unprefixed, total: 2, startIndex: 1, items: 2);
    }

    [Theory, AllDatabases]
    public async Task Filter_Invalid_BadRequestInvalidFilter(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedAsync(app);
        string[] invalid =
        [
            "userName eq",
            "userName xx \"a\"",
            "userName eq \"unterminated",
            "(userName eq \"a\"",
            "userName eq \"a\")",
            "and",
            "userName eq \"a\" or",
            "userName eq \"a\" and and userName eq \"b\"",
            "userName pr \"x\"",
            "userName gt null",
            "emails[type eq \"work\"",
            "emails[]",
            "emails[type eq \"work\"][value eq \"x\"]",
            "emails[value eq \"x\" and emails[type eq \"y\"]]",
            "not userName eq \"a\"",
            "123 eq \"a\"",
            "userName eq \"a\" userName eq \"b\"",
            "active gt true",
            "active eq \"maybe\"",
            "active co \"t\"",
            "meta.lastModified gt \"not a date\"",
            "meta.lastModified co \"2020\"",
            "meta.created eq 42",
            "shoeSize eq \"42\"",
            "urn:example:unknown:2.0:User:thing eq \"x\"",
            "name eq \"x\"",
            "emails.value.foo eq \"x\"",
            "title[value eq \"x\"]",
            new string('(', 60) + "userName pr" + new string(')', 60),
        ];

        var failures = new List<string>();
        foreach (var filter in invalid)
        {
            var response = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString(filter)}");
            if (response.Status != HttpStatusCode.BadRequest || response.Json?["scimType"]?.GetValue<string>() != "invalidFilter")
            {
                failures.Add($"{filter}: {(int)response.Status} {response.Body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory, AllDatabases]
    public async Task Filter_OnAnAttributeWithoutAColumn_BadRequestInvalidFilter_NotServerError(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedAsync(app);
        string[] unsupported =
        [
            "name.middleName eq \"x\"",
            "password eq \"x\"",
            "addresses.streetAddress eq \"x\"",
            "addresses[locality eq \"x\"]",
            "groups.value eq \"x\"",
            "groups[display eq \"x\"]",
            "meta.version eq \"W/\\\"1\\\"\"",
            "meta.location co \"x\"",
            "meta.resourceType eq \"User\"",
            "manager.displayName eq \"x\"",
            "manager.$ref eq \"x\"",
            "emails.$ref eq \"x\"",
            $"{Enterprise} pr",
        ];

        var failures = new List<string>();
        foreach (var filter in unsupported)
        {
            var response = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString(filter)}");
            if (response.Status != HttpStatusCode.BadRequest || response.Json?["scimType"]?.GetValue<string>() != "invalidFilter")
            {
                failures.Add($"{filter}: {(int)response.Status} {response.Body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory, AllDatabases]
    public async Task Filter_OrChainOf200IdClauses_Works(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var seed = await SeedAsync(app);
        var ids = seed.Ids.Values.Concat(Enumerable.Range(0, 192).Select(_ => Guid.NewGuid().ToString("N"))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(200, ids.Count);
        var filter = string.Join(" or ", ids.Select(id => $"id eq \"{id}\""));

        var get = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString(filter)}");
        get.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(Everyone, seed.Names(get));

        var search = await app.PostAsync($"{Users}/.search", new JsonObject { ["filter"] = filter, ["count"] = 3 });
        search.AssertStatus(HttpStatusCode.OK);
        AssertPage(search, total: 8, startIndex: 1, items: 3);

        var and = string.Join(" and ", Enumerable.Repeat("userName pr", 200));
        var allOf = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString(and)}");
        allOf.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(8, allOf.Object["totalResults"]!.GetValue<int>());

        // As many clauses as the longest accepted filter holds: still one flat chain, no database depth limit hit.
        var longest = string.Join(" or ", Enumerable.Repeat("id pr", 1111));
        Assert.True(longest.Length <= 10_000);
        var anyOf = await app.PostAsync($"{Users}/.search", new JsonObject { ["filter"] = longest, ["count"] = 1 });
        anyOf.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(8, anyOf.Object["totalResults"]!.GetValue<int>());
    }

    private static string[] Except(params string[] names) => Everyone.Except(names).ToArray();

    private static void AssertPage(ScimResponse response, int total, int startIndex, int items)
    {
        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(total, response.Object["totalResults"]!.GetValue<int>());
        Assert.Equal(startIndex, response.Object["startIndex"]!.GetValue<int>());
        Assert.Equal(items, response.Object["itemsPerPage"]!.GetValue<int>());
        Assert.Equal(items, response.Object["Resources"]!.AsArray().Count);
    }

    private static JsonObject User(
        string userName, string? displayName, string? externalId, string? title, JsonNode active,
        (string Type, string Value, bool Primary)[] emails, string? employeeNumber, string? managerId, string? givenName, string? familyName,
        string? department = null)
    {
        var user = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", Enterprise),
            ["userName"] = userName,
            ["active"] = active,
        };
        if (displayName is not null)
        {
            user["displayName"] = displayName;
        }

        if (externalId is not null)
        {
            user["externalId"] = externalId;
        }

        if (title is not null)
        {
            user["title"] = title;
        }

        if (givenName is not null || familyName is not null)
        {
            user["name"] = new JsonObject { ["givenName"] = givenName, ["familyName"] = familyName };
        }

        if (emails.Length > 0)
        {
            user["emails"] = new JsonArray(emails.Select(e => (JsonNode)new JsonObject { ["type"] = e.Type, ["value"] = e.Value, ["primary"] = e.Primary }).ToArray());
        }

        var enterprise = new JsonObject();
        if (employeeNumber is not null)
        {
            enterprise["employeeNumber"] = employeeNumber;
        }

        if (department is not null)
        {
            enterprise["department"] = department;
        }

        if (managerId is not null)
        {
            enterprise["manager"] = new JsonObject { ["value"] = managerId };
        }

        if (enterprise.Count > 0)
        {
            user[Enterprise] = enterprise;
        }

        return user;
    }

    /// <summary>Creates the eight users in alphabetical order (so meta.lastModified grows in that order).</summary>
    private static async Task<Seed> SeedAsync(ScimApp app)
    {
        var ids = new Dictionary<string, string>();
        var modified = new Dictionary<string, string>();

        async Task Create(string name, JsonObject body)
        {
            var response = await app.PostAsync(Users, body);
            response.AssertStatus(HttpStatusCode.Created);
            ids[name] = response.String("id")!;
            modified[name] = response.Object["meta"]!["lastModified"]!.GetValue<string>();
        }

        await Create("alice", User("alice@x.example", "Alice Anders", "ext-Alice", "Engineer", true,
            [("work", "alice@x.example", true), ("home", "alice.home@y.example", false)], "1001", null, "Alice", "Anders"));
        await Create("bob", User("bob@x.example", "Bob Brown", "johnwong", "Manager", false,
            [("work", "bob@x.example", false)], "1002", null, "Bob", "Brown"));
        await Create("carol", User("Carol@Y.example", "Carol Chen", "ext-carol", null, "True",
            [("home", "carol@y.example", false)], "2001", ids["alice"], "Carol", "Chen", department: "Sales"));
        await Create("dave", User("dave@y.example", "Dave Diaz", null, "engineer", true,
            [("work", "dave@y.example", false)], null, ids["alice"], "Dave", "Diaz"));
        await Create("erin", User("erin@z.example", "Erin Evans", null, "Designer", true,
            [], null, null, "Erin", "Evans"));
        await Create("frank", User("frank@z.example", null, null, "Intern", "false",
            [("other", "frank@x.example", false)], null, null, null, null));
        await Create("grace", User("grace@x.example", "Grace Green", null, "ENGINEER", true,
            [("work", "grace@w.example", false)], "3001", ids["bob"], "Grace", "Green"));
        await Create("heidi", User("heidi@w.example", "Heidi Hill", "EXT-ALICE", "manager", true,
            [("work", "heidi@x.example", false)], null, null, "Heidi", "Hill"));
        return new Seed(ids, modified);
    }

    private sealed record Seed(Dictionary<string, string> Ids, Dictionary<string, string> Modified)
    {
        public string Substitute(string filter)
        {
            foreach (var (name, id) in Ids)
            {
                filter = filter.Replace($"{{{name}}}", id, StringComparison.Ordinal)
                    .Replace($"{{{name.ToUpperInvariant()}}}", id.ToUpperInvariant(), StringComparison.Ordinal)
                    .Replace($"{{t:{name}}}", Modified[name], StringComparison.Ordinal);
            }

            return filter;
        }

        /// <summary>The seeded users in a list response, by first name, sorted.</summary>
        public List<string> Names(ScimResponse list) => NamesInOrder(list).Order(StringComparer.Ordinal).ToList();

        public List<string> NamesInOrder(ScimResponse list)
        {
            list.AssertStatus(HttpStatusCode.OK);
            var byId = Ids.ToDictionary(p => p.Value, p => p.Key);
            return list.Object["Resources"]!.AsArray()
                .Select(r => r!["id"]!.GetValue<string>())
                .Select(id => byId.TryGetValue(id, out var name) ? name : $"<unknown {id}>")
                .ToList();
        }
    }
}
