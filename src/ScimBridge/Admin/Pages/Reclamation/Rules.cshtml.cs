using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ScimBridge.Reclamation;

namespace ScimBridge.Admin.Pages.Reclamation;

/// <summary>The reclamation rules, with "New rule" and "Evaluate now".</summary>
public sealed class RulesModel(ReclaimRules rules, ReclaimEvaluator evaluator, ReclaimVips vips) : PageModel
{
    public IReadOnlyList<ReclaimRuleView> Rules { get; private set; } = [];
    public IReadOnlyList<ReclaimVipView> Vips { get; private set; } = [];

    [BindProperty]
    public string? VipMatch { get; set; }

    [BindProperty]
    public string? VipNote { get; set; }

    public string? VipError { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public EvaluationResult? Evaluation => EvaluationJson is null ? null : JsonSerializer.Deserialize<EvaluationResult>(EvaluationJson, JsonSerializerOptions.Web);

    /// <summary>The outcome of Evaluate now, for the page it redirects to.</summary>
    [TempData] public string? EvaluationJson { get; set; }
    public string? Error { get; private set; }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Rules = await rules.ListAsync(false, cancellationToken);
        Vips = await vips.ListAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAddVipAsync(CancellationToken cancellationToken)
    {
        try
        {
            var added = await vips.AddAsync(new AddVipRequest(VipMatch, VipNote), User.Identity?.Name ?? "admin", cancellationToken);
            return RedirectToPage(new { done = $"{added.Match} is on the VIP list: no rule takes their seats." });
        }
        catch (AdminException e)
        {
            VipError = e.Detail ?? e.Title;
            Response.StatusCode = e.Status;
            await LoadAsync(cancellationToken);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostRemoveVipAsync(long id, CancellationToken cancellationToken)
    {
        try
        {
            await vips.DeleteAsync(id, cancellationToken);
            return RedirectToPage(new { done = "Removed from the VIP list." });
        }
        catch (AdminException e)
        {
            VipError = e.Detail ?? e.Title;
            Response.StatusCode = e.Status;
            await LoadAsync(cancellationToken);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostEvaluateAsync(CancellationToken cancellationToken)
    {
        var result = await evaluator.EvaluateAsync(ReclaimActor.Admin(User.Identity?.Name ?? "admin"), cancellationToken);
        if (result.Ran)
        {
            EvaluationJson = JsonSerializer.Serialize(result, JsonSerializerOptions.Web);
            return RedirectToPage();
        }
        else
        {
            Error = result.Message;
            Response.StatusCode = StatusCodes.Status409Conflict;
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>"60 days (never active: after 14 days)".</summary>
    public static string Threshold(ReclaimRuleDefinition rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return $"{ConsoleFormat.Count(rule.InactiveDays, "day")} idle" + (rule.IncludeNeverActive ? $"; never active after {ConsoleFormat.Count(rule.NeverActiveGraceDays, "day")}" : "");
    }

    public static string Notice(ReclaimRuleDefinition rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Notify is { } n
            ? $"Yes; reminder every {n.ReminderEveryDays} d" + (n.AutoReclaimAfterDays is { } d ? $", reclaim after {d} d" : "") + $"; keep: {n.KeepApproval}"
            : rule.AutoReclaim ? "No (reclaims automatically)" : "No";
    }
}
