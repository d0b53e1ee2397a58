using System.Net.Http.Headers;
using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;
using static ScimBridge.Tests.Reclamation.ReclaimKit;

namespace ScimBridge.Tests.Reclamation;

/// <summary>/admin/api/reclamation: rules (versions, If-Match, soft delete), validation naming each field, the VIP list, auth and 404s.</summary>
public sealed class RulesApiTests
{
    private const string Rules = "/admin/api/reclamation/rules";

    [Theory, AllDatabases]
    public async Task ARule_IsCreatedReadReplacedAndDeleted_WithAVersionForEachChange(DatabaseProvider provider)
    {
        var (app, clock) = await StartAsync(provider);
        await using var _app = app;
        var admin = await app.AdminAsync();

        var response = await admin.PostAsync(Rules, Json(Rule("Idle members")));
        var created = await response.JsonAsync(HttpStatusCode.Created);
        var id = created["id"]!.GetValue<long>();
        Assert.Equal($"/admin/api/reclamation/rules/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal((1, "Idle members", 60), (created["version"]!.GetValue<int>(), created["definition"]!["name"]!.GetValue<string>(), created["definition"]!["inactiveDays"]!.GetValue<int>()));
        var listed = await (await admin.GetAsync(Rules)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(id, listed.AsArray().Single()!["id"]!.GetValue<long>());

        clock.Advance(TimeSpan.FromHours(1));
        using (var stale = new HttpRequestMessage(HttpMethod.Put, $"{Rules}/{id}") { Content = Json(Rule("Idle members", r => r["inactiveDays"] = 90)) })
        {
            stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.SendAsync(stale)).StatusCode);
        }
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"{Rules}/{id}") { Content = Json(Rule("Idle members", r => r["inactiveDays"] = 90)) })
        {
            put.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
            var updated = await (await admin.SendAsync(put)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal((2, 90), (updated["version"]!.GetValue<int>(), updated["definition"]!["inactiveDays"]!.GetValue<int>()));
        }
        var got = await (await admin.GetAsync($"{Rules}/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(Now.AddHours(1), got["updatedAt"]!.GetValue<DateTimeOffset>());

        // An open candidate of the rule closes when it is deleted.
        await app.SeatsAsync(Seat("a", 100));
        Assert.Equal(1, (await admin.EvaluateAsync())["created"]!.GetValue<int>());
        var deleted = await (await admin.DeleteAsync($"{Rules}/{id}")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal((3, 1), (deleted["version"]!.GetValue<int>(), deleted["candidatesClosed"]!.GetValue<int>()));
        var candidate = await app.DbAsync(db => db.ReclaimCandidates.AsNoTracking().SingleAsync());
        Assert.Equal((CandidateStates.ClosedSkipped, "Rule deleted"), (candidate.State, candidate.StateReason));
        Assert.Empty((await (await admin.GetAsync(Rules)).JsonAsync(HttpStatusCode.OK)).AsArray());
        Assert.Single((await (await admin.GetAsync($"{Rules}?includeDeleted=true")).JsonAsync(HttpStatusCode.OK)).AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"{Rules}/{id}")).StatusCode);
        Assert.Equal(0, (await admin.EvaluateAsync())["created"]!.GetValue<int>());

        var versions = (await (await admin.GetAsync($"{Rules}/{id}/versions")).JsonAsync(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["Deleted", "Updated", "Created"], versions.Select(v => v!["change"]!.GetValue<string>()));
        Assert.Equal([3, 2, 1], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.All(versions, v => Assert.StartsWith("test-admin-", v!["changedBy"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal([90, 90, 60], versions.Select(v => v!["definition"]!["inactiveDays"]!.GetValue<int>()));
        Assert.Equal(3, await app.DbAsync(db => db.ReclaimRuleVersions.CountAsync()));
        var record = await app.DbAsync(db => db.ReclaimRules.AsNoTracking().SingleAsync());
        Assert.NotNull(record.DeletedAt);
        Assert.StartsWith("test-admin-", record.DeletedBy, StringComparison.Ordinal);

        // A new rule may take a deleted rule's name.
        await admin.CreateRuleAsync(Rule("IDLE MEMBERS"));
    }

    /// <summary>Each bad input: a change to a valid rule, and the field the error must name.</summary>
    public static readonly (string Field, Action<JsonObject> Change)[] BadRules =
    [
        ("name", r => r["name"] = ""),
        ("name", r => r["name"] = new string('x', 101)),
        ("name", r => r["name"] = "existing rule"),
        ("apps", r => r["apps"] = new JsonArray()),
        ("apps[1]", r => r["apps"] = new JsonArray("monday", "jira")),
        ("apps[1]", r => r["apps"] = new JsonArray("monday", "monday")),
        ("seatTypes[0]", r => r["seatTypes"] = new JsonArray("collaborator")),
        ("excludeSeatTypes[1]", r => r["excludeSeatTypes"] = new JsonArray("admin", "wizard")),
        ("seatTypes", r => { r["seatTypes"] = new JsonArray("member"); r["excludeSeatTypes"] = new JsonArray("member"); }),
        ("action", r => r["action"] = "delete"),
        ("action", r => { r["action"] = "downgrade"; r["apps"] = new JsonArray("monday", "roadmunk"); r["excludeSeatTypes"] = new JsonArray(); }),
        ("action", r => { r["action"] = "downgrade"; r["seatTypes"] = new JsonArray("viewer", "guest"); }),
        ("autoReclaim", r => { r["action"] = "report"; r["autoReclaim"] = true; }),
        ("notify", r => { r["action"] = "report"; r["notify"] = Notice(); }),
        ("autoReclaim", r => { r["autoReclaim"] = true; r["notify"] = Notice(); }),
        ("inactiveDays", r => r["inactiveDays"] = 0),
        ("inactiveDays", r => r["inactiveDays"] = 3651),
        ("neverActiveGraceDays", r => r["neverActiveGraceDays"] = 0),
        ("cooldownDays", r => r["cooldownDays"] = 0),
        ("ignoreCreatedWithinDays", r => r["ignoreCreatedWithinDays"] = 0),
        ("notify.webhookUrl", r => r["notify"] = Notice(n => n["webhookUrl"] = "hooks.example.com/x")),
        ("notify.webhookUrl", r => r["notify"] = Notice(n => n["webhookUrl"] = "ftp://hooks.example.com/x")),
        ("notify.reminderEveryDays", r => r["notify"] = Notice(n => n["reminderEveryDays"] = 0)),
        ("notify.autoReclaimAfterDays", r => r["notify"] = Notice(n => n["autoReclaimAfterDays"] = 366)),
        ("notify.keepApproval", r => r["notify"] = Notice(n => n["keepApproval"] = "ceo")),
        ("excludeUsers[1]", r => r["excludeUsers"] = new JsonArray("alice@example.com", "nobody@example.com")),
        ("excludeGroups[0]", r => r["excludeGroups"] = new JsonArray("No Such Group")),
        // Read errors: wrong types, mistyped properties, malformed JSON.
        ("inactiveDays", r => r["inactiveDays"] = "sixty"),
        ("apps", r => r["apps"] = "monday"),
        ("notify.reminderEveryDays", r => r["notify"] = Notice(n => n["reminderEveryDays"] = true)),
        ("inactiveDay", r => r["inactiveDay"] = 30),
        ("notify.webhook", r => r["notify"] = Notice(n => n["webhook"] = "https://x.example.com")),
    ];

    private static JsonObject Notice(Action<JsonObject>? change = null)
    {
        var notice = new JsonObject { ["webhookUrl"] = "https://hooks.example.com/x", ["reminderEveryDays"] = 3, ["autoReclaimAfterDays"] = 7, ["keepApproval"] = "manager" };
        change?.Invoke(notice);
        return notice;
    }

    [Theory, AllDatabases]
    public async Task EveryBadInput_IsA400NamingTheField_AndNothingIsSaved(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        await app.CreateUserAsync("alice@example.com");
        var admin = await app.AdminAsync();
        var existing = await admin.CreateRuleAsync(Rule("Existing rule"));

        async Task ExpectAsync(Func<Task<HttpResponseMessage>> send, string field, string what)
        {
            var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: expected 400, got {(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var errors = JsonNode.Parse(body)!["errors"]?.AsObject();
            Assert.True(errors?.ContainsKey(field) == true, $"{what}: expected an error on '{field}': {body}");
        }

        foreach (var (field, change) in BadRules)
        {
            var rule = Rule("New rule", change);
            await ExpectAsync(() => admin.PostAsync(Rules, Json(rule)), field, $"POST {rule.ToJsonString()}");
            var replaced = Rule("Existing rule", change);
            if (field != "name" || replaced["name"]!.GetValue<string>() != "existing rule")
            {
                await ExpectAsync(() => admin.PutAsync($"{Rules}/{existing}", Json(replaced)), field, $"PUT {replaced.ToJsonString()}");
            }
        }
        await ExpectAsync(() => admin.PostAsync(Rules, Json("{\"name\": \"x\", ")), "body", "truncated JSON");
        await ExpectAsync(() => admin.PostAsync(Rules, Json("")), "body", "no body");
        await ExpectAsync(() => admin.PostAsync(Rules, Json("[1]")), "body", "an array");
        await ExpectAsync(() => admin.PostAsync("/admin/api/reclamation/dry-run", Json(Rule("x", r => r["inactiveDays"] = 0))), "inactiveDays", "dry run");

        // A notice needs the public URL for its links.
        await using (var noUrl = (await StartAsync(provider, new() { ["Reclamation:PublicUrl"] = "" })).App)
        {
            var other = await noUrl.AdminAsync();
            await ExpectAsync(() => other.PostAsync(Rules, Json(Rule("asks", r => r["notify"] = Notice()))), "notify", "no PublicUrl");
        }

        Assert.Equal(1, await app.DbAsync(db => db.ReclaimRules.CountAsync()));
        Assert.Equal(1, await app.DbAsync(db => db.ReclaimRuleVersions.CountAsync()));
        var stored = await app.DbAsync(db => db.ReclaimRules.AsNoTracking().SingleAsync());
        Assert.Equal((1, 60), (stored.Version, ReclaimWorkflow.ParseRule(stored.Definition).InactiveDays));
    }

    [Theory, AllDatabases]
    public async Task TheVipList_AcceptsKnownPeopleOnce_AndRefusesStrangers(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        await app.CreateUserAsync("alice@example.com");
        await app.SeatsAsync(Seat("m1", 10, email: "ceo@example.com"));
        var admin = await app.AdminAsync();
        const string Vips = "/admin/api/reclamation/vips";

        var alice = await (await admin.PostAsync(Vips, Json(new JsonObject { ["match"] = "Alice@Example.com", ["note"] = "founder" }))).JsonAsync(HttpStatusCode.Created);
        await (await admin.PostAsync(Vips, Json(new JsonObject { ["match"] = "ceo@example.com" }))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync(Vips, Json(new JsonObject { ["match"] = "ALICE@example.com" }))).StatusCode);
        var stranger = await (await admin.PostAsync(Vips, Json(new JsonObject { ["match"] = "nobody@example.com" }))).JsonAsync(HttpStatusCode.BadRequest);
        Assert.NotNull(stranger["errors"]!["match"]);
        Assert.NotNull((await (await admin.PostAsync(Vips, Json(new JsonObject { ["email"] = "x" }))).JsonAsync(HttpStatusCode.BadRequest))["errors"]!["email"]);

        var list = (await (await admin.GetAsync(Vips)).JsonAsync(HttpStatusCode.OK)).AsArray();
        Assert.Equal(["Alice@Example.com", "ceo@example.com"], list.Select(v => v!["match"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"{Vips}/{alice["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"{Vips}/{alice["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"{Vips}/abc")).StatusCode);
        Assert.Equal(1, await app.DbAsync(db => db.ReclaimVips.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task WithoutAnAdminToken_EveryEndpointIs401_AndUnknownIdsAre404(DatabaseProvider provider)
    {
        var (app, _) = await StartAsync(provider);
        await using var _app = app;
        var admin = await app.AdminAsync();
        var id = await admin.CreateRuleAsync(Rule("idle"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateScimClient(null).GetAsync(Rules)).StatusCode);
        foreach (var (method, path) in new[]
        {
            ("GET", Rules), ("POST", Rules), ("GET", $"{Rules}/{id}"), ("PUT", $"{Rules}/{id}"), ("DELETE", $"{Rules}/{id}"),
            ("GET", $"{Rules}/{id}/versions"), ("POST", $"{Rules}/{id}/dry-run"), ("POST", "/admin/api/reclamation/dry-run"),
            ("POST", "/admin/api/reclamation/evaluate"), ("GET", "/admin/api/reclamation/vips"), ("POST", "/admin/api/reclamation/vips"),
            ("DELETE", "/admin/api/reclamation/vips/1"),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method is "POST" or "PUT" ? Json(Rule("x")) : null };
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateScimClient("wrong-token").SendAsync(request)).StatusCode);
        }
        Assert.Equal(1, await app.DbAsync(db => db.ReclaimRules.CountAsync()));

        foreach (var path in new[] { $"{Rules}/999", $"{Rules}/999/versions", $"{Rules}/abc", $"{Rules}/-1", $"{Rules}/99999999999999999999" })
        {
            var problem = await (await admin.GetAsync(path)).JsonAsync(HttpStatusCode.NotFound);
            Assert.Equal(404, problem["status"]!.GetValue<int>());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"{Rules}/999/dry-run", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsync($"{Rules}/999", Json(Rule("x")))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"{Rules}/abc")).StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesTheRuleEndpoints()
    {
        var (app, _) = await StartAsync(DatabaseProvider.Sqlite);
        await using var _app = app;
        var admin = await app.AdminAsync();
        var document = await (await admin.GetAsync("/admin/api/openapi/admin.json")).JsonAsync(HttpStatusCode.OK);
        var operations = document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(o => o.Value!["operationId"]?.GetValue<string>())).ToHashSet();
        Assert.Superset(new HashSet<string?> { "ListReclaimRules", "CreateReclaimRule", "ReplaceReclaimRule", "DryRunReclaimRule", "EvaluateReclaimRules", "AddReclaimVip" }, operations);
    }
}
