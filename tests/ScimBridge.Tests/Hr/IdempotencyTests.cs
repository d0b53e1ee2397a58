using ScimBridge.Auth;
using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary>Client request ids on /hr/v1: replay without a second effect, reuse refused, races settled by the primary key.</summary>
public sealed class IdempotencyTests
{
    [Theory, AllDatabases]
    public async Task SameKeySameRequest_ReplaysTheAnswer_WithoutASecondEvent(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "e1@example.com", employeeNumber: "E1");
        await HrApiKit.WorkerAsync(app, "e2@example.com", employeeNumber: "E2");
        var hr = await app.HrAsync();
        var body = HrApiKit.Terminate("employeeNumber", "E1", "2027-03-31", "America/Los_Angeles", "Resigned");

        var first = await hr.PostHrAsync("/hr/v1/terminations", body, key: "wd-4711");
        var second = await hr.PostHrAsync("/hr/v1/terminations", body, key: "wd-4711");

        first.AssertStatus(HttpStatusCode.Created);
        second.AssertStatus(HttpStatusCode.Created);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.False(first.Headers.Contains(Idempotency.ReplayedHeader));
        Assert.Equal("true", second.Headers.GetValues(Idempotency.ReplayedHeader).Single());
        Assert.Equal("wd-4711", first.Object["clientRequestId"]!.GetValue<string>());
        var events = await HrApiKit.EventsAsync(app);
        Assert.Equal("wd-4711", Assert.Single(events).ClientRequestId);
        var stored = Assert.Single(await app.DbAsync(db => db.HrRequests.AsNoTracking().ToListAsync()));
        Assert.EndsWith("\nwd-4711", stored.Key);
        Assert.Equal(201, stored.Status);
        Assert.Equal(Idempotency.Hash("POST", "/hr/v1/terminations", System.Text.Encoding.UTF8.GetBytes(body)), stored.RequestHash);

        // Microsoft Graph's header is the same id.
        var graph = await hr.PostHrAsync("/hr/v1/terminations", body, key: "wd-4711", keyHeader: Idempotency.GraphHeader);
        Assert.Equal(first.Body, graph.Body);
        Assert.Equal("true", graph.Headers.GetValues(Idempotency.ReplayedHeader).Single());

        // The same id with another body, or on another path, is refused; nothing more is recorded.
        var other = HrApiKit.Terminate("employeeNumber", "E2");
        var reused = (await hr.PostHrAsync("/hr/v1/terminations", other, key: "wd-4711")).AssertProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("wd-4711", reused["detail"]!.GetValue<string>());
        (await hr.PostHrAsync("/hr/v1/moves", body, key: "wd-4711")).AssertProblem(HttpStatusCode.UnprocessableEntity);
        Assert.Single(await HrApiKit.EventsAsync(app));

        // Another token's id is its own.
        var otherToken = await app.WithScopeAsync(s => s.GetRequiredService<TokenService>().CreateAsync("successfactors", TokenScopes.Hr, CancellationToken.None));
        using var sf = app.CreateScimClient(otherToken.Token);
        var theirs = await sf.PostHrAsync("/hr/v1/terminations", other, key: "wd-4711");
        theirs.AssertStatus(HttpStatusCode.Created);
        Assert.Equal("successfactors", theirs.Object["actor"]!.GetValue<string>());
        Assert.Equal(2, (await HrApiKit.EventsAsync(app)).Count);
    }

    [Theory, AllDatabases]
    public async Task ARefusedRequest_ReleasesItsKey_ForARetryOnceFixed(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        var hr = await app.HrAsync();
        var body = HrApiKit.Terminate("employeeNumber", "LATE");

        (await hr.PostHrAsync("/hr/v1/terminations", body, key: "retry-1")).AssertProblem(HttpStatusCode.NotFound);
        Assert.Empty(await app.DbAsync(db => db.HrRequests.ToListAsync()));

        await HrApiKit.WorkerAsync(app, "late@example.com", employeeNumber: "LATE");
        var retried = await hr.PostHrAsync("/hr/v1/terminations", body, key: "retry-1");
        retried.AssertStatus(HttpStatusCode.Created);
        Assert.False(retried.Headers.Contains(Idempotency.ReplayedHeader));
        Assert.Single(await HrApiKit.EventsAsync(app));
    }

    [Theory, AllDatabases]
    public async Task IdenticalRequestsRacing_MakeOneEvent(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "race@example.com", employeeNumber: "R1");
        var hr = await app.HrAsync();
        var body = HrApiKit.Terminate("employeeNumber", "R1", "2027-10-01");

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => hr.PostHrAsync("/hr/v1/terminations", body, key: "race-1")));

        var created = answers.Where(a => a.Status == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)a.Status}: {a.Body}"));
        Assert.Single(created.Select(c => c.Body).Distinct());
        Assert.Single(created, c => !c.Headers.Contains(Idempotency.ReplayedHeader));
        var only = Assert.Single(await HrApiKit.EventsAsync(app));
        Assert.Equal(HrEventStates.Scheduled, only.State);
    }

    [Theory, AllDatabases]
    public async Task OldKeys_ArePrunedOnWrite_AndCanBeUsedAgain(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, HrApiKit.Settings());
        await HrApiKit.WorkerAsync(app, "e1@example.com", employeeNumber: "E1");
        var hr = await app.HrAsync();
        var whoami = await app.DbAsync(db => db.ScimTokens.Where(t => t.Scope == TokenScopes.Hr).Select(t => t.Name).SingleAsync());
        await app.DbAsync(async db =>
        {
            // Answered 73 hours ago (retention 72): forgotten.
            db.HrRequests.Add(new HrRequestRecord
            {
                Key = $"{whoami}\nold-1",
                RequestHash = "not-this-request",
                Status = 201,
                Response = """{"location":null,"body":"{}"}""",
                CreatedAt = DateTimeOffset.UtcNow.AddHours(-73),
            });
            db.HrRequests.Add(new HrRequestRecord
            {
                Key = $"{whoami}\nrecent-1",
                RequestHash = "another-request",
                Status = 201,
                Response = """{"location":null,"body":"{}"}""",
                CreatedAt = DateTimeOffset.UtcNow.AddHours(-71),
            });
            return await db.SaveChangesAsync();
        });

        var reused = await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "E1"), key: "old-1");

        reused.AssertStatus(HttpStatusCode.Created);
        var keys = await app.DbAsync(db => db.HrRequests.Select(r => r.Key).ToListAsync());
        Assert.Equal([$"{whoami}\nold-1", $"{whoami}\nrecent-1"], keys.Order());
        Assert.Equal(201, await app.DbAsync(db => db.HrRequests.Where(r => r.Key == $"{whoami}\nold-1").Select(r => r.Status).SingleAsync()));
        (await hr.PostHrAsync("/hr/v1/terminations", HrApiKit.Terminate("employeeNumber", "E1"), key: "recent-1"))
            .AssertProblem(HttpStatusCode.UnprocessableEntity);
    }
}
