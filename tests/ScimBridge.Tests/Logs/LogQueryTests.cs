using static ScimBridge.Tests.Logs.LogSeed;

namespace ScimBridge.Tests.Logs;

public sealed class LogQueryTests
{
    [Theory, AllDatabases]
    public async Task EachFilter_AloneAndCombined_SelectsExactlyTheMatchingEntries(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var t = BaseTime;
        var ids = await app.InsertAsync(
            Entry("u1", "Alice Example", LogActions.Create, LogStatuses.Success, t, "c1", initiator: "entra", targetId: "m-1"),
            Entry("u2", "Alfred Other", LogActions.Update, LogStatuses.Failure, t.AddMinutes(10), "c1", errorCode: "MondayRejected", initiator: "entra"),
            Entry("u3", "Bob Builder", LogActions.Disable, LogStatuses.Warning, t.AddMinutes(20), "c2", initiatorType: Initiators.Admin, initiator: "root"),
            Entry("g1", "Alpha Team", LogActions.GroupMembership, LogStatuses.Failure, t.AddMinutes(30), "c2", errorCode: "Timeout", resourceType: ResourceKinds.Group, initiatorType: Initiators.Retry, initiator: "worker"),
            Entry("u1", "Alice Example", LogActions.Update, LogStatuses.Skipped, t.AddMinutes(40), "c3"));
        var (alice, alfred, bob, team, skipped) = (ids[0], ids[1], ids[2], ids[3], ids[4]);
        var admin = await app.AdminAsync();
        var from = Uri.EscapeDataString(t.AddMinutes(10).ToString("O"));
        var to = Uri.EscapeDataString(t.AddMinutes(30).ToString("O"));

        Assert.Equal([team, bob, alfred, alice], await admin.IdsAsync(""));
        Assert.Equal([bob, alfred], await admin.IdsAsync($"?from={from}&to={to}"));
        Assert.Equal([team, bob, alfred], await admin.IdsAsync($"?from={from}"));
        Assert.Equal([alice], await admin.IdsAsync("?identity=u1"));
        Assert.Equal([alice], await admin.IdsAsync("?identity=m-1"));
        Assert.Equal([team, alfred, alice], await admin.IdsAsync("?identity=AL"));
        Assert.Equal([alfred], await admin.IdsAsync("?identity=alfred%20o"));
        Assert.Empty(await admin.IdsAsync("?identity=lice"));
        Assert.Equal([alfred], await admin.IdsAsync("?action=update"));
        Assert.Equal([team, bob, alfred], await admin.IdsAsync("?action=Update,Disable&action=groupmembership"));
        Assert.Equal([team, alfred], await admin.IdsAsync("?status=failure"));
        Assert.Equal([bob, alfred], await admin.IdsAsync("?status=Failure&status=Warning&resourceType=user"));
        Assert.Equal([team], await admin.IdsAsync("?errorCode=Timeout"));
        Assert.Equal([alfred, alice], await admin.IdsAsync("?initiator=entra"));
        Assert.Equal([bob], await admin.IdsAsync("?initiator=Admin"));
        Assert.Equal([team, bob], await admin.IdsAsync("?cycle=c2"));
        Assert.Equal([team], await admin.IdsAsync("?resourceType=Group"));
        Assert.Equal([team, alfred], await admin.IdsAsync($"?identity=al&status=failure&from={Uri.EscapeDataString(t.ToString("O"))}"));
        Assert.Equal([alfred], await admin.IdsAsync($"?identity=al&status=failure&to={to}"));
        Assert.Equal([alfred], await admin.IdsAsync("?cycle=c1&action=Update&status=Failure&initiator=entra&errorCode=MondayRejected&identity=u2"));

        // Skipped (out of scope) entries are hidden unless asked for.
        Assert.Equal([skipped], await admin.IdsAsync("?status=skipped"));
        Assert.Equal([skipped, team, bob, alfred, alice], await admin.IdsAsync("?includeSkipped=true"));
        Assert.Equal([skipped, alice], await admin.IdsAsync("?identity=u1&includeSkipped=true"));
    }

