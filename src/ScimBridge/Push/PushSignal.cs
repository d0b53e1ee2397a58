using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ScimBridge.Data;

namespace ScimBridge.Push;

/// <summary>Wakes a background worker at once when work was queued in this process, instead of at its next poll.</summary>
public abstract class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Pulse()
    {
        // Most pulses find it signalled already (a change per inbound request): skip the throw and catch below.
        if (_signal.CurrentCount > 0)
        {
            return;
        }

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

/// <summary>Wakes the push worker when a change was committed in this process, so a push starts at once.</summary>
public sealed class PushSignal : WakeSignal;

/// <summary>Pulses <see cref="PushSignal"/> after a save that committed change rows.</summary>
public sealed class ChangeCommittedInterceptor(PushSignal signal) : SaveChangesInterceptor
{
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Pulse(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Pulse(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Pulse(DbContext? context)
    {
        // Inside an explicit transaction the rows are not committed yet; those callers commit, then the poll finds them.
        if (context is not null && context.Database.CurrentTransaction is null && context.ChangeTracker.Entries<ChangeRecord>().Any())
        {
            signal.Pulse();
        }
    }
}
