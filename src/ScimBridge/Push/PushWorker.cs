using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Monday;

namespace ScimBridge.Push;

/// <summary>
/// Pushes queued users and teams to monday.com. A feeder claims batches of due resources (leases, so several
/// instances share the queue) into a channel; <see cref="PushOptions.Concurrency"/> workers push them one resource
/// at a time, and their outcomes are recorded in batches (<see cref="PushCompletions"/>). A heartbeat renews the
/// leases. Nothing here keeps state that a crash could lose: the database does.
/// </summary>
public sealed partial class PushWorker(
    IServiceScopeFactory scopes,
    PushStore store,
    Quarantine quarantine,
    PushSignal signal,
    IOptions<PushOptions> options,
    IOptions<MondayOptions> monday,
    Operations.BridgeMetrics metrics,
    StoreHealth storeHealth,
    Operations.ForegroundActivity foreground,
    TimeProvider time,
    ILogger<PushWorker> logger,
    Operations.Tracing? tracing = null) : BackgroundService
{
    private readonly PushOptions _options = options.Value;
    private readonly PushSignal _taken = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly PushCompletions _completions = new(store, options.Value.BatchSize);
    private int _queued;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            LogDisabled(logger);
            return;
        }
        if (string.IsNullOrWhiteSpace(monday.Value.TenantUrl))
        {
            LogNoTarget(logger);
            // A target saved later on the Connection page starts the push without a restart.
            while (string.IsNullOrWhiteSpace(monday.Value.TenantUrl))
            {
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
        await Task.Yield();
        await UntilDoneAsync(store.ReleaseLeasesAsync, stoppingToken);
        LogStarted(logger, _options.InstanceId, _options.Concurrency);

        var channel = Channel.CreateBounded<Queued>(new BoundedChannelOptions(_options.BatchSize) { SingleWriter = true });
        var workers = Enumerable.Range(0, _options.Concurrency).Select(i => WorkAsync(i, channel.Reader, stoppingToken)).ToList();
        var completions = _completions.RunAsync(stoppingToken);
        var heartbeat = HeartbeatAsync(stoppingToken);
        try
        {
            await FeedAsync(channel.Writer, stoppingToken);
        }
        finally
        {
            channel.Writer.TryComplete();
            await Task.WhenAll(workers);
            _completions.Complete();
            await completions;
            await heartbeat;
            // Give back what was claimed but not pushed, so another instance need not wait for the leases to expire.
            try
            {
                await store.ReleaseLeasesAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReleaseFailed(logger, e);
            }
        }
    }

    private async Task FeedAsync(ChannelWriter<Queued> writer, CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(_options.IdlePollMilliseconds);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await quarantine.CheckAsync(ProbeAsync, stoppingToken))
                {
                    await signal.WaitAsync(idle, stoppingToken);
                    continue;
                }

                var room = _options.BatchSize - Volatile.Read(ref _queued);
                var claimed = room > 0 ? await store.ClaimAsync(room, stoppingToken) : [];
                failures = 0;
                claimed.ForEach(resource => _inFlight[resource.ResourceId] = 0);
                var snapshots = await PreloadAsync(claimed, stoppingToken);
                long? readAt = snapshots is null ? null : Stopwatch.GetTimestamp();
                for (var i = 0; i < claimed.Count; i++)
                {
                    Interlocked.Increment(ref _queued);
                    await writer.WriteAsync(new Queued(claimed[i], snapshots?[i], readAt), stoppingToken);
                }
                if (claimed.Count < room)
                {
                    // Nothing more is due: wait for a new change (or the poll, for retries coming due).
                    await signal.WaitAsync(idle, stoppingToken);
                }
                // Claim more once the workers have taken half of what is queued: one claim per half batch, not per push.
                while (Volatile.Read(ref _queued) > _options.BatchSize / 2 && !stoppingToken.IsCancellationRequested)
                {
                    await _taken.WaitAsync(idle, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database is away (restart, failover): nothing is lost, the queue is in it. Try again, slower each time.
                failures++;
                storeHealth.Record(e);
                LogFeedFailed(logger, e, failures);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 10)))), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The snapshots of a whole claim in a few queries; null when they could not be read (each push reads its own).</summary>
    private async Task<PushSnapshot?[]?> PreloadAsync(List<ClaimedResource> claimed, CancellationToken stoppingToken)
    {
        if (claimed.Count == 0)
        {
            return [];
        }
        try
        {
            return await store.LoadAsync(claimed, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            storeHealth.Record(e);
            LogFeedFailed(logger, e, 1);
            return null;
        }
    }

    private async Task WorkAsync(int worker, ChannelReader<Queued> reader, CancellationToken stoppingToken)
    {
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                // On shared cores every push slows the inbound requests whose callers wait; the push can wait.
                if (worker >= _options.ForegroundConcurrency && foreground.ParallelWithin(ForegroundWindow))
                {
                    await Task.Delay(ForegroundWindow / 4, time, stoppingToken);
                    continue;
                }
                if (!reader.TryRead(out var queued))
                {
                    continue;
                }

                Interlocked.Decrement(ref _queued);
                _taken.Pulse();
                var fresh = queued.ReadAt is { } readAt && Stopwatch.GetElapsedTime(readAt) < SnapshotFreshFor;
                await PushAsync(queued.Resource, queued.Snapshot, fresh, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <param name="loaded">Whether <paramref name="preloaded"/> was read with the claim (read again here when not).</param>
    private async Task PushAsync(ClaimedResource resource, PushSnapshot? preloaded, bool loaded, CancellationToken stoppingToken)
    {
        try
        {
            if (quarantine.IsActive)
            {
                await store.ReleaseAsync(resource, stoppingToken);
                return;
            }
            var started = Stopwatch.GetTimestamp();
            using var activity = tracing?.StartPush(resource.ResourceType, resource.ResourceId, await store.TraceContextsAsync(resource, stoppingToken));
            var snapshot = loaded ? preloaded : await store.LoadAsync(resource, stoppingToken);
            if (snapshot is null)
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var client = scope.ServiceProvider.GetRequiredService<MondayScimClient>();
            var pusher = scope.ServiceProvider.GetRequiredService<MondayPusher>();
            var outcome = resource.ResourceType == ResourceKinds.User
                ? await pusher.PushUserAsync(client, snapshot, stoppingToken)
                : await pusher.PushGroupAsync(client, snapshot, stoppingToken);
            activity?.SetTag("scimbridge.push.status", outcome.Status.ToString());
            if (outcome.Status == PushStatus.Quarantine)
            {
                await quarantine.EnterAsync(outcome.Error ?? "credentials refused", stoppingToken);
            }
            await _completions.FinishAsync(new PushResult(resource, snapshot, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds), stoppingToken);
            metrics.PushFinished(resource.ResourceType, outcome.Status.ToString(),
                outcome.Status == PushStatus.Pushed && snapshot.FirstPendingAt is { } first ? time.GetUtcNow() - first : null);
            foreach (var call in outcome.Calls)
            {
                metrics.OutboundCall(call.Status, TimeSpan.FromMilliseconds(call.DurationMs));
            }
            LogPushed(logger, resource.ResourceType, resource.ResourceId, outcome.Status, outcome.Calls.Count);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A bug or a database failure: the resource comes back after a backoff, or, if even that cannot be
            // written, when its lease runs out (no longer renewed). Pushes are idempotent, so pushing again is safe.
            storeHealth.Record(e);
            LogPushFailed(logger, e, resource.ResourceType, resource.ResourceId);
            try
            {
                await store.DeferAsync(resource, $"The push failed inside the bridge: {e.GetType().Name}: {e.Message}", stoppingToken);
            }
            catch (Exception deferFailed) when (deferFailed is not OperationCanceledException)
            {
                storeHealth.Record(deferFailed);
                LogPushFailed(logger, deferFailed, resource.ResourceType, resource.ResourceId);
            }
        }
        finally
        {
            _inFlight.TryRemove(resource.ResourceId, out _);
        }
    }

    /// <summary>A claimed resource waiting for a worker, with its snapshot read in the claim's batch (at <paramref name="ReadAt"/>; null when that read failed).</summary>
    private sealed record Queued(ClaimedResource Resource, PushSnapshot? Snapshot, long? ReadAt);

    // A snapshot read with its claim serves only while fresh: behind a paced or rate-limited tenant a queued push may wait
    // minutes, and it must then see what an admin did meanwhile (a hold, an approval), as a push reading its own would.
    private static readonly TimeSpan SnapshotFreshFor = TimeSpan.FromSeconds(1);

    /// <summary>Identity providers count as busy while they last sent in parallel this recently (<see cref="PushOptions.ForegroundConcurrency"/>).</summary>
    private static readonly TimeSpan ForegroundWindow = TimeSpan.FromSeconds(1);

    private async Task<MondayResult> ProbeAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MondayScimClient>().ProbeAsync(cancellationToken);
    }

    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(_options.LeaseSeconds) / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, stoppingToken);
                await store.RenewLeasesAsync([.. _inFlight.Keys], stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                storeHealth.Record(e);
                LogHeartbeatFailed(logger, e);
            }
        }
    }

    private async Task UntilDoneAsync(Func<CancellationToken, Task<int>> action, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action(stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFeedFailed(logger, e, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt)), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Push is disabled on this instance (Push:Enabled=false); accepted changes stay queued.")]
    private static partial void LogDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No monday.com target (Monday:TenantUrl) is configured: changes are accepted and stored, and stay pending until one is.")]
    private static partial void LogNoTarget(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pushing to monday.com as instance {InstanceId} with {Concurrency} workers.")]
    private static partial void LogStarted(ILogger logger, string instanceId, int concurrency);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{ResourceType} {ResourceId}: {Status} after {Calls} call(s).")]
    private static partial void LogPushed(ILogger logger, string resourceType, string resourceId, PushStatus status, int calls);

    [LoggerMessage(Level = LogLevel.Error, Message = "Pushing {ResourceType} {ResourceId} failed inside the bridge; it is retried after a backoff.")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, string resourceType, string resourceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The push queue could not be read (failure {Failures} in a row); retrying.")]
    private static partial void LogFeedFailed(ILogger logger, Exception exception, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing push leases failed.")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing push leases at shutdown failed; they expire on their own.")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
