using System.Net.Http.Json;
using System.Text;
using ScimBridge.Hr;
using Xunit;

namespace ScimBridge.Tests.Hr;

/// <summary>
/// The whole path, as an HR system drives it: /hr/v1 and /hr/v1/bulkUpload over HTTP, the scheduler, the leaver
/// pipeline and the push, into the monday.com simulator; the identity provider's later SCIM update does not undo it.
/// </summary>
public sealed class HrEndToEndTests
{
    [Theory, AllDatabases]
    public async Task A_termination_through_the_api_deactivates_and_removes_from_teams_holds_against_the_idp_and_a_rescind_undoes_it(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider);
        var ids = await bed.UsersAsync("ann@example.com", "bob@example.com");
        await bed.GroupAsync("Sales", ids[0], ids[1]);
        var mondayId = bed.SimUser("ann@example.com")!.Id;
        var hr = await bed.App.HrAsync();

        using var terminated = await hr.PostAsJsonAsync("/hr/v1/terminations",
            new { worker = new { userName = "ann@example.com" }, reason = "Resigned" });
        Assert.Equal(HttpStatusCode.Created, terminated.StatusCode);
        var termination = (await terminated.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(termination["firesNow"]!.GetValue<bool>());

        await bed.UntilAsync(() => bed.SimUser("ann@example.com") is { Active: false } && !bed.InTeam("Sales", "ann@example.com"),
            "ann deactivated and out of Sales in monday.com");
        Assert.True(bed.InTeam("Sales", "bob@example.com"));
        await bed.UntilAsync(async () => (await bed.WorkerAsync(ids[0])) is { Status: HrWorkerStatuses.Left, DeactivatedAt: not null }, "the leaver pipeline to finish");

        // Every step is in the provisioning log with the initiator Hr: the HR steps and the push's own disable.
        var log = await bed.App.DbAsync(db => db.LogEntries.AsNoTracking().Where(l => l.SourceId == ids[0] && l.InitiatorType == Initiators.Hr)
            .Select(l => l.Action).ToListAsync());
        Assert.Contains(LogActions.HrSnapshot, log);
        Assert.Contains(LogActions.HrDeactivate, log);
        Assert.Contains(LogActions.Disable, log);

        // The identity provider still says active: the HR termination stands.
        Assert.Equal(HttpStatusCode.OK, await bed.ScimPatchActiveAsync(ids[0], true));
        await bed.SettledAsync();
        Assert.False(bed.SimUser("ann@example.com")!.Active);

        using var rescinded = await hr.PostAsJsonAsync("/hr/v1/rescissions", new { worker = new { userName = "ann@example.com" }, reason = "Counter-offer" });
        Assert.Equal(HttpStatusCode.OK, rescinded.StatusCode);
        Assert.Equal(HrEventStates.Rescinded, (await rescinded.Content.ReadFromJsonAsync<JsonObject>())!["state"]!.GetValue<string>());

        await bed.UntilAsync(() => bed.SimUser("ann@example.com") is { Active: true } && bed.InTeam("Sales", "ann@example.com"),
            "ann active again and back in Sales");
        Assert.Equal(mondayId, bed.SimUser("ann@example.com")!.Id);

        // Rescinding twice is refused: there is nothing left to rescind.
        using var again = await hr.PostAsJsonAsync("/hr/v1/rescissions", new { worker = new { userName = "ann@example.com" } });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Theory, AllDatabases]
    public async Task An_entra_bulk_upload_with_active_false_deactivates_the_leaver_in_monday(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider);
        await bed.UsersAsync("carla@example.com");
        var userId = await bed.App.DbAsync(db => db.Users.Where(u => u.UserName == "carla@example.com").Select(u => u.Id).SingleAsync());
        await bed.App.PatchAsync($"/scim/v2/Users/{userId}", Bodies.Patch(Bodies.Op("replace", "externalId", "E-300")));
        var hr = await bed.App.HrAsync();

        var upload = new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:BulkRequest"),
            ["Operations"] = new JsonArray(new JsonObject
            {
                ["method"] = "POST",
                ["bulkId"] = "carla",
                ["path"] = "/Users",
                ["data"] = new JsonObject
                {
                    ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"),
                    ["externalId"] = "E-300",
                    ["userName"] = "carla@example.com",
                    ["active"] = false,
                    ["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["employeeNumber"] = "E-300" },
                },
            }),
        };
        using var content = new StringContent(upload.ToJsonString(), Encoding.UTF8, "application/scim+json");
        using var accepted = await hr.PostAsync("/hr/v1/bulkUpload", content);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        await bed.UntilAsync(() => bed.SimUser("carla@example.com") is { Active: false }, "carla deactivated in monday.com");
        var termination = await bed.App.DbAsync(db => db.HrEvents.AsNoTracking().SingleAsync(e => e.UserId == userId));
        Assert.Equal((HrEventKinds.Terminate, HrSources.Bulk), (termination.Kind, termination.Source));
        await bed.UntilAsync(async () => (await bed.EventAsync(termination.Id)).State == HrEventStates.Fired, "the termination fired");
    }
}
