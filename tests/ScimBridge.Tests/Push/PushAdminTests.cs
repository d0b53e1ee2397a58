using System.Net.Http.Json;
using System.Text;
using ScimBridge.Push;

namespace ScimBridge.Tests.Push;

/// <summary>The admin API over the push: deletion guard, connection, provision on demand and dry run, bad input.</summary>
public sealed class PushAdminTests
{
    [Theory, AllDatabases]
    public async Task DeletionGuard_HoldsDisablesAboveTheHourlyCount_ApproveSendsOne_RejectKeepsTheSeat(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:DeletionGuard:MaxPerHour"] = "2" });
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await h.Bridge.CreateUserAsync($"leaver{i}@example.com"));
        }
        await h.WaitSettledAsync();
        await h.DeactivateAsync(ids, held: 3);

        Assert.Equal(2, Inactive(h));
        var admin = await h.Bridge.AdminAsync();
        var staged = await GetJsonAsync(admin, "/admin/api/staged-deletes");
        Assert.Equal(3, staged.AsArray().Count);
        Assert.All(staged.AsArray(), s => Assert.Contains("MaxPerHour", s!["reason"]!.GetValue<string>(), StringComparison.Ordinal));
        var heldEntries = await h.Bridge.DbAsync(db => db.LogEntries.Where(e => e.Action == LogActions.StagedDelete).ToListAsync());
        Assert.Equal(3, heldEntries.Count);
        Assert.All(heldEntries, e => Assert.Equal((LogStatuses.Pending, LogCodes.DeletionThresholdExceeded), (e.Status, e.ErrorCode)));

        var first = staged[0]!["resourceId"]!.GetValue<string>();
        var second = staged[1]!["resourceId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/admin/api/staged-deletes/users/{first}/approve", null)).StatusCode);
        await Eventually.UntilAsync(() => Inactive(h) == 3, "the approved disable to reach monday.com");

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/admin/api/staged-deletes/users/{second}/reject", null)).StatusCode);
        var rejected = await h.Bridge.DbAsync(db => db.Changes.Where(c => c.ResourceId == second).OrderBy(c => c.Id).ToListAsync());
        Assert.Equal(PushStatuses.Skipped, rejected[^1].PushStatus);
        Assert.Contains("rejected by", rejected[^1].PushError, StringComparison.Ordinal);
        var rejection = await h.Bridge.DbAsync(db => db.LogEntries.SingleAsync(e => e.SourceId == second && e.ErrorCode == LogCodes.RejectedByAdmin));
        Assert.Equal((LogStatuses.Skipped, Initiators.Admin), (rejection.Status, rejection.InitiatorType));

        // The approved one counted too: the hour is full, so the last one stays staged.
        Assert.Single((await GetJsonAsync(admin, "/admin/api/staged-deletes")).AsArray());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/admin/api/staged-deletes/approve", null)).StatusCode);
        await Eventually.UntilAsync(() => Inactive(h) == 4, "approve-all to reach monday.com");
        Assert.True(h.SimUserByName(await UserNameAsync(h, second))!.Active);
        Assert.Empty((await GetJsonAsync(admin, "/admin/api/staged-deletes")).AsArray());
    }

    [Theory, AllDatabases]
    public async Task Connection_ShowsQuarantine_TestFails_ResumeAfterTheFix_PushesAgain(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:QuarantineSchedule:0"] = "01:00:00" });
        var admin = await h.Bridge.AdminAsync();
        var healthy = await GetJsonAsync(admin, "/admin/api/connection");
        Assert.True(healthy["configured"]!.GetValue<bool>());
        Assert.Null(healthy["quarantine"]);

        h.State.TokenRevoked = true;
        await h.Bridge.CreateUserAsync("locked@example.com");
        // The worker enters quarantine first and records the refused call right after.
        await Eventually.UntilAsync(async () => await GetJsonAsync(admin, "/admin/api/connection") is { } s
            && s["quarantine"] is not null && s["credentialsValid"] is JsonValue v && !v.GetValue<bool>(), "quarantine");
        var status = await GetJsonAsync(admin, "/admin/api/connection");
        Assert.False(status["credentialsValid"]!.GetValue<bool>());
        Assert.Equal(1, status["queueDepth"]!.GetValue<int>());
        Assert.NotNull(status["oldestPendingChangeAt"]);

        var test = await PostJsonAsync(admin, "/admin/api/connection/test");
        Assert.False(test["success"]!.GetValue<bool>());
        Assert.Equal(401, test["status"]!.GetValue<int>());

        h.State.TokenRevoked = false;
        Assert.True((await PostJsonAsync(admin, "/admin/api/connection/test"))["success"]!.GetValue<bool>());
        var resumed = await PostJsonAsync(admin, "/admin/api/connection/resume");
        Assert.Null(resumed["quarantine"]);
        await h.WaitSettledAsync();
        Assert.NotNull(h.SimUserByName("locked@example.com"));
        Assert.NotNull((await GetJsonAsync(admin, "/admin/api/connection"))["lastSuccessAt"]);
    }

    [Theory, AllDatabases]
    public async Task ProvisionOnDemand_DryRunSendsNoWrite_ThenTheRealPushCreatesTheUser(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        var id = await h.Bridge.CreateUserAsync("now@example.com");
        var admin = await h.Bridge.AdminAsync();

        var dry = await PostJsonAsync(admin, $"/admin/api/provision/users/{id}?dryRun=true");
        Assert.True(dry["dryRun"]!.GetValue<bool>());
        // monday.com has not answered a write it was not sent: its outcome is not predicted.
        Assert.Equal((LogActions.Create, ProvisionOnDemand.NotSent), (dry["action"]!.GetValue<string>(), dry["status"]!.GetValue<string>()));
        var post = Assert.Single(dry["calls"]!.AsArray(), c => c!["method"]!.GetValue<string>() == "POST")!;
        Assert.True(post["simulated"]!.GetValue<bool>());
        Assert.Contains("now@example.com", post["body"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(dry["steps"]!.AsArray().Where(s => s!["name"]!.GetValue<string>() is "Matching" or "Export"),
            s => Assert.StartsWith("Dry run", s!["detail"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Null(h.SimUserByName("now@example.com"));
        lock (h.State.Sync)
        {
            Assert.DoesNotContain(h.State.Requests, r => r.Method != "GET");
        }
        Assert.Equal(0, await h.Bridge.DbAsync(db => db.LogEntries.CountAsync()));
        Assert.Equal(0, (await h.StateAsync(ResourceKinds.User, id))!.PushedSeq);

        var real = await PostJsonAsync(admin, $"/admin/api/provision/users/{id}");
        Assert.False(real["dryRun"]!.GetValue<bool>());
        Assert.Equal(LogStatuses.Success, real["status"]!.GetValue<string>());
        Assert.Equal(["Received", "Scoping", "Matching", "Mapping", "Export"], real["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.NotNull(h.SimUserByName("now@example.com"));
        var entry = await h.Bridge.DbAsync(db => db.LogEntries.SingleAsync());
        Assert.Equal(real["logEntryId"]!.GetValue<long>(), entry.Id);
        Assert.Equal(Initiators.Admin, entry.InitiatorType);
        Assert.Equal(PushStatuses.Pushed, (await h.Bridge.DbAsync(db => db.Changes.SingleAsync())).PushStatus);
    }

    [Theory, AllDatabases]
    public async Task ProvisionOnDemand_Group_PushesItsWaitingMembersFirst(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        var a = await h.Bridge.CreateUserAsync("m1@example.com");
        var b = await h.Bridge.CreateUserAsync("m2@example.com");
        var group = await h.Bridge.CreateGroupAsync("On Demand", a, b);
        var admin = await h.Bridge.AdminAsync();

        var result = await PostJsonAsync(admin, $"/admin/api/provision/groups/{group}");

        Assert.Equal(2, result["members"]!.AsArray().Count);
        Assert.Equal(LogStatuses.Success, result["status"]!.GetValue<string>());
        var team = h.SimGroupByName("On Demand")!;
        Assert.Equal(2, team.Members.Count);
    }

    [Theory, AllDatabases]
    public async Task BadInput_IsProblemDetails_NeverA500(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Push:Enabled"] = "false" });
        var id = await h.Bridge.CreateUserAsync("ok@example.com");
        var admin = await h.Bridge.AdminAsync();
        var pending = await h.Bridge.DbAsync(db => db.Changes.SingleAsync());

        var cases = new (string Path, string? Body, HttpStatusCode Expected)[]
        {
            ("/admin/api/changes/999999/replay", null, HttpStatusCode.NotFound),
            ($"/admin/api/changes/{pending.Id}/replay", null, HttpStatusCode.Conflict),
            ("/admin/api/changes/abc/replay", null, HttpStatusCode.NotFound),
            ("/admin/api/changes/retry-failed", "{\"from\":\"2026-02-01T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}", HttpStatusCode.BadRequest),
            ("/admin/api/changes/retry-failed", "{\"resourceType\":\"robots\"}", HttpStatusCode.BadRequest),
            ("/admin/api/changes/retry-failed", "{\"from\": 12", HttpStatusCode.BadRequest),
            ("/admin/api/changes/retry-failed", "{\"from\": \"yesterday\"}", HttpStatusCode.BadRequest),
            ("/admin/api/changes/retry-failed", "[1,2]", HttpStatusCode.BadRequest),
            ("/admin/api/provision/users/nope", null, HttpStatusCode.NotFound),
            ($"/admin/api/provision/robots/{id}", null, HttpStatusCode.BadRequest),
            ($"/admin/api/provision/users/{id}?dryRun=maybe", null, HttpStatusCode.BadRequest),
            ("/admin/api/staged-deletes/users/nope/approve", null, HttpStatusCode.NotFound),
            ("/admin/api/staged-deletes/robots/nope/reject", null, HttpStatusCode.BadRequest),
            ("/admin/api/staged-deletes?limit=0", null, HttpStatusCode.MethodNotAllowed),
        };
        foreach (var (path, body, expected) in cases)
        {
            using var content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json");
            var response = await admin.PostAsync(path, content);
            Assert.True(expected == response.StatusCode, $"{path} {body}: expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var badLimit = await admin.GetAsync("/admin/api/staged-deletes?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/admin/api/staged-deletes?limit=x")).StatusCode);

        using var anonymous = h.Bridge.CreateScimClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/admin/api/provision/users/{id}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Bridge.Scim.PostAsync($"/admin/api/provision/users/{id}", null)).StatusCode);
    }

    [Theory, AllDatabases]
    public async Task NoTarget_ConnectionSaysSo_AndActionsNeedingItAreConflicts(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();
        var id = await app.CreateUserAsync("lonely@example.com");

        Assert.False((await GetJsonAsync(admin, "/admin/api/connection"))["configured"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/admin/api/connection/test", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/admin/api/provision/users/{id}?dryRun=true", null)).StatusCode);
    }

    private static int Inactive(PushHarness h)
    {
        lock (h.State.Sync)
        {
            return h.State.Users.Values.Count(u => !u.Active);
        }
    }

    private static Task<string> UserNameAsync(PushHarness h, string id) =>
        h.Bridge.DbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.UserName).SingleAsync());

    private static async Task<JsonNode> GetJsonAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task<JsonNode> PostJsonAsync(HttpClient client, string path)
    {
        var response = await client.PostAsync(path, null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }
}
