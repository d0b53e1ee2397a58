using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Logs;
using ScimBridge.Push;

namespace ScimBridge.Admin.Pages.Logs;

/// <summary>One log entry in full, and Replay when its change failed.</summary>
public sealed class LogEntryModel(ScimBridgeDbContext db, PushAdmin push, TimeProvider time) : PageModel
{
    public LogEntryDetail Entry { get; private set; } = null!;

    /// <summary>The entry's change is still failed, so replaying it would queue it again.</summary>
    public bool CanReplay { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostReplayAsync(long id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }
        if (Entry.ChangeId is not { } changeId)
        {
            return Refuse(StatusCodes.Status409Conflict, "This entry has no change to replay.");
        }
        try
        {
            var since = time.GetUtcNow();
            await push.ReplayAsync(changeId, AdminApi.ActorName(HttpContext), cancellationToken);
            return ProgressModel.Redirect(this, since, $"Replay of change {changeId} for {Entry.SourceName ?? Entry.SourceId}");
        }
        catch (AdminException ex)
        {
            return Refuse(ex.Status, ex.Detail ?? ex.Title);
        }
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            Entry = await LogsApi.DetailAsync(id, db, cancellationToken);
        }
        catch (AdminException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return false;
        }
        CanReplay = Entry.ChangeId is { } changeId
            && await db.Changes.AnyAsync(c => c.Id == changeId && c.PushStatus == PushStatuses.Failed, cancellationToken);
        return true;
    }

    private PageResult Refuse(int status, string message)
    {
        Error = message;
        Response.StatusCode = status;
        return Page();
    }
}
