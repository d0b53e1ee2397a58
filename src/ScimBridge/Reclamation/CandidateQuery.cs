using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Reclamation;

/// <summary>The candidate list's query string, as sent (checked by <see cref="CandidateFilter.Parse"/>).</summary>
/// <remarks>A parameterless constructor and init properties: bound by the compile-time request delegate generator.</remarks>
public sealed record CandidateListQuery
{
    public CandidateListQuery()
    {
    }

    internal CandidateListQuery(string? state, string? app, string? rule, string? wave, string? q, string? page, string? pageSize)
    {
        State = state;
        App = app;
        Rule = rule;
        Wave = wave;
        Q = q;
        Page = page;
        PageSize = pageSize;
    }

    [Description("States, comma-separated: stored values (AwaitingRevocation) or display names (Awaiting Revocation), or open / closed.")][FromQuery(Name = "state")] public string? State { get; init; }
    [Description("monday or roadmunk.")][FromQuery(Name = "app")] public string? App { get; init; }
    [Description("The rule's id.")][FromQuery(Name = "rule")] public string? Rule { get; init; }
    [Description("The wave (reclaim request) id.")][FromQuery(Name = "wave")] public string? Wave { get; init; }
    [Description("Part of the email or name (case-insensitive).")][FromQuery(Name = "q")] public string? Q { get; init; }
    [Description("1-based page number (default 1).")][FromQuery(Name = "page")] public string? Page { get; init; }
    [Description("Rows per page, 1 to 500 (default 100).")][FromQuery(Name = "pageSize")] public string? PageSize { get; init; }

    public static readonly CandidateListQuery Empty = new(null, null, null, null, null, null, null);
}

