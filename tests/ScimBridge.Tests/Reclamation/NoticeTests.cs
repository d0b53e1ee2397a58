using System.Text.RegularExpressions;
using ScimBridge.Reclamation;

namespace ScimBridge.Tests.Reclamation;

public sealed partial class NoticeTests
{
    [Theory, AllDatabases]
    public async Task ADueNotice_ArrivesWithBothLinks_InSlackText_AndTheWebhookUrlIsNeverLogged(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));
        var sentAt = bed.Now;

        var tick = await bed.TickAsync();

        Assert.Equal((true, 1, 0), (tick.Ran, tick.Notices, tick.Failures));
        var notice = Assert.Single(bed.Webhook.Bodies);
        Assert.Equal(NoticeKinds.RequestToForego, notice["kind"]!.GetValue<string>());
        var keep = NoticeTestBed.Action(notice, "keep");
        var giveUp = NoticeTestBed.Action(notice, "giveUp");
        Assert.NotEqual(keep, giveUp);
        var text = notice["text"]!.GetValue<string>();
        Assert.Contains($"<{keep}|Keep my seat>", text, StringComparison.Ordinal);
        Assert.Contains($"<{giveUp}|Give up my seat>", text, StringComparison.Ordinal);
        Assert.Contains("monday.com member seat", text, StringComparison.Ordinal);
        Assert.Contains($"reclaimed on {sentAt.AddDays(7):yyyy-MM-dd}", text, StringComparison.Ordinal);
        var candidate = notice["candidate"]!;
        Assert.Equal((id, "monday", "member", "jane@example.com", "Jane Doe", 12m, "EUR"), (
            candidate["id"]!.GetValue<long>(), candidate["app"]!.GetValue<string>(), candidate["seatType"]!.GetValue<string>(),
            candidate["email"]!.GetValue<string>(), candidate["name"]!.GetValue<string>(), candidate["monthlySaving"]!.GetValue<decimal>(),
            candidate["currency"]!.GetValue<string>()));

        var row = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AwaitingUser, sentAt, sentAt.AddDays(3), sentAt.AddDays(7), 0),
            (row.State, row.NoticeSentAt, row.NextReminderAt, row.AutoReclaimAt, row.Reminders));
        var sent = Assert.Single(await bed.TransitionsAsync(id));
        Assert.Equal((ReclaimActors.System, "notices", sentAt), (sent.ActorType, sent.Actor, sent.At));
        Assert.Contains("Request to forego sent", sent.Note, StringComparison.Ordinal);

        // A second tick sends nothing more.
        await bed.TickAsync();
        Assert.Single(bed.Webhook.Bodies);

        // The app logged the notice, but never the webhook URL (a Slack/Teams secret) nor a link's token.
        var logs = bed.Logs.All;
        Assert.Contains($"Sent the request-to-forego notice of reclamation candidate {id}", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookReceiver.SecretPath, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("hookSecret", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(keep[(keep.LastIndexOf('/') + 1)..], logs, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task Reminders_GoAtThreeAndSixDays_AndSilence_ReclaimsAtSeven(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));
        var start = bed.Now;
        await bed.TickAsync();

        bed.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, (await bed.TickAsync()).Reminders);
        bed.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, (await bed.TickAsync()).Reminders);
        bed.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal(1, (await bed.TickAsync()).Reminders);
        bed.Clock.Advance(TimeSpan.FromHours(23));
        var beforeDeadline = await bed.TickAsync();
        Assert.Equal((0, 0), (beforeDeadline.Reminders, beforeDeadline.Reclaimed));
        Assert.Equal(CandidateStates.AwaitingUser, (await bed.CandidateAsync(id)).State);

        bed.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, (await bed.TickAsync()).Reclaimed);
        // Past the deadline, the links say so and change nothing.
        var (late, latePage) = await bed.PostAsync(NoticeTestBed.Action(bed.Webhook.Bodies[2], "keep"));
        Assert.Equal(System.Net.HttpStatusCode.OK, late);
        Assert.Contains("no longer waiting", latePage, StringComparison.Ordinal);

        Assert.Equal([NoticeKinds.RequestToForego, NoticeKinds.Reminder, NoticeKinds.Reminder], bed.Webhook.Bodies.Select(b => b["kind"]!.GetValue<string>()));
        Assert.StartsWith("*Reminder:", bed.Webhook.Bodies[1]["text"]!.GetValue<string>(), StringComparison.Ordinal);
        // Each reminder carries fresh links that work.
        Assert.NotEqual(NoticeTestBed.Action(bed.Webhook.Bodies[0], "keep"), NoticeTestBed.Action(bed.Webhook.Bodies[2], "keep"));
        var row = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AwaitingRevocation, 2, start.AddDays(9)), (row.State, row.Reminders, row.NextReminderAt));
        var transitions = await bed.TransitionsAsync(id);
        Assert.Equal(
            [
                (start, "notices", CandidateStates.AwaitingUser),
                (start.AddDays(3), "notices", CandidateStates.AwaitingUser),
                (start.AddDays(6), "notices", CandidateStates.AwaitingUser),
                (start.AddDays(7), "no answer in 7 days", CandidateStates.Ready),
                (start.AddDays(7), "no answer in 7 days", CandidateStates.AwaitingRevocation),
            ],
            transitions.Select(t => (t.At, t.Actor, t.ToState)));
        Assert.All(transitions, t => Assert.Equal(ReclaimActors.System, t.ActorType));
        Assert.Equal(["Reminder 1 sent.", "Reminder 2 sent."], transitions.Skip(1).Take(2).Select(t => t.Note));
    }

    [Theory, AllDatabases]
    public async Task AFailedDelivery_IsRetriedOnALaterTick_ThenDelivered(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));
        bed.Webhook.Status = 500;

        Assert.Equal(1, (await bed.TickAsync()).Failures);
        var failed = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AwaitingUser, (DateTimeOffset?)null, 1, bed.Now.AddMinutes(1)),
            (failed.State, failed.NoticeSentAt, failed.Attempts, failed.NoticeDueAt));
        Assert.Contains("HTTP 500", failed.StateReason, StringComparison.Ordinal);

        // Not yet due again: the webhook is not called.
        await bed.TickAsync();
        Assert.Equal(1, bed.Webhook.Hits);

        bed.Webhook.Status = 200;
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, (await bed.TickAsync()).Notices);
        var sent = await bed.CandidateAsync(id);
        Assert.Equal((bed.Now, 0, bed.Now.AddDays(7)), (sent.NoticeSentAt, sent.Attempts, sent.AutoReclaimAt));
        Assert.Single(bed.Webhook.Bodies);
        Assert.Equal(2, (await bed.TransitionsAsync(id)).Count);
    }

    [Theory, AllDatabases]
    public async Task FiveFailedDeliveries_NeedAttention_WithTheError(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));
        bed.Webhook.Status = 500;

        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var before = bed.Now;
            await bed.TickAsync();
            var row = await bed.CandidateAsync(id);
            if (attempt < 5)
            {
                Assert.Equal(CandidateStates.AwaitingUser, row.State);
                delays.Add(row.NoticeDueAt!.Value - before);
                bed.Clock.Advance(row.NoticeDueAt!.Value - before);
            }
        }

        Assert.Equal([TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(8)], delays);
        Assert.Equal(5, bed.Webhook.Hits);
        var attention = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AttentionRequired, "NoticeNotDelivered", (DateTimeOffset?)null), (attention.State, attention.ErrorCode, attention.NoticeSentAt));
        Assert.Contains("could not be delivered (5 attempts): The webhook answered HTTP 500", attention.StateReason, StringComparison.Ordinal);
        var last = (await bed.TransitionsAsync(id))[^1];
        Assert.Equal((CandidateStates.AwaitingUser, CandidateStates.AttentionRequired, ReclaimActors.System), (last.FromState, last.ToState, last.ActorType));
        Assert.DoesNotContain("hookSecret", bed.Logs.All, StringComparison.Ordinal);

        // Nothing more is tried.
        bed.Clock.Advance(TimeSpan.FromHours(2));
        await bed.TickAsync();
        Assert.Equal(5, bed.Webhook.Hits);
    }

    [Theory, AllDatabases]
    public async Task WithoutAPublicUrl_TheNoticeNeedsAttention_AtOnce(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider, new() { ["Reclamation:PublicUrl"] = "" });
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));

        await bed.TickAsync();

        Assert.Equal(0, bed.Webhook.Hits);
        var row = await bed.CandidateAsync(id);
        Assert.Equal(CandidateStates.AttentionRequired, row.State);
        Assert.Contains("Reclamation:PublicUrl is not set", row.StateReason, StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task ARefusedConnection_CountsAsAFailure_WithoutTheUrlInTheError(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        // A port nothing listens on: the receiver's, once it is gone.
        var closed = await WebhookReceiver.StartAsync();
        var url = closed.Url;
        await closed.DisposeAsync();
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule(webhookUrl: url)));

        Assert.Equal(1, (await bed.TickAsync()).Failures);

        var row = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AwaitingUser, 1), (row.State, row.Attempts));
        Assert.Contains("could not be reached", row.StateReason, StringComparison.Ordinal);
        Assert.DoesNotContain("hookSecret", row.StateReason, StringComparison.Ordinal);
        Assert.DoesNotContain("hookSecret", bed.Logs.All, StringComparison.Ordinal);
    }

    [GeneratedRegex("^https://bridge\\.example\\.com/reclaim/answer/[A-Za-z0-9_-]+$")]
    private static partial Regex LinkPattern();

    [Theory, AllDatabases]
    public async Task Links_AreOpaqueTokensUnderThePublicUrl(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule()));

        await bed.TickAsync();

        var keep = NoticeTestBed.Action(Assert.Single(bed.Webhook.Bodies), "keep");
        Assert.Matches(LinkPattern(), keep);
        Assert.True(keep.Length > 100, keep);
        Assert.Equal(id, bed.Service<AnswerLinks>().Read(keep[(keep.LastIndexOf('/') + 1)..])!.CandidateId);
    }
}
