using System.ComponentModel;
using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using ScimBridge.Admin;
using ScimBridge.Mirror;

namespace ScimBridge.Reclamation;

/// <summary>The savings figures and their daily snapshots on the admin API, as JSON or CSV.</summary>
public static class SavingsApi
{
    public const int DefaultHistoryDays = 90;
    public const int MaxHistoryDays = 3650;

    public static RouteGroupBuilder MapSavingsApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/reclamation/savings").WithTags("Licence reclamation");
        group.MapGet("", Savings).WithName("GetReclaimSavings")
            .WithSummary("Per app and in total: seats bought, assigned, active, unused, monthly spend, potential and realised savings, true-up, activity buckets and breakdowns; format=csv: one row per app, dimension and key.")
            .Produces<SavingsReport>(StatusCodes.Status200OK, "application/json", "text/csv");
        group.MapGet("/history", History).WithName("GetReclaimSavingsHistory")
            .WithSummary("The daily snapshots of the last `days` days (default 90), oldest first; format=csv too.")
            .Produces<SavingsHistory>(StatusCodes.Status200OK, "application/json", "text/csv");
        return api;
    }

    private static async Task<Results<Ok<SavingsReport>, CsvResult>> Savings(
        [Description("monday or roadmunk; absent: every app.")] string? app,
        [Description("json (default) or csv.")] string? format,
        HttpContext context, ReclaimSavings savings, CancellationToken ct)
    {
        var only = MirrorQuery.App(app);
        var csv = CandidatesApi.WantsCsv(context, format);
        var report = await savings.ComputeAsync(only, ct);
        return csv ? new CsvResult($"reclaim-savings-{report.At:yyyyMMdd-HHmmss}.csv", SavingsRows(report)) : TypedResults.Ok(report);
    }

    private static async Task<Results<Ok<SavingsHistory>, CsvResult>> History(
        [Description("How many days back, 1 to 3650 (default 90).")] string? days,
        [Description("monday or roadmunk; absent: every app.")] string? app,
        [Description("json (default) or csv.")] string? format,
        HttpContext context, ReclaimSavings savings, TimeProvider time, CancellationToken ct)
    {
        var span = string.IsNullOrWhiteSpace(days) ? DefaultHistoryDays : MirrorQuery.Number("days", days.Trim(), 1, MaxHistoryDays);
        var only = MirrorQuery.App(app);
        var csv = CandidatesApi.WantsCsv(context, format);
        var history = await savings.HistoryAsync(span, only, ct);
        return csv ? new CsvResult($"reclaim-savings-history-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv", HistoryRows(history)) : TypedResults.Ok(history);
    }

    public static readonly string[] SavingsColumns =
    [
        "app", "dimension", "key", "seatsBought", "assigned", "active", "unused", "unusedPercent", "monthlySpend", "potentialMonthly",
        "potentialYearly", "realisedThisYear", "realisedRunRateYearly", "trueUp", "currency",
    ];

    /// <summary>Rows of the savings CSV: per app (and the total) its figures, then its activity buckets and breakdowns.</summary>
    public static IEnumerable<string?[]> SavingsRows(SavingsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        yield return SavingsColumns;
        foreach (var a in report.Apps.Append(report.Total))
        {
            yield return
            [
                a.App, "app", a.App, Number(a.SeatsBought), Number(a.Assigned), Number(a.Active), Number(a.Unused), Percent(a.UnusedPercent),
                Money(a.MonthlySpend), Money(a.PotentialMonthly), Money(a.PotentialYearly), Money(a.RealisedThisYear), Money(a.RealisedRunRateYearly),
                Number(a.TrueUp), a.Currency,
            ];
            foreach (var key in ActivityBuckets.Keys)
            {
                yield return [a.App, "activity", key, null, Number(a.Activity[key]), null, null, null, null, null, null, null, null, null, a.Currency];
            }
            foreach (var (dimension, rows) in new[] { ("seatType", a.BySeatType), ("department", a.ByDepartment), ("costCenter", a.ByCostCenter) })
            {
                foreach (var r in rows)
                {
                    yield return
                    [
                        a.App, dimension, r.Key, null, Number(r.Assigned), Number(r.Active), Number(r.Unused), null, Money(r.MonthlySpend),
                        Money(r.PotentialMonthly), null, null, null, null, a.Currency,
                    ];
                }
            }
        }
    }

    public static IEnumerable<string?[]> HistoryRows(SavingsHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        yield return ["day", "app", "seatsBought", "assigned", "active", "unused", "monthlySpend", "potentialMonthly", "realisedThisYear", "currency", "takenAt"];
        foreach (var s in history.Items)
        {
            yield return
            [
                s.Day, s.App, Number(s.SeatsBought), Number(s.Assigned), Number(s.Active), Number(s.Unused), Money(s.MonthlySpend),
                Money(s.PotentialMonthly), Money(s.RealisedThisYear), s.Currency, CandidatesApi.Time(s.TakenAt),
            ];
        }
    }

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>Two decimals always: the databases hand back different scales (10, 10.0, 10.00) for the same amount.</summary>
    private static string? Money(decimal? value) => value?.ToString("0.00", CultureInfo.InvariantCulture);

    private static string? Percent(decimal? value) => value?.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A small CSV (the rows are in memory already), formula cells disarmed as in the seat export.</summary>
    public sealed class CsvResult(string fileName, IEnumerable<string?[]> rows) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var response = httpContext.Response;
            response.StartAttachment("text/csv; charset=utf-8", fileName);
            await using var csv = CsvWriter.Create(response.Body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
            foreach (var row in rows)
            {
                foreach (var cell in row)
                {
                    csv.WriteField(cell);
                }
                await csv.EndRecordAsync(httpContext.RequestAborted);
            }
            await csv.FlushAsync(httpContext.RequestAborted);
        }
    }
}
