namespace ScimBridge.Operations;

/// <summary>
/// When an identity provider last sent a SCIM request: background work (the subscription mirror) yields while one
/// is busy, so provisioning keeps its pace during a large download.
/// </summary>
public sealed class ForegroundActivity(TimeProvider time)
{
    private long _lastTicks = long.MinValue;

    public void Touch() => Volatile.Write(ref _lastTicks, time.GetTimestamp());

    /// <summary>Whether a SCIM request arrived within <paramref name="window"/>.</summary>
    public bool BusyWithin(TimeSpan window)
    {
        var last = Volatile.Read(ref _lastTicks);
        return last != long.MinValue && time.GetElapsedTime(last) < window;
    }
}

/// <summary>Marks each SCIM request in <see cref="ForegroundActivity"/>.</summary>
public sealed class ForegroundActivityFilter(ForegroundActivity activity) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        activity.Touch();
        return next(context);
    }
}
