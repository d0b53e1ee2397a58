using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Logs;
using ScimBridge.Push;

namespace ScimBridge.Admin.Pages.Logs;

/// <summary>One log entry in full, and Replay when its change failed.</summary>
public sealed class LogEntryModel(ScimBridgeDbContext db, ChangeReplay push, TimeProvider time) : PageModel
{
    public LogEntryDetail Entry { get; private set; } = null!;

    /// <summary>The entry's change is still failed, so replaying it would queue it again.</summary>
    public bool CanReplay { get; private set; }

    public string? Error { get; private set; }

    /// <summary>The name of each member user a membership property names (by local id): the user now, else its last log entry.</summary>
    public IReadOnlyDictionary<string, string> MemberNames { get; private set; } = new Dictionary<string, string>();

    /// <summary>What changed: equal old and new values (an empty attribute of a create) are left out.</summary>
    public IReadOnlyList<LogModifiedProperty> Changed { get; private set; } = [];

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
        Changed = LogText.Changed(Entry.ModifiedProperties).ToList();
        MemberNames = await MemberNamesAsync(cancellationToken);
        CanReplay = Entry.ChangeId is { } changeId
            && await db.Changes.AnyAsync(c => c.Id == changeId && c.PushStatus == PushStatuses.Failed, cancellationToken);
        return true;
    }

    private async Task<Dictionary<string, string>> MemberNamesAsync(CancellationToken cancellationToken)
    {
        var ids = Changed.Where(p => p.Name is LogText.MembersAdded or LogText.MembersRemoved)
            .SelectMany(p => LogText.MemberIds(p.Old).Ids.Concat(LogText.MemberIds(p.New).Ids))
            .Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var names = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, Name = u.DisplayName ?? u.UserName })
            .ToDictionaryAsync(u => u.Id, u => u.Name, StringComparer.Ordinal, cancellationToken);
        var gone = ids.Where(id => !names.ContainsKey(id)).ToList();
        if (gone.Count > 0)
        {
            var logged = await db.LogEntries.AsNoTracking()
                .Where(e => e.ResourceType == ResourceKinds.User && gone.Contains(e.SourceId) && e.SourceName != null)
                .GroupBy(e => e.SourceId)
                .Select(g => new { Id = g.Key, Newest = g.Max(e => e.Id) })
                .ToListAsync(cancellationToken);
            var newest = logged.Select(l => l.Newest).ToList();
            foreach (var row in await db.LogEntries.AsNoTracking().Where(e => newest.Contains(e.Id)).Select(e => new { e.SourceId, e.SourceName }).ToListAsync(cancellationToken))
            {
                names[row.SourceId] = row.SourceName!;
            }
        }
        return names;
    }

    private PageResult Refuse(int status, string message)
    {
        Error = message;
        Response.StatusCode = status;
        return Page();
    }
}
