using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Testing;
using Polly.Timeout;
using ScimBridge.Monday;
using ScimBridge.Push;

namespace ScimBridge.Tests.Monday;

/// <summary>What the typed monday.com client is made of, in order: the proof that every request gets the pipeline.</summary>
public sealed class MondayPipelineTests
{
    [Fact]
    public void TheTypedClient_SendsThroughTheResilienceHandler_ThenReadsTheAnswer_ThenTheDryRunGate()
    {
        using var services = Services();
        var handlers = services.GetRequiredService<IHttpMessageHandlerFactory>();

        Assert.Equal([typeof(ResilienceHandler), typeof(ReadAnswerHandler), typeof(DryRunHandler)],
            Chain(handlers.CreateHandler(nameof(MondayScimClient))).Where(t => t == typeof(ResilienceHandler) || t.Assembly == typeof(MondayScimClient).Assembly));
        // Test connection goes around all of it: it must tell the real cause, not "the circuit is open".
        Assert.DoesNotContain(typeof(ResilienceHandler), Chain(handlers.CreateHandler(MondayConnectionProbe.HttpClientName)));
    }

    [Fact]
    public void ThePipeline_IsRetry_ThenBreaker_ThenPace_ThenAttemptTimeout_OnTheAppsClock()
    {
        using var services = Services();
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        services.GetRequiredService<MondayResilience>().Build(builder);

        var strategies = builder.Build().GetPipelineDescriptor().Strategies;

        Assert.Equal(4, strategies.Count);
        var retry = Assert.IsType<RetryStrategyOptions<HttpResponseMessage>>(strategies[0].Options);
        Assert.Equal((4, DelayBackoffType.Exponential, true, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(2)),
            (retry.MaxRetryAttempts, retry.BackoffType, retry.UseJitter, retry.Delay, retry.MaxDelay));
        var breaker = Assert.IsType<CircuitBreakerStrategyOptions<HttpResponseMessage>>(strategies[1].Options);
        Assert.Equal((0.4, 12, TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(45)),
            (breaker.FailureRatio, breaker.MinimumThroughput, breaker.SamplingDuration, breaker.BreakDuration));
        Assert.IsType<MondayResilience.PacedAttempt>(strategies[2].StrategyInstance);
        Assert.Equal(TimeSpan.FromSeconds(7), Assert.IsType<TimeoutStrategyOptions>(strategies[3].Options).Timeout);
        Assert.Same(services.GetRequiredService<TimeProvider>(), builder.TimeProvider);
    }

    [Fact]
    public void NoRetries_LeavesOneAttempt_ThePushRetriesItself()
    {
        using var services = Services(maxRetries: 0);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        services.GetRequiredService<MondayResilience>().Build(builder);

        var strategies = builder.Build().GetPipelineDescriptor().Strategies;

        Assert.IsType<CircuitBreakerStrategyOptions<HttpResponseMessage>>(strategies[0].Options);
        Assert.DoesNotContain(strategies, s => s.Options is RetryStrategyOptions<HttpResponseMessage>);
    }

    private static ServiceProvider Services(int maxRetries = 4)
    {
        var options = new MondayOptions
        {
            TenantUrl = "https://acme.monday.com/scim/v2/",
            ScimToken = "t",
            MaxRetries = maxRetries,
            BackoffBaseMilliseconds = 250,
            AttemptTimeoutSeconds = 7,
            CircuitBreakerFailureRatio = 0.4,
            CircuitBreakerMinimumThroughput = 12,
            CircuitBreakerBreakSeconds = 45,
        };
        var services = new ServiceCollection().AddSingleton<TimeProvider>(new FakeTimeProvider()).AddSingleton(Options.Create(options));
        services.AddMondayScimHttpClient();
        return services.BuildServiceProvider();
    }

    private static IEnumerable<Type> Chain(HttpMessageHandler handler)
    {
        for (HttpMessageHandler? h = handler; h is not null; h = (h as DelegatingHandler)?.InnerHandler)
        {
            yield return h.GetType();
        }
    }
}