/// <summary>A checked candidate filter; every bad value is refused naming the field and the allowed values (400).</summary>
public sealed record CandidateFilter(
    IReadOnlyList<string>? States, string? App, long? RuleId, string? WaveId, string? Search, int Page, int PageSize)
{
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 100;
    public const int MaxOffset = 100_000;
    public const string OpenStates = "open";
    public const string ClosedStates = "closed";

    public static CandidateFilter Parse(CandidateListQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        List<string>? states = null;
        if (Blank(query.State) is { } stateText)
        {
            states = [];
            foreach (var part in stateText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (part.Equals(OpenStates, StringComparison.OrdinalIgnoreCase))
                {
                    states.AddRange(CandidateStates.Open);
                }
                else if (part.Equals(ClosedStates, StringComparison.OrdinalIgnoreCase))
                {
                    states.AddRange(CandidateStates.Closed);
                }
                else
                {
                    states.Add(CandidateStates.Parse(part) ?? throw AdminException.Invalid("state",
                        $"'{MirrorQuery.Shorten(part)}' is not a candidate state; allowed: {OpenStates}, {ClosedStates}, {string.Join(", ", CandidateStates.All)} (or their display names, comma-separated)."));
                }
            }
            states = states.Count == 0 ? null : [.. states.Distinct()];
        }
        string? app = null;
        if (Blank(query.App) is { } appText)
        {
            app = MirrorApps.All.FirstOrDefault(a => a.Equals(appText, StringComparison.OrdinalIgnoreCase))
                ?? throw AdminException.Invalid("app", $"'{MirrorQuery.Shorten(appText)}' is not a known app; allowed: {string.Join(", ", MirrorApps.All)}.");
        }
        long? rule = null;
        if (Blank(query.Rule) is { } ruleText)
        {
            rule = long.TryParse(ruleText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
                ? id
                : throw AdminException.Invalid("rule", "rule must be a rule's id (a whole number).");
        }
        var wave = Blank(query.Wave);
        if (wave is { Length: > 64 })
        {
            throw AdminException.Invalid("wave", "wave is at most 64 characters.");
        }
        var search = Blank(query.Q);
        if (search is { Length: > 256 })
        {
            throw AdminException.Invalid("q", "q is at most 256 characters.");
        }
        var pageSize = Blank(query.PageSize) is { } size ? MirrorQuery.Number("pageSize", size, 1, MaxPageSize) : DefaultPageSize;
        var page = Blank(query.Page) is { } p ? MirrorQuery.Number("page", p, 1, int.MaxValue) : 1;
        if ((long)(page - 1) * pageSize > MaxOffset)
        {
            throw AdminException.Invalid("page", $"Pages reach at most {MaxOffset:N0} rows deep; narrow the filter (or export it as CSV) instead.");
        }
        return new CandidateFilter(states, app, rule, wave, search, page, pageSize);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>One candidate as the API, the console and the CSV export show it.</summary>
public sealed record CandidateView(
    long Id,
    long RuleId,
    string? RuleName,
    string App,
    string AccountId,
    string? UserId,
    string? Email,
    string? Name,
    string SeatType,
    [property: Description("downgrade, deactivate or report.")] string Action,
    [property: Description("The stored state (see the state filter).")] string State,
    string StateDisplay,
    [property: Description("Why the seat is a candidate.")] string Reason,
    [property: Description("Why it is in its state (the guard's hold, the app's refusal, a kept seat).")] string? StateReason,
    string? ErrorCode,
    DateTimeOffset? LastActivity,
    decimal? MonthlySaving,
    string Currency,
    string? WaveId,
    DateTimeOffset? HeldAt,
    string? Answer,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ClosedAt,
    DateTimeOffset? ReclaimedAt,
    string? PreviousSeatType,
    string? NewSeatType,
    bool? PreviousActive,
    bool? NewActive,
    DateTimeOffset? UndoneAt)
{
    /// <summary>Only on the single candidate: its state changes, oldest first.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<TransitionView>? Transitions { get; init; }

    public static CandidateView Of(ReclaimCandidateRecord c, string? ruleName)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.RuleId, ruleName, c.App, c.AccountId, c.UserId, c.Email, c.Name, c.SeatType, c.Action, c.State,
            CandidateStates.DisplayName(c.State), c.Reason, c.StateReason, c.ErrorCode, c.LastActivity, c.MonthlySaving, c.Currency, c.WaveId,
            c.HeldAt, c.Answer, c.CreatedAt, c.UpdatedAt, c.ClosedAt, c.ReclaimedAt, c.PreviousSeatType, c.NewSeatType, c.PreviousActive,
            c.NewActive, c.UndoneAt);
    }
}

/// <summary>One state change: from (null for the first) to, when, and who.</summary>
public sealed record TransitionView(string? From, string To, DateTimeOffset At, string ActorType, string Actor, string? Note);

public sealed record CandidatePage(IReadOnlyList<CandidateView> Items, int Page, int PageSize, int Total);

/// <summary>The candidate list shared by the admin API, the console and the CSV export; newest first.</summary>
public static class CandidateQuery
{
    public static IQueryable<ReclaimCandidateRecord> Filtered(ScimBridgeDbContext db, CandidateFilter filter)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(filter);
        var candidates = db.ReclaimCandidates.AsNoTracking();
        if (filter.States is { } states)
        {
            candidates = candidates.Where(c => states.Contains(c.State));
        }
        if (filter.App is { } app)
        {
            candidates = candidates.Where(c => c.App == app);
        }
        if (filter.RuleId is { } rule)
        {
            candidates = candidates.Where(c => c.RuleId == rule);
        }
        if (filter.WaveId is { } wave)
        {
            candidates = candidates.Where(c => c.WaveId == wave);
        }
        if (filter.Search is { } search)
        {
            // The seat's folded email finds accents and case on both databases; lower() covers names (ASCII on SQLite).
            var folded = ScimText.Fold(search);
            var lower = search.ToLowerInvariant();
            candidates = candidates.Where(c =>
                (c.Email != null && c.Email.ToLower().Contains(lower))
                || (c.Name != null && c.Name.ToLower().Contains(lower))
                || db.MirrorSeats.Any(s => s.Id == c.SeatId && s.EmailNormalized != null && s.EmailNormalized.Contains(folded)));
        }
        return candidates;
    }

    public static IOrderedQueryable<ReclaimCandidateRecord> NewestFirst(IQueryable<ReclaimCandidateRecord> candidates) =>
        candidates.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id);

    public static async Task<CandidatePage> PageAsync(ScimBridgeDbContext db, CandidateFilter filter, CancellationToken ct)
    {
        var candidates = Filtered(db, filter);
        var total = await candidates.CountAsync(ct);
        var rows = await NewestFirst(candidates).Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(ct);
        return new CandidatePage(await ViewsAsync(db, rows, ct), filter.Page, filter.PageSize, total);
    }

    /// <summary>The rows with their rule's name (one query for the batch).</summary>
    public static async Task<List<CandidateView>> ViewsAsync(ScimBridgeDbContext db, IReadOnlyList<ReclaimCandidateRecord> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        var ruleIds = rows.Select(r => r.RuleId).Distinct().ToList();
        var names = await db.ReclaimRules.AsNoTracking().Where(r => ruleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Name, ct);
        return [.. rows.Select(r => CandidateView.Of(r, names.GetValueOrDefault(r.RuleId)))];
    }

    /// <summary>One candidate with its transitions, oldest first; null when there is none.</summary>
    public static async Task<CandidateView?> DetailAsync(ScimBridgeDbContext db, long id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var candidate = await db.ReclaimCandidates.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (candidate is null)
        {
            return null;
        }
        var transitions = await db.ReclaimTransitions.AsNoTracking().Where(t => t.CandidateId == id).OrderBy(t => t.At).ThenBy(t => t.Id)
            .Select(t => new TransitionView(t.FromState, t.ToState, t.At, t.ActorType, t.Actor, t.Note)).ToListAsync(ct);
        var view = (await ViewsAsync(db, [candidate], ct))[0];
        return view with { Transitions = transitions };
    }

    /// <summary>The commands that make sense in a candidate's state (the workflow still has the last word).</summary>
    public static IReadOnlyList<string> AllowedCommands(CandidateView candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var commands = new List<string>();
        var open = CandidateStates.IsOpen(candidate.State);
        if (candidate.Action != ReclaimActions.Report
            && candidate.State is CandidateStates.AttentionRequired or CandidateStates.Ready or CandidateStates.AwaitingUser
                or CandidateStates.AwaitingApproval
            && !(candidate.State == CandidateStates.AwaitingApproval && candidate.HeldAt is not null))
        {
            commands.Add(CandidateCommands.Reclaim);
        }
        if (candidate.State == CandidateStates.AwaitingApproval)
        {
            commands.Add(CandidateCommands.Approve);
        }
        if (open)
        {
            commands.Add(CandidateCommands.Skip);
        }
        if (candidate.State == CandidateStates.ClosedComplete && candidate.UndoneAt is null)
        {
            commands.Add(CandidateCommands.Undo);
        }
        return commands;
    }
}
