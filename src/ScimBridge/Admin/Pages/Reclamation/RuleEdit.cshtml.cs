using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ScimBridge.Reclamation;

namespace ScimBridge.Admin.Pages.Reclamation;

/// <summary>
/// A rule's form (new, or an existing rule with its versions, dry run and delete). Numbers are bound as text so that what
/// was typed is shown again with the error next to it; the service's validation names the fields (<c>notify.webhookUrl</c>).
/// </summary>
public sealed class RuleEditModel(ReclaimRules rules, ReclaimEvaluator evaluator) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    [BindProperty] public RuleForm Form { get; set; } = new();

    public bool IsNew => Id == "new";
    public long RuleId { get; private set; }
    public ReclaimRuleView? Rule { get; private set; }
    public IReadOnlyList<ReclaimRuleVersionView> Versions { get; private set; } = [];
    public DryRunResult? DryRun { get; private set; }
    public bool ConfirmDelete { get; private set; }
    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(bool? delete, CancellationToken cancellationToken)
    {
        if (IsNew)
        {
            Form = RuleForm.From(new ReclaimRuleDefinition { Name = "" }, 0);
            return Page();
        }
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        Form = RuleForm.From(Rule!.Definition, Rule.Version);
        ConfirmDelete = delete == true && Rule.DeletedAt is null;
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken cancellationToken)
    {
        if (!IsNew && !await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        var (definition, formErrors) = Form.ToDefinition();
        try
        {
            if (formErrors.Count > 0)
            {
                // Report the service's findings too, so every field at fault is shown at once.
                var more = await rules.CheckAsync(definition, IsNew ? null : RuleId, cancellationToken);
                foreach (var (field, messages) in more.Where(m => !formErrors.ContainsKey(m.Key)))
                {
                    formErrors[field] = messages;
                }
                throw new AdminException(StatusCodes.Status400BadRequest, "Invalid rule", null, formErrors);
            }
            var actor = User.Identity?.Name ?? "admin";
            var saved = IsNew
                ? await rules.CreateAsync(definition, actor, cancellationToken)
                : await rules.UpdateAsync(RuleId, definition, Form.Version, actor, cancellationToken);
            return Redirect($"/admin/reclamation/rules/{saved.Id}?done={Uri.EscapeDataString($"Saved “{saved.Name}” (version {saved.Version}).")}");
        }
        catch (AdminException ex)
        {
            Errors = ex.Errors ?? new Dictionary<string, string[]>();
            Error = ex.Errors is null ? ex.Detail ?? ex.Title : "The rule was not saved: correct the fields marked below.";
            Response.StatusCode = ex.Status;
            return Page();
        }
    }

    public async Task<IActionResult> OnPostDryRunAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFound();
        }
        DryRun = await evaluator.DryRunAsync(RuleId, cancellationToken);
        Form = RuleForm.From(Rule!.Definition, Rule.Version);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken) || Rule!.DeletedAt is not null)
        {
            return NotFound();
        }
        var deleted = await rules.DeleteAsync(RuleId, User.Identity?.Name ?? "admin", cancellationToken);
        var left = deleted.CandidatesLeft > 0 ? $"; {deleted.CandidatesLeft} being reclaimed right now finish" : "";
        return Redirect($"/admin/reclamation/rules?done={Uri.EscapeDataString($"Deleted “{Rule.Name}”: {deleted.CandidatesClosed} open candidates closed{left}.")}");
    }

    /// <summary>The messages for a field and its elements (<c>excludeUsers</c> shows <c>excludeUsers[1]</c>'s too).</summary>
    public IEnumerable<string> ErrorsFor(string field) =>
        Errors.Where(e => e.Key == field || e.Key.StartsWith(field + "[", StringComparison.Ordinal)).SelectMany(e => e.Value);

    /// <summary>Errors whose field has no place of its own on the form (shown at the top).</summary>
    public IEnumerable<string> OtherErrors() => Errors.Where(e => !RuleForm.Fields.Any(f => e.Key == f || e.Key.StartsWith(f + "[", StringComparison.Ordinal))).SelectMany(e => e.Value);

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (!long.TryParse(Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }
        try
        {
            Rule = await rules.GetAsync(id, cancellationToken);
            Versions = await rules.VersionsAsync(id, cancellationToken);
            RuleId = id;
            return true;
        }
        catch (AdminException ex) when (ex.Status == StatusCodes.Status404NotFound)
        {
            return false;
        }
    }
}

