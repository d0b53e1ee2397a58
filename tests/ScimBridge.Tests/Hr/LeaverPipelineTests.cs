extern alias MondaySim;

using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary>
/// The leaver pipeline end to end (SCIM in, the monday.com simulator out): rescind before and after the steps ran, rehire
/// with the teams restored, HR precedence over the identity provider, the admin override, and the hold and delete timings.
/// </summary>
public sealed class LeaverPipelineTests
{
    [Theory, AllDatabases]
    public async Task RescindBeforeItFires_NothingReachesMonday(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider);
        var ids = await bed.UsersAsync("stay@example.com");
        await bed.GroupAsync("Sales", ids[0]);
        var mondayId = bed.SimUser("stay@example.com")!.Id;
        var e = await bed.TerminateAsync("stay@example.com", "2027-03-10");
        var worker = await bed.App.WithScopeAsync(s => s.GetRequiredService<WorkerDirectory>()
            .FindAsync(new WorkerKey(WorkerKey.UserName, "stay@example.com"), CancellationToken.None));

        var rescinded = await bed.Lifecycle.RescindWorkerAsync(worker, "changed their mind", EngineBed.Workday, CancellationToken.None);
        Assert.Equal((e.Id, HrEventStates.Rescinded, "workday"), (rescinded.Id, rescinded.State, rescinded.ClosedBy));
        Assert.Contains("changed their mind", rescinded.Note);

        bed.Clock.SetUtcNow(e.EffectiveAt.AddMinutes(1));
        await bed.TickAsync();
        await bed.SettledAsync();
        Assert.Equal(HrEventStates.Rescinded, (await bed.EventAsync(e.Id)).State);
        Assert.Null(await bed.WorkerAsync(ids[0]));
        Assert.True(bed.SimUser("stay@example.com")!.Active);
        Assert.True(bed.InTeam("Sales", "stay@example.com"));
        Assert.Equal(mondayId, bed.SimUser("stay@example.com")!.Id);
        Assert.Equal([LogActions.HrRescind], (await bed.HrLogAsync(ids[0])).Select(l => l.Action));

