using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Prometheus;

namespace ScimBridge.Operations;

/// <summary>
/// This app's <c>ScimBridge</c> and <c>Microsoft.AspNetCore.Hosting</c> meters on a prometheus-net registry of its
/// own, served by prometheus-net at <c>GET /metrics</c>. Only meters made by this app's <see cref="IMeterFactory"/>
/// are taken, so several apps in one process (tests) never mix their figures. prometheus-net's MeterAdapter would
/// prefix the meter name and publish counters as gauges; the names here stay the Prometheus convention that
/// dashboards know: the instrument's name with its unit as a suffix, counters ending in <c>_total</c>.
/// </summary>
public sealed class MetricsRegistry : IDisposable
{
    private static readonly string[] MeterNames = [BridgeMetrics.MeterName, "Microsoft.AspNetCore.Hosting"];
    private static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    private readonly MeterListener _listener = new();
    private readonly IMetricFactory _factory;

    public MetricsRegistry(IMeterFactory meters, BridgeMetrics bridgeMetrics)
    {
        _ = bridgeMetrics; // created before the listener starts, so its instruments are published to it
        Registry = Metrics.NewCustomRegistry();
        _factory = Metrics.WithCustomRegistry(Registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (MeterNames.Contains(instrument.Meter.Name, StringComparer.Ordinal) && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument, Target.Of(instrument));
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<long>((_, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<int>((_, v, tags, state) => Record(state, v, tags));
        Registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);
        _listener.Start();
    }

    public CollectorRegistry Registry { get; }

    public void Dispose() => _listener.Dispose();

    private void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var target = (Target)state!;
        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var names = Array.ConvertAll(sorted, t => Sanitize(t.Key));
        var values = Array.ConvertAll(sorted, t => t.Value switch
        {
            null => "",
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            var other => other.ToString() ?? "",
        });
        var labelled = values.Length > 0;
        switch (target.Kind)
        {
            case Kind.Counter or Kind.ObservableCounter:
                var counter = _factory.CreateCounter(target.Name, target.Help, names);
                ICounter child = labelled ? counter.WithLabels(values) : counter;
                if (target.Kind == Kind.Counter)
                {
                    child.Inc(value);
                }
                else
                {
                    child.IncTo(value);
                }
                break;
            case Kind.Histogram:
                var histogram = _factory.CreateHistogram(target.Name, target.Help, names, new HistogramConfiguration { Buckets = target.Buckets });
                (labelled ? histogram.WithLabels(values) : (IHistogram)histogram).Observe(value);
                break;
            default:
                var gauge = _factory.CreateGauge(target.Name, target.Help, names);
                IGauge series = labelled ? gauge.WithLabels(values) : gauge;
                if (target.Kind == Kind.ObservableGauge)
                {
                    series.Set(value);
                }
                else
                {
                    series.Inc(value);
                }
                break;
        }
    }

    /// <summary>Prometheus names: [a-zA-Z_:][a-zA-Z0-9_:]*.</summary>
    private static string Sanitize(string name, bool allowColon = false)
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

    private enum Kind { Counter, ObservableCounter, Histogram, ObservableGauge, UpDown }

    private sealed record Target(string Name, string Help, Kind Kind, double[]? Buckets)
    {
        public static Target Of(Instrument instrument)
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

            var kind = instrument switch
            {
                Counter<long> or Counter<double> or Counter<int> => Kind.Counter,
                ObservableCounter<long> or ObservableCounter<double> or ObservableCounter<int> => Kind.ObservableCounter,
                Histogram<double> or Histogram<long> or Histogram<int> => Kind.Histogram,
                _ when instrument.IsObservable => Kind.ObservableGauge,
                _ => Kind.UpDown,
            };
            if (kind is Kind.Counter or Kind.ObservableCounter && !name.EndsWith("_total", StringComparison.Ordinal))
            {
                name += "_total";
            }

            var buckets = instrument switch
            {
                Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
                Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                _ => null,
            };
            return new Target(name, instrument.Description ?? instrument.Name, kind, kind == Kind.Histogram ? buckets ?? DefaultBuckets : null);
        }
    }
}
