using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ScimBridge.Hr;
using ScimBridge.Mirror;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Hr;

/// <summary>/admin/api/hr: pending, held, history, a worker and the leaver SLA, with their filters, errors and authentication.</summary>
public sealed class HrConsoleApiTests
{
    internal static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static List<string> Users(JsonNode page) => [.. page["items"]!.AsArray().Select(i => i!["userName"]!.GetValue<string>())];

    /// <summary>ana (Paris, replaced once), ben (Los Angeles, by roster), cy (held by the guard), dee (a move), eve (fired).</summary>
    internal static async Task<(ResolvedWorker Ana, ResolvedWorker Ben, ResolvedWorker Cy, ResolvedWorker Dee, ResolvedWorker Eve)> SeedAsync(ScimApp app)
    {
        var ana = await app.SeedWorkerAsync("ana@example.com", "E100", "Europe/Paris");
        var ben = await app.SeedWorkerAsync("ben@example.com", "E200", "America/Los_Angeles");
        var cy = await app.SeedWorkerAsync("cy@example.com", "E300");
        var dee = await app.SeedWorkerAsync("dee@example.com", "E400");
        var eve = await app.SeedWorkerAsync("eve@example.com", "E500");
        await app.SeedTerminationAsync(ana, "2031-06-30", "Europe/Paris");
        await app.SeedTerminationAsync(ana, "2031-06-15", "Europe/Paris");
        await app.SeedTerminationAsync(ben, "2031-06-14T09:00", "America/Los_Angeles", HrSources.Roster);
        await app.SeedEventAsync(cy, HrEventStates.Held, Utc("2031-06-20T00:00:00Z"), error: "More than 50 terminations in batch b1 (Hr:Guard:MaxPerBatch).", batchId: "b1");
        await app.SeedMoveAsync(dee, "2031-07-01", "UTC", "Lead");
        await app.SeedEventAsync(eve, HrEventStates.Fired, Utc("2026-01-10T17:00:00Z"), firedAt: Utc("2026-01-10T17:00:01Z"));
        return (ana, ben, cy, dee, eve);
    }

