using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Logs;
using ScimBridge.Push;

namespace ScimBridge.Admin.Pages;

/// <summary>
/// How far the work an admin queued (replay, retry, approve) has got, read from the push itself: objects still
/// waiting with this admin as initiator, and the log entries written for this admin since the action. The page
/// reloads itself (meta refresh, no script) until nothing waits.
/// </summary>
public sealed class ProgressModel(ScimBridgeDbContext db) : PageModel
{
    public const int RefreshSeconds = 2;
    private const int LatestShown = 20;

    public string What { get; private set; } = "";
    public DateTimeOffset Since { get; private set; }
    public int Waiting { get; private set; }
    public int HeldAgain { get; private set; }
    public int Finished { get; private set; }
    public IReadOnlyList<(string Status, int Count)> ByStatus { get; private set; } = [];
    public IReadOnlyList<LogEntrySummary> Latest { get; private set; } = [];
    public string? QuarantineReason { get; private set; }
    public bool Done => Waiting == 0;
    public int Percent => Finished + Waiting == 0 ? 100 : (int)(100L * Finished / (Finished + Waiting));

    public static RedirectToPageResult Redirect(PageModel page, DateTimeOffset since, string what) =>
        page.RedirectToPage("/Progress", new { since = since.ToString("O", CultureInfo.InvariantCulture), what });

    public async Task<IActionResult> OnGetAsync(string? since, string? what, CancellationToken cancellationToken)
    {
        if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
        {
            return BadRequest();
        }
        Since = start.ToUniversalTime();
        What = what is { Length: > 0 and <= 200 } ? what : "Queued work";
        var me = AdminApi.ActorName(HttpContext);

        var mine = db.PushStates.AsNoTracking().Where(p => p.InitiatorType == Initiators.Admin && p.Initiator == me && p.ChangeSeq > p.PushedSeq);
        Waiting = await mine.CountAsync(p => p.HeldAt == null, cancellationToken);
        HeldAgain = await mine.CountAsync(p => p.HeldAt != null, cancellationToken);

        var entries = db.LogEntries.AsNoTracking().Where(e => e.InitiatorType == Initiators.Admin && e.Initiator == me && e.At >= Since);
        ByStatus = (await entries.GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .Select(g => (g.Key, g.Count)).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        // An object is finished once it has an entry that is not a retry or a wait and nothing of it is still queued.
        Finished = await entries
            .Where(e => e.Status != LogStatuses.Pending && e.Status != LogStatuses.Retrying)
            .Where(e => !mine.Any(p => p.ResourceType == e.ResourceType && p.ResourceId == e.SourceId))
            .Select(e => new { e.ResourceType, e.SourceId }).Distinct().CountAsync(cancellationToken);
        Latest = await entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(LatestShown)
            .Select(LogsApi.Summary).ToListAsync(cancellationToken);
        QuarantineReason = await db.PushTargets.AsNoTracking()
            .Where(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null)
            .Select(t => t.Reason ?? "quarantined").FirstOrDefaultAsync(cancellationToken);
        return Page();
    }
}