        var again = await Assert.ThrowsAsync<HrException>(() => bed.Lifecycle.RescindAsync(e.Id, null, EngineBed.Workday, CancellationToken.None));
        Assert.Equal(409, again.Status);
        Assert.Contains("already Rescinded", again.Detail);
        Assert.Equal(404, (await Assert.ThrowsAsync<HrException>(() => bed.Lifecycle.RescindAsync(999_999, null, EngineBed.Workday, CancellationToken.None))).Status);
        Assert.Equal(409, (await Assert.ThrowsAsync<HrException>(() => bed.Lifecycle.RescindWorkerAsync(worker, null, EngineBed.Workday, CancellationToken.None))).Status);
    }

    [Theory, AllDatabases]
    public async Task RescindAfterDeactivationAndTeamRemoval_UndoesEveryStep(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider);
        var ids = await bed.UsersAsync("undo@example.com", "colleague@example.com");
        await bed.GroupAsync("Sales", ids[0], ids[1]);
        await bed.GroupAsync("Support", ids[0]);
        var mondayId = bed.SimUser("undo@example.com")!.Id;

        var e = await bed.TerminateAsync("undo@example.com", null);
        await bed.UntilAsync(async () => (await bed.WorkerAsync(ids[0]))?.Status == HrWorkerStatuses.Left, "every leaver step");
        await bed.UntilAsync(() => !bed.SimUser("undo@example.com")!.Active && !bed.InTeam("Sales", "undo@example.com") && !bed.InTeam("Support", "undo@example.com"),
            "the leaver deactivated and out of its teams in monday.com");
        Assert.True(bed.InTeam("Sales", "colleague@example.com"));
        var left = (await bed.WorkerAsync(ids[0]))!;
        Assert.True(left is { Deactivated: true, RemovedFromTeams: true, Deleted: false, Step: null });
        // The leaver SLA: the effective instant, and when monday.com had the deactivation (the push's time).
        var pushedAt = await bed.App.DbAsync(db => db.PushStates.Where(p => p.ResourceType == ResourceKinds.User && p.ResourceId == ids[0])
            .Select(p => p.PushedAt).SingleAsync());
        Assert.Equal(e.EffectiveAt, left.EffectiveAt);
        Assert.NotNull(left.DeactivatedAt);
        Assert.True(left.DeactivatedAt >= e.EffectiveAt && left.DeactivatedAt <= pushedAt);
        Assert.Equal(["Sales", "Support"], HrMembership.Parse(left.Memberships).Select(m => m.DisplayName));
        Assert.Equal(
            [LogActions.HrTerminate, LogActions.HrSnapshot, LogActions.HrDeactivate, LogActions.HrDeactivated, LogActions.HrTeamRemoval, LogActions.HrLeft],
            (await bed.HrLogAsync(ids[0])).Select(l => l.Action));
        Assert.All(await bed.HrLogAsync(ids[0]), l => Assert.Equal((Initiators.Hr, "workday", "undo@example.com"), (l.InitiatorType, l.Initiator, l.SourceName)));
        // The push logged the monday.com changes as HR's.
        Assert.True(await bed.App.DbAsync(db => db.LogEntries.AnyAsync(l => l.SourceId == ids[0] && l.Action == LogActions.Disable && l.InitiatorType == Initiators.Hr)));

        var rescinded = await bed.Lifecycle.RescindAsync(e.Id, "wrong person", EngineBed.Workday, CancellationToken.None);
        Assert.Equal(HrEventStates.Rescinded, rescinded.State);
        await bed.UntilAsync(() => bed.SimUser("undo@example.com")!.Active && bed.InTeam("Sales", "undo@example.com") && bed.InTeam("Support", "undo@example.com"),
            "the user active and back in its teams in monday.com");
        Assert.Equal(mondayId, bed.SimUser("undo@example.com")!.Id);
        var back = (await bed.WorkerAsync(ids[0]))!;
        Assert.True(back is { Status: HrWorkerStatuses.Active, Deactivated: false, RemovedFromTeams: false, Step: null });
        Assert.Equal(LogActions.HrRescind, (await bed.HrLogAsync(ids[0]))[^1].Action);
    }

    [Theory, AllDatabases]
    public async Task Rehire_ReactivatesTheSameAccount_AndRestoresTeamsTheIdpRemoved(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider);
        var ids = await bed.UsersAsync("boomerang@example.com");
        var sales = await bed.GroupAsync("Sales", ids[0]);
        await bed.GroupAsync("Support", ids[0]);
        var mondayId = bed.SimUser("boomerang@example.com")!.Id;

        await bed.TerminateAsync("boomerang@example.com", null);
        await bed.UntilAsync(() => !bed.SimUser("boomerang@example.com")!.Active && !bed.InTeam("Sales", "boomerang@example.com"), "the leaver out in monday.com");
        // What Entra does for a leaver: disables the user and drops it from a group.
        Assert.Equal(HttpStatusCode.OK, await bed.ScimPatchActiveAsync(ids[0], false));
        Assert.Contains(await bed.ScimRemoveMemberAsync(sales, ids[0]), new[] { HttpStatusCode.OK, HttpStatusCode.NoContent });
        await bed.SettledAsync();

        var rehire = await bed.RehireAsync("boomerang@example.com");
        await bed.UntilAsync(async () => (await bed.EventAsync(rehire.Id)).State == HrEventStates.Fired, "the rehire to fire");
        await bed.UntilAsync(() => bed.SimUser("boomerang@example.com")!.Active && bed.InTeam("Sales", "boomerang@example.com") && bed.InTeam("Support", "boomerang@example.com"),
            "the same account active and back in both teams");
        Assert.Equal(mondayId, bed.SimUser("boomerang@example.com")!.Id);
        Assert.Contains("same monday.com account", (await bed.EventAsync(rehire.Id)).Note);
        var user = await bed.App.GetAsync($"/scim/v2/Users/{ids[0]}");
        Assert.True(user.Object["active"]!.GetValue<bool>());
        Assert.Equal(2, user.Object["groups"]!.AsArray().Count);
        Assert.Equal(HrWorkerStatuses.Active, (await bed.WorkerAsync(ids[0]))!.Status);
        var entry = (await bed.HrLogAsync(ids[0]))[^1];
        Assert.Equal((LogActions.HrRehire, LogStatuses.Success), (entry.Action, entry.Status));
        // The bridge's own changes were made as HR.
        Assert.True(await bed.App.DbAsync(db => db.Changes.AnyAsync(c => c.ResourceId == sales && c.Actor == "workday")));
    }

    [Theory, AllDatabases]
    public async Task HrPrecedence_TheIdpCannotReactivateALeaver_UntilAnAdminOverrides(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider);
        var ids = await bed.UsersAsync("leaver@example.com");
        await bed.TerminateAsync("leaver@example.com", null);
        await bed.UntilAsync(() => !bed.SimUser("leaver@example.com")!.Active, "the leaver deactivated");

        Assert.Equal(HttpStatusCode.OK, await bed.ScimPatchActiveAsync(ids[0], false));
        await bed.SettledAsync();
        Assert.Equal(HttpStatusCode.OK, await bed.ScimPatchActiveAsync(ids[0], true));
        await bed.SettledAsync();
        Assert.False(bed.SimUser("leaver@example.com")!.Active);

        await bed.Lifecycle.OverrideAsync(ids[0], "admin", CancellationToken.None);
        await bed.UntilAsync(() => bed.SimUser("leaver@example.com")!.Active, "the IdP's active=true to reach monday.com after the override");
        var entry = (await bed.HrLogAsync(ids[0]))[^1];
        Assert.Equal((LogActions.HrOverride, Initiators.Admin, "admin"), (entry.Action, entry.InitiatorType, entry.Initiator));
        Assert.Equal(409, (await Assert.ThrowsAsync<HrException>(() => bed.Lifecycle.OverrideAsync(ids[0], "admin", CancellationToken.None))).Status);
    }

    [Theory, AllDatabases]
    public async Task HoldAndDelete_RunOnTheirDays_AndARehireAfterDeleteCreatesANewAccount(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider, new()
        {
            ["Hr:LeaverSteps:HoldDays"] = "2",
            ["Hr:LeaverSteps:DeleteAfterDays"] = "5",
        });
        // monday.com deactivates on DELETE; this tenant removes the user, so a rehire needs a new account.
        bed.Sim.State.DeleteBehavior = MondaySim::ScimBridge.MondaySim.DeleteBehavior.Delete;
        var ids = await bed.UsersAsync("slow@example.com");
        await bed.GroupAsync("Sales", ids[0]);
        var mondayId = bed.SimUser("slow@example.com")!.Id;
        await bed.TerminateAsync("slow@example.com", null);
        await bed.UntilAsync(async () => (await bed.WorkerAsync(ids[0]))?.Step == LeaverSteps.Hold, "the hold to start");
        var held = (await bed.WorkerAsync(ids[0]))!;
        Assert.Equal(held.DeactivatedAt!.Value.AddDays(2), held.StepDueAt);
        Assert.False(bed.SimUser("slow@example.com")!.Active);
        Assert.True(bed.InTeam("Sales", "slow@example.com"));

        bed.Clock.SetUtcNow(held.StepDueAt!.Value.AddSeconds(-1));
        await bed.TickAsync();
        Assert.Equal(LeaverSteps.Hold, (await bed.WorkerAsync(ids[0]))!.Step);
        bed.Clock.SetUtcNow(held.StepDueAt!.Value);
        await bed.TickAsync();
        var removing = (await bed.WorkerAsync(ids[0]))!;
        Assert.Equal((LeaverSteps.Delete, held.DeactivatedAt.Value.AddDays(5), true), (removing.Step, removing.StepDueAt, removing.RemovedFromTeams));
        await bed.UntilAsync(() => !bed.InTeam("Sales", "slow@example.com"), "the leaver out of its team after the hold");

        bed.Clock.SetUtcNow(removing.StepDueAt!.Value.AddSeconds(-1));
        await bed.TickAsync();
        Assert.NotNull(bed.SimUser("slow@example.com"));
        bed.Clock.SetUtcNow(removing.StepDueAt!.Value);
        await bed.TickAsync();
        Assert.True((await bed.WorkerAsync(ids[0])) is { Status: HrWorkerStatuses.Left, Deleted: true, Step: null });
        await bed.UntilAsync(() => bed.SimUser("slow@example.com") is null, "the monday.com user deleted");

        var rehire = await bed.RehireAsync("slow@example.com");
        await bed.UntilAsync(() => bed.SimUser("slow@example.com") is { Active: true } && bed.InTeam("Sales", "slow@example.com"), "a new account for the rehire");
        Assert.NotEqual(mondayId, bed.SimUser("slow@example.com")!.Id);
        Assert.Contains("creates a new account", (await bed.EventAsync(rehire.Id)).Note);
        Assert.Equal(
            [LogActions.HrTerminate, LogActions.HrSnapshot, LogActions.HrDeactivate, LogActions.HrDeactivated, LogActions.HrHold, LogActions.HrTeamRemoval,
             LogActions.HrDelete, LogActions.HrLeft, LogActions.HrRehire],
            (await bed.HrLogAsync(ids[0])).Select(l => l.Action));
    }

    [Theory, AllDatabases]
    public async Task Move_ChangesTheLocalUser_AndAMoveOfADeletedUserFails(DatabaseProvider provider)
    {
        await using var bed = await EngineBed.StartAsync(provider);
        var ids = await bed.UsersAsync("mover@example.com", "gone@example.com");
        var move = await bed.MoveAsync("mover@example.com", new MoveChanges("Head of Sales", "Sales", ids[1], "viewer"));
        var gone = await bed.MoveAsync("gone@example.com", new MoveChanges("Ghost", null, null, null), "2027-03-02");
        Assert.Equal(HttpStatusCode.NoContent, (await bed.App.DeleteAsync($"/scim/v2/Users/{ids[1]}")).Status);

        await bed.UntilAsync(async () => (await bed.EventAsync(move.Id)).State == HrEventStates.Fired, "the move to fire");
        var user = (await bed.App.GetAsync($"/scim/v2/Users/{ids[0]}")).Object;
        Assert.Equal("Head of Sales", user["title"]!.GetValue<string>());
        Assert.Equal("viewer", user["userType"]!.GetValue<string>());
        var enterprise = user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]!;
        Assert.Equal(("Sales", ids[1]), (enterprise["department"]!.GetValue<string>(), enterprise["manager"]!["value"]!.GetValue<string>()));
        await bed.UntilAsync(() => bed.SimUser("mover@example.com")!.Title == "Head of Sales", "the new title in monday.com");
        Assert.Equal(LogActions.HrMove, (await bed.HrLogAsync(ids[0]))[^1].Action);

        bed.Clock.SetUtcNow(gone.EffectiveAt);
        await bed.TickAsync();
        var failed = await bed.EventAsync(gone.Id);
        Assert.Equal(HrEventStates.Failed, failed.State);
        Assert.Contains("deleted", failed.Error);
    }
}
