using ScimBridge.Push;

namespace ScimBridge.Tests.Push;

/// <summary>Every push leaves one provisioning-log entry: who, what, each step, old → new, and the calls it made.</summary>
public sealed class ProvisioningLogTests
{
    [Theory, AllDatabases]
    public async Task Create_LogsSuccess_WithStepsPropertiesAndItsCall(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var id = await h.Bridge.CreateUserAsync("ada@example.com", "Ada Lovelace");
        await h.WaitSettledAsync();

        var entry = Assert.Single(await EntriesAsync(h, id));
        var mondayId = h.SimUserByName("ada@example.com")!.Id;
        Assert.Equal((LogActions.Create, LogStatuses.Success), (entry.Action, entry.Status));
        Assert.Equal((Initiators.Scim, "test-client"), (entry.InitiatorType, entry.Initiator));
        Assert.Equal(("ada@example.com", "ada@example.com", mondayId), (entry.SourceName, entry.SourceNameNormalized, entry.TargetId));
        Assert.Null(entry.ErrorCode);
        Assert.Equal(1, entry.Attempt);
        Assert.True(entry.DurationMs > 0);
        Assert.NotNull(entry.ChangeId);

        var steps = JsonNode.Parse(entry.Steps)!.AsArray().Select(s => (s!["name"]!.GetValue<string>(), s["status"]!.GetValue<string>())).ToList();
        Assert.Equal(
            [("Received", "Success"), ("Scoping", "Success"), ("Matching", "Success"), ("Mapping", "Success"), ("Export", "Success")],
            steps);
        var properties = JsonNode.Parse(entry.ModifiedProperties)!.AsArray();
        var displayName = Assert.Single(properties, p => p!["name"]!.GetValue<string>() == "displayName")!;
        Assert.Null(displayName["old"]);
        Assert.Equal("Ada Lovelace", displayName["new"]!.GetValue<string>());

        var calls = await h.Bridge.DbAsync(db => db.OutboundCalls.AsNoTracking().Where(c => c.LogEntryId == entry.Id).ToListAsync());
        var call = Assert.Single(calls);
        Assert.Equal(("POST", 201), (call.Method, call.Status));
    }

    [Theory, AllDatabases]
    public async Task UpdateDisableEnable_EachLogsItsActionAndOldToNew(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var id = await h.Bridge.CreateUserAsync("grace@example.com", "Grace Hopper");
        await h.WaitSettledAsync();

        await PatchAsync(h, id, "title", "Rear Admiral");
        await h.WaitSettledAsync();
        await PatchAsync(h, id, "active", false);
        await h.WaitSettledAsync();
        await PatchAsync(h, id, "active", true);
        await h.WaitSettledAsync();

        var entries = await EntriesAsync(h, id);
        Assert.Equal([LogActions.Create, LogActions.Update, LogActions.Disable, LogActions.Enable], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(LogStatuses.Success, e.Status));
        Assert.Equal(("title", null, "Rear Admiral"), Single(entries[1]));
        Assert.Equal(("active", "true", "false"), Single(entries[2]));
        Assert.Equal(("active", "false", "true"), Single(entries[3]));
    }

