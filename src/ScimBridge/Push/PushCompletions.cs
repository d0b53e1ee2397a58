using System.Threading.Channels;
using ScimBridge.Data;

namespace ScimBridge.Push;

/// <summary>
/// Records the outcomes of the worker's concurrent pushes in batches, one transaction each: what finished while one
/// batch was being written goes into the next, up to <c>maxBatch</c> (no timer, so a lone push is recorded at once).
/// Each push waits for its own batch to commit, so nothing is acknowledged that a crash could lose. A batch that
/// fails is written again one push at a time: one bad outcome fails only its own push.
/// </summary>
internal sealed class PushCompletions(PushStore store, int maxBatch)
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The log entry of the push once its batch committed; null when the lease had been lost.</summary>
    public async Task<LogEntryRecord?> FinishAsync(PushResult result, CancellationToken cancellationToken)
    {
        var pending = new Pending(result);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new OperationCanceledException("The push worker is stopping.");
        }
        return await pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>No more outcomes come: <see cref="RunAsync"/> writes what is queued and returns.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(maxBatch);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < maxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            await WriteAsync(batch, stoppingToken);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken stoppingToken)
    {
        try
        {
            var entries = await store.FinishAsync([.. batch.Select(p => p.Result)], stoppingToken);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(entries[i]);
            }
            return;
        }
        catch (Exception e) when (batch.Count == 1 || stoppingToken.IsCancellationRequested || StoreFailures.IsUnavailable(e))
        {
            // The database is away: one at a time would only wait for it once per push. Each push defers on its own.
            batch.ForEach(p => p.Done.TrySetException(e));
            return;
        }
        catch (Exception)
        {
            // Rolled back as a whole: find out which push it was, and record the others.
        }
        foreach (var pending in batch)
        {
            try
            {
                pending.Done.TrySetResult((await store.FinishAsync([pending.Result], stoppingToken))[0]);
            }
            catch (Exception e)
            {
                pending.Done.TrySetException(e);
            }
        }
    }

    private sealed record Pending(PushResult Result)
    {
        public TaskCompletionSource<LogEntryRecord?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
