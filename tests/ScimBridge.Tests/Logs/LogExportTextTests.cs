using static ScimBridge.Tests.Logs.LogSeed;

namespace ScimBridge.Tests.Logs;

/// <summary>The CSV export's Steps and ModifiedProperties columns read as text in a spreadsheet, not as JSON.</summary>
public sealed class LogExportTextTests
{
    [Theory, AllDatabases]
    public async Task CsvExport_StepsAndPropertiesColumns_AreReadableText(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.InsertAsync(Entry("u1", "refused@example.com", status: LogStatuses.Failure, at: BaseTime,
            steps: """
                [{"name":"Received","status":"Success","detail":"1 change(s)"},{"name":"Scoping","status":"Success","detail":"In scope."},
                 {"name":"Matching","status":"Success","detail":"Not linked to a monday.com user yet: creating it."},
                 {"name":"Mapping","status":"Warning","detail":"No userType rule matched: member."},
                 {"name":"Export","status":"Failure","detail":"1 call(s): POST /scim/v2/Users \u2192 400. monday.com answered 400 (invalidValue): userName is refused."}]
                """,
            modifiedProperties: """[{"name":"userName","old":null,"new":"refused@example.com"},{"name":"title","old":null,"new":null},{"name":"active","old":"true","new":"false"}]"""));
        var admin = await app.AdminAsync();

        var rows = LogExportTests.ParseCsv(await admin.GetStringAsync("/admin/api/logs/export?format=csv"));

        var row = rows[0].Zip(rows[1]).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(
            "Received: ok; Scoping: ok; Matching: ok; Mapping: warning (No userType rule matched: member.); "
            + "Export: failed (1 call(s): POST /scim/v2/Users → 400. monday.com answered 400 (invalidValue): userName is refused.)",
            row["Steps"]);
        Assert.Equal("userName: — → refused@example.com; active: true → false", row["ModifiedProperties"]);
    }
}