/// <summary>The rule form as posted: lists are checkboxes or one entry per line; numbers are text until checked.</summary>
public sealed class RuleForm
{
    public static readonly IReadOnlyList<string> Fields =
    [
        "name", "enabled", "apps", "seatTypes", "excludeSeatTypes", "inactiveDays", "includeNeverActive", "neverActiveGraceDays", "ignoreCreatedWithinDays",
        "excludeUsers", "excludeGroups", "action", "autoReclaim", "notify", "notify.webhookUrl", "notify.reminderEveryDays", "notify.autoReclaimAfterDays",
        "notify.keepApproval", "cooldownDays",
    ];

    public int? Version { get; set; }
    public string? Name { get; set; }
    public bool Enabled { get; set; }
    public List<string> Apps { get; set; } = [];
    public List<string> SeatTypes { get; set; } = [];
    public List<string> ExcludeSeatTypes { get; set; } = [];
    public string? InactiveDays { get; set; }
    public bool IncludeNeverActive { get; set; }
    public string? NeverActiveGraceDays { get; set; }
    public string? IgnoreCreatedWithinDays { get; set; }
    public string? ExcludeUsers { get; set; }
    public string? ExcludeGroups { get; set; }
    public string? Action { get; set; }
    public bool AutoReclaim { get; set; }
    public bool Notify { get; set; }
    public string? WebhookUrl { get; set; }
    public string? ReminderEveryDays { get; set; }
    public string? AutoReclaimAfterDays { get; set; }
    public string? KeepApproval { get; set; }
    public string? CooldownDays { get; set; }

    public static RuleForm From(ReclaimRuleDefinition rule, int version)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var notice = rule.Notify ?? new ReclaimNotice();
        return new RuleForm
        {
            Version = version == 0 ? null : version,
            Name = rule.Name,
            Enabled = rule.Enabled,
            Apps = [.. rule.Apps],
            SeatTypes = [.. rule.SeatTypes],
            ExcludeSeatTypes = [.. rule.ExcludeSeatTypes],
            InactiveDays = Text(rule.InactiveDays),
            IncludeNeverActive = rule.IncludeNeverActive,
            NeverActiveGraceDays = Text(rule.NeverActiveGraceDays),
            IgnoreCreatedWithinDays = Text(rule.IgnoreCreatedWithinDays),
            ExcludeUsers = string.Join('\n', rule.ExcludeUsers),
            ExcludeGroups = string.Join('\n', rule.ExcludeGroups),
            Action = rule.Action,
            AutoReclaim = rule.AutoReclaim,
            Notify = rule.Notify is not null,
            WebhookUrl = notice.WebhookUrl,
            ReminderEveryDays = Text(notice.ReminderEveryDays),
            AutoReclaimAfterDays = Text(notice.AutoReclaimAfterDays),
            KeepApproval = notice.KeepApproval,
            CooldownDays = Text(rule.CooldownDays),
        };
    }

    /// <summary>The definition, and the fields that are not numbers (the rest is the service's to check).</summary>
    public (ReclaimRuleDefinition Rule, Dictionary<string, string[]> Errors) ToDefinition()
    {
        var errors = new Dictionary<string, string[]>();
        int Number(string field, string? text, int fallback)
        {
            if (int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
            errors[field] = [$"{field}: '{text}' is not a whole number of days."];
            return fallback;
        }
        int? Optional(string field, string? text) => string.IsNullOrWhiteSpace(text) ? null : Number(field, text, 1);

        var rule = new ReclaimRuleDefinition
        {
            Name = Name ?? "",
            Enabled = Enabled,
            Apps = [.. Apps],
            SeatTypes = [.. SeatTypes],
            // The excluded types of an app not ticked mean nothing (the defaults exclude both apps' admins).
            ExcludeSeatTypes = [.. ExcludeSeatTypes.Where(t => Apps.Any(a => Mirror.SeatTypes.For(a).Contains(t)))],
            InactiveDays = Number("inactiveDays", InactiveDays, 60),
            IncludeNeverActive = IncludeNeverActive,
            NeverActiveGraceDays = Number("neverActiveGraceDays", NeverActiveGraceDays, 14),
            IgnoreCreatedWithinDays = Optional("ignoreCreatedWithinDays", IgnoreCreatedWithinDays),
            ExcludeUsers = Lines(ExcludeUsers),
            ExcludeGroups = Lines(ExcludeGroups),
            Action = Action ?? "",
            AutoReclaim = AutoReclaim,
            CooldownDays = Number("cooldownDays", CooldownDays, 90),
            Notify = Notify
                ? new ReclaimNotice
                {
                    WebhookUrl = WebhookUrl ?? "",
                    ReminderEveryDays = Number("notify.reminderEveryDays", ReminderEveryDays, 3),
                    AutoReclaimAfterDays = Optional("notify.autoReclaimAfterDays", AutoReclaimAfterDays),
                    KeepApproval = KeepApproval ?? KeepApprovals.None,
                }
                : null,
        };
        return (rule, errors);
    }

    private static List<string> Lines(string? text) =>
        [.. (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
