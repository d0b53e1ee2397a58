using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary>POST /hr/v1/rosters over real HTTP: dry run, apply in both modes, row errors, rehire, reschedule and re-import.</summary>
public sealed class RosterImportTests
{
    private const string Header = "Employee ID,Email,Status,Last day of work,Time zone,Department,Manager,Cost centre";

    [Theory, AllDatabases]
    public async Task DryRun_ShowsEveryChange_WritesNothing_Apply_RecordsThem_InEachZone_AndReimportIsANoOp(DatabaseProvider provider)
    {
        var (app, _) = await RosterKit.StartAsync(provider, new() { ["Hr:Guard:MaxPerBatch"] = "1" });
        await using var _app = app;
        var alice = await app.WorkerAsync("E1", "alice@example.com", timezone: "Europe/Paris");
        var bob = await app.WorkerAsync("E2", "bob@example.com", timezone: "Europe/Paris");
        var carol = await app.WorkerAsync("E3", "carol@example.com", department: "Sales");
        var dave = await app.WorkerAsync("E4", "dave@example.com", department: "Sales");
        // alice's last day is the night Paris goes to summer time (19:00 CEST); bob's zone comes from the row, New York's DST day.
        var csv = $"""
            {Header}
            E1,alice@example.com,terminated,2027-03-28,,,,C1
            E2,BOB@example.com,Terminated,2027-03-14,America/New_York,,,C1
            E3,carol@example.com,active,,,Marketing,dave@example.com,C2
            E4,dave@example.com,active,,,Sales,,C2
            """;

        var preview = await app.RosterAsync(csv, dryRun: true);
        preview.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("rows 4, changed 3, unchanged 1, errors 0, terminations 2, reschedules 0, rehires 0, moves 1, applied 0", preview.Totals());
        Assert.Contains("more than Hr:Guard:MaxPerBatch (1): the mass-termination guard holds them", preview.String("message"), StringComparison.Ordinal);
        Assert.Equal(["Cost centre"], preview.Object["ignoredColumns"]!.AsArray().Select(c => c!.GetValue<string>()));
        var first = preview.Row(2).Change();
        Assert.Equal(("Terminate", "2027-03-28T19:00:00", "Europe/Paris"), (first["action"]!.GetValue<string>(), first["effectiveLocal"]!.GetValue<string>(), first["timeZone"]!.GetValue<string>()));
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 17, 0, 0, TimeSpan.Zero), first["effectiveAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(new DateTimeOffset(2027, 3, 14, 23, 0, 0, TimeSpan.Zero), preview.Row(3).Change()["effectiveAt"]!.GetValue<DateTimeOffset>());
        var move = preview.Row(4).Change();
        Assert.Equal("Move", move["action"]!.GetValue<string>());
        Assert.Contains("department 'Sales' → 'Marketing'", move["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("→ dave@example.com", move["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("no change", preview.Row(5).Status());
        Assert.True(preview.Object["dryRun"]!.GetValue<bool>());
        Assert.Equal(0, await app.DbAsync(db => db.HrEvents.CountAsync()));
        var job = await app.DbAsync(db => db.HrJobs.SingleAsync());
        Assert.Equal((HrJobKinds.Roster, HrJobStatuses.Completed, 4, 0), (job.Kind, job.Status, job.Total, job.Failed));
        Assert.StartsWith("test-hr-", job.Actor, StringComparison.Ordinal);
        Assert.Contains("\"dryRun\":true", job.Result, StringComparison.Ordinal);

        var applied = await app.RosterAsync(csv, dryRun: false);
        applied.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("rows 4, changed 3, unchanged 1, errors 0, terminations 2, reschedules 0, rehires 0, moves 1, applied 3", applied.Totals());
        var events = await app.DbAsync(db => db.HrEvents.OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(3, events.Count);
        var byUser = events.ToDictionary(e => e.UserId);
        Assert.Equal((HrEventKinds.Terminate, new DateTimeOffset(2027, 3, 28, 17, 0, 0, TimeSpan.Zero), "2027-03-28T19:00:00", "Europe/Paris"),
            (byUser[alice].Kind, byUser[alice].EffectiveAt, byUser[alice].EffectiveLocal, byUser[alice].TimeZone));
        Assert.Equal((HrEventKinds.Terminate, new DateTimeOffset(2027, 3, 14, 23, 0, 0, TimeSpan.Zero), "America/New_York"),
            (byUser[bob].Kind, byUser[bob].EffectiveAt, byUser[bob].TimeZone));
        Assert.Equal(HrEventKinds.Move, byUser[carol].Kind);
        var details = JsonNode.Parse(byUser[carol].Details!)!;
        Assert.Equal(("Marketing", dave), (details["department"]!.GetValue<string>(), details["manager"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Equal(HrSources.Roster, e.Source));
        Assert.All(events, e => Assert.StartsWith("test-hr-", e.Actor, StringComparison.Ordinal));
        Assert.Single(events.Select(e => e.BatchId).Distinct());
        Assert.Equal(byUser[alice].Id, applied.Row(2).Change()["eventId"]!.GetValue<long>());

        var again = await app.RosterAsync(csv, dryRun: false);
        again.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("rows 4, changed 0, unchanged 4, errors 0, terminations 0, reschedules 0, rehires 0, moves 0, applied 0", again.Totals());
        Assert.Equal(3, await app.DbAsync(db => db.HrEvents.CountAsync()));
        Assert.Equal(3, await app.DbAsync(db => db.HrJobs.CountAsync(j => j.Kind == HrJobKinds.Roster)));
    }

    [Theory, AllDatabases]
    public async Task AllOrNothing_WithBadRows_AppliesNothing_GoodRows_AppliesTheValidRows_AndReportsTheOthers(DatabaseProvider provider)
    {
        var (app, _) = await RosterKit.StartAsync(provider);
        await using var _app = app;
        var alice = await app.WorkerAsync("E1", "alice@example.com", timezone: "America/Los_Angeles");
        await app.WorkerAsync("E2", "bob@example.com");
        await app.WorkerAsync("E3", "carol@example.com");
        var csv = """
            employee_id;email;status;terminationDate;tz;manager
            E1;alice@example.com;terminated;2027-06-30;;
            E9;;terminated;2027-06-30;;
            E2;someone.else@example.com;terminated;2027-06-30;;
            E3;carol@example.com;active;;;E77
            E2;bob@example.com;leave;;;
            E3;carol@example.com;terminated;30/06/2027;Pacific Time;
            """;

        var refused = await app.RosterAsync(csv, dryRun: false);
        refused.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Roster refused", refused.String("title"));
        var errors = refused.Errors();
        Assert.Contains(errors, e => e is (3, "employeeId", _) && e.Message.Contains("no worker has employee id 'E9'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is (4, "email", _) && e.Message.Contains("someone.else@example.com is not an email of worker bob@example.com", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is (5, "manager", _) && e.Message.Contains("E77", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is (6, "status", _) && e.Message.Contains("'leave' is not a roster status", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is (7, "timeZone", _) && e.Message.Contains("not a known IANA time zone", StringComparison.Ordinal));
        Assert.Contains(errors, e => e is (7, "lastDayOfWork", _) && e.Message.Contains("yyyy-MM-dd", StringComparison.Ordinal));
        Assert.Equal(0, await app.DbAsync(db => db.HrEvents.CountAsync()));
        var job = await app.DbAsync(db => db.HrJobs.SingleAsync());
        Assert.NotNull(job.Error);

        var good = await app.RosterAsync(csv, dryRun: false, mode: "good-rows");
        good.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("rows 6, changed 1, unchanged 0, errors 5, terminations 1, reschedules 0, rehires 0, moves 0, applied 1", good.Totals());
        Assert.True(good.Row(2)["applied"]!.GetValue<bool>());
        Assert.Equal("error", good.Row(4).Status());
        Assert.Equal("email", good.Row(4)["errors"]![0]!["column"]!.GetValue<string>());
        var terminated = await app.DbAsync(db => db.HrEvents.SingleAsync());
        Assert.Equal((alice, new DateTimeOffset(2027, 7, 1, 2, 0, 0, TimeSpan.Zero)), (terminated.UserId, terminated.EffectiveAt));
    }

    [Theory, AllDatabases]
    public async Task RehireRescheduleAndAlreadyTerminated_AreRecognised_AndAPastDayFiresNow(DatabaseProvider provider)
    {
        var (app, clock) = await RosterKit.StartAsync(provider, new() { ["Hr:DefaultTerminationTime"] = "02:30" });
        await using var _app = app;
        var alice = await app.WorkerAsync("E1", "alice@example.com");
        var bob = await app.WorkerAsync("E2", "bob@example.com", timezone: "Europe/Paris");
        var carol = await app.WorkerAsync("E3", "carol@example.com");
        await app.MarkLeftAsync(alice);
        (await app.RosterAsync("employeeId,status,lastDayOfWork\nE2,terminated,2027-04-30\n", dryRun: false)).AssertStatus(HttpStatusCode.OK);

        // bob moves to the night the clocks go forward in Paris: 02:30 does not exist, 03:30 CEST is chosen; carol's day is past.
        var csv = "employeeId,status,lastDayOfWork\nE1,active,\nE2,terminated,2027-03-28\nE3,terminated,2027-01-05\n";
        var preview = await app.RosterAsync(csv, dryRun: true);
        preview.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Rehire", preview.Row(2).Change()["action"]!.GetValue<string>());
        var reschedule = preview.Row(3).Change();
        Assert.Equal("Reschedule", reschedule["action"]!.GetValue<string>());
        Assert.Equal("reschedule from 2027-04-30T02:30:00 Europe/Paris to 2027-03-28T03:30:00 Europe/Paris", reschedule["detail"]!.GetValue<string>());
        Assert.Contains("does not exist in Europe/Paris", reschedule["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 1, 30, 0, TimeSpan.Zero), reschedule["effectiveAt"]!.GetValue<DateTimeOffset>());
        var past = preview.Row(4).Change();
        Assert.Contains("already past: it fires now", past["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(clock.GetUtcNow(), past["effectiveAt"]!.GetValue<DateTimeOffset>());

        var applied = await app.RosterAsync(csv, dryRun: false);
        applied.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("rows 3, changed 3, unchanged 0, errors 0, terminations 1, reschedules 1, rehires 1, moves 0, applied 3", applied.Totals());
        var events = await app.DbAsync(db => db.HrEvents.OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(HrEventStates.Superseded, events[0].State);
        Assert.Contains(events, e => e.UserId == alice && e.Kind == HrEventKinds.Rehire);
        Assert.Contains(events, e => e.UserId == bob && e.State == HrEventStates.Scheduled && e.EffectiveAt == new DateTimeOffset(2027, 3, 28, 1, 30, 0, TimeSpan.Zero));
        Assert.Contains(events, e => e.UserId == carol && e.Kind == HrEventKinds.Terminate && e.EffectiveAt == clock.GetUtcNow());

        // Once in force, the same day is no change; another day asks for a rescind first; active with a pending termination is refused.
        var carolTermination = events.Single(e => e.UserId == carol).Id;
        await app.MarkLeftAsync(carol, carolTermination);
        var later = await app.RosterAsync("employeeId,status,lastDayOfWork\nE1,active,\nE3,terminated,2027-01-05\n", dryRun: true);
        Assert.Equal("rows 2, changed 0, unchanged 2, errors 0, terminations 0, reschedules 0, rehires 0, moves 0, applied 0", later.Totals());
        Assert.Contains("a rehire is already pending", later.Row(2)["notes"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var conflicting = await app.RosterAsync("employeeId,status,lastDayOfWork\nE3,terminated,2027-01-06\nE2,active,\n", dryRun: true);
        Assert.Contains(conflicting.Errors(), e => e is (2, "lastDayOfWork", _) && e.Message.Contains("rescind that termination", StringComparison.Ordinal));
        Assert.Contains(conflicting.Errors(), e => e is (3, "status", _) && e.Message.Contains("the roster does not rescind", StringComparison.Ordinal));
    }

    [Theory, AllDatabases]
    public async Task MalformedFiles_AreRefusedOrReportedByRowAndColumn(DatabaseProvider provider)
    {
        var (app, _) = await RosterKit.StartAsync(provider);
        await using var _app = app;
        await app.WorkerAsync("E1", "alice@example.com");
        await app.WorkerAsync("E2", "bob@example.com");

        var noStatus = await app.RosterAsync("Employee ID,Email\nE1,alice@example.com\n", dryRun: true);
        noStatus.AssertStatus(HttpStatusCode.BadRequest);
        Assert.Contains("no status column", noStatus.Object["errors"]!["status"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        var quotes = await app.RosterAsync("employeeId,status,department\nE1,active,\"Sales\nE2,active,\n", dryRun: true);
        quotes.AssertStatus(HttpStatusCode.OK);
        Assert.Contains(quotes.Errors(), e => e.Row == 2 && e.Message.Contains("never closed", StringComparison.Ordinal));
        Assert.Equal("no change", quotes.Row(3).Status());

        var columns = await app.RosterAsync("employeeId,status\nE1,active,extra\n\"E2\",active\n", dryRun: false);
        columns.AssertStatus(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(columns.Errors(), e => e.Row == 2 && e.Message.Contains("more or fewer cells than the header", StringComparison.Ordinal));

        var latin1 = await app.RosterAsync([.. "employeeId,status,department\nE1,active,R"u8, 0xE9, .. "seau\n"u8], dryRun: true);
        latin1.AssertStatus(HttpStatusCode.BadRequest);
        Assert.Contains("not UTF-8 (row 2", latin1.Object["errors"]!["file"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        var bom = await app.RosterAsync([0xEF, 0xBB, 0xBF, .. "EMPLOYEE ID;STATUS;Department\nE1;active;Réseau\n"u8], dryRun: true);
        bom.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Move", bom.Row(2).Change()["action"]!.GetValue<string>());

        var cell = await app.RosterAsync($"employeeId,status,department\nE1,active,{new string('x', 2000)}\n", dryRun: true);
        Assert.Contains(cell.Errors(), e => e is (2, "department", _));

        (await app.RosterAsync("employeeId,status\n", dryRun: true, contentType: "application/json")).AssertStatus(HttpStatusCode.UnsupportedMediaType);
        (await app.RosterAsync("employeeId,status\n", dryRun: true, mode: "some-rows")).AssertStatus(HttpStatusCode.BadRequest);
        (await app.RosterAsync(new byte[RosterCsv.MaxBytes + 1], dryRun: true)).AssertStatus(HttpStatusCode.RequestEntityTooLarge);
        (await app.RosterAsync("", dryRun: true)).AssertStatus(HttpStatusCode.BadRequest);
        var duplicate = await app.RosterAsync("employeeId,status\nE1,active\nE1,active\n", dryRun: true);
        Assert.Contains(duplicate.Errors(), e => e is (3, "employeeId", _) && e.Message.Contains("also on row 2", StringComparison.Ordinal));
        Assert.Equal(0, await app.DbAsync(db => db.HrEvents.CountAsync()));

        using var form = new MultipartFormDataContent();
        using var file = new ByteArrayContent("employeeId,status,department\nE1,active,Ops\n"u8.ToArray());
        form.Add(file, "file", "roster.csv");
        using var multipart = await (await app.HrAsync()).PostAsync(new Uri("/hr/v1/rosters?dryRun=true", UriKind.Relative), form);
        var uploaded = await ScimResponse.ReadAsync(multipart);
        uploaded.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Move", uploaded.Row(2).Change()["action"]!.GetValue<string>());

        // Rosters go to /hr/v1 with an HR token only.
        using var content = new StringContent("employeeId,status\n", System.Text.Encoding.UTF8, "text/csv");
        using var scim = await app.Scim.PostAsync(new Uri("/hr/v1/rosters?dryRun=true", UriKind.Relative), content);
        Assert.Equal(HttpStatusCode.Unauthorized, scim.StatusCode);
    }
}
