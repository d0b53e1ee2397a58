using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Logs;

namespace ScimBridge.Admin.Pages.Users;

/// <summary>
/// One user or group: who it is on both sides, then its timeline (the admin API's), newest first: what the identity
/// provider sent and what the bridge did with it, each done item linked to its log entry.
/// </summary>
public sealed class TimelineModel(ScimBridgeDbContext db) : PageModel
{
    public string ResourceType { get; private set; } = ResourceKinds.User;
    public string Id { get; private set; } = "";
    public string? Name { get; private set; }
    public string? UserName { get; private set; }
    public bool? Active { get; private set; }
    public int? Members { get; private set; }

    /// <summary>The resource is gone from the bridge; only its history is left.</summary>
    public bool Deleted { get; private set; }

    public string? MondayId { get; private set; }
    public bool Waiting { get; private set; }
    public string? LastError { get; private set; }
    public bool HrWorker { get; private set; }
    public TimelinePage? Timeline { get; private set; }
    public string? Error { get; private set; }

    public string Noun => ResourceType == ResourceKinds.Group ? "group" : "user";

    public async Task<IActionResult> OnGetAsync(string kind, string id, string? cursor, CancellationToken cancellationToken)
    {
        (ResourceType, Id) = (kind == "groups" ? ResourceKinds.Group : ResourceKinds.User, id);
        try
        {
            Timeline = (await LogTimeline.GetAsync(ResourceType, id, new TimelineQuery(null, cursor), db, cancellationToken)).Value;
        }
        catch (AdminException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }
        catch (AdminException ex)
        {
            Error = ex.Detail;
            Response.StatusCode = ex.Status;
        }

        if (ResourceType == ResourceKinds.User)
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Id == id)
                .Select(u => new { u.UserName, u.DisplayName, u.Active }).FirstOrDefaultAsync(cancellationToken);
            (Name, UserName, Active, Deleted) = (user?.DisplayName ?? user?.UserName, user?.UserName, user?.Active, user is null);
            HrWorker = await db.HrWorkers.AnyAsync(w => w.UserId == id, cancellationToken);
        }
        else
        {
            var group = await db.Groups.AsNoTracking().Where(g => g.Id == id)
                .Select(g => new { g.DisplayName, Members = g.Members.Count }).FirstOrDefaultAsync(cancellationToken);
            (Name, Members, Deleted) = (group?.DisplayName, group?.Members, group is null);
        }
        Name ??= await db.LogEntries.AsNoTracking()
            .Where(e => e.ResourceType == ResourceType && e.SourceId == id && e.SourceName != null)
            .OrderByDescending(e => e.Id).Select(e => e.SourceName).FirstOrDefaultAsync(cancellationToken);

        var state = await db.PushStates.AsNoTracking().Where(p => p.ResourceType == ResourceType && p.ResourceId == id)
            .Select(p => new { p.MondayId, Waiting = p.ChangeSeq > p.PushedSeq, p.LastError }).FirstOrDefaultAsync(cancellationToken);
        (MondayId, Waiting, LastError) = (state?.MondayId, state?.Waiting == true, state?.LastError);
        return Page();
    }
}
