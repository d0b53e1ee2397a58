using Microsoft.Extensions.Options;
using ScimBridge.Monday;

namespace ScimBridge.Tests.Monday;

/// <summary>The client-side pace, on a clock that jumps to each timer's due time: exact, and no real waiting.</summary>
public sealed class MondayPacingTests
{
    private static (MondayResilience Pace, JumpingTime Time) Pace(int perMinute)
    {
        var time = new JumpingTime();
        return (new MondayResilience(Options.Create(new MondayOptions { RequestsPerMinute = perMinute }), time), time);
    }

    [Fact]
    public async Task Requests_AreSpacedEvenly_NoBurst()
    {
        var (pace, time) = Pace(120);
        var start = time.GetUtcNow();
        for (var i = 0; i < 11; i++)
        {
            await pace.AcquireAsync(CancellationToken.None);
        }
        // The first goes at once, then one every half second.
        Assert.Equal(TimeSpan.FromSeconds(5), time.GetUtcNow() - start);
    }

    [Fact]
    public async Task A429_PausesForRetryAfter_AndLearnsTheLimitFromWhatWasSent()
    {
        var (pace, time) = Pace(100);
        for (var i = 0; i < 40; i++)
        {
            await pace.AcquireAsync(CancellationToken.None);
        }

        pace.OnRateLimited(TimeSpan.FromSeconds(30));
        var limited = time.GetUtcNow();
        await pace.AcquireAsync(CancellationToken.None);

        Assert.True(time.GetUtcNow() - limited >= TimeSpan.FromSeconds(30), "nothing goes before Retry-After has passed");
        Assert.Equal(40 * 0.97, pace.PerMinute, precision: 3);
    }

    [Fact]
    public async Task A429_AfterFewRequests_OnlyPauses()
    {
        var (pace, time) = Pace(600);
        await pace.AcquireAsync(CancellationToken.None);
        pace.OnRateLimited(TimeSpan.FromSeconds(2));
        var limited = time.GetUtcNow();
        await pace.AcquireAsync(CancellationToken.None);

        Assert.True(time.GetUtcNow() - limited >= TimeSpan.FromSeconds(2));
        Assert.Equal(600, pace.PerMinute, precision: 3);
    }

    [Fact]
    public async Task QuietMinutes_EarnTheRateBack_AfterTheLearnedLimitExpires()
    {
        var (pace, _) = Pace(100);
        for (var i = 0; i < 20; i++)
        {
            await pace.AcquireAsync(CancellationToken.None);
        }
        pace.OnRateLimited(TimeSpan.FromSeconds(1));
        var learned = pace.PerMinute;
        Assert.True(learned < 100);

        // Twelve quiet minutes at the learned pace: the limit is kept for ten, then the rate climbs back.
        for (var i = 0; i < learned * 12; i++)
        {
            await pace.AcquireAsync(CancellationToken.None);
        }
        Assert.True(pace.PerMinute > learned, $"pace {pace.PerMinute} should be above the learned {learned}");
    }
}
