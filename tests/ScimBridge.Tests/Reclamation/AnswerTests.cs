using ScimBridge.Reclamation;

namespace ScimBridge.Tests.Reclamation;

public sealed class AnswerTests
{
    private static async Task<(long Id, JsonObject Notice)> NoticedAsync(NoticeTestBed bed, string keepApproval = KeepApprovals.None, string? userId = null)
    {
        var id = await bed.SeedCandidateAsync(await bed.RuleAsync(bed.Rule(keepApproval)), userId: userId);
        await bed.TickAsync();
        return (id, bed.Webhook.Bodies.Single(b => b["candidate"]!["id"]!.GetValue<long>() == id));
    }

    [Theory, AllDatabases]
    public async Task OpeningALink_ChangesNothing_ItsButtonKeepsTheSeat_WithTheCooldown(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var (id, notice) = await NoticedAsync(bed);
        var keep = NoticeTestBed.Action(notice, "keep");
        var before = await bed.CandidateAsync(id);
        var transitions = (await bed.TransitionsAsync(id)).Count;

        // An unfurler or a mail scanner opens both links.
        var (status, page, response) = await bed.GetAsync(keep);
        await bed.GetAsync(NoticeTestBed.Action(notice, "giveUp"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<form method=\"post\">", page, StringComparison.Ordinal);
        Assert.Contains("Keep my seat</button>", page, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(page, "<button"));
        Assert.Contains("/admin/console.css", page, StringComparison.Ordinal);
        Assert.Equal(ScimBridge.Admin.ConsoleSecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        var after = await bed.CandidateAsync(id);
        Assert.Equal((before.State, before.Answer, before.UpdatedAt), (after.State, after.Answer, after.UpdatedAt));
        Assert.Equal(transitions, (await bed.TransitionsAsync(id)).Count);

        bed.Clock.Advance(TimeSpan.FromHours(5));
        var (posted, outcome) = await bed.PostAsync(keep);

        Assert.Equal(HttpStatusCode.OK, posted);
        Assert.Contains("Seat kept", outcome, StringComparison.Ordinal);
        var kept = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.ClosedSkipped, AnswerKinds.Keep, bed.Now, bed.Now.AddDays(90), bed.Now),
            (kept.State, kept.Answer, kept.AnsweredAt, kept.CooldownUntil, kept.ClosedAt));
        var last = (await bed.TransitionsAsync(id))[^1];
        Assert.Equal((CandidateStates.AwaitingUser, CandidateStates.ClosedSkipped, ReclaimActors.User, "jane@example.com", bed.Now),
            (last.FromState, last.ToState, last.ActorType, last.Actor, last.At));
        Assert.StartsWith("Kept by the user", last.Note, StringComparison.Ordinal);

        // A second answer, with either link: nothing changes.
        var count = (await bed.TransitionsAsync(id)).Count;
        foreach (var link in new[] { keep, NoticeTestBed.Action(notice, "giveUp") })
        {
            var (again, said) = await bed.PostAsync(link);
            Assert.Equal(HttpStatusCode.OK, again);
            Assert.Contains("already answered", said, StringComparison.Ordinal);
            Assert.DoesNotContain("<button", said, StringComparison.Ordinal);
        }
        Assert.Equal(count, (await bed.TransitionsAsync(id)).Count);
        Assert.Equal(CandidateStates.ClosedSkipped, (await bed.CandidateAsync(id)).State);

        // The closed candidate gets no reminder.
        bed.Clock.Advance(TimeSpan.FromDays(8));
        await bed.TickAsync();
        Assert.Single(bed.Webhook.Bodies);
    }

    [Theory, AllDatabases]
    public async Task GivingUp_QueuesTheReclaim_AsTheUser(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var (id, notice) = await NoticedAsync(bed);

        var (status, page) = await bed.PostAsync(NoticeTestBed.Action(notice, "giveUp"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Seat given up", page, StringComparison.Ordinal);
        var row = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AwaitingRevocation, AnswerKinds.GiveUp, bed.Now), (row.State, row.Answer, row.AnsweredAt));
        var last = (await bed.TransitionsAsync(id))[^1];
        Assert.Equal((CandidateStates.AwaitingRevocation, ReclaimActors.User, "jane@example.com"), (last.ToState, last.ActorType, last.Actor));

        var (keepStatus, keepPage) = await bed.PostAsync(NoticeTestBed.Action(notice, "keep"));
        Assert.Equal(HttpStatusCode.OK, keepStatus);
        Assert.Contains("already answered", keepPage, StringComparison.Ordinal);
        Assert.Equal(CandidateStates.AwaitingRevocation, (await bed.CandidateAsync(id)).State);
    }