    [Theory, AllDatabases]
    public async Task Pending_ShowsLocalAndUtcInstants_SoonestFirst_AndFilters(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        await SeedAsync(app);
        var admin = await app.AdminAsync();

        var terminations = await admin.AdminJsonAsync("/admin/api/hr/pending?kind=Terminate");
        Assert.Equal(["ben@example.com", "ana@example.com", "cy@example.com"], Users(terminations));
        Assert.Equal(3, terminations["total"]!.GetValue<int>());
        var ana = terminations["items"]![1]!;
        Assert.Equal("2031-06-15T19:00:00", ana["effectiveLocal"]!.GetValue<string>());
        Assert.Equal("Europe/Paris", ana["timeZone"]!.GetValue<string>());
        Assert.Equal(Utc("2031-06-15T17:00:00Z"), ana["effectiveAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("E100", ana["employeeNumber"]!.GetValue<string>());
        Assert.Equal(HrSources.Api, ana["source"]!.GetValue<string>());
        Assert.Contains("Replaces termination", ana["note"]!.GetValue<string>(), StringComparison.Ordinal);
        var ben = terminations["items"]![0]!;
        Assert.Equal(Utc("2031-06-14T16:00:00Z"), ben["effectiveAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("2031-06-14T09:00:00", ben["effectiveLocal"]!.GetValue<string>());
        Assert.Equal(HrEventStates.Held, terminations["items"]![2]!["state"]!.GetValue<string>());

        Assert.Equal(["ben@example.com", "ana@example.com", "cy@example.com", "dee@example.com"], Users(await admin.AdminJsonAsync("/admin/api/hr/pending")));
        Assert.Equal(["ben@example.com"], Users(await admin.AdminJsonAsync("/admin/api/hr/pending?source=roster")));
        Assert.Equal(["ana@example.com"], Users(await admin.AdminJsonAsync("/admin/api/hr/pending?q=e100")));
        Assert.Equal(["cy@example.com"], Users(await admin.AdminJsonAsync("/admin/api/hr/pending?q=CY%40")));
        Assert.Equal(["ana@example.com"], Users(await admin.AdminJsonAsync("/admin/api/hr/pending?from=2031-06-15&to=2031-06-15")));
        Assert.Equal(["ana@example.com", "cy@example.com", "dee@example.com"], Users(await admin.AdminJsonAsync("/admin/api/hr/pending?from=2031-06-15")));
        Assert.Equal(["ben@example.com"], Users(await admin.AdminJsonAsync("/admin/api/hr/pending?to=2031-06-15T16:59:59Z")));
        var paged = await admin.AdminJsonAsync("/admin/api/hr/pending?pageSize=2&page=2");
        Assert.Equal(["cy@example.com", "dee@example.com"], Users(paged));
        Assert.Equal(4, paged["total"]!.GetValue<int>());
    }

    [Theory, AllDatabases]
    public async Task HeldHistoryAndWorker_ShowWhatTheScheduleHolds(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        var (ana, _, cy, _, eve) = await SeedAsync(app);
        var admin = await app.AdminAsync();

        var held = await admin.AdminJsonAsync("/admin/api/hr/held");
        Assert.Equal(["cy@example.com"], Users(held));
        Assert.Contains("MaxPerBatch", held["items"]![0]!["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("b1", held["items"]![0]!["batchId"]!.GetValue<string>());

        var history = await admin.AdminJsonAsync("/admin/api/hr/history");
        Assert.Equal(6, history["total"]!.GetValue<int>());
        var created = history["items"]!.AsArray().Select(i => (i!["createdAt"]!.GetValue<DateTimeOffset>(), i["id"]!.GetValue<long>())).ToList();
        Assert.Equal(created.OrderByDescending(c => c.Item1).ThenByDescending(c => c.Item2), created);
        var superseded = await admin.AdminJsonAsync("/admin/api/hr/history?state=Superseded");
        Assert.Equal(["ana@example.com"], Users(superseded));
        Assert.Equal("workday", superseded["items"]![0]!["closedBy"]!.GetValue<string>());
        Assert.NotNull(superseded["items"]![0]!["closedAt"]);
        Assert.Equal(["dee@example.com"], Users(await admin.AdminJsonAsync("/admin/api/hr/history?kind=move")));
        using (var csv = await admin.GetAsync("/admin/api/hr/history?kind=Terminate&format=csv"))
        {
            Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            Assert.Equal("attachment", csv.Content.Headers.ContentDisposition?.DispositionType);
            var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("id,kind,state,userId,userName,employeeNumber,effectiveAt,effectiveLocal,timeZone", lines[0], StringComparison.Ordinal);
            Assert.Equal(6, lines.Length); // 5 terminations: ana twice, ben, cy, eve
            Assert.Contains(lines, l => l.Contains("ben@example.com", StringComparison.Ordinal) && l.Contains("2031-06-14T16:00:00Z", StringComparison.Ordinal)
                && l.Contains("America/Los_Angeles", StringComparison.Ordinal));
        }
        Assert.Equal(2, (await admin.AdminJsonAsync($"/admin/api/hr/history?userId={ana.UserId}"))["total"]!.GetValue<int>());
        Assert.Equal(["cy@example.com", "eve@example.com"], Users(await admin.AdminJsonAsync("/admin/api/hr/history?state=Fired,Held&kind=Terminate")).Order());

        // eve's termination fired: the leaver pipeline holds her before the removal from teams.
        var fired = (await admin.AdminJsonAsync($"/admin/api/hr/history?userId={eve.UserId}"))["items"]![0]!;
        var firedId = fired["id"]!.GetValue<long>();
        var due = Utc("2026-01-17T17:00:00Z");
        await app.SeedLeaverAsync(eve, new HrEventRecord
        {
            Id = firedId,
            Kind = HrEventKinds.Terminate,
            State = HrEventStates.Fired,
            UserId = eve.UserId,
            MatchedBy = "employeeNumber",
            TimeZone = "UTC",
            Source = HrSources.Bulk,
            Actor = "workday",
            EffectiveAt = Utc("2026-01-10T17:00:00Z"),
            FiredAt = Utc("2026-01-10T17:00:01Z"),
        }, Utc("2026-01-10T17:00:42Z"), step: LeaverSteps.RemoveFromTeams, stepDueAt: due,
            memberships: """[{"id":"g1","displayName":"Sales"},{"id":"g2","displayName":"Support"}]""");
        var worker = await admin.AdminJsonAsync($"/admin/api/hr/workers/{eve.UserId}");
        Assert.Equal(HrWorkerStatuses.Leaving, worker["status"]!.GetValue<string>());
        Assert.Equal(firedId, worker["termination"]!["id"]!.GetValue<long>());
        Assert.Equal(LeaverSteps.RemoveFromTeams, worker["step"]!.GetValue<string>());
        Assert.Equal(due, worker["stepDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(["Sales", "Support"], worker["memberships"]!.AsArray().Select(m => m!["displayName"]!.GetValue<string>()));
        Assert.Equal("E500", worker["employeeNumber"]!.GetValue<string>());
        Assert.True(worker["deactivated"]!.GetValue<bool>());
        Assert.Single(worker["events"]!.AsArray());

        var active = await admin.AdminJsonAsync($"/admin/api/hr/workers/{cy.UserId}");
        Assert.Equal(HrWorkerStatuses.Active, active["status"]!.GetValue<string>());
        Assert.Null(active["termination"]);
        Assert.True(active["idpActive"]!.GetValue<bool>());
    }

    [Theory, AllDatabases]
    public async Task Sla_MedianP95WorstWaitingAndSeatsFreed_OnKnownDelays(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-10).AddHours(9);
        static ResolvedWorker Leaver(int i) => new($"u-{i}", $"leaver{i:00}@example.com", $"L{i:00}", WorkerKey.EmployeeNumber, null, false);

        // 20 leavers confirmed 1 to 20 minutes after their effective time (shuffled), fired in the last 30 days.
        foreach (var i in Enumerable.Range(1, 20).OrderBy(i => (i * 7) % 20))
        {
            var effective = start.AddHours(i);
            var termination = await app.SeedEventAsync(Leaver(i), HrEventStates.Fired, effective, firedAt: effective.AddSeconds(1));
            await app.SeedLeaverAsync(Leaver(i), termination, effective.AddMinutes(i), deleted: i <= 2);
            var seat = i switch { <= 10 => SeatTypes.Member, <= 12 => SeatTypes.Admin, 13 => SeatTypes.Viewer, 14 => SeatTypes.Guest, _ => null };
            if (seat is not null)
            {
                await app.SeedSeatAsync(Leaver(i), seat);
            }
        }
        // Three still waiting for monday.com to confirm.
        foreach (var i in Enumerable.Range(21, 3))
        {
            var effective = start.AddDays(5).AddHours(i);
            var termination = await app.SeedEventAsync(Leaver(i), HrEventStates.Fired, effective, firedAt: effective);
            await app.SeedLeaverAsync(Leaver(i), termination, null, step: LeaverSteps.ConfirmDeactivated, stepDueAt: effective);
        }
        // One from 40 days ago, 100 minutes: outside the default period.
        var old = now.AddDays(-40);
        var oldTermination = await app.SeedEventAsync(Leaver(30), HrEventStates.Fired, old, firedAt: old);
        await app.SeedLeaverAsync(Leaver(30), oldTermination, old.AddMinutes(100));
        await app.SeedSeatAsync(Leaver(30), SeatTypes.Member);
        // A termination rescinded after firing is no leaver.
        await app.SeedEventAsync(Leaver(31), HrEventStates.Rescinded, start, firedAt: start);

        var admin = await app.AdminAsync();
        var sla = await admin.AdminJsonAsync("/admin/api/hr/sla");
        Assert.Equal(23, sla["fired"]!.GetValue<int>());
        Assert.Equal(20, sla["confirmed"]!.GetValue<int>());
        Assert.Equal(3, sla["waiting"]!.GetValue<int>());
        Assert.Equal(630, sla["medianSeconds"]!.GetValue<double>(), 3);
        Assert.Equal(1140, sla["p95Seconds"]!.GetValue<double>(), 3);
        Assert.Equal(1200, sla["worst"]!["seconds"]!.GetValue<double>(), 3);
        Assert.Equal("leaver20@example.com", sla["worst"]!["userName"]!.GetValue<string>());
        Assert.Equal(["leaver21@example.com", "leaver22@example.com", "leaver23@example.com"],
            sla["waitingLeavers"]!.AsArray().Select(w => w!["userName"]!.GetValue<string>()));
        var freed = sla["seatsFreed"]!;
        Assert.Equal(20, freed["deactivated"]!.GetValue<int>());
        Assert.Equal(2, freed["deleted"]!.GetValue<int>());
        // 10 members at 12, 2 admins at 30, a viewer (free); the guest (no cost configured) and 6 without a seat: unknown.
        Assert.Equal(180m, freed["monthlyCost"]!.GetValue<decimal>());
        Assert.Equal(7, freed["unknownCost"]!.GetValue<int>());
        Assert.Equal("EUR", freed["currency"]!.GetValue<string>());
        var byType = freed["bySeatType"]!.AsArray().ToDictionary(r => r!["seatType"]!.GetValue<string>(), r => r!);
        Assert.Equal(10, byType[SeatTypes.Member]["count"]!.GetValue<int>());
        Assert.Equal(120m, byType[SeatTypes.Member]["monthlyCost"]!.GetValue<decimal>());
        Assert.Null(byType[SeatTypes.Guest]["monthlyCost"]);
        Assert.Equal(6, byType["(no mirrored seat)"]["count"]!.GetValue<int>());

        var wider = await admin.AdminJsonAsync($"/admin/api/hr/sla?from={now.AddDays(-45):yyyy-MM-dd}&to={now:yyyy-MM-dd}");
        Assert.Equal(24, wider["fired"]!.GetValue<int>());
        Assert.Equal(6000, wider["worst"]!["seconds"]!.GetValue<double>(), 3);
        Assert.Equal(192m, wider["seatsFreed"]!["monthlyCost"]!.GetValue<decimal>());

        var empty = await admin.AdminJsonAsync("/admin/api/hr/sla?from=2020-01-01&to=2020-01-31");
        Assert.Equal(0, empty["fired"]!.GetValue<int>());
        Assert.Null(empty["medianSeconds"]);
        Assert.Null(empty["worst"]);
    }

    [Fact]
    public void Percentiles_UseNearestRank_AndTheMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo()
    {
        Assert.Null(HrQueries.Median([]));
        Assert.Equal(3, HrQueries.Median([1, 3, 9]));
        Assert.Equal(2.5, HrQueries.Median([1, 2, 3, 9]));
        Assert.Equal(9, HrQueries.Percentile([1, 2, 3, 9], 95));
        Assert.Equal(1, HrQueries.Percentile([1], 95));
        var hundred = Enumerable.Range(1, 100).Select(i => (double)i).ToList();
        Assert.Equal(95, HrQueries.Percentile(hundred, 95));
        Assert.Equal("12 min 5 s", HrQueries.Duration(725));
        Assert.Equal("2 d 4 h", HrQueries.Duration(TimeSpan.FromHours(52).TotalSeconds));
    }

    [Theory, AllDatabases]
    public async Task BadInputAndUnknownIds_AreProblemDetails(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        var (ana, _, _, _, _) = await SeedAsync(app);
        var admin = await app.AdminAsync();
        foreach (var (path, field) in new[]
        {
            ("/admin/api/hr/pending?kind=Fire", "kind"),
            ("/admin/api/hr/pending?source=Email", "source"),
            ("/admin/api/hr/pending?from=2031-13-01", "from"),
            ("/admin/api/hr/pending?from=yesterday", "from"),
            ("/admin/api/hr/pending?from=2031-06-15&to=2031-06-01", "to"),
            ("/admin/api/hr/pending?page=0", "page"),
            ("/admin/api/hr/pending?pageSize=501", "pageSize"),
            ("/admin/api/hr/history?state=Done", "state"),
            ("/admin/api/hr/history?q=" + new string('x', 300), "q"),
            ("/admin/api/hr/held?pageSize=0", "pageSize"),
            ("/admin/api/hr/history?format=xml", "format"),
            ("/admin/api/hr/sla?from=2031-02-30", "from"),
            ("/admin/api/hr/sla?from=2031-06-15&to=2031-06-01", "to"),
        })
        {
            using var response = await admin.GetAsync(path);
            var problem = await MirrorApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, null);
            Assert.True(problem["errors"]?[field] is not null, $"{path}: {problem}");
        }

        using (var unknown = await admin.GetAsync("/admin/api/hr/workers/nobody"))
        {
            await MirrorApiTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "nobody");
        }
        using (var unknown = await admin.GetAsync("/admin/api/hr/events/999999"))
        {
            await MirrorApiTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "999999");
        }
        using (var notNumber = await admin.GetAsync("/admin/api/hr/events/abc"))
        {
            await MirrorApiTests.AssertProblemAsync(notNumber, HttpStatusCode.NotFound, "numbers");
        }
        foreach (var path in new[] { "/admin/api/hr/held/999999/approve", "/admin/api/hr/held/999999/reject", "/admin/api/hr/held/x/approve",
                     "/admin/api/hr/workers/nobody/override", "/admin/api/hr/events/999999/rescind" })
        {
            using var response = await admin.AdminPostAsync(path);
            await MirrorApiTests.AssertProblemAsync(response, HttpStatusCode.NotFound, null);
        }
        // A scheduled termination is not held: approving it is a conflict, and nothing changes.
        var pending = (await admin.AdminJsonAsync($"/admin/api/hr/pending?userId={ana.UserId}"))["items"]![0]!["id"]!.GetValue<long>();
        using (var notHeld = await admin.AdminPostAsync($"/admin/api/hr/held/{pending}/approve"))
        {
            await MirrorApiTests.AssertProblemAsync(notHeld, HttpStatusCode.Conflict, "Scheduled");
        }
        Assert.Equal(HrEventStates.Scheduled, (await admin.AdminJsonAsync($"/admin/api/hr/events/{pending}"))["state"]!.GetValue<string>());
    }

    [Theory, AllDatabases]
    public async Task HrAdminApi_NeedsAnAdminToken(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        var worker = await app.SeedWorkerAsync("ana@example.com", "E100");
        var admin = await app.AdminAsync();
        Assert.Equal(0, (await admin.AdminJsonAsync("/admin/api/hr/pending"))["total"]!.GetValue<int>());
        Assert.Equal(HrWorkerStatuses.Active, (await admin.AdminJsonAsync($"/admin/api/hr/workers/{worker.UserId}"))["status"]!.GetValue<string>());

        var hr = await app.HrAsync();
        var hrToken = hr.DefaultRequestHeaders.Authorization!.Parameter;
        foreach (var token in new[] { app.Token, hrToken, null, "scb_nope_nope" })
        {
            using var client = app.CreateScimClient(token);
            foreach (var path in new[] { "/admin/api/hr/pending", "/admin/api/hr/held", "/admin/api/hr/history", "/admin/api/hr/sla", $"/admin/api/hr/workers/{worker.UserId}" })
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
            }
            foreach (var path in new[] { "/admin/api/hr/held/1/approve", "/admin/api/hr/held/1/reject", "/admin/api/hr/held/approve-all", $"/admin/api/hr/workers/{worker.UserId}/override" })
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync(path, new { })).StatusCode);
            }
        }
    }

    [Theory, AllDatabases]
    public async Task HrAdminApi_IsInTheAdminOpenApiDocument(DatabaseProvider provider)
    {
        await using var app = await HrConsoleSeed.StartAsync(provider);
        var doc = await (await app.AdminAsync()).AdminJsonAsync("/admin/api/openapi/admin.json");
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        foreach (var path in new[] { "/admin/api/hr/pending", "/admin/api/hr/held", "/admin/api/hr/held/{id}/approve", "/admin/api/hr/held/{id}/reject",
                     "/admin/api/hr/held/approve-all", "/admin/api/hr/history", "/admin/api/hr/sla", "/admin/api/hr/workers/{userId}", "/admin/api/hr/workers/{userId}/override" })
        {
            Assert.Contains(path, paths);
        }
        Assert.DoesNotContain(paths, p => p.StartsWith("/hr/v1", StringComparison.Ordinal));
    }
}
