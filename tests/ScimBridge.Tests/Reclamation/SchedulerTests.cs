using ScimBridge.Reclamation;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Reclamation;

public sealed class SchedulerTests
{
    [Theory, AllDatabases]
    public async Task TheTick_RunsOnOneInstanceAtATime_UnderItsLease(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));
        await bed.App.DbAsync(db =>
        {
            db.WorkLeases.Add(new WorkLeaseRecord { Name = ReclaimScheduler.TickLease, Owner = "other-instance/1", Until = bed.Now.AddMinutes(1) });
            return db.SaveChangesAsync();
        });

        Assert.False((await bed.TickAsync()).Ran);
        Assert.Equal(0, bed.Webhook.Hits);

        // The other instance died: its lease runs out.
        bed.Clock.Advance(TimeSpan.FromMinutes(2));
        var tick = await bed.TickAsync();

        Assert.Equal((true, 1), (tick.Ran, tick.Notices));
        var lease = await bed.App.DbAsync(db => db.WorkLeases.AsNoTracking().SingleAsync(l => l.Name == ReclaimScheduler.TickLease));
        Assert.Equal(((string?)null, bed.Now), (lease.Owner, lease.LastDoneAt));
    }

    [Theory, AllDatabases]
    public async Task TheBackgroundService_TicksEveryTickSeconds_WhenEnabled(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider, new() { ["Reclamation:Enabled"] = "true", ["Reclamation:TickSeconds"] = "5" });
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));

        await Eventually.UntilAsync(() => bed.Webhook.Bodies.Count > 0, "a tick to send the notice", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50),
            betweenRounds: () => bed.Clock.Advance(TimeSpan.FromSeconds(5)));

        Assert.Equal(id, bed.Webhook.Bodies[0]["candidate"]!["id"]!.GetValue<long>());
        await Eventually.UntilAsync(async () => (await bed.CandidateAsync(id)).NoticeSentAt is not null, "the notice recorded");
    }

    [Theory, AllDatabases]
    public async Task Silence_WithoutAutoReclaim_HandsTheSeatToAnAdmin_WhenTheLinksExpire(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule(autoReclaimAfterDays: null)));
        var start = bed.Now;
        await bed.TickAsync();
        Assert.DoesNotContain("reclaimed on", bed.Webhook.Bodies[0]["text"]!.GetValue<string>(), StringComparison.Ordinal);

        for (var day = 3; day < 30; day += 3)
        {
            bed.Clock.Advance(TimeSpan.FromDays(3));
            Assert.Equal((1, 0), ((await bed.TickAsync()).Reminders, (await bed.CandidateAsync(id)).State == CandidateStates.Ready ? 1 : 0));
        }
        bed.Clock.Advance(TimeSpan.FromDays(3));
        var tick = await bed.TickAsync();

        Assert.Equal((0, 0), (tick.Reclaimed, tick.Reminders));
        var row = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.Ready, start.AddDays(30)), (row.State, row.AutoReclaimAt));
        var last = (await bed.TransitionsAsync(id))[^1];
        Assert.Equal((ReclaimActors.System, "no answer", CandidateStates.Ready), (last.ActorType, last.Actor, last.ToState));
        // Reminders every 3 days until then: days 3, 6, … 27.
        Assert.Equal(9, row.Reminders);
    }

    [Theory, AllDatabases]
    public async Task AManagersUndeliverableApprovalRequest_GoesToTheAdmins_AfterFiveTries(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var manager = await bed.UserAsync("boss@example.com");
        var user = await bed.UserAsync("jane@example.com", manager);
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule(KeepApprovals.Manager)), userId: user);
        await bed.TickAsync();
        await bed.PostAsync(NoticeTestBed.Action(bed.Webhook.Bodies[0], "keep"));
        bed.Webhook.Status = 503;

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await bed.TickAsync();
            bed.Clock.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(6, bed.Webhook.Hits);
        var row = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AwaitingApproval, KeepApprovals.Admins, (DateTimeOffset?)null), (row.State, row.ApproverKind, row.ApprovalNoticeSentAt));
        Assert.Contains("HTTP 503", row.StateReason, StringComparison.Ordinal);
        await bed.TickAsync();
        Assert.Equal(6, bed.Webhook.Hits);
    }

    /// <summary>
    /// After a mirror run the tick evaluates first (another part, which may fail) and takes the daily snapshot last;
    /// neither stops the notices, and a rule that cannot be read only sends its own candidates to an admin.
    /// </summary>
    [Theory, AllDatabases]
    public async Task AFailingStepOrRule_DoesNotStopTheOtherNotices(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        await bed.App.SeatsAsync(MirrorSeed.Seat("monday", "acc-1", "jane@example.com", lastActivity: bed.Now.AddDays(-74)));
        await bed.App.AppAsync("monday");
        var good = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));
        var broken = await bed.RuleAsync(bed.Rule());
        await bed.App.DbAsync(db => db.ReclaimRules.Where(r => r.Id == broken).ExecuteUpdateAsync(s => s.SetProperty(r => r.Definition, "{not json")));
        var orphan = await bed.SeedCandidateAsync(broken, "joe@example.com");

        var tick = await bed.TickAsync();

        Assert.Equal((true, 1), (tick.Ran, tick.Notices));
        Assert.Equal(good, Assert.Single(bed.Webhook.Bodies)["candidate"]!["id"]!.GetValue<long>());
        Assert.NotNull((await bed.CandidateAsync(good)).NoticeSentAt);
        var ready = await bed.CandidateAsync(orphan);
        Assert.Equal(CandidateStates.Ready, ready.State);
        Assert.Contains("no longer sends notices", ready.StateReason, StringComparison.Ordinal);
    }
}
