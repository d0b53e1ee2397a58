using System.Globalization;
using System.Net;
using System.Text;

namespace ScimBridge.Reclamation;

/// <summary>
/// The savings trend as inline SVG, drawn on the server: the console runs no script (its CSP forbids inline script and
/// style), so colours are SVG presentation attributes and each point carries a &lt;title&gt; for hover text.
/// </summary>
public static class SavingsChart
{
    private const int Width = 760;
    private const int Height = 280;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 36;
    private const int Bottom = 44;

    /// <summary>One line of a chart: its name, CSS class, colour and one value per day.</summary>
    public sealed record Series(string Name, string Key, string Colour, IReadOnlyList<decimal> Values);

    /// <summary>The snapshots summed per day (over the apps they hold), oldest first.</summary>
    public static IReadOnlyList<(string Day, int Assigned, int Active, decimal Potential, decimal Realised)> PerDay(IEnumerable<SavingsSnapshotView> snapshots) =>
        [.. snapshots.GroupBy(s => s.Day).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(s => s.Assigned), g.Sum(s => s.Active), g.Sum(s => s.PotentialMonthly), g.Sum(s => s.RealisedThisYear)))];

    /// <summary>Assigned and active seats per day.</summary>
    public static string Seats(IReadOnlyList<SavingsSnapshotView> snapshots)
    {
        var days = PerDay(snapshots);
        return Render("chart-seats", "Assigned and active seats per day", "Seats", [.. days.Select(d => d.Day)],
            [
                new Series("Assigned", "assigned", "#2f5bd3", [.. days.Select(d => (decimal)d.Assigned)]),
                new Series("Active", "active", "#1f7a43", [.. days.Select(d => (decimal)d.Active)]),
            ], v => v.ToString("N0", CultureInfo.InvariantCulture));
    }

    /// <summary>Potential (monthly) and realised (this year) savings per day.</summary>
    public static string Money(IReadOnlyList<SavingsSnapshotView> snapshots, string currency)
    {
        var days = PerDay(snapshots);
        return Render("chart-savings", $"Potential monthly and realised savings this year per day ({currency})", currency, [.. days.Select(d => d.Day)],
            [
                new Series("Potential per month", "potential", "#9a6400", [.. days.Select(d => d.Potential)]),
                new Series("Realised this year", "realised", "#1f7a43", [.. days.Select(d => d.Realised)]),
            ], v => $"{v.ToString("N2", CultureInfo.InvariantCulture)} {currency}");
    }

    public static string Render(string id, string title, string unit, IReadOnlyList<string> days, IReadOnlyList<Series> series, Func<decimal, string> format)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(format);
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        var max = Nice(series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        double X(int i) => days.Count == 1 ? Left + plotWidth / 2.0 : Left + plotWidth * i / (double)(days.Count - 1);
        double Y(decimal v) => Top + plotHeight - (double)(v / max) * plotHeight;
        static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        static string E(string text) => WebUtility.HtmlEncode(text);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" id=\"{id}\" data-testid=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {Width} {Height}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{E(title)}</title>");

        // Horizontal grid with value labels, then the axes.
        for (var tick = 0; tick <= 4; tick++)
        {
            var value = max * tick / 4;
            var y = N(Y(value));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{y}\" x2=\"{Width - Right}\" y2=\"{y}\" stroke=\"#d8dce3\" stroke-width=\"1\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y}\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"11\" fill=\"#5b6475\">{E(Short(value))}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Top + plotHeight}\" stroke=\"#5b6475\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top + plotHeight}\" x2=\"{Width - Right}\" y2=\"{Top + plotHeight}\" stroke=\"#5b6475\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-title\" x=\"14\" y=\"{N(Top + plotHeight / 2.0)}\" transform=\"rotate(-90 14 {N(Top + plotHeight / 2.0)})\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1d2330\">{E(unit)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis-title\" x=\"{N(Left + plotWidth / 2.0)}\" y=\"{Height - 6}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#1d2330\">Day (UTC)</text>");

        // Day labels: the first, the last and up to four between, so they never overlap.
        var step = Math.Max(1, (int)Math.Ceiling(days.Count / 6.0));
        for (var i = 0; i < days.Count; i++)
        {
            if (i % step == 0 || i == days.Count - 1)
            {
                var anchor = days.Count == 1 ? "middle" : i == 0 ? "start" : i == days.Count - 1 ? "end" : "middle";
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(X(i))}\" y=\"{Top + plotHeight + 16}\" text-anchor=\"{anchor}\" font-size=\"11\" fill=\"#5b6475\">{E(days[i])}</text>");
            }
        }

        // Legend along the top.
        var legendX = Left;
        foreach (var s in series)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX}\" y=\"10\" width=\"14\" height=\"4\" fill=\"{s.Colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{legendX + 20}\" y=\"16\" font-size=\"12\" fill=\"#1d2330\">{E(s.Name)}</text>");
            legendX += 30 + s.Name.Length * 7;
        }

        foreach (var s in series)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series {s.Key}\">");
            if (s.Values.Count > 1)
            {
                var points = string.Join(' ', s.Values.Select((v, i) => $"{N(X(i))},{N(Y(v))}"));
                svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{s.Colour}\" stroke-width=\"2\"/>");
            }
            for (var i = 0; i < s.Values.Count; i++)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"point {s.Key}\" cx=\"{N(X(i))}\" cy=\"{N(Y(s.Values[i]))}\" r=\"3.5\" fill=\"{s.Colour}\">");
                svg.Append(CultureInfo.InvariantCulture, $"<title>{E($"{days[i]}: {s.Name.ToLowerInvariant()} {format(s.Values[i])}")}</title></circle>");
            }
            svg.Append("</g>");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The axis top: the maximum rounded up to 1, 2, 2.5 or 5 times a power of ten (1 for an empty chart).</summary>
    public static decimal Nice(decimal max)
    {
        if (max <= 0)
        {
            return 1;
        }
        var power = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)max)));
        foreach (var factor in new[] { 1m, 2m, 2.5m, 5m, 10m })
        {
            if (max <= factor * power)
            {
                return factor * power;
            }
        }
        return 10 * power;
    }

    private static string Short(decimal value) =>
        value >= 1_000_000 ? (value / 1_000_000).ToString("0.##", CultureInfo.InvariantCulture) + "M"
        : value >= 10_000 ? (value / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : value.ToString("0.##", CultureInfo.InvariantCulture);
}
