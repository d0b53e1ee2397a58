using System.Net.Http.Headers;
using System.Text;
using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary>Workers created through SCIM and the /hr/v1 calls the tests make.</summary>
internal static class HrApiKit
{
    public const string Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    /// <summary>The scheduler off: what the API records stays as recorded (firing is the engine's tests' business).</summary>
    public static Dictionary<string, string?> Settings() => new() { ["Hr:Enabled"] = "false" };

    public static async Task<string> WorkerAsync(ScimApp app, string userName, string? employeeNumber = null, string? externalId = null,
        string? timezone = null, string? email = null)
    {
        var body = Bodies.User(userName);
        if (email is not null)
        {
            body["emails"] = new JsonArray(new JsonObject { ["value"] = email, ["type"] = "work", ["primary"] = true });
        }
        if (employeeNumber is not null)
        {
            body[Enterprise] = new JsonObject { ["employeeNumber"] = employeeNumber };
        }
        if (externalId is not null)
        {
            body["externalId"] = externalId;
        }
        if (timezone is not null)
        {
            body["timezone"] = timezone;
        }
        var response = await app.PostAsync("/scim/v2/Users", body);
        response.AssertStatus(HttpStatusCode.Created);
        return response.Json!["id"]!.GetValue<string>();
    }

    public static async Task<ScimResponse> PostHrAsync(this HttpClient hr, string path, string? body, string? key = null,
        string contentType = "application/json", string keyHeader = Idempotency.Header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(keyHeader, key);
        }
        using var response = await hr.SendAsync(request);
        return await ScimResponse.ReadAsync(response);
    }

    public static async Task<ScimResponse> GetHrAsync(this HttpClient hr, string path)
    {
        using var response = await hr.GetAsync(path);
        return await ScimResponse.ReadAsync(response);
    }

    public static string Terminate(string by, string value, string? effective = null, string? timeZone = null, string? reason = null)
    {
        var body = new JsonObject { ["worker"] = new JsonObject { [by] = value } };
        if (effective is not null)
        {
            body["effective"] = effective;
        }
        if (timeZone is not null)
        {
            body["timeZone"] = timeZone;
        }
        if (reason is not null)
        {
            body["reason"] = reason;
        }
        return body.ToJsonString();
    }

    /// <summary>A ProblemDetails with this status; for a 400, <paramref name="field"/> is named in errors.</summary>
    public static JsonObject AssertProblem(this ScimResponse response, HttpStatusCode status, string? field = null)
    {
        response.AssertStatus(status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal((int)status, response.Object["status"]!.GetValue<int>());
        if (field is not null)
        {
            var errors = response.Object["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(field), $"Expected errors to name '{field}': {response.Body}");
        }
        return response.Object;
    }

    public static Task<List<HrEventRecord>> EventsAsync(ScimApp app) =>
        app.DbAsync(db => db.HrEvents.AsNoTracking().OrderBy(e => e.Id).ToListAsync());
}

/// <summary>/hr/v1 over HTTP with an HR token, on both databases: terminations, rehires, moves, events, workers, strict input.</summary>
public sealed class HrApiTests
{
    [Theory, AllDatabases]
    public async Task ALeaverNeverInMonday_IsLeftOutOfTheSla_AndARehireShowsNoTerminationInForce(DatabaseProvider provider)
    {
        // No monday.com target: the user was never provisioned, so the termination is settled without a deactivation.
        await using var app = await ScimApp.StartAsync(provider, new() { ["Hr:TickSeconds"] = "1" });
        var userId = await HrApiKit.WorkerAsync(app, "ines@example.com", employeeNumber: "E700");
        var hr = await app.HrAsync();
        (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "E700"))).AssertStatus(HttpStatusCode.Created);
        await Eventually.UntilAsync(
            async () => await app.DbAsync(db => db.HrWorkers.AnyAsync(w => w.UserId == userId && w.Status == HrWorkerStatuses.Left)), "the leaver to be left");

        var admin = await app.AdminAsync();
        var sla = JsonNode.Parse(await admin.GetStringAsync("/admin/api/hr/sla"))!;
        Assert.Equal((1, 0, 0), (sla["fired"]!.GetValue<int>(), sla["confirmed"]!.GetValue<int>(), sla["waiting"]!.GetValue<int>()));
        var worker = JsonNode.Parse(await admin.GetStringAsync($"/admin/api/hr/workers/{userId}"))!;
        Assert.False(worker["deactivationSent"]!.GetValue<bool>());

        (await hr.PostHrAsync("/hr/v1/rehires", """{"worker":{"employeeNumber":"E700"}}""")).AssertStatus(HttpStatusCode.Created);
        await Eventually.UntilAsync(
            async () => await app.DbAsync(db => db.HrWorkers.AnyAsync(w => w.UserId == userId && w.Status == HrWorkerStatuses.Active)), "the rehire to fire");
        var rehire = await app.DbAsync(db => db.HrEvents.SingleAsync(e => e.Kind == HrEventKinds.Rehire));
        Assert.Contains("not in monday.com", rehire.Note, StringComparison.Ordinal);
        var state = (await hr.GetHrAsync("/hr/v1/workers/E700")).Object;
        Assert.Equal("Active", state["status"]!.GetValue<string>());
        Assert.Null(state["terminationId"]);
        Assert.Null(JsonNode.Parse(await admin.GetStringAsync($"/admin/api/hr/workers/{userId}"))!["termination"]);
    }

    [Theory, AllDatabases]
    public async Task Terminate_ByEachKeyKind_RecordsAScheduledTermination(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        var byNumber = await HrApiKit.WorkerAsync(app, "ann@example.com", employeeNumber: "E100");
        var byExternal = await HrApiKit.WorkerAsync(app, "ben@example.com", externalId: "WD-200");
        var byName = await HrApiKit.WorkerAsync(app, "Cat@Example.com");
        var byEmail = await HrApiKit.WorkerAsync(app, "dan@example.com", email: "Dan.Work@Example.org");
        var hr = await app.HrAsync();

        foreach (var (by, value, id) in new[]
        {
            ("employeeNumber", "E100", byNumber), ("externalId", "WD-200", byExternal), ("userName", "cat@example.COM", byName),
            ("email", "dan.work@example.org", byEmail),
        })
        {
            var response = await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate(by, value, "2027-06-30", "Europe/Paris", "Resigned"));
            response.AssertStatus(HttpStatusCode.Created);
            var e = response.Object;
            Assert.Equal($"/hr/v1/events/{e["id"]}", response.Headers.Location?.ToString());
            Assert.Equal("Terminate", e["kind"]!.GetValue<string>());
            Assert.Equal("Scheduled", e["state"]!.GetValue<string>());
            Assert.Equal(id, e["worker"]!["userId"]!.GetValue<string>());
            Assert.Equal(by, e["worker"]!["matchedBy"]!.GetValue<string>());
            // 19:00 in Paris in summer (UTC+2).
            Assert.Equal("2027-06-30T17:00:00Z", e["effectiveAt"]!.GetValue<string>());
            Assert.Equal("2027-06-30T19:00:00", e["effectiveLocal"]!.GetValue<string>());
            Assert.Equal("Europe/Paris", e["timeZone"]!.GetValue<string>());
            Assert.False(e["firesNow"]!.GetValue<bool>());
            Assert.Null(e["note"]);
            Assert.Equal("Resigned", e["reason"]!.GetValue<string>());
            Assert.Equal("Api", e["source"]!.GetValue<string>());
            Assert.StartsWith("test-hr-", e["actor"]!.GetValue<string>());
        }
        var first = await hr.GetHrAsync("/hr/v1/events/1");
        Assert.Equal("E100", first.Object["worker"]!["employeeNumber"]!.GetValue<string>());

        var events = await HrApiKit.EventsAsync(app);
        Assert.Equal([byNumber, byExternal, byName, byEmail], events.Select(e => e.UserId));
        Assert.All(events, e => Assert.Equal(HrEventStates.Scheduled, e.State));
        Assert.Equal(4, events.Select(e => e.BatchId).Distinct().Count());
        Assert.All(events, e => Assert.Null(e.ClientRequestId));
    }

    [Theory, AllDatabases]
    public async Task Terminate_DateAlone_IsNineteenHundredInTheWorkersZone_AcrossDaylightSaving(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "la1@example.com", employeeNumber: "LA1", timezone: "America/Los_Angeles");
        await HrApiKit.WorkerAsync(app, "la2@example.com", employeeNumber: "LA2");
        await HrApiKit.WorkerAsync(app, "utc@example.com", employeeNumber: "U1");
        var hr = await app.HrAsync();

        // Summer (PDT, UTC-7) from the user's SCIM timezone; winter (PST, UTC-8) from the request's timeZone.
        var summer = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "LA1", "2027-03-31"))).Object;
        Assert.Equal("2027-04-01T02:00:00Z", summer["effectiveAt"]!.GetValue<string>());
        Assert.Equal("2027-03-31T19:00:00", summer["effectiveLocal"]!.GetValue<string>());
        Assert.Equal("America/Los_Angeles", summer["timeZone"]!.GetValue<string>());
        var winter = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "LA2", "2027-01-15", "America/Los_Angeles"))).Object;
        Assert.Equal("2027-01-16T03:00:00Z", winter["effectiveAt"]!.GetValue<string>());
        Assert.Equal("2027-01-15T19:00:00", winter["effectiveLocal"]!.GetValue<string>());
        // Neither the request nor the user names a zone: Hr:DefaultTimeZone (UTC).
        var utc = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "U1", "2027-01-15T08:30"))).Object;
        Assert.Equal("2027-01-15T08:30:00Z", utc["effectiveAt"]!.GetValue<string>());
        Assert.Equal("UTC", utc["timeZone"]!.GetValue<string>());

        var rows = await HrApiKit.EventsAsync(app);
        Assert.Equal(new DateTimeOffset(2027, 4, 1, 2, 0, 0, TimeSpan.Zero), rows[0].EffectiveAt);
        Assert.Equal(new DateTimeOffset(2027, 1, 16, 3, 0, 0, TimeSpan.Zero), rows[1].EffectiveAt);
    }

    [Theory, AllDatabases]
    public async Task Terminate_InADstGapOrOverlap_SaysWhichInstantWasChosen(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "gap@example.com", employeeNumber: "G1");
        await HrApiKit.WorkerAsync(app, "overlap@example.com", employeeNumber: "O1");
        var hr = await app.HrAsync();

        var gap = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "G1", "2027-03-14T02:30", "America/New_York"))).Object;
        // 02:30 does not exist that night: moved forward by the gap to 03:30 EDT (UTC-4).
        Assert.Equal("2027-03-14T07:30:00Z", gap["effectiveAt"]!.GetValue<string>());
        Assert.Equal("2027-03-14T03:30:00", gap["effectiveLocal"]!.GetValue<string>());
        Assert.Contains("does not exist", gap["note"]!.GetValue<string>());
        Assert.Contains("chose 2027-03-14T03:30:00", gap["note"]!.GetValue<string>());

        var overlap = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "O1", "2027-11-07T01:30", "America/New_York"))).Object;
        // 01:30 happens twice: the first, still EDT (UTC-4).
        Assert.Equal("2027-11-07T05:30:00Z", overlap["effectiveAt"]!.GetValue<string>());
        Assert.Contains("happens twice", overlap["note"]!.GetValue<string>());
        Assert.Contains("chose the first, 2027-11-07T05:30:00Z", overlap["note"]!.GetValue<string>());
        Assert.Contains("2027-11-07T06:30:00Z", overlap["note"]!.GetValue<string>());

        var rows = await HrApiKit.EventsAsync(app);
        Assert.Contains("does not exist", rows[0].Note);
        Assert.Contains("happens twice", rows[1].Note);
    }

    [Theory, AllDatabases]
    public async Task Terminate_PastOrAbsent_FiresNow(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "past@example.com", employeeNumber: "P1");
        await HrApiKit.WorkerAsync(app, "now@example.com", employeeNumber: "N1");
        var hr = await app.HrAsync();
        var before = DateTime.UtcNow.AddSeconds(-5);

        var past = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "P1", "2020-01-31"))).Object;
        Assert.True(past["firesNow"]!.GetValue<bool>());
        Assert.Contains("already past: it fires now", past["note"]!.GetValue<string>());
        Assert.Equal("2020-01-31T19:00:00", past["effectiveLocal"]!.GetValue<string>());
        Assert.InRange(past["effectiveAt"]!.GetValue<DateTime>().ToUniversalTime(), before, DateTime.UtcNow.AddSeconds(5));

        var now = (await hr.PostHrAsync("/hr/v1/terminations", """{"worker":{"employeeNumber":"N1"}}""")).Object;
        Assert.True(now["firesNow"]!.GetValue<bool>());
        Assert.Null(now["note"]);
        Assert.InRange(now["effectiveAt"]!.GetValue<DateTime>().ToUniversalTime(), before, DateTime.UtcNow.AddSeconds(5));
    }

    [Theory, AllDatabases]
    public async Task Terminate_UnknownAmbiguousOrAlreadySuperseded_AnswersTheRightStatus(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        var twin1 = await HrApiKit.WorkerAsync(app, "twin1@example.com", employeeNumber: "T1");
        await HrApiKit.WorkerAsync(app, "twin2@example.com", employeeNumber: "T1");
        await HrApiKit.WorkerAsync(app, "eve@example.com", employeeNumber: "E5");
        var hr = await app.HrAsync();

        var unknown = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "NOPE"))).AssertProblem(HttpStatusCode.NotFound);
        Assert.Contains("NOPE", unknown["detail"]!.GetValue<string>());
        var ambiguous = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "T1"))).AssertProblem(HttpStatusCode.Conflict);
        Assert.Contains(twin1, ambiguous["detail"]!.GetValue<string>());

        // A second termination while the first is pending replaces it (the newer date wins) and says so.
        var first = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "E5", "2027-05-31"))).Object;
        var second = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "E5", "2027-04-30"))).Object;
        Assert.Contains($"Replaces termination {first["id"]}", second["note"]!.GetValue<string>());
        var old = (await hr.GetHrAsync($"/hr/v1/events/{first["id"]}")).Object;
        Assert.Equal("Superseded", old["state"]!.GetValue<string>());
        Assert.StartsWith("test-hr-", old["closedBy"]!.GetValue<string>());

        // A rehire of someone never terminated is a conflict.
        (await hr.PostHrAsync("/hr/v1/rehires", """{"worker":{"userName":"twin1@example.com"}}""")).AssertProblem(HttpStatusCode.Conflict);
        Assert.Equal(2, (await HrApiKit.EventsAsync(app)).Count);
    }

    public static TheoryData<string, string> Malformed() => new()
    {
        { "{", "body" },
        { "[]", "body" },
        { "\"E1\"", "body" },
        { "{}", "worker" },
        { """{"worker":{"employeeNumber":"E1"},"effectiveDate":"2027-01-01"}""", "effectiveDate" },
        { """{"worker":{"employeeNumber":"E1","badge":"x"}}""", "worker.badge" },
        { """{"worker":{}}""", "worker" },
        { """{"worker":{"employeeNumber":"E1","email":"e1@example.com"}}""", "worker" },
        { """{"worker":{"employeeNumber":""}}""", "worker.employeeNumber" },
        { """{"worker":{"employeeNumber":"   "}}""", "worker.employeeNumber" },
        { """{"worker":{"employeeNumber":1}}""", "worker.employeeNumber" },
        { """{"worker":"E1"}""", "worker" },
        { """{"worker":{"employeeNumber":"E1"},"worker":{"employeeNumber":"E1"}}""", "worker" },
        { """{"worker":{"employeeNumber":"E1"},"effective":"31/03/2027"}""", "effective" },
        { """{"worker":{"employeeNumber":"E1"},"effective":"2027-02-30"}""", "effective" },
        { """{"worker":{"employeeNumber":"E1"},"effective":"2027-03-31T25:00"}""", "effective" },
        { """{"worker":{"employeeNumber":"E1"},"effective":""}""", "effective" },
        { """{"worker":{"employeeNumber":"E1"},"effective":20270331}""", "effective" },
        { """{"worker":{"employeeNumber":"E1"},"timeZone":"Mars/Olympus_Mons"}""", "timeZone" },
        { """{"worker":{"employeeNumber":"E1"},"timeZone":"Pacific Standard Time"}""", "timeZone" },
        { """{"worker":{"employeeNumber":"E1"},"timeZone":""}""", "timeZone" },
        { """{"worker":{"employeeNumber":"E1"},"timeZone":["UTC"]}""", "timeZone" },
        { """{"worker":{"employeeNumber":"E1"},"reason":true}""", "reason" },
        { """{"worker":{"employeeNumber":"E1"},"reason":"x"} trailing""", "body" },
        { """{"worker":{"employeeNumber":"E1",}}""", "body" },
    };

    [Theory, MemberData(nameof(Malformed))]
    public async Task Terminate_MalformedInput_Is400NamingTheField(string body, string field)
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "e1@example.com", employeeNumber: "E1");
        var hr = await app.HrAsync();

        (await hr.PostHrAsync("/hr/v1/terminations", body)).AssertProblem(HttpStatusCode.BadRequest, field);
        Assert.Empty(await HrApiKit.EventsAsync(app));
    }

    [Theory, AllDatabases]
    public async Task Commands_RefuseBadInput_WithProblemDetails_NeverA500(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "e1@example.com", employeeNumber: "E1");
        var hr = await app.HrAsync();
        var valid = HrApiKit.Terminate("employeeNumber", "E1", "2027-03-31");

        var windows = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "E1", timeZone: "Pacific Standard Time")))
            .AssertProblem(HttpStatusCode.BadRequest, "timeZone");
        Assert.Contains("America/Los_Angeles", windows["errors"]!["timeZone"]![0]!.GetValue<string>());
        var longReason = HrApiKit.Terminate("employeeNumber", "E1", reason: new string('r', 1001));
        (await hr.PostHrAsync("/hr/v1/terminations", longReason)).AssertProblem(HttpStatusCode.BadRequest, "reason");
        (await hr.PostHrAsync("/hr/v1/terminations", null)).AssertProblem(HttpStatusCode.BadRequest, "body");
        (await hr.PostHrAsync("/hr/v1/terminations", valid, contentType: "text/plain")).AssertProblem(HttpStatusCode.UnsupportedMediaType);
        (await hr.PostHrAsync("/hr/v1/terminations", valid, contentType: "application/scim+json")).AssertProblem(HttpStatusCode.UnsupportedMediaType);
        var huge = $$"""{"worker":{"employeeNumber":"E1"},"reason":"{{new string('x', 70_000)}}"}""";
        (await hr.PostHrAsync("/hr/v1/terminations", huge)).AssertProblem(HttpStatusCode.RequestEntityTooLarge);
        var unknown = (await hr.PostHrAsync("/hr/v1/terminations", """{"worker":{"employeeNumber":"E1"},"when":"now","why":"x"}"""))
            .AssertProblem(HttpStatusCode.BadRequest, "when");
        Assert.Contains("'why'", unknown["detail"]!.GetValue<string>());
        (await hr.PostHrAsync("/hr/v1/terminations", valid, key: new string('k', 256))).AssertProblem(HttpStatusCode.BadRequest, "Idempotency-Key");
        (await hr.PostHrAsync("/hr/v1/terminations", valid, key: " ")).AssertProblem(HttpStatusCode.BadRequest, "Idempotency-Key");

        // Rescissions name exactly one of worker or eventId (checked before any lookup).
        (await hr.PostHrAsync("/hr/v1/rescissions", """{"reason":"x"}""")).AssertProblem(HttpStatusCode.BadRequest, "worker");
        (await hr.PostHrAsync("/hr/v1/rescissions", """{"worker":{"employeeNumber":"E1"},"eventId":1}""")).AssertProblem(HttpStatusCode.BadRequest, "eventId");
        (await hr.PostHrAsync("/hr/v1/rescissions", """{"eventId":"1"}""")).AssertProblem(HttpStatusCode.BadRequest, "eventId");
        (await hr.PostHrAsync("/hr/v1/rescissions", """{"eventId":-3}""")).AssertProblem(HttpStatusCode.BadRequest, "eventId");
        (await hr.PostHrAsync("/hr/v1/rescissions", """{"eventId":999999}""")).AssertProblem(HttpStatusCode.NotFound);
        (await hr.PostHrAsync("/hr/v1/events/abc/rescind", null)).AssertProblem(HttpStatusCode.BadRequest, "id");
        (await hr.PostHrAsync("/hr/v1/events/999999/rescind", null)).AssertProblem(HttpStatusCode.NotFound);
        (await hr.PostHrAsync("/hr/v1/events/1/rescind", """{"reason":"x","force":true}""")).AssertProblem(HttpStatusCode.BadRequest, "force");

        // Rehires and moves read the same way.
        (await hr.PostHrAsync("/hr/v1/rehires", """{"worker":{"employeeNumber":"E1"},"effective":"tomorrow"}""")).AssertProblem(HttpStatusCode.BadRequest, "effective");
        (await hr.PostHrAsync("/hr/v1/moves", """{"worker":{"employeeNumber":"E1"}}""")).AssertProblem(HttpStatusCode.BadRequest, "title");
        (await hr.PostHrAsync("/hr/v1/moves", """{"worker":{"employeeNumber":"E1"},"seatType":"owner"}""")).AssertProblem(HttpStatusCode.BadRequest, "seatType");
        (await hr.PostHrAsync("/hr/v1/moves", """{"worker":{"employeeNumber":"E1"},"title":7}""")).AssertProblem(HttpStatusCode.BadRequest, "title");
        (await hr.PostHrAsync("/hr/v1/moves", """{"worker":{"employeeNumber":"E1"},"manager":"boss"}""")).AssertProblem(HttpStatusCode.BadRequest, "manager");
        (await hr.PostHrAsync("/hr/v1/moves", """{"worker":{"employeeNumber":"E1"},"manager":{"id":"x"}}""")).AssertProblem(HttpStatusCode.BadRequest, "manager.id");
        (await hr.PostHrAsync("/hr/v1/moves", """{"worker":{"employeeNumber":"E1"},"manager":{"employeeNumber":"NOBODY"}}""")).AssertProblem(HttpStatusCode.NotFound);

        Assert.Empty(await HrApiKit.EventsAsync(app));
        Assert.Empty(await app.DbAsync(db => db.HrRequests.ToListAsync()));
    }

    [Theory, AllDatabases]
    public async Task RehireAndMove_AreRecorded_WithTheirRules(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        var worker = await HrApiKit.WorkerAsync(app, "mo@example.com", employeeNumber: "M1", timezone: "Europe/Berlin");
        var boss = await HrApiKit.WorkerAsync(app, "boss@example.com", employeeNumber: "B1");
        var hr = await app.HrAsync();

        var move = await hr.PostHrAsync("/hr/v1/moves",
            """{"worker":{"employeeNumber":"M1"},"title":"Lead","department":"","manager":{"employeeNumber":"B1"},"seatType":"Admin","effective":"2027-02-01","reason":"Promotion"}""");
        move.AssertStatus(HttpStatusCode.Created);
        var moved = move.Object;
        Assert.Equal("Move", moved["kind"]!.GetValue<string>());
        // A date alone takes effect at the start of that day in the worker's zone (CET, UTC+1).
        Assert.Equal("2027-01-31T23:00:00Z", moved["effectiveAt"]!.GetValue<string>());
        Assert.Equal("Lead", moved["changes"]!["title"]!.GetValue<string>());
        Assert.Equal("", moved["changes"]!["department"]!.GetValue<string>());
        Assert.Equal(boss, moved["changes"]!["manager"]!.GetValue<string>());
        Assert.Equal("admin", moved["changes"]!["seatType"]!.GetValue<string>());
        var row = (await HrApiKit.EventsAsync(app)).Single();
        Assert.Contains("\"seatType\":\"admin\"", row.Details);
        Assert.Equal(worker, row.UserId);

        // Clearing the manager: "" is recorded as such.
        var cleared = (await hr.PostHrAsync("/hr/v1/moves", """{"worker":{"employeeNumber":"M1"},"manager":""}""")).Object;
        Assert.Equal("", cleared["changes"]!["manager"]!.GetValue<string>());
        Assert.True(cleared["firesNow"]!.GetValue<bool>());

        // Rehire: only someone terminated; the HR state is the engine's, so put one in force directly.
        (await hr.PostHrAsync("/hr/v1/rehires", """{"worker":{"employeeNumber":"M1"},"effective":"2027-03-01"}""")).AssertProblem(HttpStatusCode.Conflict);
        await app.DbAsync(async db =>
        {
            db.HrWorkers.Add(new HrWorkerRecord { UserId = worker, Status = HrWorkerStatuses.Left, TerminationId = 1, UpdatedAt = DateTimeOffset.UtcNow });
            return await db.SaveChangesAsync();
        });
        var rehire = await hr.PostHrAsync("/hr/v1/rehires", """{"worker":{"employeeNumber":"M1"},"effective":"2027-03-01"}""");
        rehire.AssertStatus(HttpStatusCode.Created);
        Assert.Equal("Rehire", rehire.Object["kind"]!.GetValue<string>());
        Assert.Equal("2027-03-01T00:00:00", rehire.Object["effectiveLocal"]!.GetValue<string>());
        Assert.Equal("2027-02-28T23:00:00Z", rehire.Object["effectiveAt"]!.GetValue<string>());
        (await hr.PostHrAsync("/hr/v1/rehires", """{"worker":{"employeeNumber":"M1"}}""")).AssertProblem(HttpStatusCode.Conflict);
    }

    [Theory, AllDatabases]
    public async Task Events_AreListedFilteredAndPaged_InEffectiveOrder(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "Ann@example.com", employeeNumber: "A1");
        var bob = await HrApiKit.WorkerAsync(app, "bob@example.com", employeeNumber: "B1");
        await HrApiKit.WorkerAsync(app, "cy@example.com", employeeNumber: "C1");
        var hr = await app.HrAsync();
        async Task<long> Post(string path, string body)
        {
            var response = await hr.PostHrAsync(path, body);
            response.AssertStatus(HttpStatusCode.Created);
            return response.Object["id"]!.GetValue<long>();
        }
        var annOld = await Post("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "A1", "2027-09-01"));
        var ann = await Post("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "A1", "2027-07-01"));
        var bobT = await Post("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "B1", "2027-05-01"));
        var cyMove = await Post("/hr/v1/moves", """{"worker":{"employeeNumber":"C1"},"title":"CTO","effective":"2027-06-01"}""");
        var cyT = await Post("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "C1", "2027-05-01"));

        async Task<List<long>> Ids(string query)
        {
            var page = (await hr.GetHrAsync("/hr/v1/events" + query)).Object;
            return page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()).ToList();
        }
        // effectiveAt then id: bob's and cy's terminations share 2027-05-01 19:00Z.
        Assert.Equal([bobT, cyT, cyMove, ann, annOld], await Ids(""));
        Assert.Equal([bobT, cyT, ann], await Ids("?state=pending&kind=terminate"));
        Assert.Equal([annOld], await Ids("?state=Superseded"));
        Assert.Equal([cyMove], await Ids("?kind=Move"));
        Assert.Equal([ann, annOld], await Ids("?worker=ann@EXAMPLE.com"));
        Assert.Equal([bobT], await Ids($"?worker={bob}"));
        Assert.Equal([cyT, cyMove], await Ids("?worker=C1"));
        Assert.Equal([cyMove, ann], await Ids("?from=2027-05-02&to=2027-07-01T19:00:01Z"));
        Assert.Equal([cyMove], await Ids("?from=2027-05-02&to=2027-07-01T19:00:00Z"));

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await hr.GetHrAsync($"/hr/v1/events?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}")).Object;
            Assert.Equal(2, page["limit"]!.GetValue<int>());
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()));
            cursor = page["nextCursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null && pages < 10);
        Assert.Equal(3, pages);
        Assert.Equal([bobT, cyT, cyMove, ann, annOld], seen);

        var one = await hr.GetHrAsync($"/hr/v1/events/{cyMove}");
        one.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("CTO", one.Object["changes"]!["title"]!.GetValue<string>());
        (await hr.GetHrAsync("/hr/v1/events/abc")).AssertProblem(HttpStatusCode.BadRequest, "id");
        (await hr.GetHrAsync("/hr/v1/events/99999999999999999999")).AssertProblem(HttpStatusCode.BadRequest, "id");
        (await hr.GetHrAsync("/hr/v1/events/424242")).AssertProblem(HttpStatusCode.NotFound);
        (await hr.GetHrAsync("/hr/v1/events?state=done")).AssertProblem(HttpStatusCode.BadRequest, "state");
        (await hr.GetHrAsync("/hr/v1/events?kind=Fire")).AssertProblem(HttpStatusCode.BadRequest, "kind");
        (await hr.GetHrAsync("/hr/v1/events?limit=0")).AssertProblem(HttpStatusCode.BadRequest, "limit");
        (await hr.GetHrAsync("/hr/v1/events?limit=501")).AssertProblem(HttpStatusCode.BadRequest, "limit");
        (await hr.GetHrAsync("/hr/v1/events?from=yesterday")).AssertProblem(HttpStatusCode.BadRequest, "from");
        (await hr.GetHrAsync("/hr/v1/events?cursor=***")).AssertProblem(HttpStatusCode.BadRequest, "cursor");
        (await hr.GetHrAsync("/hr/v1/events?cursor=bm9wZQ")).AssertProblem(HttpStatusCode.BadRequest, "cursor");
    }

    [Theory, AllDatabases]
    public async Task Worker_ShowsItsHrStateAndPendingEvents(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        var ann = await HrApiKit.WorkerAsync(app, "ann@example.com", employeeNumber: "A1", externalId: "X-A1", timezone: "Asia/Tokyo");
        var bob = await HrApiKit.WorkerAsync(app, "bob@example.com", employeeNumber: "B1");
        var hr = await app.HrAsync();
        var termination = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "A1", "2027-08-31"))).Object;

        var active = await hr.GetHrAsync("/hr/v1/workers/A1");
        active.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(ann, active.Object["worker"]!["userId"]!.GetValue<string>());
        Assert.Equal("Active", active.Object["status"]!.GetValue<string>());
        Assert.Equal("Asia/Tokyo", active.Object["timeZone"]!.GetValue<string>());
        var pending = active.Object["pending"]!.AsArray().Single()!;
        Assert.Equal(termination["id"]!.GetValue<long>(), pending["id"]!.GetValue<long>());
        Assert.Equal("2027-08-31T10:00:00Z", pending["effectiveAt"]!.GetValue<string>());
        Assert.Equal(ann, (await hr.GetHrAsync("/hr/v1/workers/X-A1?by=externalId")).Object["worker"]!["userId"]!.GetValue<string>());

        var deactivated = new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await app.DbAsync(async db =>
        {
            db.HrWorkers.Add(new HrWorkerRecord
            {
                UserId = bob,
                Status = HrWorkerStatuses.Leaving,
                TerminationId = 77,
                Step = LeaverSteps.RemoveFromTeams,
                StepDueAt = deactivated.AddDays(7),
                Memberships = """[{"id":"g1","displayName":"Sales"},{"id":"g2","displayName":"EMEA"}]""",
                Deactivated = true,
                DeactivatedAt = deactivated,
                EffectiveAt = deactivated.AddMinutes(-3),
                UpdatedAt = deactivated,
            });
            return await db.SaveChangesAsync();
        });
        var leaving = (await hr.GetHrAsync("/hr/v1/workers/BOB@example.com?by=userName")).Object;
        Assert.Equal("Leaving", leaving["status"]!.GetValue<string>());
        Assert.Equal(77, leaving["terminationId"]!.GetValue<long>());
        Assert.Equal("RemoveFromTeams", leaving["step"]!.GetValue<string>());
        Assert.Equal("2027-01-09T03:04:05Z", leaving["stepDueAt"]!.GetValue<string>());
        Assert.Equal("2027-01-02T03:04:05Z", leaving["deactivatedAt"]!.GetValue<string>());
        Assert.True(leaving["deactivated"]!.GetValue<bool>());
        Assert.Equal(["Sales", "EMEA"], leaving["teams"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Empty(leaving["pending"]!.AsArray());

        (await hr.GetHrAsync("/hr/v1/workers/NOPE")).AssertProblem(HttpStatusCode.NotFound);
        (await hr.GetHrAsync("/hr/v1/workers/A1?by=badge")).AssertProblem(HttpStatusCode.BadRequest, "by");
    }

    [Theory, AllDatabases]
    public async Task OpenApi_ListsEveryEndpoint_AndNeedsTheHrToken(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        var hr = await app.HrAsync();

        var document = await hr.GetHrAsync("/hr/v1/openapi/hr.json");
        document.AssertStatus(HttpStatusCode.OK);
        var paths = document.Object["paths"]!.AsObject();
        foreach (var path in new[] { "/hr/v1/terminations", "/hr/v1/rescissions", "/hr/v1/events/{id}/rescind", "/hr/v1/rehires", "/hr/v1/moves" })
        {
            var post = paths[path]?["post"];
            Assert.True(post is not null, $"{path} is missing: {string.Join(", ", paths.Select(p => p.Key))}");
            Assert.False(string.IsNullOrEmpty(post["summary"]?.GetValue<string>()));
            Assert.Contains("Idempotency-Key", post["description"]!.GetValue<string>());
            Assert.Contains(post["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header");
            Assert.NotNull(post["requestBody"]!["content"]!["application/json"]!["schema"]);
        }
        Assert.Contains("Hr:DefaultTerminationTime", paths["/hr/v1/terminations"]!["post"]!["description"]!.GetValue<string>());
        Assert.Contains("DST", paths["/hr/v1/terminations"]!["post"]!["description"]!.GetValue<string>());
        Assert.Contains("00:00", paths["/hr/v1/rehires"]!["post"]!["description"]!.GetValue<string>());
        foreach (var path in new[] { "/hr/v1/events", "/hr/v1/events/{id}", "/hr/v1/workers/{key}" })
        {
            Assert.NotNull(paths[path]?["get"]);
        }
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/scim", StringComparison.Ordinal) || p.Key.StartsWith("/admin", StringComparison.Ordinal));
        var termination = paths["/hr/v1/terminations"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!.ToJsonString();
        Assert.Contains("effective", termination);
        // Only the worker is required, and a worker is named by any one of its keys.
        foreach (var path in new[] { "/hr/v1/terminations", "/hr/v1/rehires", "/hr/v1/moves" })
        {
            var schema = paths[path]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
            Assert.True(schema["required"] is JsonArray, $"{path}: {schema.ToJsonString()}");
            Assert.Equal(["worker"], schema["required"]!.AsArray().Select(r => r!.GetValue<string>()));
            var worker = schema["properties"]!["worker"]!;
            Assert.DoesNotContain("\"required\"", worker.ToJsonString(), StringComparison.Ordinal);
        }
        var upload = paths["/hr/v1/bulkUpload"]!["post"]!;
        Assert.NotNull(upload["requestBody"]!["content"]!["application/scim+json"]);
        Assert.NotNull(upload["responses"]!["202"]);
        Assert.Equal("bearer", document.Object["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        Assert.NotNull(document.Object["security"]![0]!["bearer"]);
        Assert.NotNull(document.Object["components"]!["schemas"]!["HrEventView"]);

        (await app.Scim.GetHrAsync("/hr/v1/openapi/hr.json")).AssertStatus(HttpStatusCode.Unauthorized);
        (await (await app.AdminAsync()).GetHrAsync("/hr/v1/openapi/hr.json")).AssertStatus(HttpStatusCode.Unauthorized);
    }
}
