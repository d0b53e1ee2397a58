using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Roadmunk;

namespace ScimBridge.Admin.Pages.Subscriptions;

/// <summary>
/// What the bridge sees in each connected app: seats bought, assigned, used and spent; the seat list with the admin
/// API's filters (same query, same CSV export); the last runs; and Run now.
/// </summary>
public sealed class SubscriptionsModel(ScimBridgeDbContext db, MirrorRunner runner, IOptions<MirrorOptions> options, TimeProvider time) : PageModel
{
    public static readonly string[] FilterFields =
        ["app", "seatType", "status", "link", "lastActivityOlderThanDays", "neverActive", "gone", "search", "sort", "order"];

    public MirrorSummary? Summary { get; private set; }
    public SeatFilter? Filter { get; private set; }
    public SeatPage? Seats { get; private set; }
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);
    public RunPage? Runs { get; private set; }
    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Started { get; set; }

    /// <summary>The outcome of an uploaded Roadmunk User CSV: its summary, then one line per unmatched row or error.</summary>
    public IReadOnlyList<string> ReportLines { get; private set; } = [];
    public bool ReportFailed { get; private set; }

    /// <summary>An imported report's lines, kept for the page the import redirects to.</summary>
    [TempData] public string? ImportedLines { get; set; }

    public MirrorOptions Options => options.Value;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var requested = SeatFilter.Parse(QueryOf(Request.Query) with { PageSize = ConsolePaging.DefaultPageSize.ToString(CultureInfo.InvariantCulture) });
            Filter = requested;
            Seats = await SeatQuery.PageAsync(db, requested, Options, time.GetUtcNow(), cancellationToken);
            Paging = ConsolePaging.For(requested.Page, Seats.Total, requested.PageSize);
            if (Paging.Page != requested.Page)
            {
                // Past the last page (the list shrank): show the last one.
                Filter = requested with { Page = Paging.Page };
                Seats = await SeatQuery.PageAsync(db, Filter, Options, time.GetUtcNow(), cancellationToken);
            }
        }
        catch (AdminException ex)
        {
            Error = ex.Detail ?? ex.Title;
            Response.StatusCode = ex.Status;
        }
        if (ImportedLines is { } imported)
        {
            ReportLines = Lines(imported);
        }
        await LoadSummaryAsync(cancellationToken);
    }

    /// <summary>Starts a run of one app (or of every app when none is named) and comes back here showing it.</summary>
    public async Task<IActionResult> OnPostRunAsync(string? app, CancellationToken cancellationToken)
    {
        try
        {
            var started = await MirrorApi.StartAsync(runner, Options, MirrorQuery.App(app), AdminApi.ActorName(HttpContext), cancellationToken);
            var what = string.Join(", ", started.Runs.Select(r => $"{MirrorApps.DisplayName(r.App)} (run {r.Id.ToString(CultureInfo.InvariantCulture)})"));
            return RedirectToPage(new { started = what });
        }
        catch (AdminException ex)
        {
            Error = ex.Detail ?? ex.Title;
            Response.StatusCode = ex.Status;
            await LoadSummaryAsync(cancellationToken);
            return Page();
        }
    }

    /// <summary>Imports Roadmunk's User CSV, as POST /admin/api/mirror/roadmunk/user-report does; nothing is applied if a row is bad.</summary>
    public async Task<IActionResult> OnPostRoadmunkReportAsync(IFormFile? file, string? emailColumn, string? statusColumn, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            (ReportFailed, ReportLines) = (true, ["Choose the User CSV file to import."]);
        }
        else if (file.Length > RoadmunkUserReport.MaxBytes)
        {
            (ReportFailed, ReportLines) = (true, [$"The file is over {RoadmunkUserReport.MaxBytes / 1048576} MB; a User CSV report is far smaller."]);
            Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        }
        else
        {
            try
            {
                using var reader = new StreamReader(file.OpenReadStream());
                var result = await RoadmunkUserReport.ImportAsync(db, reader, time, Blank(emailColumn), Blank(statusColumn), null, cancellationToken);
                ImportedLines = result.ToText();
                return ConsoleRedirect.Back(this);
            }
            catch (RoadmunkReportException ex)
            {
                (ReportFailed, ReportLines) = (true, Lines(ex.ToText()));
                Response.StatusCode = ex.Status;
            }
        }

        await LoadSummaryAsync(cancellationToken);
        return Page();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task LoadSummaryAsync(CancellationToken cancellationToken)
    {
        Summary = await SeatQuery.SummaryAsync(db, Options, time.GetUtcNow(), cancellationToken);
        Runs = await MirrorApi.RunsAsync(db, null, 1, 10, cancellationToken);
    }

    /// <summary>The filter fields as sent; an empty form field means "any", as an absent API parameter does.</summary>
    public static SeatListQuery QueryOf(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? One(string name) => query.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.FirstOrDefault()) ? values.FirstOrDefault() : null;
        return new SeatListQuery(One("app"), One("seatType"), One("status"), One("link"), One("lastActivityOlderThanDays"), One("neverActive"),
            One("gone"), One("search"), One("sort"), One("order"), One("page"), null);
    }

    /// <summary>The current filter as a query string (no page), with changes, for the sort links and the export.</summary>
    public string FilterQuery(params (string Name, string? Value)[] changes)
    {
        var pairs = FilterFields
            .Select(name => (Name: name, Value: changes.Any(c => c.Name == name) ? changes.First(c => c.Name == name).Value : Value(name)))
            .Concat(changes.Where(c => !FilterFields.Contains(c.Name)))
            .Where(p => !string.IsNullOrWhiteSpace(p.Value));
        return string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value!)}"));
    }

    public string Value(string name) => Request.Query.TryGetValue(name, out var values) ? values.FirstOrDefault() ?? "" : "";

    public static string Money(decimal value, string currency) => $"{value.ToString("N2", CultureInfo.InvariantCulture)} {currency}";

    /// <summary>The link that sorts by last activity: oldest first, or newest first when already oldest first.</summary>
    public string SortByActivity() =>
        FilterQuery(("sort", "lastActivity"), ("order", Filter is { Sort: SeatSort.LastActivity, Descending: false } ? "desc" : "asc"));
}
