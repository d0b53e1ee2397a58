using Microsoft.AspNetCore.Mvc.RazorPages;
using ScimBridge.Mirror;
using ScimBridge.Reclamation;

namespace ScimBridge.Admin.Pages.Reclamation;

/// <summary>The savings figures per app, the activity buckets, the breakdowns, and the trend over the daily snapshots.</summary>
public sealed class SavingsModel(ReclaimSavings savings) : PageModel
{
    public SavingsReport? Report { get; private set; }
    public SavingsHistory? History { get; private set; }
    public int Days { get; private set; } = SavingsApi.DefaultHistoryDays;
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var days = Request.Query["days"].FirstOrDefault();
            Days = string.IsNullOrWhiteSpace(days) ? SavingsApi.DefaultHistoryDays : MirrorQuery.Number("days", days.Trim(), 1, SavingsApi.MaxHistoryDays);
        }
        catch (AdminException ex)
        {
            Error = ex.Detail ?? ex.Title;
            Response.StatusCode = ex.Status;
        }
        Report = await savings.ComputeAsync(null, cancellationToken);
        History = Live(await savings.HistoryAsync(Days, null, cancellationToken), Report);
    }

    /// <summary>The snapshots with today's replaced by the figures just computed, so the chart ends where the cards are.</summary>
    private static SavingsHistory Live(SavingsHistory history, SavingsReport report)
    {
        var today = ReclaimSavings.Day(report.At);
        var now = report.Apps.Select(a => new SavingsSnapshotView(today, a.App, a.SeatsBought, a.Assigned, a.Active, a.Unused, a.MonthlySpend,
            a.PotentialMonthly, a.RealisedThisYear, a.Currency, report.At));
        return history with { Items = [.. history.Items.Where(i => i.Day != today), .. now] };
    }

    public static string Percent(decimal? value) => value is { } v ? $"{v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} %" : "—";
}
