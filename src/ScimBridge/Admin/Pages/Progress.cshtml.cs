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
/// waiting with this admin as initiator, and the log entries written for this admin since the action. Failures count as
/// failures (an object's outcome is its latest entry). While work waits a small script (progress.js) polls
/// <c>?handler=State</c> and updates the status region in place: a whole-page refresh would throw the reader's focus
/// and screen-reader position back to the top (WCAG 2.2.1).
/// </summary>
public sealed class ProgressModel(ScimBridgeDbContext db) : PageModel
{
    public const int PollSeconds = 2;
    private const int LatestShown = 20;
    private const int FailuresLinked = 20;

    public string What { get; private set; } = "";
    public DateTimeOffset Since { get; private set; }
    public bool Started { get; private set; }
    public ProgressState State { get; private set; } = ProgressState.Empty;
    public IReadOnlyList<(string Status, int Count)> ByStatus { get; private set; } = [];
    public IReadOnlyList<LogEntrySummary> Latest { get; private set; } = [];
    public IReadOnlyList<LogEntrySummary> Failures { get; private set; } = [];
    public string? QuarantineReason { get; private set; }

    public static RedirectToPageResult Redirect(PageModel page, DateTimeOffset since, string what) =>
        page.RedirectToPage("/Progress", new { since = since.ToString("O", CultureInfo.InvariantCulture), what });

    public async Task<IActionResult> OnGetAsync(string? since, string? what, CancellationToken cancellationToken)
    {
        if (since is null)
        {
            // Opened from a bookmark or by hand: nothing was started, so say what the page is for.
            return Page();
        }
        if (!Start(since, what))
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        State = await StateAsync(cancellationToken);
        var entries = Mine();
        ByStatus = (await entries.GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .Select(g => (g.Key, g.Count)).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Latest = await entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(LatestShown)
            .Select(LogsApi.Summary).ToListAsync(cancellationToken);
        Failures = await Outcomes().Where(e => e.Status == LogStatuses.Failure).OrderByDescending(e => e.Id).Take(FailuresLinked)
            .Select(LogsApi.Summary).ToListAsync(cancellationToken);
        QuarantineReason = await db.PushTargets.AsNoTracking()
            .Where(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null)
            .Select(t => t.Reason ?? "quarantined").FirstOrDefaultAsync(cancellationToken);
        return Page();
    }

    /// <summary>The figures alone, for the page's polling script.</summary>
    public async Task<IActionResult> OnGetStateAsync(string? since, string? what, CancellationToken cancellationToken) =>
        Start(since, what) ? new JsonResult(await StateAsync(cancellationToken)) : BadRequest();

    private bool Start(string? since, string? what)
    {
        if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
        {
            return false;
        }
        Since = start.ToUniversalTime();
        What = what is { Length: > 0 and <= 200 } ? what : "Queued work";
        Started = true;
        return true;
    }

    private IQueryable<PushStateRecord> Queued()
    {
        var me = AdminApi.ActorName(HttpContext);
        return db.PushStates.AsNoTracking().Where(p => p.InitiatorType == Initiators.Admin && p.Initiator == me && p.ChangeSeq > p.PushedSeq);
    }

    private IQueryable<LogEntryRecord> Mine()
    {
        var me = AdminApi.ActorName(HttpContext);
        return db.LogEntries.AsNoTracking().Where(e => e.InitiatorType == Initiators.Admin && e.Initiator == me && e.At >= Since);
    }

    /// <summary>
    /// The latest entry of each finished object: one that is not a retry or a wait, of an object nothing of which is still queued.
    /// </summary>
    private IQueryable<LogEntryRecord> Outcomes()
    {
        var queued = Queued();
        var finished = Mine()
            .Where(e => e.Status != LogStatuses.Pending && e.Status != LogStatuses.Retrying)
            .Where(e => !queued.Any(p => p.ResourceType == e.ResourceType && p.ResourceId == e.SourceId));
        var latest = finished.GroupBy(e => new { e.ResourceType, e.SourceId }).Select(g => g.Max(e => e.Id));
        return Mine().Where(e => latest.Contains(e.Id));
    }

    private async Task<ProgressState> StateAsync(CancellationToken cancellationToken)
    {
        var queued = Queued();
        var waiting = await queued.CountAsync(p => p.HeldAt == null, cancellationToken);
        var heldAgain = await queued.CountAsync(p => p.HeldAt != null, cancellationToken);
        var outcomes = (await Outcomes().GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken))
            .ToDictionary(g => g.Key, g => g.Count);
        int Count(string status) => outcomes.GetValueOrDefault(status);
        return new ProgressState(Count(LogStatuses.Success) + Count(LogStatuses.Warning), Count(LogStatuses.Failure), Count(LogStatuses.Skipped), waiting, heldAgain);
    }
}

/// <summary>Objects by outcome: succeeded (warnings included), failed, skipped, still waiting, and held again by the deletion guard.</summary>
public sealed record ProgressState(int Succeeded, int Failed, int Skipped, int Waiting, int HeldAgain)
{
    public static readonly ProgressState Empty = new(0, 0, 0, 0, 0);

    public int Finished => Succeeded + Failed + Skipped;
    public bool Done => Waiting == 0;
    public int Total => Finished + Waiting;

    public string Headline => !Done ? "In progress" : Failed > 0 ? "Finished with failures" : "Done";

    public string Summary
    {
        get
        {
            var skipped = Skipped > 0 ? $", {ConsoleFormat.Number(Skipped)} skipped" : "";
            var held = HeldAgain > 0 ? $", {ConsoleFormat.Number(HeldAgain)} held again by the deletion guard" : "";
            return Done
                ? $"Finished: {ConsoleFormat.Number(Succeeded)} succeeded, {ConsoleFormat.Number(Failed)} failed{skipped}{held}."
                : $"{ConsoleFormat.Number(Finished)} finished, {ConsoleFormat.Number(Waiting)} still waiting{held} "
                  + $"(so far {ConsoleFormat.Number(Succeeded)} succeeded, {ConsoleFormat.Number(Failed)} failed{skipped}).";
        }
    }

    /// <summary>Where each part of the bar starts and how wide it is, in percent of the whole.</summary>
    public IReadOnlyList<ProgressBarPart> Bar
    {
        get
        {
            if (Total == 0)
            {
                return [];
            }
            var parts = new[] { ("succeeded", Succeeded), ("failed", Failed), ("skipped", Skipped), ("waiting", Waiting) };
            var start = 0.0;
            var bar = new List<ProgressBarPart>();
            foreach (var (part, count) in parts.Where(p => p.Item2 > 0))
            {
                var width = 100.0 * count / Total;
                bar.Add(new ProgressBarPart(part, start, width));
                start += width;
            }
            return bar;
        }
    }
}

public sealed record ProgressBarPart(string Part, double Start, double Width);
