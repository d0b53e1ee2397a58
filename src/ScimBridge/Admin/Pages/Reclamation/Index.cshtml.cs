using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Reclamation;

namespace ScimBridge.Admin.Pages.Reclamation;

/// <summary>
/// The reclamation candidates: the admin API's filters (same query, same CSV export), and the workflow's commands on the
/// checked rows, with a line per refusal.
/// </summary>
public sealed class CandidatesModel(ScimBridgeDbContext db, ReclaimWorkflow workflow) : PageModel
{
    public static readonly string[] FilterFields = ["state", "app", "rule", "wave", "q"];

    public CandidateFilter? Filter { get; private set; }
    public CandidatePage? Candidates { get; private set; }
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);
    public IReadOnlyList<(long Id, string Name)> Rules { get; private set; } = [];
    public string? Error { get; private set; }
    [TempData] public string? Done { get; set; }
    [TempData] public string? RefusalLines { get; set; }
    public IReadOnlyList<string> Refusals => ConsoleRedirect.Split(RefusalLines);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    /// <summary>Runs a command (reclaim, approve, skip, undo) on the checked rows and shows the outcome with the same filter.</summary>
    public async Task<IActionResult> OnPostBulkAsync(string? command, long[]? ids, CancellationToken cancellationToken)
    {
        var known = CandidateCommands.All.FirstOrDefault(c => c.Equals(command, StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            Error = $"Unknown command '{command}'.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else if (ids is not { Length: > 0 })
        {
            Error = "Check the candidates to act on first.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else if (ids.Length > CandidatesApi.MaxBulkIds)
        {
            Error = $"At most {CandidatesApi.MaxBulkIds:N0} candidates at once.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            try
            {
                var results = await workflow.RunAsync(known, ids, ReclaimActor.Admin(AdminApi.ActorName(HttpContext)), cancellationToken);
                var (done, refusals) = Describe(known, results);
                (Done, RefusalLines) = (done, ConsoleRedirect.Join(refusals));
                return ConsoleRedirect.Back(this);
            }
            catch (NotImplementedException)
            {
                Error = $"{Verb(known)} is not available yet.";
                Response.StatusCode = StatusCodes.Status501NotImplemented;
            }
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>"Skipped 2 of 3 candidates." and one line per refused candidate.</summary>
    public static (string Done, IReadOnlyList<string> Refusals) Describe(string command, IReadOnlyList<CandidateCommandResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var done = results.Count(r => r.Done);
        var summary = string.Create(CultureInfo.InvariantCulture, $"{Verb(command)}: {done} of {ConsoleFormat.Count(results.Count, "candidate")} done.");
        return (summary, [.. results.Where(r => !r.Done).Select(r => string.Create(CultureInfo.InvariantCulture, $"#{r.Id}: {r.Error}"))]);
    }

    public static string Verb(string command) => command switch
    {
        CandidateCommands.Reclaim => "Reclaim",
        CandidateCommands.Approve => "Approve",
        CandidateCommands.Skip => "Skip",
        CandidateCommands.Undo => "Undo",
        _ => command,
    };

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Rules = [.. (await db.ReclaimRules.AsNoTracking().OrderBy(r => r.Name).Select(r => new { r.Id, r.Name }).ToListAsync(cancellationToken))
            .Select(r => (r.Id, r.Name))];
        try
        {
            var requested = CandidateFilter.Parse(new CandidateListQuery(Query("state"), Query("app"), Query("rule"), Query("wave"), Query("q"), Query("page"),
                ConsolePaging.DefaultPageSize.ToString(CultureInfo.InvariantCulture)));
            Filter = requested;
            Candidates = await CandidateQuery.PageAsync(db, requested, cancellationToken);
            Paging = ConsolePaging.For(requested.Page, Candidates.Total, requested.PageSize);
            if (Paging.Page != requested.Page)
            {
                Filter = requested with { Page = Paging.Page };
                Candidates = await CandidateQuery.PageAsync(db, Filter, cancellationToken);
            }
        }
        catch (AdminException ex)
        {
            Error = ex.Detail ?? ex.Title;
            Response.StatusCode = ex.Status;
        }
    }

    // Read from the query: "page" is also the route value naming this Razor page.
    private string? Query(string name) => Request.Query.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.FirstOrDefault()) ? values.FirstOrDefault() : null;

    public string Value(string name) => Query(name) ?? "";

    /// <summary>The filter's fields as route values, so a bulk action comes back to the same list.</summary>
    public Dictionary<string, string> FilterRoute() =>
        FilterFields.Select(f => (f, Value: Query(f))).Where(p => p.Value is not null).ToDictionary(p => p.f, p => p.Value!);

    /// <summary>The current filter as a query string, with changes (for the export link).</summary>
    public string FilterQuery(params (string Name, string Value)[] extra) =>
        string.Join('&', FilterRoute().Select(p => (Name: p.Key, p.Value)).Concat(extra)
            .Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));
}
