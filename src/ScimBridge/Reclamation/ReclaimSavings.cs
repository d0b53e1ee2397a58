using System.ComponentModel;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Push;

namespace ScimBridge.Reclamation;

/// <summary>Assigned seats by days since their last activity.</summary>
public sealed record ActivityBuckets(
    [property: Description("Active less than 30 days ago.")] int Days0To30,
    int Days30To60,
    int Days60To90,
    [property: Description("90 days or more.")] int Days90Plus,
    int Never)
{
    public static readonly string[] Keys = ["0-30", "30-60", "60-90", "90+", "never"];

    public int this[string key] => key switch
    {
        "0-30" => Days0To30,
        "30-60" => Days30To60,
        "60-90" => Days60To90,
        "90+" => Days90Plus,
        _ => Never,
    };
}

/// <summary>One row of a breakdown (a seat type, a department, a cost centre).</summary>
public sealed record SavingsBreakdownRow(string Key, int Assigned, int Active, int Unused, decimal MonthlySpend, decimal PotentialMonthly);

/// <summary>The savings figures of one app (or of all, for the total), in <see cref="Currency"/>.</summary>
public sealed record AppSavings(
    string App,
    string DisplayName,
    [property: Description("Mirror:Apps:<app>:SeatsBought when configured, else the app's plan; null when neither says.")] int? SeatsBought,
    [property: Description("Seats in the app with status active.")] int Assigned,
    [property: Description("Assigned seats with activity in the last ActiveWindowDays days.")] int Active,
    int Unused,
    [property: Description("Unused ÷ assigned × 100, one decimal; null with no seat assigned.")] decimal? UnusedPercent,
    [property: Description("Assigned seats times their configured monthly cost.")] decimal MonthlySpend,
    [property: Description("Assigned seats of a type without a configured cost (left out of the spend).")] int UnpricedSeats,
    [property: Description("Monthly savings of the candidates Ready, Awaiting User, Awaiting Approval and Awaiting Revocation.")] decimal PotentialMonthly,
    decimal PotentialYearly,
    [property: Description("What the reclaims saved so far this year (each from its reclaim, or 1 January, to now); undone reclaims are left out.")] decimal RealisedThisYear,
    [property: Description("Yearly savings of the seats reclaimed this year.")] decimal RealisedRunRateYearly,
    [property: Description("Assigned seats over the seats bought; 0 when within the plan or unknown.")] int TrueUp,
    string Currency,
    ActivityBuckets Activity,
    IReadOnlyList<SavingsBreakdownRow> BySeatType,
    IReadOnlyList<SavingsBreakdownRow> ByDepartment,
    IReadOnlyList<SavingsBreakdownRow> ByCostCenter);

public sealed record SavingsReport(
    DateTimeOffset At,
    string Currency,
    int ActiveWindowDays,
    IReadOnlyList<AppSavings> Apps,
    [property: Description("Every app together (all figures are in the one Mirror:Currency).")] AppSavings Total,
    [property: Description("Candidates whose saving is in another currency than Mirror:Currency (the setting changed since); left out of the money figures.")] int OtherCurrencyCandidates);

/// <summary>One app's figures on one day.</summary>
public sealed record SavingsSnapshotView(
    string Day, string App, int? SeatsBought, int Assigned, int Active, int Unused, decimal MonthlySpend, decimal PotentialMonthly,
    decimal RealisedThisYear, string Currency, DateTimeOffset TakenAt)
{
    public static SavingsSnapshotView Of(ReclaimSnapshotRecord s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Day, s.App, s.SeatsBought, s.Assigned, s.Active, s.Unused, s.MonthlySpend, s.PotentialMonthly, s.RealisedThisYear, s.Currency, s.TakenAt);
    }
}

public sealed record SavingsHistory(int Days, string? App, IReadOnlyList<SavingsSnapshotView> Items);

/// <summary>
/// The savings figures (seats bought, assigned, active, unused, potential and realised savings, activity buckets,
/// breakdowns) from the mirror, the candidates and the Mirror options; and their daily snapshot for the trend.
/// </summary>
public sealed class ReclaimSavings(PushStore store, IOptionsMonitor<MirrorOptions> options, TimeProvider time)
{
    public const string None = "(none)";
    public const string Unlinked = "(unlinked)";
    public const string TotalKey = "total";

    /// <summary>The states whose saving is still to come.</summary>
    public static readonly IReadOnlyList<string> PotentialStates =
        [CandidateStates.Ready, CandidateStates.AwaitingUser, CandidateStates.AwaitingApproval, CandidateStates.AwaitingRevocation];

    private sealed record Seat(string App, string SeatType, DateTimeOffset? LastActivity, string? UserId);

    private sealed record Saving(string App, string State, string SeatType, string? UserId, decimal? MonthlySaving, string Currency,
        DateTimeOffset? ReclaimedAt, DateTimeOffset? ClosedAt, DateTimeOffset? UndoneAt);

