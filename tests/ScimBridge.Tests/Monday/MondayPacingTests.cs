using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScimBridge.Monday;

namespace ScimBridge.Tests.Monday;

/// <summary>The client-side pace, on a fake clock moved on in steps while each request waits: exact, and no real waiting.</summary>
public sealed class MondayPacingTests
{
    private static (Paced Pace, FakeTimeProvider Time) Pace(int perMinute, TimeSpan step)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        return (new Paced(new MondayResilience(Options.Create(new MondayOptions { RequestsPerMinute = perMinute }), time), time, step), time);
    }

    /// <summary>
    /// Takes a slot while moving the clock on by the step (a divisor of the waits where the test is exact). Off the test's
    /// synchronization context, so a wait's continuation runs inside the Advance that passes its due time and reads that time.
    /// </summary>
    private sealed class Paced(MondayResilience pace, FakeTimeProvider time, TimeSpan step)
    {
        public double PerMinute => pace.PerMinute;

        public void OnRateLimited(TimeSpan? retryAfter) => pace.OnRateLimited(retryAfter);

        public Task AcquireAsync(CancellationToken cancellationToken) => Task.Run(() =>
        {
            var slot = pace.AcquireAsync(cancellationToken);
            while (!slot.IsCompleted)
            {
                time.Advance(step);
            }
            slot.GetAwaiter().GetResult();
        }, cancellationToken);
    }

    [Fact]
    public async Task Requests_AreSpacedEvenly_NoBurst()
    {
        var (pace, time) = Pace(120, TimeSpan.FromMilliseconds(100));
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
        var (pace, time) = Pace(100, TimeSpan.FromMilliseconds(100));
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
        var (pace, time) = Pace(600, TimeSpan.FromMilliseconds(100));
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
        var (pace, _) = Pace(100, TimeSpan.FromSeconds(1));
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
