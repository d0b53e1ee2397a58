using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Reclamation;

namespace ScimBridge.Admin.Pages.Reclamation;

/// <summary>One candidate: every field, its transitions, the commands its state allows, and undo of its whole wave.</summary>
public sealed class CandidateModel(ScimBridgeDbContext db, ReclaimWorkflow workflow) : PageModel
{
    public CandidateView? Candidate { get; private set; }
    public IReadOnlyList<string> Allowed { get; private set; } = [];
    public string? Error { get; private set; }
    [TempData] public string? Done { get; set; }
    [TempData] public string? RefusalLines { get; set; }
    public IReadOnlyList<string> Refusals => ConsoleRedirect.Split(RefusalLines);

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCommandAsync(long id, string? command, CancellationToken cancellationToken) =>
        await RunAsync(id, command, [id], cancellationToken);

    /// <summary>Undoes every reclaim of the candidate's wave (the request it was reclaimed with).</summary>
    public async Task<IActionResult> OnPostUndoWaveAsync(long id, CancellationToken cancellationToken)
    {
        var waveId = await db.ReclaimCandidates.AsNoTracking().Where(c => c.Id == id).Select(c => c.WaveId).FirstOrDefaultAsync(cancellationToken);
        if (waveId is null)
        {
            return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
        }
        var ids = await db.ReclaimCandidates.AsNoTracking().Where(c => c.WaveId == waveId).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
        return await RunAsync(id, CandidateCommands.Undo, ids, cancellationToken);
    }

    private async Task<IActionResult> RunAsync(long id, string? command, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var known = CandidateCommands.All.FirstOrDefault(c => c.Equals(command, StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            Error = $"Unknown command '{command}'.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else
        {
            try
            {
                var results = await workflow.RunAsync(known, ids, ReclaimActor.Admin(AdminApi.ActorName(HttpContext)), cancellationToken);
                var (done, refusals) = CandidatesModel.Describe(known, results);
                (Done, RefusalLines) = (done, ConsoleRedirect.Join(refusals));
                return RedirectToPage(new { id });
            }
            catch (NotImplementedException)
            {
                Error = $"{CandidatesModel.Verb(known)} is not available yet.";
                Response.StatusCode = StatusCodes.Status501NotImplemented;
            }
        }
        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        Candidate = await CandidateQuery.DetailAsync(db, id, cancellationToken);
        Allowed = Candidate is null ? [] : CandidateQuery.AllowedCommands(Candidate);
        return Candidate is not null;
    }
}
