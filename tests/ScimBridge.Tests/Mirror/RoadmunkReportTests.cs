using System.Net.Http.Headers;
using System.Text;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Roadmunk;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Tests.Mirror;

/// <summary><c>POST /admin/api/mirror/roadmunk/user-report</c>: the User CSV report, as the simulator produces it, applied to mirrored seats.</summary>
public sealed class RoadmunkReportTests
{
    private const string Path = "/admin/api/mirror/roadmunk/user-report";
    private static readonly DateTimeOffset Seen = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Theory, AllDatabases]
    public async Task StandardReport_AsCsvBody_MarksInactiveSeats_KeepsInvitedPending_AndListsUnknownRows(DatabaseProvider provider)
    {
        await using var sim = await SeededSimulatorAsync();
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app,
            Seat("r1", "Ada@Example.com"), Seat("r2", "bob@example.com"), Seat("r3", "new@example.com", SeatStatuses.Pending), Seat("r4", "cy@example.com"));
        var csv = await sim.UserReportAsync("Standard");
        var before = DateTimeOffset.UtcNow;

        var response = await PostCsvAsync(app, csv);

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(3, (int)response.Json!["applied"]!);
        Assert.Equal(1, (int)response.Json!["changed"]!);
        Assert.Empty(response.Json!["errors"]!.AsArray());
        var unmatched = Assert.Single(response.Json!["unmatched"]!.AsArray())!;
        Assert.Equal("ghost@example.com", (string)unmatched["email"]!);
        Assert.Equal(5, (int)unmatched["row"]!);
        Assert.Equal("no seat", (string)unmatched["reason"]!);
        var seats = await SeatsAsync(app);
        Assert.Equal((SeatStatuses.Active, SeatStatuses.Active), (seats["r1"].Status, seats["r1"].ReportStatus));
        Assert.Equal((SeatStatuses.Inactive, SeatStatuses.Inactive), (seats["r2"].Status, seats["r2"].ReportStatus));
        Assert.Equal((SeatStatuses.Pending, SeatStatuses.Active), (seats["r3"].Status, seats["r3"].ReportStatus));
        Assert.Equal((SeatStatuses.Active, null), (seats["r4"].Status, seats["r4"].ReportStatus));
        Assert.InRange(seats["r2"].ReportAt!.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        var roadmunk = await app.DbAsync(db => db.MirrorApps.AsNoTracking().SingleAsync(a => a.App == MirrorApps.Roadmunk));
        Assert.Equal(seats["r2"].ReportAt, roadmunk.ReportAt);
        Assert.Contains("3 applied, 1 seats changed status, 1 unmatched", roadmunk.ReportSummary, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task AlternativeReport_AsMultipartUpload_YesNoColumnApplied(DatabaseProvider provider)
    {
        await using var sim = await SeededSimulatorAsync();
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"), Seat("r2", "bob@example.com"));
        var csv = await sim.UserReportAsync("Alternative");
        Assert.StartsWith("EMAIL ADDRESS,FULL NAME,ACCOUNT ROLE,ACTIVE,LAST LOGIN DATE", csv, StringComparison.Ordinal);

        var response = await PostFileAsync(app, csv, "?reportedAt=2026-12-01T09:00:00Z");

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(2, (int)response.Json!["applied"]!);
        Assert.Equal(1, (int)response.Json!["changed"]!);
        var seats = await SeatsAsync(app);
        Assert.Equal(SeatStatuses.Active, seats["r1"].Status);
        Assert.Equal(SeatStatuses.Inactive, seats["r2"].Status);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero), seats["r2"].ReportAt);
        Assert.Equal(2, response.Json!["unmatched"]!.AsArray().Count);
    }

    [Theory, AllDatabases]
    public async Task MalformedReport_400WithTheErrorPerRow_AndNothingApplied(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"), Seat("r2", "bob@example.com"));
        const string Csv = "Email,Name,Role,Status,Last Login\r\n"
            + "ada@example.com,Ada,collaborator,Inactive,\r\n"
            + "bob@example.com,Bob,collaborator,Maybe,\r\n"
            + "cy@example.com,\"Cy \"The Kid\" Young\",reviewer,Active,\r\n"
            + "dee@example.com,Dee,reviewer\r\n";

        var response = await PostCsvAsync(app, Csv);

        response.AssertStatus(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.ContentType);
        var errors = response.Json!["errors"]!.AsObject();
        Assert.Equal(["row 3", "row 4", "row 5"], errors.Select(e => e.Key));
        Assert.Contains("'Maybe' in column 'Status' is not a status", (string)errors["row 3"]![0]!, StringComparison.Ordinal);
        Assert.Contains("quot", (string)errors["row 4"]![0]!, StringComparison.Ordinal);
        Assert.Contains("fields", (string)errors["row 5"]![0]!, StringComparison.Ordinal);
        Assert.Contains("nothing was applied", (string)response.Json!["detail"]!, StringComparison.Ordinal);
        await AssertNothingAppliedAsync(app);
    }

    [Theory, AllDatabases]
    public async Task ReportWithoutAStatusColumn_400NamingTheHeader_AndNothingApplied(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"));

        var response = await PostCsvAsync(app, "Email,Name\r\nada@example.com,Ada\r\n");

        response.AssertStatus(HttpStatusCode.BadRequest);
        var message = (string)response.Json!["errors"]!["row 1"]![0]!;
        Assert.Contains("no status or active column", message, StringComparison.Ordinal);
        Assert.Contains("'Email', 'Name'", message, StringComparison.Ordinal);
        Assert.Contains("statusColumn", message, StringComparison.Ordinal);
        await AssertNothingAppliedAsync(app);
    }

    [Theory, AllDatabases]
    public async Task UnusualHeaders_NamedByTheAdmin_Applied(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"), Seat("r2", "bob@example.com"));
        const string Csv = "Login Mail;Seat State;Person\nada@example.com;enabled;Ada\nbob@example.com;Deactivated;Bob\n";

        var unnamed = await PostCsvAsync(app, Csv);
        var named = await PostCsvAsync(app, Csv, "?emailColumn=login%20mail&statusColumn=SEAT%20STATE");

        unnamed.AssertStatus(HttpStatusCode.BadRequest);
        Assert.Contains("emailColumn", unnamed.Body, StringComparison.Ordinal);
        named.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(2, (int)named.Json!["applied"]!);
        var seats = await SeatsAsync(app);
        Assert.Equal(SeatStatuses.Active, seats["r1"].Status);
        Assert.Equal(SeatStatuses.Inactive, seats["r2"].Status);
    }

    [Theory, AllDatabases]
    public async Task NamedColumnMissing_400SayingWhichHeadersThereAre(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var response = await PostCsvAsync(app, "Email,Status\r\na@example.com,Active\r\n", "?statusColumn=Enabled");

        response.AssertStatus(HttpStatusCode.BadRequest);
        Assert.Contains("no column is named 'Enabled' (statusColumn); the header has 'Email', 'Status'", response.Body, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task OlderReport_409AndNothingApplied_NewerOneApplies(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"));

        var first = await PostCsvAsync(app, "Email,Status\r\nada@example.com,Inactive\r\n", "?reportedAt=2026-12-02T00:00:00Z");
        var older = await PostCsvAsync(app, "Email,Status\r\nada@example.com,Active\r\n", "?reportedAt=2026-12-01T00:00:00Z");

        first.AssertStatus(HttpStatusCode.OK);
        older.AssertStatus(HttpStatusCode.Conflict);
        Assert.Contains("newer Roadmunk user report", (string)older.Json!["detail"]!, StringComparison.Ordinal);
        var seat = (await SeatsAsync(app))["r1"];
        Assert.Equal((SeatStatuses.Inactive, new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)), (seat.Status, seat.ReportAt));
        var summary = await app.DbAsync(db => db.MirrorApps.AsNoTracking().SingleAsync(a => a.App == MirrorApps.Roadmunk));
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero), summary.ReportAt);

        var newer = await PostCsvAsync(app, "Email,Status\r\nada@example.com,Active\r\n");

        newer.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(SeatStatuses.Active, (await SeatsAsync(app))["r1"].Status);
    }

    [Theory, AllDatabases]
    public async Task TwoImportsAtOnce_TheNewerReportWins_WhicheverCommitsFirst(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, [.. Enumerable.Range(1, 200).Select(i => Seat($"r{i}", $"u{i}@example.com"))]);
        string Report(string status) => "Email,Status\r\n" + string.Concat(Enumerable.Range(1, 200).Select(i => $"u{i}@example.com,{status}\r\n"));

        var results = await Task.WhenAll(
            PostCsvAsync(app, Report("Active"), "?reportedAt=2026-12-01T00:00:00Z"),
            PostCsvAsync(app, Report("Inactive"), "?reportedAt=2026-12-02T00:00:00Z"));

        results[1].AssertStatus(HttpStatusCode.OK);
        Assert.Contains(results[0].Status, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
        var seats = await SeatsAsync(app);
        Assert.All(seats.Values, s => Assert.Equal((SeatStatuses.Inactive, new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)), (s.Status, s.ReportAt)));
    }

    [Theory, AllDatabases]
    public async Task RowsOfSeatsGoneFromRoadmunk_ListedAsGone_NotApplied(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com", gone: true));

        var response = await PostCsvAsync(app, "Email,Status\r\nADA@example.com,Inactive\r\n");

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(0, (int)response.Json!["applied"]!);
        var unmatched = Assert.Single(response.Json!["unmatched"]!.AsArray())!;
        Assert.Equal(("ADA@example.com", "gone", 2), ((string)unmatched["email"]!, (string)unmatched["reason"]!, (int)unmatched["row"]!));
        Assert.Null((await SeatsAsync(app))["r1"].ReportStatus);
    }

    [Theory, AllDatabases]
    public async Task SeatMissingFromANewerReport_DropsTheOlderReportsStatus(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"), Seat("r2", "bob@example.com"));
        await PostCsvAsync(app, "Email,Status\r\nada@example.com,Inactive\r\nbob@example.com,Inactive\r\n", "?reportedAt=2026-12-01T00:00:00Z");

        var response = await PostCsvAsync(app, "Email,Status\r\nbob@example.com,Inactive\r\n", "?reportedAt=2026-12-02T00:00:00Z");

        response.AssertStatus(HttpStatusCode.OK);
        Assert.Equal((1, 1), ((int)response.Json!["changed"]!, (int)response.Json!["cleared"]!));
        var seats = await SeatsAsync(app);
        Assert.Equal((SeatStatuses.Active, null), (seats["r1"].Status, seats["r1"].ReportStatus));
        Assert.Equal(SeatStatuses.Inactive, seats["r2"].Status);
    }

    [Theory, AllDatabases]
    public async Task HugeFile_413_AndNothingApplied(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"));
        var csv = new StringBuilder("Email,Status\r\nada@example.com,Inactive\r\n");
        while (csv.Length <= RoadmunkUserReport.MaxBytes + 1024)
        {
            csv.Append("someone.with.a.long.name@example.com,Active\r\n");
        }

        var body = await PostCsvAsync(app, csv.ToString());
        var file = await PostFileAsync(app, csv.ToString());

        body.AssertStatus(HttpStatusCode.RequestEntityTooLarge);
        file.AssertStatus(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("application/problem+json", body.ContentType);
        await AssertNothingAppliedAsync(app);
    }

    [Theory, AllDatabases]
    public async Task ABrokenMultipartBody_Or_AHugeOneLineHeader_Gets400WithAShortMessage(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"));
        var admin = await app.AdminAsync();
        var broken = new StringContent("garbage");
        broken.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=zzz");

        using var multipart = await admin.PostAsync(Path, broken);
        var header = await PostCsvAsync(app, new string('x', 1_000_000) + "\r\n");

        Assert.Equal(HttpStatusCode.BadRequest, multipart.StatusCode);
        Assert.Contains("file", await multipart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        header.AssertStatus(HttpStatusCode.BadRequest);
        Assert.True(header.Body.Length < 4000, $"a {header.Body.Length}-character error for a one-column header");
        await AssertNothingAppliedAsync(app);
    }

    [Theory, AllDatabases]
    public async Task BadRequests_ProblemDetails(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        var json = await admin.PostAsync(Path, new StringContent("{}", Encoding.UTF8, "application/json"));
        var badTime = await PostCsvAsync(app, "Email,Status\r\n", "?reportedAt=yesterday");
        var future = await PostCsvAsync(app, "Email,Status\r\n", $"?reportedAt={DateTimeOffset.UtcNow.AddDays(1):O}".Replace("+", "%2B", StringComparison.Ordinal));
        var empty = await PostCsvAsync(app, "");
        var noFile = await SendAsync(app, new MultipartFormDataContent { { new StringContent("x"), "other" } });

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);
        badTime.AssertStatus(HttpStatusCode.BadRequest);
        Assert.Contains("reportedAt", badTime.Body, StringComparison.Ordinal);
        future.AssertStatus(HttpStatusCode.BadRequest);
        Assert.Contains("in the future", future.Body, StringComparison.Ordinal);
        empty.AssertStatus(HttpStatusCode.BadRequest);
        Assert.Contains("empty", empty.Body, StringComparison.Ordinal);
        noFile.AssertStatus(HttpStatusCode.BadRequest);
        Assert.Contains("'file'", noFile.Body, StringComparison.Ordinal);
        await AssertNothingAppliedAsync(app);
    }

    [Theory, AllDatabases]
    public async Task WithoutAnAdminToken_401_AndNothingApplied(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"));

        foreach (var token in new[] { null, "scb_nope_nope", app.Token })
        {
            using var client = app.CreateScimClient(token);
            using var response = await client.PostAsync(Path, new StringContent("Email,Status\r\nada@example.com,Inactive\r\n", Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        await AssertNothingAppliedAsync(app);
    }

    [Theory, AllDatabases]
    public async Task TheOpenApiDocument_DescribesTheImport(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        var document = JsonNode.Parse(await admin.GetStringAsync("/admin/api/openapi/admin.json"))!;

        var operation = document["paths"]![Path]!["post"]!;
        Assert.Equal("ImportRoadmunkUserReport", (string)operation["operationId"]!);
        Assert.NotNull(operation["requestBody"]!["content"]!["text/csv"]);
        Assert.NotNull(operation["requestBody"]!["content"]!["multipart/form-data"]);
        Assert.Equal(["200", "400", "409", "413", "415"], operation["responses"]!.AsObject().Select(r => r.Key).Order());
    }

    [Theory, AllDatabases]
    public async Task ImportAsync_ForTheCommandLine_AppliesAndSummarises(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await SeedSeatsAsync(app, Seat("r1", "ada@example.com"));

        var result = await app.WithScopeAsync(s => RoadmunkUserReport.ImportAsync(s.GetRequiredService<ScimBridgeDbContext>(),
            new StringReader("Email,Status\nada@example.com,No\nzed@example.com,Yes\n"), TimeProvider.System,
            reportedAt: new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero)));
        var refused = await Assert.ThrowsAsync<RoadmunkReportException>(() => app.WithScopeAsync(s => RoadmunkUserReport.ImportAsync(
            s.GetRequiredService<ScimBridgeDbContext>(), new StringReader("Email,Status\nada@example.com,Sometimes\n"), TimeProvider.System)));

        Assert.Equal(
            "Roadmunk user report of 2026-12-03 10:00:00 UTC: 2 rows, 1 applied, 1 seats changed status, 1 unmatched." + Environment.NewLine
            + "  row 3: zed@example.com: no seat" + Environment.NewLine,
            result.ToText());
        Assert.Equal(400, refused.Status);
        Assert.Contains("row 2: 'Sometimes' in column 'Status' is not a status", refused.ToText(), StringComparison.Ordinal);
        Assert.Equal(SeatStatuses.Inactive, (await SeatsAsync(app))["r1"].Status);
    }

    private static async Task<RoadmunkSimulatorHost> SeededSimulatorAsync()
    {
        var sim = await RoadmunkSimulatorHost.StartAsync();
        await sim.SeedAsync(
            """{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","accountRole":"account_admin","lastLogin":"2026-11-01T08:30:00Z"}""",
            """{"email":"bob@example.com","displayName":"Byte, Bob","accountRole":"reviewer","active":false}""",
            """{"email":"new@example.com","firstName":"New","lastName":"Hire","accountRole":"reviewer","isInvited":true}""",
            """{"email":"ghost@example.com","firstName":"Not","lastName":"Mirrored","accountRole":"collaborator"}""");
        return sim;
    }

    private static MirrorSeatRecord Seat(string accountId, string email, string status = SeatStatuses.Active, bool gone = false) => new()
    {
        App = MirrorApps.Roadmunk,
        AccountId = accountId,
        Email = email,
        EmailNormalized = ScimText.Fold(email),
        SeatType = SeatTypes.Collaborator,
        Status = status,
        ListedStatus = status,
        FirstSeen = Seen,
        LastSeen = Seen,
        GoneAt = gone ? Seen : null,
    };

    private static Task<int> SeedSeatsAsync(ScimApp app, params MirrorSeatRecord[] seats) => app.DbAsync(db =>
    {
        db.MirrorSeats.AddRange(seats);
        return db.SaveChangesAsync();
    });

    private static Task<Dictionary<string, MirrorSeatRecord>> SeatsAsync(ScimApp app) =>
        app.DbAsync(db => db.MirrorSeats.AsNoTracking().ToDictionaryAsync(s => s.AccountId));

    private static async Task AssertNothingAppliedAsync(ScimApp app)
    {
        Assert.All((await SeatsAsync(app)).Values, s => Assert.Equal((SeatStatuses.Active, (string?)null, (DateTimeOffset?)null), (s.Status, s.ReportStatus, s.ReportAt)));
        Assert.False(await app.DbAsync(db => db.MirrorApps.AnyAsync(a => a.App == MirrorApps.Roadmunk)));
    }

    private static Task<ScimResponse> PostCsvAsync(ScimApp app, string csv, string query = "") =>
        SendAsync(app, new StringContent(csv, Encoding.UTF8, "text/csv"), query);

    private static Task<ScimResponse> PostFileAsync(ScimApp app, string csv, string query = "")
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return SendAsync(app, new MultipartFormDataContent { { file, "file", "users.csv" } }, query);
    }

    private static async Task<ScimResponse> SendAsync(ScimApp app, HttpContent content, string query = "")
    {
        var admin = await app.AdminAsync();
        using (content)
        {
            using var response = await admin.PostAsync(Path + query, content);
            return await ScimResponse.ReadAsync(response);
        }
    }
}
