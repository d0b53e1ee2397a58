using System.Net.Http.Headers;
using System.Text;
using ScimBridge.Hr;
using ScimBridge.Tests.Scim;

namespace ScimBridge.Tests.Hr;

/// <summary>/hr/v1/bulkUpload (Entra's API-driven inbound, asynchronous) and its jobs, over real HTTP.</summary>
public sealed class BulkUploadTests
{
    private static StringContent Content(JsonNode body, string media = ScimApp.Media) => new(body.ToJsonString(), Encoding.UTF8, media);

    private static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    /// <summary>Polls GET /hr/v1/jobs/{id} until the job is done (Completed or Failed).</summary>
    internal static Task<JsonObject> WaitForJobAsync(HttpClient hr, string id) =>
        Eventually.ValueAsync(
            async () =>
            {
                var (status, body, _) = await SendAsync(hr, HttpMethod.Get, $"/hr/v1/jobs/{id}");
                Assert.Equal(HttpStatusCode.OK, status);
                return body!.AsObject();
            },
            $"job {id}",
            job => job["status"]!.GetValue<string>() is HrJobStatuses.Completed or HrJobStatuses.Failed,
            TimeSpan.FromSeconds(60),
            TimeSpan.FromMilliseconds(50));

    private static async Task<string> UploadAsync(HttpClient hr, JsonNode payload)
    {
        var (status, body, response) = await SendAsync(hr, HttpMethod.Post, "/hr/v1/bulkUpload", Content(payload));
        Assert.True(status == HttpStatusCode.Accepted, $"Expected 202, got {(int)status}: {body?.ToJsonString()}");
        var id = body!["id"]!.GetValue<string>();
        Assert.Equal($"/hr/v1/jobs/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal(HrJobStatuses.Queued, body["status"]!.GetValue<string>());
        Assert.Equal(payload["Operations"]!.AsArray().Count, body["operations"]!.GetValue<int>());
        return id;
    }

    private static async Task<string> CreateWorkerAsync(ScimApp app, string userName, string employeeId)
    {
        var user = Bodies.User(userName);
        user["externalId"] = employeeId;
        var response = await app.PostAsync("/scim/v2/Users", user);
        response.AssertStatus(HttpStatusCode.Created);
        return response.Object["id"]!.GetValue<string>();
    }

    [Theory, AllDatabases]
    public async Task EntraPayload_Is202_ThenCompleted_UpsertsByExternalId_AndTerminatesTheLeaver(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var joiner = await CreateWorkerAsync(app, "mira.okafor@contoso.example", EntraInbound.JoinerId);
        var leaver = await CreateWorkerAsync(app, "tomas.lind@contoso.example", EntraInbound.LeaverId);
        var hr = await app.HrAsync();

        var jobId = await UploadAsync(hr, EntraInbound.Request(active: true, leaverActive: false));
        var job = await WaitForJobAsync(hr, jobId);

        Assert.Equal(HrJobStatuses.Completed, job["status"]!.GetValue<string>());
        Assert.Equal((2, 2, 0), (job["total"]!.GetValue<int>(), job["succeeded"]!.GetValue<int>(), job["failed"]!.GetValue<int>()));
        Assert.NotNull(job["startedAt"]);
        Assert.NotNull(job["completedAt"]);
        var operations = job["operations"]!.AsArray();
        Assert.Equal([200, 200], operations.Select(o => o!["status"]!.GetValue<int>()));
        Assert.Equal([joiner, leaver], operations.Select(o => o!["userId"]!.GetValue<string>()));
        Assert.Equal("5b0c9e5e-7d5c-4a8e-9a51-5c1f0c8e2a02", operations[1]!["bulkId"]!.GetValue<string>());
        Assert.Null(await app.DbAsync(db => db.HrJobs.Where(j => j.Id == jobId).Select(j => j.Input).SingleAsync()));

        // Updated in place (no second user), the leaver written inactive, and its termination recorded in the job's batch.
        var users = await app.DbAsync(db => db.Users.OrderBy(u => u.ExternalId).ToListAsync());
        Assert.Equal([joiner, leaver], users.Select(u => u.Id));
        Assert.Equal([true, false], users.Select(u => u.Active));
        Assert.Equal("Finance", users[1].Department);
        Assert.Equal(joiner, users[1].ManagerId);
        var termination = Assert.Single(await app.DbAsync(db => db.HrEvents.ToListAsync()));
        Assert.Equal((HrEventKinds.Terminate, leaver, HrSources.Bulk, jobId), (termination.Kind, termination.UserId, termination.Source, termination.BatchId));
        Assert.Equal(WorkerKey.ExternalId, termination.MatchedBy);
        Assert.StartsWith("test-hr-", termination.Actor, StringComparison.Ordinal);
        Assert.True(termination.EffectiveAt <= DateTimeOffset.UtcNow);

        // Effective now: the scheduler fires it, and the worker is HR-terminated.
        await Eventually.UntilAsync(async () => await app.DbAsync(db => db.HrEvents.AnyAsync(e => e.Id == termination.Id && e.State == HrEventStates.Fired))
            && await app.DbAsync(db => db.HrWorkers.AnyAsync(w => w.UserId == leaver && w.Status != HrWorkerStatuses.Active)), "the bulk upload's termination to fire");

        // The writes are the HR token's, and queued for the push with initiator Hr.
        var change = await app.DbAsync(db => db.Changes.Where(c => c.ResourceId == leaver).OrderByDescending(c => c.Id).FirstAsync());
        Assert.Equal(jobId, change.RequestId);
        Assert.StartsWith("test-hr-", change.Actor, StringComparison.Ordinal);
        Assert.Equal(Initiators.Hr, await app.DbAsync(db => db.PushStates.Where(p => p.ResourceId == leaver).Select(p => p.InitiatorType).SingleAsync()));

        // Entra sends the full state every cycle: the same upload again changes nothing and terminates no one twice.
        var again = await WaitForJobAsync(hr, await UploadAsync(hr, EntraInbound.Request(active: true, leaverActive: false)));
        Assert.Equal(HrJobStatuses.Completed, again["status"]!.GetValue<string>());
        Assert.Equal(1, await app.DbAsync(db => db.HrEvents.CountAsync()));
        Assert.Equal(2, await app.DbAsync(db => db.Users.CountAsync()));

        // Jobs are listed newest first.
        var (listed, list, _) = await SendAsync(hr, HttpMethod.Get, "/hr/v1/jobs");
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal([again["id"]!.GetValue<string>(), jobId], list!.AsArray().Select(j => j!["id"]!.GetValue<string>()));
    }

    [Theory, AllDatabases]
    public async Task AnUploadAboveTheGuardsBatchLimit_IsHeldWhole_NoneFiresWhileTheJobRuns(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Hr:Guard:MaxPerBatch"] = "3", ["Hr:Guard:MaxPerHour"] = "1000", ["Hr:TickSeconds"] = "1" });
        const int leavers = 8;
        var ids = new List<string>();
        var operations = new JsonArray();
        for (var i = 0; i < leavers; i++)
        {
            var user = Bodies.User($"leaver{i}@contoso.example");
            user["externalId"] = $"E9{i:000}";
            ids.Add(await CreateWorkerAsync(app, user["userName"]!.GetValue<string>(), $"E9{i:000}"));
            user["active"] = false;
            operations.Add(new JsonObject { ["method"] = "POST", ["bulkId"] = $"b{i}", ["path"] = "/Users", ["data"] = user });
        }
        var hr = await app.HrAsync();

        var job = await WaitForJobAsync(hr, await UploadAsync(hr, new JsonObject { ["schemas"] = new JsonArray(BulkTests.BulkRequestUrn), ["Operations"] = operations }));
        Assert.Equal((leavers, 0), (job["succeeded"]!.GetValue<int>(), job["failed"]!.GetValue<int>()));

        // The scheduler fires each termination as soon as it is due, yet none got out before the guard saw the whole batch.
        await Eventually.UntilAsync(async () => await app.DbAsync(db => db.HrEvents.CountAsync(e => e.State == HrEventStates.Held)) == leavers,
            "every termination of the upload held");
        Assert.Equal(0, await app.DbAsync(db => db.HrEvents.CountAsync(e => e.State == HrEventStates.Fired)));
        Assert.Equal(0, await app.DbAsync(db => db.HrWorkers.CountAsync(w => w.Status != HrWorkerStatuses.Active)));
    }

    [Theory, AllDatabases]
    public async Task ActiveTrue_OnAWorkerHrTerminated_RecordsARehire_Once(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await CreateWorkerAsync(app, "mira.okafor@contoso.example", EntraInbound.JoinerId);
        var leaver = await CreateWorkerAsync(app, "tomas.lind@contoso.example", EntraInbound.LeaverId);
        await app.DbAsync(db =>
        {
            db.HrWorkers.Add(new HrWorkerRecord { UserId = leaver, Status = HrWorkerStatuses.Left, Deactivated = true, UpdatedAt = DateTimeOffset.UtcNow });
            return db.SaveChangesAsync();
        });
        var hr = await app.HrAsync();

        var jobId = await UploadAsync(hr, EntraInbound.Request(active: true, leaverActive: true));
        Assert.Equal(HrJobStatuses.Completed, (await WaitForJobAsync(hr, jobId))["status"]!.GetValue<string>());
        await WaitForJobAsync(hr, await UploadAsync(hr, EntraInbound.Request(active: true, leaverActive: true)));

        var rehire = Assert.Single(await app.DbAsync(db => db.HrEvents.ToListAsync()));
        Assert.Equal((HrEventKinds.Rehire, leaver, HrSources.Bulk, jobId), (rehire.Kind, rehire.UserId, rehire.Source, rehire.BatchId));
    }

    [Theory, AllDatabases]
    public async Task NewWorkers_AreCreated_AndPerOperationErrorsReported(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var hr = await app.HrAsync();
        var payload = EntraInbound.Request(active: true, leaverActive: true);
        payload["Operations"]!.AsArray().Add(BulkTests.Op("POST", "/Users", "broken", new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User") }));
        payload["Operations"]!.AsArray().Add(JsonValue.Create(42));

        var job = await WaitForJobAsync(hr, await UploadAsync(hr, payload));

        Assert.Equal(HrJobStatuses.Completed, job["status"]!.GetValue<string>());
        Assert.Equal((4, 2, 2), (job["total"]!.GetValue<int>(), job["succeeded"]!.GetValue<int>(), job["failed"]!.GetValue<int>()));
        var operations = job["operations"]!.AsArray();
        Assert.Equal([201, 201, 400, 400], operations.Select(o => o!["status"]!.GetValue<int>()));
        Assert.Contains("userName", operations[2]!["error"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, await app.DbAsync(db => db.Users.CountAsync(u => u.Active)));
        Assert.Equal(0, await app.DbAsync(db => db.HrEvents.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task BadEnvelopes_AreRefusedAtOnce_AndNoJobIsQueued(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Scim:Bulk:MaxOperations"] = "2", ["Scim:Bulk:MaxPayloadBytes"] = "8192" });
        var hr = await app.HrAsync();

        var three = EntraInbound.Request(true, true);
        three["Operations"]!.AsArray().Add(BulkTests.Op("DELETE", "/Users/x"));
        var (status, body, _) = await SendAsync(hr, HttpMethod.Post, "/hr/v1/bulkUpload", Content(three));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("at most 2", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var big = BulkTests.Request(BulkTests.Op("POST", "/Users", "a", new JsonObject { ["userName"] = new string('x', 9000) }));
        (status, _, _) = await SendAsync(hr, HttpMethod.Post, "/hr/v1/bulkUpload", Content(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);

        (status, body, _) = await SendAsync(hr, HttpMethod.Post, "/hr/v1/bulkUpload", Content(new JsonObject { ["schemas"] = new JsonArray(BulkTests.BulkRequestUrn) }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(body!["errors"]!["Operations"]);

        (status, _, _) = await SendAsync(hr, HttpMethod.Post, "/hr/v1/bulkUpload", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, status);

        (status, _, _) = await SendAsync(hr, HttpMethod.Post, "/hr/v1/bulkUpload", Content(EntraInbound.Request(true, true), "text/csv"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);

        // application/json is accepted as well as application/scim+json.
        var jobId = (await SendAsync(hr, HttpMethod.Post, "/hr/v1/bulkUpload", Content(EntraInbound.Request(true, true), "application/json"))).Body!["id"]!.GetValue<string>();
        Assert.Equal(HrJobStatuses.Completed, (await WaitForJobAsync(hr, jobId))["status"]!.GetValue<string>());

        (status, _, _) = await SendAsync(hr, HttpMethod.Get, "/hr/v1/jobs/no-such-job");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(1, await app.DbAsync(db => db.HrJobs.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task OnlyAnHrToken_MayUpload(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        foreach (var token in new[] { app.Token, null, "not-a-token" })
        {
            using var client = app.CreateScimClient(token);
            var (status, _, _) = await SendAsync(client, HttpMethod.Post, "/hr/v1/bulkUpload", Content(EntraInbound.Request(true, true)));
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            (status, _, _) = await SendAsync(client, HttpMethod.Get, "/hr/v1/jobs");
            Assert.Equal(HttpStatusCode.Unauthorized, status);
        }

        Assert.Equal(0, await app.DbAsync(db => db.HrJobs.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task AJobLeftRunningByADeadInstance_IsTakenOverAfterItsLease_AndResumesWithoutApplyingTwice(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var hr = await app.HrAsync();
        // The dead instance created the first user and recorded it, then died before the other two.
        var first = await app.CreateUserAsync("first@contoso.example");
        var payload = BulkTests.Request(
            BulkTests.Op("POST", "/Users", "one", Bodies.User("first@contoso.example")),
            BulkTests.Op("POST", "/Users", "two", Bodies.User("second@contoso.example")),
            BulkTests.Op("POST", "/Groups", "team", Bodies.Group("Team")));
        payload["Operations"]![2]!["data"]!["members"] = new JsonArray(new JsonObject { ["value"] = "bulkId:one" }, new JsonObject { ["value"] = "bulkId:two" });
        var now = DateTimeOffset.UtcNow;
        await app.DbAsync(async db =>
        {
            db.HrJobs.Add(new HrJobRecord
            {
                Id = "dead-instance-job",
                Kind = HrJobKinds.BulkUpload,
                Status = HrJobStatuses.Running,
                Actor = "workday",
                CreatedAt = now.AddMinutes(-3),
                StartedAt = now.AddMinutes(-3),
                Input = payload.ToJsonString(),
                Total = 3,
                Succeeded = 1,
                Result = $$"""[{"index":0,"method":"POST","bulkId":"one","status":201,"resourceType":"Users","id":"{{first}}","version":1}]""",
                LeaseOwner = "dead-host/0",
                LeaseUntil = now.AddMinutes(-1),
            });
            // Still leased by a live instance: not taken.
            db.HrJobs.Add(new HrJobRecord
            {
                Id = "live-instance-job",
                Kind = HrJobKinds.BulkUpload,
                Status = HrJobStatuses.Running,
                Actor = "workday",
                CreatedAt = now.AddMinutes(-2),
                StartedAt = now.AddMinutes(-2),
                Input = payload.ToJsonString(),
                Total = 3,
                LeaseOwner = "live-host/0",
                LeaseUntil = now.AddHours(1),
            });
            return await db.SaveChangesAsync();
        });

        var job = await WaitForJobAsync(hr, "dead-instance-job");

        Assert.Equal(HrJobStatuses.Completed, job["status"]!.GetValue<string>());
        Assert.Equal([201, 201, 201], job["operations"]!.AsArray().Select(o => o!["status"]!.GetValue<int>()));
        Assert.Equal(first, job["operations"]![0]!["userId"]!.GetValue<string>());
        var firstRow = await app.DbAsync(db => db.Users.SingleAsync(u => u.UserName == "first@contoso.example"));
        Assert.Equal(1, firstRow.Version);
        Assert.Equal(1, await app.DbAsync(db => db.Changes.CountAsync(c => c.ResourceId == first)));
        var second = await app.DbAsync(db => db.Users.Where(u => u.UserName == "second@contoso.example").Select(u => u.Id).SingleAsync());
        var members = await app.DbAsync(db => db.GroupMembers.Select(m => m.MemberId).ToListAsync());
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));

        Assert.False(await app.WithScopeAsync(s => s.GetRequiredService<HrJobs>().RunNextAsync(CancellationToken.None)));
        var live = await app.DbAsync(db => db.HrJobs.SingleAsync(j => j.Id == "live-instance-job"));
        Assert.Equal((HrJobStatuses.Running, "live-host/0", (string?)null), (live.Status, live.LeaseOwner, live.Result));
    }
}
