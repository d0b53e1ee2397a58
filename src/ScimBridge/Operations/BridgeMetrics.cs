using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;

namespace ScimBridge.Operations;

/// <summary>
/// The bridge's own instruments, on one <see cref="Meter"/> named <see cref="MeterName"/>. Inbound requests are
/// measured by ASP.NET Core itself (<c>http.server.request.duration</c>); this covers the push and the queue.
/// </summary>
public sealed class BridgeMetrics
{
    public const string MeterName = "ScimBridge";

    /// <summary>Push latency buckets (seconds): a push normally lands in seconds, a backlog or an outage in hours.</summary>
    private static readonly double[] LatencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 21600, 86400];

    private readonly Counter<long> _pushOutcomes;
    private readonly Counter<long> _pushFailures;
    private readonly Histogram<double> _pushLatency;
    private readonly Counter<long> _outboundCalls;
    private readonly Histogram<double> _outboundDuration;
    private readonly QueueGauge _queue;

    public BridgeMetrics(IMeterFactory meters, IServiceScopeFactory scopes, TimeProvider time)
    {
        Meter = meters.Create(MeterName);
        _queue = new QueueGauge(scopes, time);
        _pushOutcomes = Meter.CreateCounter<long>("scimbridge.push.outcomes", "{push}",
            "Finished pushes of one resource, by resource type and outcome (Pushed, Skipped, Failed, Retry, Quarantine, Wait).");
        _pushFailures = Meter.CreateCounter<long>("scimbridge.push.failures", "{push}",
            "Pushes that did not reach monday.com (Failed, Retry, Quarantine), by resource type and outcome.");
        _pushLatency = Meter.CreateHistogram<double>("scimbridge.push.latency", "s",
            "From the inbound change being accepted to monday.com holding it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _outboundCalls = Meter.CreateCounter<long>("scimbridge.monday.calls", "{call}",
            "HTTP attempts to monday.com by status code (0: no response: timeout or dropped connection).");
        _outboundDuration = Meter.CreateHistogram<double>("scimbridge.monday.call.duration", "s", "Duration of one HTTP attempt to monday.com.");
        Meter.CreateObservableGauge("scimbridge.queue.depth", () => _queue.Observe(q => q.Depth), "{resource}",
            "Users and groups waiting to be pushed (refreshed from the database at most every 15 s).");
        Meter.CreateObservableGauge("scimbridge.queue.oldest_age", () => _queue.Observe(q => q.OldestAgeSeconds), "s",
            "Age of the oldest change still pending (0 when none; refreshed at most every 15 s).");
    }

    public Meter Meter { get; }

    /// <summary>
    /// One resource's push finished with <paramref name="status"/> (a <c>PushStatus</c> name). Give
    /// <paramref name="acceptToPush"/> (now minus the oldest change it carried) when the status is Pushed.
    /// </summary>
    public void PushFinished(string resourceType, string status, TimeSpan? acceptToPush = null)
    {
        var type = new KeyValuePair<string, object?>("resource_type", resourceType);
        var outcome = new KeyValuePair<string, object?>("status", status);
        _pushOutcomes.Add(1, type, outcome);
        if (status is "Failed" or "Retry" or "Quarantine")
        {
            _pushFailures.Add(1, type, outcome);
        }

        if (acceptToPush is { } latency)
        {
            _pushLatency.Record(Math.Max(0, latency.TotalSeconds), type);
        }
    }

    /// <summary>One HTTP attempt to monday.com; <paramref name="status"/> 0 when no response came.</summary>
    public void OutboundCall(int status, TimeSpan? duration = null)
    {
        var code = new KeyValuePair<string, object?>("status", status);
        _outboundCalls.Add(1, code);
        if (duration is { } d)
        {
            _outboundDuration.Record(d.TotalSeconds, code);
        }
    }

    /// <summary>
    /// The queue as last read from the database. A scrape never waits for the database: a stale value starts one
    /// refresh in the background and the scrape reports what is known.
    /// </summary>
    private sealed class QueueGauge(IServiceScopeFactory scopes, TimeProvider time)
    {
        public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(15);
        private readonly Lock _lock = new();
        private QueueSnapshot? _snapshot;
        private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;
        private bool _refreshing;

        public IEnumerable<Measurement<double>> Observe(Func<QueueSnapshot, double> value)
        {
            QueueSnapshot? snapshot;
            lock (_lock)
            {
                if (!_refreshing && time.GetUtcNow() - _lastRefresh >= RefreshInterval)
                {
                    _refreshing = true;
                    _lastRefresh = time.GetUtcNow();
                    _ = Task.Run(RefreshAsync);
                }

                snapshot = _snapshot;
            }

            return snapshot is null ? [] : [new Measurement<double>(value(snapshot))];
        }

        private async Task RefreshAsync()
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
                var depth = await db.PushStates.CountAsync(p => p.ChangeSeq > p.PushedSeq && p.HeldAt == null);
                var oldest = await db.Changes.AsNoTracking()
                    .Where(c => c.PushStatus == PushStatuses.Pending)
                    .OrderBy(c => c.OccurredAt)
                    .Select(c => (DateTimeOffset?)c.OccurredAt)
                    .FirstOrDefaultAsync();
                var age = oldest is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0;
                lock (_lock)
                {
                    _snapshot = new QueueSnapshot(depth, age);
                }
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or ObjectDisposedException)
            {
                // The database is down or the app is stopping: the gauge keeps its last value; /readyz reports the database.
            }
            finally
            {
                lock (_lock)
                {
                    _refreshing = false;
                }
            }
        }
    }

    private sealed record QueueSnapshot(double Depth, double OldestAgeSeconds);
}
