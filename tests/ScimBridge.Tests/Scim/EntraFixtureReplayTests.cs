namespace ScimBridge.Tests.Scim;

/// <summary>
/// Every request shape in tests/TestData/entra, replayed in file order (Entra's own order: match, create, update,
/// disable, delete, groups, schemas) against a fresh server, asserting the documented status and the stored result.
/// Placeholder ids in the fixtures are mapped to real users created on the way, as Entra would have created them.
/// </summary>
public sealed class EntraFixtureReplayTests
{
    [Theory, AllDatabases]
    public async Task DocumentedRequests_ReplayedInOrder_GetTheDocumentedStatusAndStoredResult(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var replay = new Replay(app);
        var requests = Load("entra-documented-requests.json");
        Assert.Equal(29, requests.Count);

        foreach (var request in requests)
        {
            var name = request["name"]!.GetValue<string>();
            var expect = request["expect"]!.AsObject();
            var response = await replay.SendAsync(request);
            Assert.True((int)response.Status == expect["status"]!.GetValue<int>(), $"'{name}': expected {expect["status"]}, got {(int)response.Status}: {response.Body}");

            if (expect["listResponse"]?.GetValue<bool>() == true || expect["body"]?["schemas"]?[0]?.GetValue<string>() is { } s && s.EndsWith("ListResponse", StringComparison.Ordinal))
            {
                Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", response.Object["schemas"]![0]!.GetValue<string>());
            }

            if (expect["membersAbsent"]?.GetValue<bool>() == true)
            {
                Assert.False(response.Object.ContainsKey("members"), name);
            }

            if (expect["activeAfter"] is { } activeAfter)
            {
                var user = await app.GetAsync($"/scim/v2/Users/{replay.UserId}");
                Assert.Equal(activeAfter.GetValue<bool>(), user.Object["active"]!.GetValue<bool>());
            }

            await replay.AssertStoredResultAsync(name, response);
        }
    }

    [Theory, AllDatabases]
    public async Task ObservedRequests_FromPublicIssueThreads_AreAcceptedWithTheRightResult(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var replay = new Replay(app);
        var requests = Load("entra-observed-in-issues.json");
        Assert.Equal(10, requests.Count);

        foreach (var request in requests)
        {
            var source = request["source"]!.GetValue<string>();
            var path = request["path"]!.GetValue<string>();
            var method = request["method"]!.GetValue<string>();
            var expected = method == "PATCH" && path.StartsWith("/Groups", StringComparison.Ordinal) ? HttpStatusCode.NoContent : HttpStatusCode.OK;
            var response = await replay.SendAsync(request);
            Assert.True(response.Status == expected, $"{source}: expected {(int)expected}, got {(int)response.Status}: {response.Body}");
            await replay.AssertObservedResultAsync(source, response);
        }
    }

    private static List<JsonObject> Load(string file)
    {
        var json = JsonNode.Parse(File.ReadAllText(RepositoryFiles.TestData("entra", file)))!;
        return json["requests"]!.AsArray().Select(r => r!.AsObject()).ToList();
    }

    /// <summary>Keeps the ids a real Entra job would have: the current user and group, and users standing in for fixture member ids.</summary>
    private sealed class Replay(ScimApp app)
    {
        private readonly Dictionary<string, string> _members = [];
        private int _created;

        public string? UserId { get; private set; }
        public string? GroupId { get; private set; }
        public string? Bystander { get; private set; }

