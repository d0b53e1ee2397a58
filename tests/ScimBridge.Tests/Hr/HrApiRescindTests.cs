using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary>
/// /hr/v1/rescissions and /hr/v1/events/{id}/rescind over HTTP. They call HrLifecycle.RescindAsync and
/// RescindWorkerAsync, which the engine implements: these tests need the engine merged.
/// </summary>
public sealed class HrApiRescindTests
{
    [Theory, AllDatabases]
    public async Task RescindByWorker_ClosesThePendingTermination(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "e1@example.com", employeeNumber: "E1");
        var hr = await app.HrAsync();
        var termination = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "E1", "2027-06-30"))).Object;
        var id = termination["id"]!.GetValue<long>();

        var rescinded = await hr.PostHrAsync("/hr/v1/rescissions", """{"worker":{"employeeNumber":"E1"},"reason":"Counter-offer accepted"}""");

        rescinded.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(id, rescinded.Object["id"]!.GetValue<long>());
        Assert.Equal("Rescinded", rescinded.Object["state"]!.GetValue<string>());
        Assert.StartsWith("test-hr-", rescinded.Object["closedBy"]!.GetValue<string>());
        Assert.Equal(HrEventStates.Rescinded, (await HrApiKit.EventsAsync(app)).Single().State);
        var worker = (await hr.GetHrAsync("/hr/v1/workers/E1")).Object;
        Assert.Equal("Active", worker["status"]!.GetValue<string>());
        Assert.Empty(worker["pending"]!.AsArray());

        // Nothing left to rescind.
        (await hr.PostHrAsync("/hr/v1/rescissions", """{"worker":{"employeeNumber":"E1"}}""")).AssertProblem(HttpStatusCode.Conflict);
        (await hr.PostHrAsync("/hr/v1/rescissions", """{"worker":{"employeeNumber":"NOPE"}}""")).AssertProblem(HttpStatusCode.NotFound);
    }

    [Theory, AllDatabases]
    public async Task RescindByEventId_OrOnTheEvent_IsIdempotent(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "e1@example.com", employeeNumber: "E1");
        await HrApiKit.WorkerAsync(app, "e2@example.com", employeeNumber: "E2");
        var hr = await app.HrAsync();
        var first = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "E1", "2027-06-30"))).Object["id"]!.GetValue<long>();
        var second = (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "E2", "2027-06-30"))).Object["id"]!.GetValue<long>();

        var byId = await hr.PostHrAsync("/hr/v1/rescissions", $$"""{"eventId":{{first}}}""", key: "undo-1");
        byId.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Rescinded", byId.Object["state"]!.GetValue<string>());
        var replay = await hr.PostHrAsync("/hr/v1/rescissions", $$"""{"eventId":{{first}}}""", key: "undo-1");
        replay.AssertStatus(HttpStatusCode.OK);
        Assert.Equal(byId.Body, replay.Body);
        Assert.Equal("true", replay.Headers.GetValues(Idempotency.ReplayedHeader).Single());
        // Without the key, a second rescind of the same event is a conflict.
        (await hr.PostHrAsync("/hr/v1/rescissions", $$"""{"eventId":{{first}}}""")).AssertProblem(HttpStatusCode.Conflict);

        var onEvent = await hr.PostHrAsync($"/hr/v1/events/{second}/rescind", null);
        onEvent.AssertStatus(HttpStatusCode.OK);
        Assert.Equal("Rescinded", onEvent.Object["state"]!.GetValue<string>());
        (await hr.PostHrAsync($"/hr/v1/events/{second}/rescind", """{"reason":"again"}""")).AssertProblem(HttpStatusCode.Conflict);

        Assert.All(await HrApiKit.EventsAsync(app), e => Assert.Equal(HrEventStates.Rescinded, e.State));
    }
}