    [Theory, AllDatabases]
    public async Task AKeep_WithManagerApproval_AsksTheManager_WhoApproves(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var manager = await bed.UserAsync("boss@example.com");
        var user = await bed.UserAsync("jane@example.com", manager);
        var (id, notice) = await NoticedAsync(bed, KeepApprovals.Manager, user);

        var (_, asked) = await bed.PostAsync(NoticeTestBed.Action(notice, "keep"));

        Assert.Contains("your manager is asked", asked, StringComparison.Ordinal);
        var waiting = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AwaitingApproval, KeepApprovals.Manager, manager, AnswerKinds.Keep, (DateTimeOffset?)null),
            (waiting.State, waiting.ApproverKind, waiting.ApproverUserId, waiting.Answer, waiting.HeldAt));

        var tick = await bed.TickAsync();
        Assert.Equal(1, tick.ApprovalNotices);
        var approval = bed.Webhook.Bodies[^1];
        Assert.Equal(NoticeKinds.ApprovalRequest, approval["kind"]!.GetValue<string>());
        Assert.Equal(("boss@example.com", "boss@example.com"), (approval["approver"]!["userName"]!.GetValue<string>(), approval["approver"]!["email"]!.GetValue<string>()));
        var approve = NoticeTestBed.Action(approval, "approveKeep");
        var reclaim = NoticeTestBed.Action(approval, "reclaim");
        Assert.Contains($"<{approve}|Approve the keep>", approval["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"<{reclaim}|Reclaim the seat>", approval["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(bed.Now, (await bed.CandidateAsync(id)).ApprovalNoticeSentAt);
        // Sent once.
        Assert.Equal(0, (await bed.TickAsync()).ApprovalNotices);

        var (shown, page, _) = await bed.GetAsync(approve);
        Assert.Equal(HttpStatusCode.OK, shown);
        Assert.Contains("Approve the keep</button>", page, StringComparison.Ordinal);
        Assert.Equal(CandidateStates.AwaitingApproval, (await bed.CandidateAsync(id)).State);

        var (status, approved) = await bed.PostAsync(approve);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Keep approved", approved, StringComparison.Ordinal);
        var closed = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.ClosedSkipped, bed.Now.AddDays(90)), (closed.State, closed.CooldownUntil));
        var last = (await bed.TransitionsAsync(id))[^1];
        Assert.Equal((CandidateStates.AwaitingApproval, CandidateStates.ClosedSkipped, ReclaimActors.Manager, "boss@example.com"),
            (last.FromState, last.ToState, last.ActorType, last.Actor));

        var (_, late) = await bed.PostAsync(reclaim);
        Assert.Contains("already decided", late, StringComparison.Ordinal);
        Assert.Equal(CandidateStates.ClosedSkipped, (await bed.CandidateAsync(id)).State);
    }

    [Theory, AllDatabases]
    public async Task AKeep_WithManagerApproval_CanBeReclaimedByTheManager(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var manager = await bed.UserAsync("boss@example.com");
        var user = await bed.UserAsync("jane@example.com", manager);
        var (id, notice) = await NoticedAsync(bed, KeepApprovals.Manager, user);
        await bed.PostAsync(NoticeTestBed.Action(notice, "keep"));
        await bed.TickAsync();
        var approval = bed.Webhook.Bodies[^1];

        var (status, page) = await bed.PostAsync(NoticeTestBed.Action(approval, "reclaim"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Seat reclaimed", page, StringComparison.Ordinal);
        Assert.Equal(CandidateStates.AwaitingRevocation, (await bed.CandidateAsync(id)).State);
        var last = (await bed.TransitionsAsync(id))[^1];
        Assert.Equal((CandidateStates.AwaitingRevocation, ReclaimActors.Manager, "boss@example.com"), (last.ToState, last.ActorType, last.Actor));
    }

    [Theory, AllDatabases]
    public async Task AKeep_WithAdminsApproval_WaitsForTheAdmins_WhoApproveIt(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var (id, notice) = await NoticedAsync(bed, KeepApprovals.Admins);

        var (_, page) = await bed.PostAsync(NoticeTestBed.Action(notice, "keep"));

        Assert.Contains("administrators are asked", page, StringComparison.Ordinal);
        var waiting = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AwaitingApproval, KeepApprovals.Admins), (waiting.State, waiting.ApproverKind));
        Assert.Equal(0, (await bed.TickAsync()).ApprovalNotices);

        var result = Assert.Single(await bed.Service<ReclaimWorkflow>().ApproveAsync([id], ReclaimActor.Admin("alice"), CancellationToken.None));

        Assert.True(result.Done, result.Error);
        var closed = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.ClosedSkipped, bed.Now.AddDays(90)), (closed.State, closed.CooldownUntil));
        Assert.Equal(
            [(ReclaimActors.System, "notices"), (ReclaimActors.User, "jane@example.com"), (ReclaimActors.Admin, "alice")],
            (await bed.TransitionsAsync(id)).Select(t => (t.ActorType, t.Actor)));
    }

    [Theory, AllDatabases]
    public async Task AKeep_WithManagerApproval_ButNoManager_GoesToTheAdmins(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var user = await bed.UserAsync("jane@example.com");
        var (id, notice) = await NoticedAsync(bed, KeepApprovals.Manager, user);

        await bed.PostAsync(NoticeTestBed.Action(notice, "keep"));

        var waiting = await bed.CandidateAsync(id);
        Assert.Equal((CandidateStates.AwaitingApproval, KeepApprovals.Admins, (string?)null), (waiting.State, waiting.ApproverKind, waiting.ApproverUserId));
        Assert.Contains("no known manager", waiting.StateReason, StringComparison.Ordinal);
        Assert.Equal(0, (await bed.TickAsync()).ApprovalNotices);
    }

    [Theory, AllDatabases]
    public async Task TamperedExpiredOrMisaddressedLinks_Are400_AndChangeNothing(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var manager = await bed.UserAsync("boss@example.com");
        var user = await bed.UserAsync("jane@example.com", manager);
        var (id, notice) = await NoticedAsync(bed, KeepApprovals.Manager, user);
        var keep = NoticeTestBed.Action(notice, "keep");
        var links = bed.Service<AnswerLinks>();
        var token = keep[(keep.LastIndexOf('/') + 1)..];
        var middle = token.Length / 2;
        var tampered = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];

        var bad = new[]
        {
            NoticeTestBed.PublicUrl + AnswerLinks.Path + "/" + tampered,
            NoticeTestBed.PublicUrl + AnswerLinks.Path + "/not-a-token",
            // A manager's answer on the user's audience, and the other way round.
            links.Url(links.Token(id, AnswerKinds.ApproveKeep, AnswerAudiences.User, manager))!,
            links.Url(links.Token(id, AnswerKinds.Keep, AnswerAudiences.Manager, manager))!,
            // A candidate that does not exist.
            links.Url(links.Token(id + 1000, AnswerKinds.Keep, AnswerAudiences.User))!,
        };
        foreach (var link in bad)
        {
            await AssertInvalidAsync(bed, link);
        }

        // A manager's link before the user asked to keep, or for another manager: nothing to decide.
        var early = await bed.PostAsync(links.Url(links.Token(id, AnswerKinds.Reclaim, AnswerAudiences.Manager, manager))!);
        Assert.Equal(HttpStatusCode.OK, early.Status);
        Assert.Contains("no longer waiting", early.Body, StringComparison.Ordinal);
        await bed.PostAsync(keep);
        var other = await bed.PostAsync(links.Url(links.Token(id, AnswerKinds.Reclaim, AnswerAudiences.Manager, user))!);
        Assert.Contains("no longer waiting", other.Body, StringComparison.Ordinal);
        Assert.Equal(CandidateStates.AwaitingApproval, (await bed.CandidateAsync(id)).State);

        // Past Reclamation:LinkValidityDays (30).
        await bed.TickAsync();
        var approve = NoticeTestBed.Action(bed.Webhook.Bodies[^1], "approveKeep");
        bed.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        await AssertInvalidAsync(bed, approve);
        Assert.Equal(CandidateStates.AwaitingApproval, (await bed.CandidateAsync(id)).State);
    }

    private static async Task AssertInvalidAsync(NoticeTestBed bed, string link)
    {
        var transitions = await bed.App.DbAsync(db => db.ReclaimTransitions.CountAsync());
        var (getStatus, getPage, _) = await bed.GetAsync(link);
        var (postStatus, postPage) = await bed.PostAsync(link);
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (getStatus, postStatus));
        foreach (var page in new[] { getPage, postPage })
        {
            Assert.Contains("This link is invalid or has expired", page, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", page, StringComparison.Ordinal);
            Assert.DoesNotContain("<button", page, StringComparison.Ordinal);
        }
        Assert.Equal(transitions, await bed.App.DbAsync(db => db.ReclaimTransitions.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task ThePost_NeedsNoAntiforgeryToken_EvenWithAConsoleSession(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var (id, notice) = await NoticedAsync(bed);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(NoticeTestBed.PathOf(NoticeTestBed.Action(notice, "keep")), UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([]),
        };
        request.Headers.Add("Cookie", "scimbridge-csrf=stale; .AspNetCore.Antiforgery.x=stale");

        using var response = await bed.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CandidateStates.ClosedSkipped, (await bed.CandidateAsync(id)).State);
    }

    [Theory, AllDatabases]
    public async Task TheLinks_AreThrottledPerAddress(DatabaseProvider provider)
    {
        await using var bed = await NoticeTestBed.StartAsync(provider);
        var link = NoticeTestBed.PublicUrl + AnswerLinks.Path + "/not-a-token";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++)
        {
            statuses.Add((await bed.GetAsync(link)).Status);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 30), HttpStatusCode.TooManyRequests], statuses);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