        public async Task<ScimResponse> SendAsync(JsonObject request)
        {
            var method = new HttpMethod(request["method"]!.GetValue<string>());
            var path = request["path"]!.GetValue<string>();
            var body = request["body"]?.DeepClone().AsObject();

            if (path.Contains("{id}", StringComparison.Ordinal))
            {
                var id = path.StartsWith("/Groups", StringComparison.Ordinal) ? await EnsureGroupAsync() : await EnsureUserAsync();
                path = path.Replace("{id}", id, StringComparison.Ordinal);
            }

            if (path.StartsWith("/Groups/", StringComparison.Ordinal) && body is not null)
            {
                (path, body) = await MapMembersAsync(path, body);
            }

            var response = await app.SendAsync(method, "/scim/v2" + path, body?.ToJsonString());
            if (response.Status == HttpStatusCode.Created)
            {
                if (path == "/Users")
                {
                    UserId = response.String("id");
                    Assert.Equal(response.Object["meta"]!["location"]!.GetValue<string>(), response.Headers.Location!.ToString());
                }
                else if (path == "/Groups")
                {
                    GroupId = response.String("id");
                }
            }

            if (method == HttpMethod.Delete && response.Status == HttpStatusCode.NoContent)
            {
                var deleted = await app.GetAsync("/scim/v2" + path);
                deleted.AssertScimError(HttpStatusCode.NotFound);
                if (path.StartsWith("/Users", StringComparison.Ordinal))
                {
                    UserId = null;
                }
                else
                {
                    GroupId = null;
                }
            }

            return response;
        }

