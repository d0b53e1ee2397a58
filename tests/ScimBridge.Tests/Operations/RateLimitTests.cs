using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using ScimBridge.Auth;
using ScimBridge.Operations;

namespace ScimBridge.Tests.Operations;

public sealed class RateLimitTests
{
    private static readonly Dictionary<string, string?> OnePerSecondBurstTwo = new()
    {
        ["Scim:RateLimit:RequestsPerSecond"] = "1",
        ["Scim:RateLimit:Burst"] = "2",
    };

    [Theory, AllDatabases]
    public async Task ThreeRequestsAtOnce_FromOneTokenWithBurstTwo_OneIs429WithRetryAfter_WhileAnotherTokenIsServed(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, OnePerSecondBurstTwo);
        var other = await app.WithScopeAsync(s => s.GetRequiredService<TokenService>().CreateAsync("other-client", CancellationToken.None));
        using var otherClient = app.CreateScimClient(other.Token);

        // At once, so the bucket (2, refilled at 1/s) cannot refill in between however slow the machine is.
        var names = new[] { "a@example.com", "b@example.com", "c@example.com" };
        var responses = await Task.WhenAll(names.Select(n => app.PostAsync("/scim/v2/Users", Bodies.User(n))));
        using var fromOther = await otherClient.GetAsync("/scim/v2/Users");

        Assert.Equal(2, responses.Count(r => r.Status == HttpStatusCode.Created));
        var refused = Assert.Single(responses, r => r.Status != HttpStatusCode.Created);
        refused.AssertScimError(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 2);
        Assert.Equal(HttpStatusCode.OK, fromOther.StatusCode);
        var created = names.Where((_, i) => responses[i].Status == HttpStatusCode.Created).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(created, await app.DbAsync(db => Task.FromResult(db.Users.Select(u => u.UserName).OrderBy(n => n).ToList())));
    }

    [Theory, AllDatabases]
    public async Task ThrottledToken_IsServedAgain_OnceTheBucketRefills(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await ScimApp.StartAsync(provider, OnePerSecondBurstTwo, services: s => s.AddSingleton<TimeProvider>(clock));
        var burst = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.GetAsync("/scim/v2/Users")));
        Assert.Contains(burst, r => r.Status == HttpStatusCode.TooManyRequests);
        (await app.GetAsync("/ServiceProviderConfig")).AssertScimError(HttpStatusCode.TooManyRequests);

        clock.Advance(TimeSpan.FromSeconds(1));

        (await app.GetAsync("/ServiceProviderConfig")).AssertStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bucket_SpendsTheBurst_RefillsWithElapsedTime_UpToTheBurst_AndSaysHowLongToWait()
    {
        var clock = new FakeTimeProvider();
        using var bucket = new TokenBucket(clock, burst: 3, perSecond: 4);

        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => Take(bucket)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), RetryAfter(bucket));
        using (var queued = await bucket.AcquireAsync())
        {
            Assert.False(queued.IsAcquired, "nothing queues: a request without a token is refused at once");
        }
        Assert.Null(bucket.IdleDuration);

        clock.Advance(TimeSpan.FromMilliseconds(125));
        Assert.Equal(TimeSpan.FromMilliseconds(125), RetryAfter(bucket));
        clock.Advance(TimeSpan.FromMilliseconds(125));
        Assert.Equal([true, false], Enumerable.Range(0, 2).Select(_ => Take(bucket)));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromSeconds(60 - 0.75), bucket.IdleDuration);
        Assert.Equal([true, true, true, false], Enumerable.Range(0, 4).Select(_ => Take(bucket)));
    }

    private static bool Take(TokenBucket bucket)
    {
        using var lease = bucket.AttemptAcquire();
        return lease.IsAcquired;
    }

    private static TimeSpan? RetryAfter(TokenBucket bucket)
    {
        using var lease = bucket.AttemptAcquire();
        Assert.False(lease.IsAcquired);
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
    }

    [Theory, AllDatabases]
    public async Task ZeroRequestsPerSecond_DisablesTheLimit(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Scim:RateLimit:RequestsPerSecond"] = "0", ["Scim:RateLimit:Burst"] = "1" });

        for (var i = 0; i < 20; i++)
        {
            (await app.GetAsync("/scim/v2/Users?count=1")).AssertStatus(HttpStatusCode.OK);
        }
    }

    [Theory, AllDatabases]
    public async Task Unauthenticated_Requests_Get401_AndSpendNoTokens(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, OnePerSecondBurstTwo);
        using var anonymous = app.CreateScimClient("scb_wrong_wrong");
        for (var i = 0; i < 5; i++)
        {
            using var refused = await anonymous.GetAsync("/scim/v2/Users");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        (await app.GetAsync("/scim/v2/Users")).AssertStatus(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Scim:RateLimit:RequestsPerSecond", "-1")]
    [InlineData("Scim:RateLimit:Burst", "0")]
    public async Task BadSetting_StopsStartup_NamingTheKey(string key, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new() { [key] = value });
        });

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }
}
