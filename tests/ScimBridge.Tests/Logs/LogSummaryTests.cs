using static ScimBridge.Tests.Logs.LogSeed;

namespace ScimBridge.Tests.Logs;

public sealed class LogSummaryTests
{
    private static string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O"));

    [Theory, AllDatabases]
    public async Task HourlySummary_CountsActionAndStatusPerHour_AcrossBoundaries(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var hour = BaseTime;
        await app.InsertAsync(
            Entry(at: hour.AddMinutes(-1)),                                              // previous hour
            Entry(at: hour),                                                             // first tick of the hour
            Entry(at: hour.AddMinutes(59).AddSeconds(59)),
            Entry(action: LogActions.Update, status: LogStatuses.Failure, at: hour.AddMinutes(30)),
            Entry(status: LogStatuses.Skipped, at: hour.AddMinutes(31)),
            Entry(at: hour.AddHours(1)),                                                 // next hour
            Entry(at: hour.AddHours(3)));                                                // outside the range
        var admin = await app.AdminAsync();

        var (response, body) = await admin.GetJsonAsync($"/admin/api/logs/summary?bucket=hour&from={Iso(hour.AddHours(-1))}&to={Iso(hour.AddHours(2))}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var buckets = body!["buckets"]!.AsArray();
        Assert.Equal([hour.AddHours(-1), hour, hour.AddHours(1)], buckets.Select(b => b!["start"]!.GetValue<DateTimeOffset>()));
        Assert.Equal([1L, 4L, 1L], buckets.Select(b => b!["total"]!.GetValue<long>()));
        Assert.Equal(
            ["Create/Skipped=1", "Create/Success=2", "Update/Failure=1"],
            buckets[1]!["counts"]!.AsArray().Select(c => $"{c!["action"]}/{c["status"]}={c["count"]}"));

        var (_, daily) = await admin.GetJsonAsync($"/admin/api/logs/summary?bucket=day&from={Iso(hour.Date)}&to={Iso(hour.Date.AddDays(1))}");
        var day = Assert.Single(daily!["buckets"]!.AsArray());
        Assert.Equal(7L, day!["total"]!.GetValue<long>());
        Assert.Equal(new DateTimeOffset(hour.Date, TimeSpan.Zero), day["start"]!.GetValue<DateTimeOffset>());
    }

    [Theory, AllDatabases]
    public async Task Summary_BadInput_Is400(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        foreach (var query in new[] { "bucket=week", "from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z", "bucket=hour&from=2000-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to=soon" })
        {
            await AssertProblemAsync(await admin.GetAsync("/admin/api/logs/summary?" + query), 400);
        }
    }

    [Theory, AllDatabases]
    public async Task Cycles_AreCountedByStatus_NewestFirst_AndPaged(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        // c2 interleaves with c1 and c3: a cycle's place is its newest entry.
        await app.InsertAsync(Entry(cycle: "c1", at: BaseTime), Entry(cycle: "c2", at: BaseTime.AddSeconds(1)), Entry(cycle: "c1", status: LogStatuses.Failure, at: BaseTime.AddSeconds(2)));
        await app.InsertAsync(Entry(cycle: "c3", at: BaseTime.AddSeconds(3), status: LogStatuses.Skipped));
        await app.InsertAsync(Entry(cycle: "c2", at: BaseTime.AddSeconds(4)), Entry(cycle: "c4", at: BaseTime.AddSeconds(5)));
        var admin = await app.AdminAsync();

        var cycles = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var (response, body) = await admin.GetJsonAsync("/admin/api/logs/cycles?pageSize=1" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            cycles.AddRange(body!["items"]!.AsArray().Select(i => i!));
            cursor = body["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(["c4", "c2", "c3", "c1"], cycles.Select(c => c["cycleId"]!.GetValue<string>()));
        var c1 = cycles[3];
        Assert.Equal(2, c1["total"]!.GetValue<long>());
        Assert.Equal(1, c1["byStatus"]!["Failure"]!.GetValue<long>());
        Assert.Equal(1, c1["byStatus"]!["Success"]!.GetValue<long>());
        Assert.Equal(BaseTime, c1["firstAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(BaseTime.AddSeconds(2), c1["lastAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, cycles[2]["byStatus"]!["Skipped"]!.GetValue<long>());
    }

    [Theory, AllDatabases]
    public async Task Timeline_MergesWhatWasReceivedAndWhatWasDone_NewestFirst(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var userId = await app.CreateUserAsync("timeline@example.com", "Time Line");
        var patch = await app.PatchAsync($"/scim/v2/Users/{userId}", Bodies.Patch(Bodies.Op("replace", "title", JsonValue.Create("Engineer"))));
        patch.AssertStatus(HttpStatusCode.OK);
        var changes = await app.DbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Changes.Where(c => c.ResourceId == userId).OrderBy(c => c.Id)));
        Assert.Equal(2, changes.Count);
        // Entries at the same instant as a change sort before it (done after received), and another user's stay out.
        var ids = await app.InsertAsync(
            Entry(userId, "Time Line", LogActions.Create, at: changes[0].OccurredAt),
            Entry(userId, "Time Line", LogActions.Update, LogStatuses.Failure, at: changes[1].OccurredAt.AddMilliseconds(5)),
            Entry("someone-else", "Other", at: changes[1].OccurredAt));
        var admin = await app.AdminAsync();

        var items = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var (response, body) = await admin.GetJsonAsync($"/admin/api/users/{userId}/timeline?pageSize=1" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            items.AddRange(body!["items"]!.AsArray().Select(i => i!));
            cursor = body["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(
            [("done", ids[1]), ("received", changes[1].Id), ("done", ids[0]), ("received", changes[0].Id)],
            items.Select(i => (i["kind"]!.GetValue<string>(), i["id"]!.GetValue<long>())));
        var update = items[1];
        Assert.Equal("Update", update["operation"]!.GetValue<string>());
        Assert.Equal("test-client", update["actor"]!.GetValue<string>());
        Assert.Contains("title", update["changedAttributes"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("Failure", items[0]["status"]!.GetValue<string>());
    }

    [Theory, AllDatabases]
    public async Task Timeline_OfSomethingThatNeverExisted_Is404_ButADeletedOneStillAnswers(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var groupId = await app.CreateGroupAsync("Short Lived");
        (await app.DeleteAsync($"/scim/v2/Groups/{groupId}")).AssertStatus(HttpStatusCode.NoContent);
        await app.InsertAsync(Entry("only-in-the-log", "Ghost", resourceType: ResourceKinds.Group));
        var admin = await app.AdminAsync();

        await AssertProblemAsync(await admin.GetAsync("/admin/api/users/never-was/timeline"), 404);
        await AssertProblemAsync(await admin.GetAsync($"/admin/api/users/{groupId}/timeline"), 404);
        var (deleted, body) = await admin.GetJsonAsync($"/admin/api/groups/{groupId}/timeline");
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(["Delete", "Create"], body!["items"]!.AsArray().Select(i => i!["operation"]!.GetValue<string>()));
        Assert.Single((await admin.GetJsonAsync("/admin/api/groups/only-in-the-log/timeline")).Body!["items"]!.AsArray());
        await AssertProblemAsync(await admin.GetAsync($"/admin/api/groups/{groupId}/timeline?cursor=bogus"), 400);
        await AssertProblemAsync(await admin.GetAsync($"/admin/api/groups/{groupId}/timeline?pageSize=0"), 400);
    }
}