    private sealed record Org(string? Department, string? CostCenter);

    /// <summary>The figures of every app (or of one), and their total.</summary>
    public Task<SavingsReport> ComputeAsync(string? app, CancellationToken cancellationToken) =>
        store.ReadAsync(db => ComputeAsync(db, app, cancellationToken), cancellationToken);

    private async Task<SavingsReport> ComputeAsync(ScimBridgeDbContext db, string? app, CancellationToken cancellationToken)
    {
        var mirror = options.CurrentValue;
        var now = time.GetUtcNow();
        var apps = app is null ? MirrorApps.All : [app];
        var seats = await db.MirrorSeats.AsNoTracking()
            .Where(s => s.GoneAt == null && s.Status == SeatStatuses.Active && apps.Contains(s.App))
            .Select(s => new Seat(s.App, s.SeatType, s.LastActivity, s.UserId))
            .ToListAsync(cancellationToken);
        // Decimal sums are done here: SQLite cannot sum decimals.
        var candidates = await db.ReclaimCandidates.AsNoTracking()
            .Where(c => apps.Contains(c.App)
                && (PotentialStates.Contains(c.State) || (c.State == CandidateStates.ClosedComplete && c.UndoneAt == null)))
            .Select(c => new Saving(c.App, c.State, c.SeatType, c.UserId, c.MonthlySaving, c.Currency, c.ReclaimedAt, c.ClosedAt, c.UndoneAt))
            .ToListAsync(cancellationToken);
        var userIds = seats.Select(s => s.UserId).Concat(candidates.Select(c => c.UserId)).OfType<string>().Distinct().ToList();
        var people = new Dictionary<string, Org>(StringComparer.Ordinal);
        foreach (var chunk in userIds.Chunk(500))
        {
            foreach (var user in await db.Users.AsNoTracking().Where(u => chunk.Contains(u.Id))
                .Select(u => new { u.Id, u.Department, u.CostCenter }).ToListAsync(cancellationToken))
            {
                people[user.Id] = new Org(user.Department, user.CostCenter);
            }
        }
        var plans = await db.MirrorApps.AsNoTracking().ToDictionaryAsync(a => a.App, a => a.SeatsBought, cancellationToken);

        var priced = candidates.Where(c => c.MonthlySaving is not null && c.Currency == mirror.Currency).ToList();
        var otherCurrency = candidates.Count(c => c.MonthlySaving is not null && c.Currency != mirror.Currency);
        var figures = apps.Select(a => Figures(a, MirrorApps.DisplayName(a), mirror.For(a).SeatsBought ?? plans.GetValueOrDefault(a),
            seats.Where(s => s.App == a).ToList(), priced.Where(c => c.App == a).ToList(), people, mirror, now)).ToList();
        var total = Figures(TotalKey, "All apps", figures.All(f => f.SeatsBought is not null) ? figures.Sum(f => f.SeatsBought) : null,
            seats, priced, people, mirror, now) with
        { TrueUp = figures.Sum(f => f.TrueUp) };
        return new SavingsReport(now, mirror.Currency, mirror.ActiveWindowDays, figures, total, otherCurrency);
    }

