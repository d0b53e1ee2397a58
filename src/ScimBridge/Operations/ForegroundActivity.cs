namespace ScimBridge.Operations;

/// <summary>
/// When identity providers last sent SCIM requests: background work yields while they are busy, so provisioning keeps
/// its pace (the subscription mirror during a large download, the push during a burst).
/// </summary>
public sealed class ForegroundActivity(TimeProvider time)
{
    private long _lastTicks = long.MinValue;
    private long _lastParallelTicks = long.MinValue;
    private int _inFlight;

    /// <summary>Whether a SCIM request arrived within <paramref name="window"/>.</summary>
    public bool BusyWithin(TimeSpan window) => Within(ref _lastTicks, window);

    /// <summary>
    /// Whether two or more SCIM requests were being answered at once within <paramref name="window"/>: a client
    /// sending in parallel, whose requests compete for the cores, unlike one that sends a request at a time.
    /// </summary>
    public bool ParallelWithin(TimeSpan window) => Within(ref _lastParallelTicks, window);

    public void Started()
    {
        var now = time.GetTimestamp();
        Volatile.Write(ref _lastTicks, now);
        if (Interlocked.Increment(ref _inFlight) >= 2)
        {
            Volatile.Write(ref _lastParallelTicks, now);
        }
    }

    public void Finished() => Interlocked.Decrement(ref _inFlight);

    private bool Within(ref long ticks, TimeSpan window)
    {
        var last = Volatile.Read(ref ticks);
        return last != long.MinValue && time.GetElapsedTime(last) < window;
    }
}

/// <summary>Marks each SCIM request in <see cref="ForegroundActivity"/>.</summary>
public sealed class ForegroundActivityFilter(ForegroundActivity activity) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        activity.Started();
        try
        {
            return await next(context);
        }
        finally
        {
            activity.Finished();
        }
    }
}
