namespace ScimBridge.Reclamation;

/// <summary>Wakes the revoker when candidates were queued in this process, so a reclaim starts at once, not at the next tick.</summary>
public sealed class ReclaimSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Pulse()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>True when signalled, false when the timeout passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