    private static AppSavings Figures(
        string app, string displayName, int? seatsBought, List<Seat> seats, List<Saving> candidates, Dictionary<string, Org> people,
        MirrorOptions mirror, DateTimeOffset now)
    {
        var activeSince = now.AddDays(-mirror.ActiveWindowDays);
        var yearStart = new DateTimeOffset(now.UtcDateTime.Year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var daysInYear = DateTime.IsLeapYear(now.UtcDateTime.Year) ? 366m : 365m;
        bool IsActive(Seat s) => s.LastActivity is { } at && at >= activeSince;
        decimal? Cost(Seat s) => mirror.MonthlyCost(s.App, s.SeatType);

        var potential = candidates.Where(c => PotentialStates.Contains(c.State)).ToList();
        var reclaimed = candidates.Where(c => c.State == CandidateStates.ClosedComplete && c.UndoneAt is null).ToList();
        decimal realised = 0, runRate = 0;
        foreach (var c in reclaimed)
        {
            var at = c.ReclaimedAt ?? c.ClosedAt ?? now;
            var from = at > yearStart ? at : yearStart;
            if (from < now)
            {
                realised += c.MonthlySaving!.Value * 12m * (decimal)(now - from).TotalDays / daysInYear;
            }
            if (at >= yearStart)
            {
                runRate += c.MonthlySaving!.Value * 12m;
            }
        }

        var assigned = seats.Count;
        var active = seats.Count(IsActive);
        var potentialMonthly = potential.Sum(c => c.MonthlySaving!.Value);

        string Person(string? userId, Func<Org, string?> field) =>
            userId is null ? Unlinked
            : people.TryGetValue(userId, out var person) && field(person) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim()
            : None;

        return new AppSavings(
            app,
            displayName,
            seatsBought,
            assigned,
            active,
            assigned - active,
            assigned == 0 ? null : Math.Round((assigned - active) * 100m / assigned, 1, MidpointRounding.AwayFromZero),
            seats.Sum(s => Cost(s) ?? 0),
            seats.Count(s => Cost(s) is null),
            potentialMonthly,
            potentialMonthly * 12,
            Math.Round(realised, 2, MidpointRounding.AwayFromZero),
            runRate,
            seatsBought is { } bought && assigned > bought ? assigned - bought : 0,
            mirror.Currency,
            Buckets(seats, now),
            // Seat-type rows are keyed by the seat's type now, the candidate's by its type when found.
            BreakdownBy(seats, potential, s => s.SeatType, c => c.SeatType, IsActive, Cost),
            BreakdownBy(seats, potential, s => Person(s.UserId, p => p.Department), c => Person(c.UserId, p => p.Department), IsActive, Cost),
            BreakdownBy(seats, potential, s => Person(s.UserId, p => p.CostCenter), c => Person(c.UserId, p => p.CostCenter), IsActive, Cost));
    }

    private static List<SavingsBreakdownRow> BreakdownBy(
        List<Seat> seats, List<Saving> potential, Func<Seat, string> seatKey, Func<Saving, string> candidateKey, Func<Seat, bool> isActive,
        Func<Seat, decimal?> cost)
    {
        var seatsBy = seats.ToLookup(seatKey, StringComparer.Ordinal);
        var savingBy = potential.ToLookup(candidateKey, StringComparer.Ordinal);
        return [.. seatsBy.Select(g => g.Key).Concat(savingBy.Select(g => g.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(key =>
        {
            var mine = seatsBy[key].ToList();
            var active = mine.Count(isActive);
            return new SavingsBreakdownRow(key, mine.Count, active, mine.Count - active, mine.Sum(s => cost(s) ?? 0),
                savingBy[key].Sum(c => c.MonthlySaving!.Value));
        })];
    }

    private static ActivityBuckets Buckets(List<Seat> seats, DateTimeOffset now)
    {
        int b0 = 0, b30 = 0, b60 = 0, b90 = 0, never = 0;
        foreach (var seat in seats)
        {
            if (seat.LastActivity is not { } at)
            {
                never++;
                continue;
            }
            var days = (now - at).TotalDays;
            if (days < 30)
            {
                b0++;
            }
            else if (days < 60)
            {
                b30++;
            }
            else if (days < 90)
            {
                b60++;
            }
            else
            {
                b90++;
            }
        }
        return new ActivityBuckets(b0, b30, b60, b90, never);
    }

    /// <summary>Takes (or replaces) today's snapshot (UTC day) of every app's figures.</summary>
    public async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        var report = await ComputeAsync(null, cancellationToken);
        var day = Day(report.At);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.WriteAsync(async db =>
                {
                    var existing = await db.ReclaimSnapshots.Where(s => s.Day == day).ToDictionaryAsync(s => s.App, cancellationToken);
                    foreach (var app in report.Apps)
                    {
                        if (!existing.TryGetValue(app.App, out var row))
                        {
                            row = new ReclaimSnapshotRecord { Day = day, App = app.App, Currency = app.Currency };
                            db.ReclaimSnapshots.Add(row);
                        }
                        row.SeatsBought = app.SeatsBought;
                        row.Assigned = app.Assigned;
                        row.Active = app.Active;
                        row.Unused = app.Unused;
                        row.MonthlySpend = app.MonthlySpend;
                        row.PotentialMonthly = app.PotentialMonthly;
                        row.RealisedThisYear = app.RealisedThisYear;
                        row.Currency = app.Currency;
                        row.TakenAt = report.At;
                    }
                    return await db.SaveChangesAsync(cancellationToken);
                }, cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another instance took today's snapshot meanwhile: read it back and replace it.
            }
        }
    }

    /// <summary>The snapshots of the last <paramref name="days"/> days (today included), oldest first.</summary>
    public Task<SavingsHistory> HistoryAsync(int days, string? app, CancellationToken cancellationToken) =>
        store.ReadAsync(async db =>
        {
            var from = Day(time.GetUtcNow().AddDays(-(days - 1)));
            var rows = await db.ReclaimSnapshots.AsNoTracking()
                .Where(s => string.Compare(s.Day, from) >= 0 && (app == null || s.App == app))
                .OrderBy(s => s.Day).ThenBy(s => s.App)
                .ToListAsync(cancellationToken);
            return new SavingsHistory(days, app, [.. rows.Select(SavingsSnapshotView.Of)]);
        }, cancellationToken);

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
