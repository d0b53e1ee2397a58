using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace ScimBridge.Tests.Hr;

/// <summary>Workers created through SCIM (employee number, email, time zone, department, manager) and rosters posted to /hr/v1/rosters.</summary>
public static class RosterKit
{
    /// <summary>Before every date the rosters name, in winter (no DST in force anywhere used here).</summary>
    public static readonly DateTimeOffset Now = new(2027, 1, 10, 12, 0, 0, TimeSpan.Zero);

    public static async Task<(ScimApp App, FakeTimeProvider Clock)> StartAsync(DatabaseProvider provider, Dictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(Now);
        // The roster only records events: the scheduler stays off so that what a test asserts is what the import wrote.
        var all = new Dictionary<string, string?>(settings ?? []) { ["Hr:Enabled"] = "false" };
        var app = await ScimApp.StartAsync(provider, all, services: s => s.AddSingleton<TimeProvider>(clock));
        return (app, clock);
    }

    /// <summary>Creates an inbound user and returns its id.</summary>
    public static async Task<string> WorkerAsync(this ScimApp app, string employeeNumber, string email, string? timezone = null,
        string? department = null, string? managerId = null)
    {
        var body = Bodies.User(email);
        var enterprise = new JsonObject { ["employeeNumber"] = employeeNumber };
        if (department is not null)
        {
            enterprise["department"] = department;
        }
        if (managerId is not null)
        {
            enterprise["manager"] = new JsonObject { ["value"] = managerId };
        }
        body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = enterprise;
        if (timezone is not null)
        {
            body["timezone"] = timezone;
        }
        var response = await app.PostAsync("/scim/v2/Users", body);
        response.AssertStatus(System.Net.HttpStatusCode.Created);
        return response.String("id")!;
    }

    /// <summary>Posts a roster as a text/csv body and reads the answer.</summary>
    public static async Task<ScimResponse> RosterAsync(this ScimApp app, string csv, bool dryRun, string? mode = null, string contentType = "text/csv")
    {
        return await app.RosterAsync(Encoding.UTF8.GetBytes(csv), dryRun, mode, contentType);
    }

    public static async Task<ScimResponse> RosterAsync(this ScimApp app, byte[] csv, bool dryRun, string? mode = null, string contentType = "text/csv")
    {
        var hr = await app.HrAsync();
        var query = $"/hr/v1/rosters?dryRun={(dryRun ? "true" : "false")}" + (mode is null ? "" : $"&mode={mode}");
        using var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await hr.PostAsync(new Uri(query, UriKind.Relative), content);
        return await ScimResponse.ReadAsync(response);
    }

    public static JsonObject Row(this ScimResponse response, int row) =>
        response.Object["rows"]!.AsArray().Select(r => r!.AsObject()).Single(r => r["row"]!.GetValue<int>() == row);

    public static string Status(this JsonObject row) => row["status"]!.GetValue<string>();

    public static JsonObject Change(this JsonObject row, int index = 0) => row["changes"]!.AsArray()[index]!.AsObject();

    public static string Totals(this ScimResponse response)
    {
        var t = response.Object["totals"]!;
        return $"rows {t["rows"]}, changed {t["changed"]}, unchanged {t["unchanged"]}, errors {t["errors"]}, terminations {t["terminations"]}, "
            + $"reschedules {t["reschedules"]}, rehires {t["rehires"]}, moves {t["moves"]}, applied {t["applied"]}";
    }

    /// <summary>The errors of an answer (a result, or a 422 problem) as "row:column:message" lines.</summary>
    public static List<(int Row, string? Column, string Message)> Errors(this ScimResponse response) =>
        response.Object["errors"]!.AsArray().Select(e => (e!["row"]!.GetValue<int>(), e["column"]?.GetValue<string>(), e["message"]!.GetValue<string>())).ToList();

    /// <summary>Marks a worker terminated as the engine would once a termination fired (the leaver pipeline done).</summary>
    public static Task<int> MarkLeftAsync(this ScimApp app, string userId, long? terminationId = null) => app.DbAsync(db =>
    {
        db.HrWorkers.Add(new HrWorkerRecord
        {
            UserId = userId,
            Status = "Left",
            TerminationId = terminationId,
            Deactivated = true,
            UpdatedAt = Now,
        });
        return db.SaveChangesAsync();
    });
}
