using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Hr;

namespace ScimBridge.Admin.Pages.Hr;

/// <summary>
/// Upload a CSV roster, see every change it would make (a dry run, kept with its file), then apply it in a mode;
/// the same import as POST /hr/v1/rosters and <c>hr import</c>.
/// </summary>
public sealed class RosterModel(RosterImport roster, ScimBridgeDbContext db) : PageModel
{
    /// <summary>Rows shown in the table (changes and errors first); the totals count them all.</summary>
    public const int MaxShownRows = 1000;

    public RosterResult? Preview { get; private set; }
    public RosterResult? Result { get; private set; }
    public string? Error { get; private set; }

    [BindProperty]
    public string Mode { get; set; } = RosterModes.AllOrNothing;

    /// <summary>With <paramref name="job"/>: the outcome of a roster applied here (the apply redirects to it, so a reload never applies twice).</summary>
    public async Task OnGetAsync(string? job, CancellationToken cancellationToken)
    {
        if (job is { Length: > 0 and <= 100 }
            && await db.HrJobs.AsNoTracking().Where(j => j.Id == job && j.Kind == HrJobKinds.Roster).Select(j => j.Result).FirstOrDefaultAsync(cancellationToken) is { } saved
            && JsonSerializer.Deserialize<RosterResult>(saved, JsonSerializerOptions.Web) is { DryRun: false } applied)
        {
            Result = applied;
        }
    }

    public async Task<IActionResult> OnPostPreviewAsync(IFormFile? file, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return Fail(StatusCodes.Status400BadRequest, "Choose the roster CSV file to preview.");
        }
        if (file.Length > RosterCsv.MaxBytes)
        {
            return Fail(StatusCodes.Status413PayloadTooLarge, RosterCsv.TooLarge().Detail);
        }
        try
        {
            await using var stream = file.OpenReadStream();
            var csv = await RosterFiles.ReadAsync(stream, cancellationToken);
            Preview = await roster.ImportAsync(csv, dryRun: true, RosterModes.AllOrNothing, Actor(), cancellationToken, keepInput: true);
            return Page();
        }
        catch (HrException e)
        {
            return Fail(e.Status, e.Detail);
        }
    }

    public async Task<IActionResult> OnPostApplyAsync(string? preview, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(preview))
        {
            return Fail(StatusCodes.Status400BadRequest, "Preview a roster before applying it.");
        }
        try
        {
            Result = await roster.ApplyDryRunAsync(preview, Mode, Actor(), cancellationToken);
            if (Result.Refused)
            {
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            }
            return RedirectToPage(new { job = Result.JobId });
        }
        catch (HrException e)
        {
            return Fail(e.Status, e.Detail);
        }
    }

    private HrActor Actor() => new(AdminApi.ActorName(HttpContext), HrSources.Roster);

    private PageResult Fail(int status, string message)
    {
        Error = message;
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>The rows worth a line: changes and errors first, then unchanged rows, at most <see cref="MaxShownRows"/>.</summary>
    public static IReadOnlyList<RosterRowResult> Shown(RosterResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Rows.OrderBy(r => r.Status == RosterRowResult.NoChange).ThenBy(r => r.Row).Take(MaxShownRows).ToList();
    }
}
