using System.Globalization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ScimBridge.Admin.Pages;

public sealed class DashboardModel(DashboardQuery query) : PageModel
{
    public Dashboard Dashboard { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Dashboard = await query.GetAsync(cancellationToken);
}

/// <summary>
/// Where the bars of an activity chart go: a stacked bar per bucket, one segment per status, drawn by the server as
/// SVG (the console runs no script). Times are UTC, as everywhere in the console.
/// </summary>
public sealed class ActivityChart(string id, string period, ActivitySeries series)
{
    public const double Width = 480;
    public const double Height = 170;
    private const double Left = 46;
    private const double Right = 16;
    private const double Top = 10;
    private const double Bottom = 22;

    public string Id { get; } = id;
    public ActivitySeries Series { get; } = series;
    public bool Hourly => Series.Unit == "hour";

    /// <summary>The top of the scale: the busiest bucket rounded up to 1, 2 or 5 times a power of ten.</summary>
    public long Max { get; } = Nice(series.Buckets.Select(b => b.Total).DefaultIfEmpty(0).Max());

    public string Title => $"Log entries per {Series.Unit}, {period} (UTC)";

    public string Description
    {
        get
        {
            if (Series.Total == 0)
            {
                return $"No provisioning log entries in the {period}.";
            }

            var busiest = Series.Buckets.MaxBy(b => b.Total)!;
            var parts = Series.Statuses.Select(s => $"{ConsoleFormat.Number(Series.Of(s))} {s.ToLowerInvariant()}");
            return $"{ConsoleFormat.Count(Series.Total, "entry", "entries")} in the {period}: {string.Join(", ", parts)}. "
                + $"Busiest {Series.Unit}: {Label(busiest)} with {ConsoleFormat.Count(busiest.Total, "entry", "entries")}.";
        }
    }

    public string Label(ActivityBucket bucket) => bucket.Start.UtcDateTime.ToString(Hourly ? "yyyy-MM-dd HH:00" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The axis label under every third hour or fifth day.</summary>
    public string? Tick(int index)
    {
        var start = Series.Buckets[index].Start.UtcDateTime;
        return Hourly
            ? start.Hour % 3 == 0 ? start.ToString("HH:00", CultureInfo.InvariantCulture) : null
            : (Series.Buckets.Count - 1 - index) % 5 == 0 ? start.ToString("MMM d", CultureInfo.InvariantCulture) : null;
    }

    public IEnumerable<long> Scale => Max % 2 == 0 ? [0, Max / 2, Max] : [0, Max];

    public static string At(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static double PlotHeight => Height - Top - Bottom;
    private double Slot => (Width - Left - Right) / Series.Buckets.Count;

    public double Baseline => Top + PlotHeight;
    public double PlotLeft => Left;
    public double PlotRight => Width - Right;

    public double Y(long value) => Baseline - PlotHeight * value / Max;

    public double Center(int index) => Left + Slot * (index + .5);

    /// <summary>The segments of one bar, bottom up, in the statuses' order.</summary>
    public IEnumerable<(string Status, double X, double Y, double Width, double Height)> Segments(int index)
    {
        var bucket = Series.Buckets[index];
        var width = Slot * .7;
        var x = Center(index) - width / 2;
        long below = 0;
        foreach (var status in Series.Statuses)
        {
            var count = bucket.Of(status);
            if (count == 0)
            {
                continue;
            }

            yield return (status, x, Y(below + count), width, Y(below) - Y(below + count));
            below += count;
        }
    }

    private static long Nice(long value)
    {
        for (long power = 1; ; power *= 10)
        {
            foreach (var step in new long[] { 1, 2, 5 })
            {
                if (step * power >= value)
                {
                    return Math.Max(step * power, 1);
                }
            }
        }
    }
}
