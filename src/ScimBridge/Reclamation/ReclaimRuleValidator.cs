using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Reclamation;

/// <summary>A rule's user and group exclusions, resolved to inbound ids (what the evaluator compares with).</summary>
public sealed record ResolvedExclusions(IReadOnlySet<string> UserIds, IReadOnlySet<string> GroupIds);

/// <summary>
/// Reads a rule from JSON (mistyped properties and wrong types are errors naming the field) and checks it: every message
/// names its field as a JSON path (<c>notify.webhookUrl</c>, <c>excludeUsers[1]</c>), and nothing is saved on any error.
/// </summary>
public static class ReclaimRuleValidator
{
    public const int MaxName = 100;

    /// <summary>Strict: unknown properties are refused, so a mistyped option is never silently ignored.</summary>
    public static readonly JsonSerializerOptions StrictJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The definition in <paramref name="json"/>, or an <see cref="AdminException"/> (400) naming the field at fault.</summary>
    public static ReclaimRuleDefinition Parse(string? json) => Parse<ReclaimRuleDefinition>(json, "rule");

    public static T Parse<T>(string? json, string what) where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw AdminException.Invalid("body", $"The request needs a JSON body: the {what}.");
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json, StrictJson) ?? throw AdminException.Invalid("body", $"The body must be a JSON object: the {what}.");
        }
        catch (JsonException ex)
        {
            var field = Field(ex);
            var unknown = UnknownProperty(ex.Message);
            if (unknown is not null)
            {
                // The path usually ends with the property already ("notify.webhook"); not always.
                var at = field is "" or "$" ? unknown : field == unknown || field.EndsWith("." + unknown, StringComparison.Ordinal) ? field : $"{field}.{unknown}";
                throw AdminException.Invalid(at, $"{at}: there is no such property (check its spelling; properties are camelCase).");
            }
            field = field is "" ? "body" : field;
            throw AdminException.Invalid(field, $"{field}: {Problem(ex, what)}.");
        }
    }

    /// <summary>What was wrong, in the API's terms (never .NET type names or byte offsets).</summary>
    private static string Problem(JsonException ex, string what)
    {
        var message = ex.Message;
        var converted = message.IndexOf("could not be converted to ", StringComparison.Ordinal);
        if (converted < 0)
        {
            return $"not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1})";
        }
        var type = message[(converted + "could not be converted to ".Length)..];
        return type switch
        {
            _ when type.StartsWith("System.Int", StringComparison.Ordinal) || type.StartsWith("System.Nullable`1[System.Int", StringComparison.Ordinal) => "must be a whole number",
            _ when type.StartsWith("System.Boolean", StringComparison.Ordinal) => "must be true or false",
            _ when type.StartsWith("System.String", StringComparison.Ordinal) => "must be a string",
            _ when type.StartsWith("System.Collections", StringComparison.Ordinal) => "must be a list (a JSON array)",
            _ when ex.Path is null or "$" => $"the body must be a JSON object: the {what}",
            _ => "must be a JSON object",
        };
    }

    /// <summary>"$.notify.webhookUrl" → "notify.webhookUrl"; "$.apps[1]" → "apps[1]".</summary>
    private static string Field(JsonException ex)
    {
        var path = ex.Path ?? "";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string? UnknownProperty(string message)
    {
        // System.Text.Json: "The JSON property 'x' could not be mapped to any .NET member contained in type '…'."
        const string marker = "The JSON property '";
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0 || !message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return null;
        }
        start += marker.Length;
        var end = message.IndexOf('\'', start);
        return end > start ? message[start..end] : null;
    }

    /// <summary>
    /// Every problem with the rule, by field (empty when it is valid), and its exclusions resolved to inbound ids.
    /// <paramref name="ruleId"/>: the rule being replaced (its own name is not a clash).
    /// </summary>
    public static async Task<(Dictionary<string, string[]> Errors, ResolvedExclusions Exclusions)> ValidateAsync(
        ScimBridgeDbContext db, ReclaimRuleDefinition rule, long? ruleId, string? publicUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rule);
        var errors = new Dictionary<string, List<string>>();
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add($"{field}: {message}");
        }

        // Name.
        var name = rule.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            Fail("name", "a rule needs a name.");
        }
        else if (name.Length > MaxName)
        {
            Fail("name", $"at most {MaxName} characters ({name.Length} given).");
        }
        else
        {
            var folded = name.ToUpperInvariant();
            var others = await db.ReclaimRules.AsNoTracking().Where(r => r.DeletedAt == null && (ruleId == null || r.Id != ruleId))
                .Select(r => r.Name).ToListAsync(cancellationToken);
            if (others.Any(o => o.Trim().ToUpperInvariant() == folded))
            {
                Fail("name", $"another rule is already named '{name}'.");
            }
        }

        // Apps and seat types.
        var apps = rule.Apps ?? [];
        if (apps.Count == 0)
        {
            Fail("apps", $"choose at least one app ({string.Join(", ", MirrorApps.All)}).");
        }
        for (var i = 0; i < apps.Count; i++)
        {
            if (!MirrorApps.All.Contains(apps[i]))
            {
                Fail($"apps[{i}]", $"'{apps[i]}' is not a known app (known: {string.Join(", ", MirrorApps.All)}).");
            }
            else if (apps.IndexOf(apps[i]) < i)
            {
                Fail($"apps[{i}]", $"'{apps[i]}' is listed twice.");
            }
        }
        var known = apps.Where(MirrorApps.All.Contains).SelectMany(SeatTypes.For).Distinct().ToList();
        var seatTypesOfRule = rule.SeatTypes ?? [];
        for (var i = 0; i < seatTypesOfRule.Count; i++)
        {
            if (!known.Contains(seatTypesOfRule[i]))
            {
                Fail($"seatTypes[{i}]", $"'{seatTypesOfRule[i]}' is not a seat type of {string.Join(" or ", apps.Where(MirrorApps.All.Contains).Select(MirrorApps.DisplayName))} (known: {string.Join(", ", known)}).");
            }
        }
        // Exclusions may name any app's seat types: the default excludes every app's admins, whichever apps the rule covers.
        var anyApp = MirrorApps.All.SelectMany(SeatTypes.For).Distinct().ToList();
        var excludedTypes = rule.ExcludeSeatTypes ?? [];
        for (var i = 0; i < excludedTypes.Count; i++)
        {
            if (!anyApp.Contains(excludedTypes[i]))
            {
                Fail($"excludeSeatTypes[{i}]", $"'{excludedTypes[i]}' is not a seat type of any app (known: {string.Join(", ", anyApp)}).");
            }
        }
        var seatTypes = rule.SeatTypes ?? [];
        var excluded = rule.ExcludeSeatTypes ?? [];
        if (seatTypes.Count > 0 && seatTypes.All(excluded.Contains))
        {
            Fail("seatTypes", "every seat type chosen is also excluded (excludeSeatTypes): the rule could never take a seat.");
        }

        // Action and its contradictions.
        if (!ReclaimActions.All.Contains(rule.Action))
        {
            Fail("action", $"'{rule.Action}' is not an action (known: {string.Join(", ", ReclaimActions.All)}).");
        }
        else if (rule.Action == ReclaimActions.Downgrade)
        {
            if (apps.Contains(MirrorApps.Roadmunk))
            {
                Fail("action", "Roadmunk has no downgrade: use deactivate, or a separate rule for Roadmunk.");
            }
            var effective = seatTypes.Count > 0 ? seatTypes : known.Except(excluded).ToList();
            if (effective.Count > 0 && effective.All(FreeSeatTypes.Contains))
            {
                Fail("action", $"downgrading {string.Join(", ", effective)} seats frees nothing: they are already free (viewer, guest).");
            }
        }
        else if (rule.Action == ReclaimActions.Report)
        {
            if (rule.AutoReclaim)
            {
                Fail("autoReclaim", "a report rule never acts: set action to downgrade or deactivate, or turn autoReclaim off.");
            }
            if (rule.Notify is not null)
            {
                Fail("notify", "a report rule never acts, so it sends no notice: set action to downgrade or deactivate, or remove notify.");
            }
        }
        if (rule.AutoReclaim && rule.Notify is not null)
        {
            Fail("autoReclaim", "with a notice, the seat is reclaimed after notify.autoReclaimAfterDays without an answer: turn autoReclaim off.");
        }

        // Ranges.
        void Range(string field, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                Fail(field, $"must be between {min} and {max} ({value} given).");
            }
        }
        Range("inactiveDays", rule.InactiveDays, 1, 3650);
        Range("neverActiveGraceDays", rule.NeverActiveGraceDays, 1, 3650);
        Range("cooldownDays", rule.CooldownDays, 1, 3650);
        if (rule.IgnoreCreatedWithinDays is { } within)
        {
            Range("ignoreCreatedWithinDays", within, 1, 3650);
        }

        // The notice.
        if (rule.Notify is { } notify)
        {
            if (string.IsNullOrWhiteSpace(publicUrl))
            {
                Fail("notify", "a notice carries keep / give-up links, which need Reclamation:PublicUrl (the bridge's public base URL) configured.");
            }
            if (!Uri.TryCreate(notify.WebhookUrl?.Trim(), UriKind.Absolute, out var hook) || hook.Scheme is not ("http" or "https"))
            {
                Fail("notify.webhookUrl", $"'{notify.WebhookUrl}' is not an absolute http(s) URL (the Slack or Teams incoming webhook).");
            }
            Range("notify.reminderEveryDays", notify.ReminderEveryDays, 1, 365);
            if (notify.AutoReclaimAfterDays is { } after)
            {
                Range("notify.autoReclaimAfterDays", after, 1, 365);
            }
            if (!KeepApprovals.All.Contains(notify.KeepApproval))
            {
                Fail("notify.keepApproval", $"'{notify.KeepApproval}' is not known (known: {string.Join(", ", KeepApprovals.All)}).");
            }
        }

        // Exclusions: each must name an inbound user or group, so a typo never leaves someone unprotected.
        var users = new HashSet<string>(StringComparer.Ordinal);
        var excludeUsers = rule.ExcludeUsers ?? [];
        if (excludeUsers.Count > 0)
        {
            var wanted = excludeUsers.Select(u => u?.Trim() ?? "").ToList();
            var folded = wanted.Select(ScimText.Fold).ToList();
            var found = await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id) || folded.Contains(u.UserNameNormalized))
                .Select(u => new { u.Id, u.UserNameNormalized }).ToListAsync(cancellationToken);
            for (var i = 0; i < wanted.Count; i++)
            {
                var match = found.FirstOrDefault(u => u.Id == wanted[i]) ?? found.FirstOrDefault(u => u.UserNameNormalized == folded[i]);
                if (match is null)
                {
                    Fail($"excludeUsers[{i}]", $"No inbound user '{wanted[i]}' (give a user's id or userName).");
                }
                else
                {
                    users.Add(match.Id);
                }
            }
        }
        var groups = new HashSet<string>(StringComparer.Ordinal);
        var excludeGroups = rule.ExcludeGroups ?? [];
        if (excludeGroups.Count > 0)
        {
            var wanted = excludeGroups.Select(g => g?.Trim() ?? "").ToList();
            var folded = wanted.Select(ScimText.Fold).ToList();
            var found = await db.Groups.AsNoTracking().Where(g => wanted.Contains(g.Id) || folded.Contains(g.DisplayNameNormalized))
                .Select(g => new { g.Id, g.DisplayNameNormalized }).ToListAsync(cancellationToken);
            for (var i = 0; i < wanted.Count; i++)
            {
                var match = found.FirstOrDefault(g => g.Id == wanted[i]) ?? found.FirstOrDefault(g => g.DisplayNameNormalized == folded[i]);
                if (match is null)
                {
                    Fail($"excludeGroups[{i}]", $"No inbound group '{wanted[i]}' (give a group's id or displayName).");
                }
                else
                {
                    groups.Add(match.Id);
                }
            }
        }

        return (errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), new ResolvedExclusions(users, groups));
    }

    /// <summary>Seat types that cost nothing: a downgrade has nothing to free.</summary>
    public static readonly IReadOnlyList<string> FreeSeatTypes = [SeatTypes.Viewer, SeatTypes.Guest];

    /// <summary>Trims the name and list entries, drops blank list entries, so what is stored is what is meant.</summary>
    public static ReclaimRuleDefinition Normalize(ReclaimRuleDefinition rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        static List<string> Clean(List<string>? list) => [.. (list ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim())];
        rule.Name = rule.Name?.Trim() ?? "";
        rule.Apps = [.. Clean(rule.Apps).Select(a => a.ToLowerInvariant())];
        rule.SeatTypes = [.. Clean(rule.SeatTypes).Select(a => a.ToLowerInvariant())];
        rule.ExcludeSeatTypes = [.. Clean(rule.ExcludeSeatTypes).Select(a => a.ToLowerInvariant())];
        rule.ExcludeUsers = Clean(rule.ExcludeUsers);
        rule.ExcludeGroups = Clean(rule.ExcludeGroups);
        rule.Action = rule.Action?.Trim().ToLowerInvariant() ?? "";
        if (rule.Notify is { } notify)
        {
            notify.WebhookUrl = notify.WebhookUrl?.Trim() ?? "";
            notify.KeepApproval = notify.KeepApproval?.Trim().ToLowerInvariant() ?? "";
        }
        return rule;
    }

    /// <summary>Resolves a stored rule's exclusions; names that no longer resolve are dropped (the user or group was deleted).</summary>
    public static async Task<ResolvedExclusions> ResolveAsync(ScimBridgeDbContext db, ReclaimRuleDefinition rule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rule);
        var users = new HashSet<string>(StringComparer.Ordinal);
        if (rule.ExcludeUsers is { Count: > 0 } excludeUsers)
        {
            var folded = excludeUsers.Select(ScimText.Fold).ToList();
            users.UnionWith(await db.Users.AsNoTracking().Where(u => excludeUsers.Contains(u.Id) || folded.Contains(u.UserNameNormalized))
                .Select(u => u.Id).ToListAsync(cancellationToken));
        }
        var groups = new HashSet<string>(StringComparer.Ordinal);
        if (rule.ExcludeGroups is { Count: > 0 } excludeGroups)
        {
            var folded = excludeGroups.Select(ScimText.Fold).ToList();
            groups.UnionWith(await db.Groups.AsNoTracking().Where(g => excludeGroups.Contains(g.Id) || folded.Contains(g.DisplayNameNormalized))
                .Select(g => g.Id).ToListAsync(cancellationToken));
        }
        return new ResolvedExclusions(users, groups);
    }
}
