using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace ScimBridge.Operations;

/// <summary>
/// Collects this app's <c>ScimBridge</c> and <c>Microsoft.AspNetCore.Hosting</c> meters with a <see cref="MeterListener"/>
/// and renders them in the Prometheus text format (0.0.4): counters as <c>_total</c>, histograms as cumulative
/// <c>_bucket{le}</c> plus <c>_sum</c> and <c>_count</c>, gauges as they are. Only meters made by this app's
/// <see cref="IMeterFactory"/> are taken, so several apps in one process (tests) never mix their figures.
/// </summary>
public sealed class PrometheusExporter : IHostedService, IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
    private static readonly string[] MeterNames = [BridgeMetrics.MeterName, "Microsoft.AspNetCore.Hosting"];
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly IMeterFactory _meters;
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly Lock _scrape = new();

    public PrometheusExporter(IMeterFactory meters, BridgeMetrics bridgeMetrics)
    {
        _meters = meters;
        _ = bridgeMetrics; // created before the listener starts, so its instruments are published to it
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (MeterNames.Contains(instrument.Meter.Name, StringComparer.Ordinal) && ReferenceEquals(instrument.Meter.Scope, _meters))
            {
                var state = new InstrumentState(instrument);
                _instruments[instrument] = state;
                listener.EnableMeasurementEvents(instrument, state);
            }
        };
        _listener.MeasurementsCompleted = (instrument, state) => _instruments.TryRemove(instrument, out var _);
        _listener.SetMeasurementEventCallback<double>(static (i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<long>(static (i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<int>(static (i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<float>(static (i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (i, v, tags, state) => Record(state, (double)v, tags));
        _listener.SetMeasurementEventCallback<short>(static (i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<byte>(static (i, v, tags, state) => Record(state, v, tags));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    private static void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        (state as InstrumentState)?.Record(value, tags);

    public string Render()
    {
        var text = new StringBuilder();
        lock (_scrape)
        {
            foreach (var state in _instruments.Values)
            {
                state.BeginObservation();
            }

            _listener.RecordObservableInstruments();
            foreach (var group in _instruments.Values.GroupBy(s => s.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var first = group.First();
                text.Append("# HELP ").Append(group.Key).Append(' ').Append(EscapeHelp(first.Description)).Append('\n');
                text.Append("# TYPE ").Append(group.Key).Append(' ').Append(first.Type).Append('\n');
                foreach (var state in group)
                {
                    state.WriteTo(text);
                }
            }
        }

        return text.ToString();
    }

    internal static async Task GetMetrics(HttpContext context, PrometheusExporter exporter)
    {
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(exporter.Render(), context.RequestAborted);
    }

    /// <summary>Prometheus metric names: [a-zA-Z_:][a-zA-Z0-9_:]*, with the unit as a suffix (seconds, bytes).</summary>
    internal static string MetricName(Instrument instrument)
    {
        var name = Sanitize(instrument.Name, allowColon: true);
        var unit = instrument.Unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            _ => null,
        };
        if (unit is not null && !name.EndsWith("_" + unit, StringComparison.Ordinal))
        {
            name += "_" + unit;
        }

        return instrument is Counter<long> or Counter<double> or Counter<int> or ObservableCounter<long> or ObservableCounter<double> or ObservableCounter<int>
            && !name.EndsWith("_total", StringComparison.Ordinal)
            ? name + "_total"
            : name;
    }

    internal static string Sanitize(string name, bool allowColon = false)
    {
        var result = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (result.Length == 0 || char.IsAsciiDigit(result[0]))
        {
            result.Insert(0, '_');
        }

        return result.ToString();
    }

    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string? value) =>
        (value ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    internal static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>Label set rendered once as <c>{a="x",b="y"}</c> (sorted by name), which is also the series key.</summary>
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var pairs = new (string Name, string Value)[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            var value = tags[i].Value switch
            {
                null => "",
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                var other => other.ToString() ?? "",
            };
            pairs[i] = (Sanitize(tags[i].Key), value);
        }

        Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var text = new StringBuilder("{");
        for (var i = 0; i < pairs.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(pairs[i].Name).Append("=\"").Append(EscapeLabelValue(pairs[i].Value)).Append('"');
        }

        return text.Append('}').ToString();
    }

    private sealed class InstrumentState
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);
        // Every request records a few measurements: finding their series by the tags as given, without rendering
        // the label text, keeps the hot path free of allocations.
        private readonly ConcurrentDictionary<TagSet, Series> _byTags = new(TagSetComparer.Instance);
        private readonly double[]? _buckets;
        private readonly bool _observable;

        public InstrumentState(Instrument instrument)
        {
            Name = MetricName(instrument);
            Description = instrument.Description ?? instrument.Name;
            _observable = instrument.IsObservable;
            (Type, _buckets) = instrument switch
            {
                Histogram<double> h => ("histogram", h.Advice?.HistogramBucketBoundaries?.ToArray() ?? DefaultBuckets),
                Histogram<long> h => ("histogram", h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? DefaultBuckets),
                Histogram<int> h => ("histogram", h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray() ?? DefaultBuckets),
                _ when Name.EndsWith("_total", StringComparison.Ordinal) => ("counter", null),
                _ => ("gauge", (double[]?)null),
            };
        }

        public string Name { get; }
        public string Description { get; }
        public string Type { get; }

        /// <summary>Observable instruments report their current values on each scrape; last scrape's series go.</summary>
        public void BeginObservation()
        {
            if (_observable)
            {
                _series.Clear();
                _byTags.Clear();
            }
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var byTags = _byTags.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
            if (!byTags.TryGetValue(tags, out var series))
            {
                // The same labels in another tag order are the same series.
                series = _series.GetOrAdd(Labels(tags), static (_, buckets) => new Series(buckets), _buckets);
                byTags.TryAdd(tags, series);
            }
            series.Add(value, _observable);
        }

        public void WriteTo(StringBuilder text)
        {
            foreach (var (labels, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                series.WriteTo(text, Name, labels, _buckets);
            }
        }
    }

    /// <summary>The tags of a measurement as the instrument gave them.</summary>
    private sealed class TagSet(KeyValuePair<string, object?>[] tags)
    {
        public KeyValuePair<string, object?>[] Tags { get; } = tags;
    }

    private sealed class TagSetComparer : IEqualityComparer<TagSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
    {
        public static readonly TagSetComparer Instance = new();

        public bool Equals(TagSet? x, TagSet? y) => ReferenceEquals(x, y) || (x is not null && y is not null && Equals(x.Tags, y));

        public int GetHashCode(TagSet set) => GetHashCode(set.Tags);

        public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> tags, TagSet set)
        {
            var other = set.Tags;
            if (tags.Length != other.Length)
            {
                return false;
            }
            for (var i = 0; i < tags.Length; i++)
            {
                if (!string.Equals(tags[i].Key, other[i].Key, StringComparison.Ordinal) || !Equals(tags[i].Value, other[i].Value))
                {
                    return false;
                }
            }
            return true;
        }

        public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var hash = new HashCode();
            foreach (var (key, value) in tags)
            {
                hash.Add(key, StringComparer.Ordinal);
                hash.Add(value);
            }
            return hash.ToHashCode();
        }

        public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> tags) => new(tags.ToArray());
    }

    private sealed class Series(double[]? buckets)
    {
        private readonly Lock _lock = new();
        private readonly long[]? _counts = buckets is null ? null : new long[buckets.Length + 1];
        private double _sum;
        private long _count;

        public void Add(double value, bool replace)
        {
            lock (_lock)
            {
                if (_counts is not null)
                {
                    var index = Array.BinarySearch(buckets!, value);
                    _counts[index >= 0 ? index : ~index]++;
                    _count++;
                    _sum += value;
                }
                else
                {
                    _sum = replace ? value : _sum + value;
                }
            }
        }

        public void WriteTo(StringBuilder text, string name, string labels, double[]? bounds)
        {
            lock (_lock)
            {
                if (_counts is null)
                {
                    text.Append(name).Append(labels).Append(' ').Append(FormatValue(_sum)).Append('\n');
                    return;
                }

                var cumulative = 0L;
                for (var i = 0; i <= bounds!.Length; i++)
                {
                    cumulative += _counts[i];
                    var le = i < bounds.Length ? FormatValue(bounds[i]) : "+Inf";
                    var withLe = labels.Length == 0 ? $"{{le=\"{le}\"}}" : $"{labels[..^1]},le=\"{le}\"}}";
                    text.Append(name).Append("_bucket").Append(withLe).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                text.Append(name).Append("_sum").Append(labels).Append(' ').Append(FormatValue(_sum)).Append('\n');
                text.Append(name).Append("_count").Append(labels).Append(' ').Append(_count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
    }
}