    [Theory, AllDatabases]
    public async Task RefusedValue_LogsFailureWithCodeAndFix_AndReplayAfterTheTargetIsFixed_Succeeds(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        h.State.RefuseUserNamesContaining = "refused";
        var id = await h.Bridge.CreateUserAsync("refused@example.com", "Refused Person");
        var settled = await h.WaitSettledAsync();
        var failedChange = Assert.Single(settled);
        Assert.Equal(PushStatuses.Failed, failedChange.PushStatus);

        var failure = Assert.Single(await EntriesAsync(h, id));
        Assert.Equal((LogActions.Create, LogStatuses.Failure, LogCodes.InvalidValue), (failure.Action, failure.Status, failure.ErrorCode));
        Assert.Contains("refused by this account's policy", failure.Message, StringComparison.Ordinal);
        Assert.Equal(LogCodes.Fix(LogCodes.InvalidValue), failure.RecommendedFix);
        Assert.Contains("\"Failure\"", failure.Steps, StringComparison.Ordinal);

        h.State.RefuseUserNamesContaining = null;
        var admin = await h.Bridge.AdminAsync();
        var replay = await admin.PostAsync($"/admin/api/changes/{failedChange.Id}/replay", null);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var requeued = JsonNode.Parse(await replay.Content.ReadAsStringAsync())!;
        Assert.Equal((1, 1), (requeued["changes"]!.GetValue<int>(), requeued["resources"]!.GetValue<int>()));

        var after = await h.WaitSettledAsync();
        Assert.Equal(PushStatuses.Pushed, Assert.Single(after).PushStatus);
        Assert.NotNull(h.SimUserByName("refused@example.com"));
        var entries = await EntriesAsync(h, id);
        Assert.Equal(2, entries.Count);
        Assert.Equal((LogActions.Create, LogStatuses.Success, Initiators.Admin), (entries[1].Action, entries[1].Status, entries[1].InitiatorType));
        Assert.StartsWith("test-admin-", entries[1].Initiator, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task ServerErrors_LogRetryingAttemptsWithNextRetry_ThenSuccessStartedByRetry(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Monday:MaxRetries"] = "0", ["Monday:CircuitBreakerBreakSeconds"] = "1" });
        h.State.FailureRate = 1;
        var id = await h.Bridge.CreateUserAsync("linus@example.com", "Linus");
        await Eventually.UntilAsync(async () => await CountAsync(h, id, LogStatuses.Retrying) >= 2, "two retrying entries");
        h.State.FailureRate = 0;
        await h.WaitSettledAsync(30);

        var entries = await EntriesAsync(h, id);
        var retrying = entries.Where(e => e.Status == LogStatuses.Retrying).ToList();
        Assert.True(retrying.Count >= 2);
        Assert.All(retrying, e =>
        {
            Assert.Equal(LogCodes.TargetError, e.ErrorCode);
            Assert.NotNull(e.NextRetryAt);
            Assert.True(e.NextRetryAt > e.At);
        });
        Assert.Equal([1, 2], retrying.Take(2).Select(e => e.Attempt));
        Assert.Equal(Initiators.Scim, retrying[0].InitiatorType);
        Assert.Equal(Initiators.Retry, retrying[1].InitiatorType);
        var last = entries[^1];
        Assert.Equal((LogStatuses.Success, Initiators.Retry), (last.Status, last.InitiatorType));
    }

    [Theory, AllDatabases]
    public async Task OutOfScope_LogsSkippedWithReason(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider, new() { ["Monday:Mapping:ScopeFilter"] = "title eq \"in\"" });
        var id = await h.Bridge.CreateUserAsync("out@example.com", "Out Side");
        await h.WaitSettledAsync();

        var entry = Assert.Single(await EntriesAsync(h, id));
        Assert.Equal((LogStatuses.Skipped, LogCodes.OutOfScope), (entry.Status, entry.ErrorCode));
        Assert.Null(h.SimUserByName("out@example.com"));
    }

    [Theory, AllDatabases]
    public async Task Group_LogsCreateThenMembership(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var a = await h.Bridge.CreateUserAsync("a@example.com", "A");
        var b = await h.Bridge.CreateUserAsync("b@example.com", "B");
        var group = await h.Bridge.CreateGroupAsync("Team", a);
        await h.WaitSettledAsync();
        var add = await h.Bridge.PatchAsync($"/scim/v2/Groups/{group}",
            Bodies.Patch(Bodies.Op("add", "members", new JsonArray(new JsonObject { ["value"] = b }))));
        Assert.True(add.Status is HttpStatusCode.NoContent or HttpStatusCode.OK, add.Body);
        await h.WaitSettledAsync();

        var entries = await EntriesAsync(h, group);
        Assert.Equal(LogActions.Create, entries[0].Action);
        Assert.Equal(LogActions.GroupMembership, entries[^1].Action);
        Assert.Equal(("members (added)", null, b), Single(entries[^1]));
        Assert.Equal("Team", entries[^1].SourceName);
    }

    private static async Task PatchAsync(PushHarness h, string id, string path, JsonNode value)
    {
        var patched = await h.Bridge.PatchAsync($"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", path, value)));
        patched.AssertStatus(HttpStatusCode.OK);
    }

    private static Task<List<LogEntryRecord>> EntriesAsync(PushHarness h, string sourceId) =>
        h.Bridge.DbAsync(db => db.LogEntries.AsNoTracking().Where(e => e.SourceId == sourceId).OrderBy(e => e.Id).ToListAsync());

    private static Task<int> CountAsync(PushHarness h, string sourceId, string status) =>
        h.Bridge.DbAsync(db => db.LogEntries.CountAsync(e => e.SourceId == sourceId && e.Status == status));

    private static (string?, string?, string?) Single(LogEntryRecord entry)
    {
        var property = Assert.Single(JsonNode.Parse(entry.ModifiedProperties)!.AsArray())!;
        return (property["name"]?.GetValue<string>(), property["old"]?.GetValue<string>(), property["new"]?.GetValue<string>());
    }
}

/// <summary>The push feeds the metrics endpoint: outcomes, accept-to-push latency and monday.com calls.</summary>
public sealed class PushMetricsTests
{
    [Theory, AllDatabases]
    public async Task Push_IsCountedOnTheMetricsEndpoint(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        (await h.Bridge.PostAsync("/scim/v2/Users", PushHarness.User("metric@example.com", "Metric"))).AssertStatus(HttpStatusCode.Created);
        await h.WaitSettledAsync();

        var admin = await h.Bridge.AdminAsync();
        var text = await admin.GetStringAsync("/metrics");

        Assert.Contains("scimbridge_push_outcomes_total{resource_type=\"User\",status=\"Pushed\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("scimbridge_push_latency_seconds_count{resource_type=\"User\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("scimbridge_monday_calls_total{status=\"201\"} 1", text, StringComparison.Ordinal);
    }
}