    [Theory, AllDatabases]
    public async Task PagingWithTheCursor_VisitsEveryMatchingEntryOnceNewestFirst(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var entries = Enumerable.Range(0, 53)
            .Select(i => Entry($"u{i}", $"User {i}", status: i % 3 == 0 ? LogStatuses.Failure : LogStatuses.Success, at: BaseTime.AddSeconds(i)))
            .ToArray();
        var ids = await app.InsertAsync(entries);
        var expected = entries.Where(e => e.Status == LogStatuses.Failure).Select(e => e.Id).OrderDescending().ToList();
        var admin = await app.AdminAsync();

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var (response, body) = await admin.GetJsonAsync($"/admin/api/logs?status=Failure&pageSize=4{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(4, body!["pageSize"]!.GetValue<int>());
            seen.AddRange(body["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()));
            cursor = body["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
        Assert.Equal(5, pages);
        Assert.Equal(53, ids.Distinct().Count());
    }

    [Theory, AllDatabases]
    public async Task Paging_IsNewestFirstByTime_EvenWhenIdsAreNotInTimeOrder(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        // Two instances appending with a little clock skew: ids and times disagree; equal times tie on id.
        var entries = new[] { 5, 1, 4, 4, 2, 9, 3, 0 }.Select((minute, i) => Entry($"u{i}", at: BaseTime.AddMinutes(minute))).ToArray();
        await app.InsertAsync(entries);
        var expected = entries.Where(e => e.At >= BaseTime.AddMinutes(1) && e.At < BaseTime.AddMinutes(9))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.Id).ToList();
        var admin = await app.AdminAsync();
        var range = $"from={Uri.EscapeDataString(BaseTime.AddMinutes(1).ToString("O"))}&to={Uri.EscapeDataString(BaseTime.AddMinutes(9).ToString("O"))}";

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var (response, body) = await admin.GetJsonAsync($"/admin/api/logs?{range}&pageSize=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            seen.AddRange(body!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()));
            cursor = body["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(expected, seen);
        var lines = (await admin.GetStringAsync($"/admin/api/logs/export?format=ndjson&{range}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, lines.Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!["id"]!.GetValue<long>()));
    }

    [Theory, AllDatabases]
    public async Task BadQueries_AreProblemDetails400_NeverA500(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.InsertAsync(Entry());
        var admin = await app.AdminAsync();
        var huge = new string('x', 20_000);

        foreach (var query in new[]
        {
            "from=yesterday", "to=2026-13-45T00:00:00Z", "from=2026-11-24T10:00:00Z&to=2026-11-24T09:00:00Z",
            "status=Sucess", "status=Success,Nope", "action=Explode", "resourceType=Team", "includeSkipped=maybe",
            "pageSize=0", "pageSize=501", "pageSize=abc", "pageSize=-1", "pageSize=99999999999999999999",
            "cursor=not-a-cursor", "cursor=" + Uri.EscapeDataString(Convert.ToBase64String("le1.5.-5"u8.ToArray())), "cursor=" + Uri.EscapeDataString(Convert.ToBase64String("le1.x.5"u8.ToArray())), "cursor=%00%01",
            "identity=" + huge, "errorCode=" + huge, "cycle=" + huge, "initiator=" + huge, "status=" + huge, "from=" + huge,
        })
        {
            var response = await admin.GetAsync("/admin/api/logs?" + query);
            await AssertProblemAsync(response, 400);
        }

        var unknownStatus = await admin.GetJsonAsync("/admin/api/logs?status=Sucess");
        Assert.Contains("Success, Warning, Failure, Skipped, Pending, Retrying", unknownStatus.Body!["detail"]!.GetValue<string>());
        Assert.NotNull(unknownStatus.Body["errors"]!["status"]);
    }

    [Theory, AllDatabases]
    public async Task GetEntry_ShowsStepsPropertiesCallsAndTheLiveRetryState(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var retrying = Entry("u9", "Retry Me", LogActions.Update, LogStatuses.Retrying, errorCode: "MondayUnavailable",
            modifiedProperties: """[{"name":"title","old":"A","new":"B"},{"name":"active","old":null,"new":null}]""");
        var done = Entry("u8", "Done Already");
        var ids = await app.InsertAsync(retrying, done);
        var dueAt = BaseTime.AddMinutes(5);
        await app.DbAsync(async db =>
        {
            db.OutboundCalls.AddRange(
                new OutboundCallRecord { ResourceType = "User", ResourceId = "u9", Instance = "test", Method = "PATCH", Path = "/Users/m9", Status = 503, At = BaseTime.AddSeconds(2), Attempt = 2, LogEntryId = ids[0] },
                new OutboundCallRecord { ResourceType = "User", ResourceId = "u9", Instance = "test", Method = "PATCH", Path = "/Users/m9", Status = 502, At = BaseTime.AddSeconds(1), Attempt = 1, LogEntryId = ids[0] },
                new OutboundCallRecord { ResourceType = "User", ResourceId = "u8", Instance = "test", Method = "POST", Path = "/Users", Status = 201, At = BaseTime, Attempt = 1, LogEntryId = ids[1] });
            db.PushStates.Add(new PushStateRecord { ResourceType = "User", ResourceId = "u9", ChangeSeq = 3, PushedSeq = 2, DueAt = dueAt, Attempts = 4, LastError = "503 from monday.com" });
            return await db.SaveChangesAsync();
        });
        var admin = await app.AdminAsync();

        var (response, body) = await admin.GetJsonAsync($"/admin/api/logs/{ids[0]}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Retrying", body!["status"]!.GetValue<string>());
        Assert.Equal(["Received", "Export"], body["steps"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()));
        Assert.Equal("from entra", body["steps"]![0]!["detail"]!.GetValue<string>());
        Assert.Equal("title", body["modifiedProperties"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("B", body["modifiedProperties"]![0]!["new"]!.GetValue<string>());
        Assert.Null(body["modifiedProperties"]![1]!["old"]);
        Assert.Equal([1, 2], body["outboundCalls"]!.AsArray().Select(c => c!["attempt"]!.GetValue<int>()));
        Assert.Equal(4, body["retry"]!["attempts"]!.GetValue<int>());
        Assert.Equal(dueAt, body["retry"]!["nextRetryAt"]!.GetValue<DateTimeOffset>());
        Assert.False(body["retry"]!["held"]!.GetValue<bool>());

        var (_, settled) = await admin.GetJsonAsync($"/admin/api/logs/{ids[1]}");
        Assert.Null(settled!["retry"]);
        Assert.Single(settled["outboundCalls"]!.AsArray());
    }

    [Theory, AllDatabases]
    public async Task UnknownOrMalformedIds_Are404ProblemDetails(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        foreach (var id in new[] { "12345", "abc", "-1", "99999999999999999999999", "1.5" })
        {
            await AssertProblemAsync(await admin.GetAsync($"/admin/api/logs/{id}"), 404);
        }
    }

    [Theory, AllDatabases]
    public async Task Entries_CannotBeChangedOrDeleted_405(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var ids = await app.InsertAsync(Entry(message: "original"));
        var admin = await app.AdminAsync();

        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete })
        {
            using var request = new HttpRequestMessage(method, $"/admin/api/logs/{ids[0]}") { Content = new StringContent("""{"message":"edited"}""", System.Text.Encoding.UTF8, "application/json") };
            var response = await admin.SendAsync(request);
            await AssertProblemAsync(response, 405);
            Assert.Contains("GET", response.Content.Headers.Allow);
        }
        await AssertProblemAsync(await admin.PostJsonAsync("/admin/api/logs"), 405);
        await AssertProblemAsync(await admin.DeleteAsync("/admin/api/logs"), 405);

        var stored = await app.DbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.LogEntries));
        Assert.Equal("original", stored.Message);
    }

    [Theory, AllDatabases]
    public async Task LogEndpoints_NeedAnAdmin(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        foreach (var path in new[] { "/admin/api/logs", "/admin/api/logs/1", "/admin/api/logs/export", "/admin/api/logs/summary", "/admin/api/users/u1/timeline" })
        {
            await AssertProblemAsync(await app.Scim.GetAsync(path), 401);
        }
    }

    [Theory, AllDatabases]
    public async Task OpenApiDocument_DescribesTheLogEndpointsAndTheirParameters(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        var (_, document) = await admin.GetJsonAsync("/admin/api/openapi/admin.json");

        var list = document!["paths"]!["/admin/api/logs"]!["get"]!;
        Assert.Equal("ListLogEntries", list["operationId"]!.GetValue<string>());
        var parameters = list["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Superset(new HashSet<string> { "from", "to", "identity", "action", "status", "errorCode", "initiator", "cycle", "pageSize", "cursor", "includeSkipped" }, parameters.ToHashSet());
        foreach (var path in new[] { "/admin/api/logs/{id}", "/admin/api/logs/export", "/admin/api/logs/summary", "/admin/api/logs/cycles", "/admin/api/users/{id}/timeline", "/admin/api/groups/{id}/timeline" })
        {
            Assert.NotNull(document["paths"]![path]?["get"]);
        }
        Assert.Null(document["paths"]!["/admin/api/logs/{id}"]!["delete"]);
    }
}