        public async Task AssertStoredResultAsync(string name, ScimResponse response)
        {
            switch (name)
            {
                case "Get user, not found":
                    response.AssertScimError(HttpStatusCode.NotFound);
                    break;
                case "Test connection / matching query, zero results":
                    Assert.Equal(0, response.Object["totalResults"]!.GetValue<int>());
                    Assert.Empty(response.Object["Resources"]!.AsArray());
                    break;
                case "Create user (older doc example with nulls; note the malformed schema URN '...enterprise:2.0User' exactly as printed)":
                    Assert.Equal("jyoung@testuser.com", response.String("userName"));
                    Assert.False(response.Object.ContainsKey("title"));
                    Assert.False(response.Object.ContainsKey("addresses"));
                    break;
                case "Update user, multi-valued (filtered path)":
                    var user = await CurrentUserAsync();
                    Assert.Equal("updatedEmail@microsoft.com", WorkEmail(user));
                    Assert.Equal("updatedFamilyName", user["name"]!["familyName"]!.GetValue<string>());
                    break;
                case "Update user, single-valued":
                    Assert.Equal("5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com", (await CurrentUserAsync())["userName"]!.GetValue<string>());
                    break;
                case "Add/replace manager (reference attribute)":
                    var enterprise = (await CurrentUserAsync())["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!;
                    Assert.Equal("00aa00aa-bb11-cc22-dd33-44ee44ee44ee", enterprise["manager"]!["value"]!.GetValue<string>());
                    break;
                case "Update group, non-member attribute":
                    Assert.Equal("1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName", (await CurrentGroupAsync())["displayName"]!.GetValue<string>());
                    break;
                case "Update group, add members":
                    Assert.Contains(_members["f648f8d5ea4e4cd38e9c"], await MemberIdsAsync());
                    break;
                case "Update group, remove members (value array, not a filter)":
                    Assert.DoesNotContain(_members["f648f8d5ea4e4cd38e9c"], await MemberIdsAsync());
                    Assert.Contains(Bystander!, await MemberIdsAsync());
                    break;
                case "Add single-value string WITHOUT flag":
                case "Add single-value string WITH flag":
                    Assert.Equal("Babs", (await CurrentUserAsync())["nickName"]!.GetValue<string>());
                    break;
                case "Replace several attributes WITHOUT flag (one op per path, extension URN path)":
                    var replaced = await CurrentUserAsync();
                    Assert.Equal("Pvlo", replaced["displayName"]!.GetValue<string>());
                    Assert.Equal("TestBcwqnm@test.microsoft.com", WorkEmail(replaced));
                    Assert.Equal("Gtfd", replaced["name"]!["givenName"]!.GetValue<string>());
                    Assert.Equal("Eqpj", replaced["externalId"]!.GetValue<string>());
                    Assert.Equal("Eqpj", replaced["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["employeeNumber"]!.GetValue<string>());
                    break;
                case "Replace several attributes WITH flag (no path; value object with dotted and URN-qualified keys)":
                    var flagged = await CurrentUserAsync();
                    Assert.Equal("Bjfe", flagged["displayName"]!.GetValue<string>());
                    Assert.Equal("Kkom", flagged["name"]!["givenName"]!.GetValue<string>());
                    Assert.Equal("Unua", flagged["name"]!["familyName"]!.GetValue<string>());
                    Assert.False(flagged.ContainsKey("name.givenName"));
                    Assert.Equal("Aklq", flagged["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["employeeNumber"]!.GetValue<string>());
                    Assert.Equal("TestMhvaes@test.microsoft.com", WorkEmail(flagged));
                    break;
                case "Remove group member WITHOUT flag":
                    Assert.DoesNotContain(_members["u1091"], await MemberIdsAsync());
                    Assert.Contains(Bystander!, await MemberIdsAsync());
                    break;
                case "Remove group member WITH flag":
                    Assert.DoesNotContain(_members["7f4bc1a3-285e-48ae-8202-5accb43efb0e"], await MemberIdsAsync());
                    Assert.Contains(Bystander!, await MemberIdsAsync());
                    break;
                case "Schema discovery":
                    var ids = response.Object["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
                    Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:Group", ids);
                    Assert.Contains("urn:ietf:params:scim:schemas:core:2.0:User", ids);
                    Assert.DoesNotContain("null", response.Body, StringComparison.Ordinal);
                    break;
            }

            // Whatever the request, the store's change rows say what happened: every 2xx write left one.
            var changes = await app.DbAsync(db => Task.FromResult(db.Changes.Count()));
            Assert.True(changes >= _created, "change rows are written with every change");
        }

        public async Task AssertObservedResultAsync(string source, ScimResponse response)
        {
            if (source.EndsWith("scimmy/issues/86", StringComparison.Ordinal) || source.EndsWith("scimmy/issues/51", StringComparison.Ordinal))
            {
                Assert.False((await CurrentUserAsync())["active"]!.GetValue<bool>());
            }
            else if (source.Contains("entra-id-patch-sending-add-instead-of-replace", StringComparison.Ordinal))
            {
                var user = await CurrentUserAsync();
                Assert.Equal("tester", user["title"]!.GetValue<string>());
                Assert.Single(user["emails"]!.AsArray(), e => e!["type"]?.GetValue<string>() == "work");
                Assert.Equal("user@example.com", WorkEmail(user));
            }
            else if (source.Contains("laravel-scim-server", StringComparison.Ordinal))
            {
                var user = await CurrentUserAsync();
                Assert.Equal("AdeleV2@REDACTED.onmicrosoft.com", WorkEmail(user));
                Assert.Equal("18/2111", user["addresses"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "work")!["formatted"]!.GetValue<string>());
                Assert.Equal("Retail", user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!["department"]!.GetValue<string>());
            }
            else if (source.Contains("SCIM-SDK", StringComparison.Ordinal))
            {
                var name = (await CurrentUserAsync())["name"]!;
                Assert.Equal("captain", name["givenName"]!.GetValue<string>());
                Assert.Equal("goldfish", name["familyName"]!.GetValue<string>());
            }
            else if (source.Contains("scim-patch", StringComparison.Ordinal))
            {
                Assert.Equal("John Doe", (await CurrentUserAsync())["name"]!["formatted"]!.GetValue<string>());
            }
            else if (source.Contains("pingidentity", StringComparison.Ordinal))
            {
                Assert.Equal("test", (await CurrentUserAsync())["name"]!["familyName"]!.GetValue<string>());
            }
            else if (source.Contains("directory-scimple", StringComparison.Ordinal))
            {
                Assert.DoesNotContain(_members["aaebb169-b91d-481c-9957-097faeaf649a"], await MemberIdsAsync());
                Assert.Contains(Bystander!, await MemberIdsAsync());
            }
            else if (source.Contains("azure-docs/issues/42220", StringComparison.Ordinal))
            {
                Assert.Equal(" User X", (await CurrentGroupAsync())["displayName"]!.GetValue<string>());
            }
            else if (source.Contains("azure-docs/issues/11784", StringComparison.Ordinal))
            {
                Assert.Equal("urn:ietf:params:scim:api:messages:2.0:ListResponse", response.Object["schemas"]![0]!.GetValue<string>());
            }
        }

        private async Task<string> EnsureUserAsync()
        {
            if (UserId is null)
            {
                UserId = await app.CreateUserAsync($"replay-{++_created}@contoso.example");
                // Entra PATCHes attributes that exist; give the user the work email and name it would have.
            }

            return UserId;
        }

        private async Task<string> EnsureGroupAsync()
        {
            if (GroupId is null)
            {
                GroupId = await app.CreateGroupAsync($"replay-group-{++_created}");
            }

            return GroupId;
        }

        /// <summary>Fixture member ids become real users; members a request removes are put in the group first.</summary>
        private async Task<(string Path, JsonObject Body)> MapMembersAsync(string path, JsonObject body)
        {
            // A bystander member proves a removal takes out only the member it names.
            if (Bystander is null || !(await MemberIdsAsync()).Contains(Bystander))
            {
                Bystander ??= await app.CreateUserAsync("bystander@contoso.example");
                var join = await app.PatchAsync($"/scim/v2/Groups/{GroupId}", Bodies.Patch(Bodies.Op("add", "members", new JsonArray(new JsonObject { ["value"] = Bystander }))));
                join.AssertStatus(HttpStatusCode.NoContent);
            }

            var text = path + body.ToJsonString();
            foreach (var alias in new[] { "f648f8d5ea4e4cd38e9c", "u1091", "7f4bc1a3-285e-48ae-8202-5accb43efb0e", "aaebb169-b91d-481c-9957-097faeaf649a" })
            {
                if (!text.Contains(alias, StringComparison.Ordinal))
                {
                    continue;
                }

                if (!_members.TryGetValue(alias, out var userId))
                {
                    userId = await app.CreateUserAsync($"member-{alias}@contoso.example");
                    _members[alias] = userId;
                }

                var isRemove = body["Operations"]!.AsArray().Any(o => o!["op"]!.GetValue<string>().Equals("remove", StringComparison.OrdinalIgnoreCase));
                if (isRemove)
                {
                    var add = await app.PatchAsync($"/scim/v2/Groups/{GroupId}", Bodies.Patch(Bodies.Op("add", "members", new JsonArray(new JsonObject { ["value"] = userId }))));
                    add.AssertStatus(HttpStatusCode.NoContent);
                    Assert.Contains(userId, await MemberIdsAsync());
                }

                path = path.Replace(alias, userId, StringComparison.Ordinal);
                body = JsonNode.Parse(body.ToJsonString().Replace(alias, userId, StringComparison.Ordinal))!.AsObject();
            }

            return (path, body);
        }

        private async Task<JsonObject> CurrentUserAsync() => (await app.GetAsync($"/scim/v2/Users/{UserId}")).Object;

        private async Task<JsonObject> CurrentGroupAsync() => (await app.GetAsync($"/scim/v2/Groups/{GroupId}")).Object;

        private async Task<List<string>> MemberIdsAsync() =>
            ((await CurrentGroupAsync())["members"] as JsonArray ?? []).Select(m => m!["value"]!.GetValue<string>()).ToList();

        private static string? WorkEmail(JsonObject user) =>
            user["emails"]?.AsArray().FirstOrDefault(e => e!["type"]?.GetValue<string>() == "work")?["value"]?.GetValue<string>();
    }
}
