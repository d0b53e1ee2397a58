using Cronos;
using FluentValidation;
using FluentValidation.Results;

namespace ScimBridge.Mirror;

/// <summary>The subscription mirror: when it runs, and what each seat type costs.</summary>
public sealed class MirrorOptions
{
    public const string Section = "Mirror";

    /// <summary>A five-field cron expression (Cronos); empty turns the schedule off (runs only on demand).</summary>
    public string? Schedule { get; set; } = "0 3 * * *";
    /// <summary>The time zone <see cref="Schedule"/> is read in (IANA or Windows id).</summary>
    public string TimeZone { get; set; } = "UTC";
    public string Currency { get; set; } = "USD";
    /// <summary>How long a run's lease lasts without a heartbeat; a crashed instance's run is taken over after it.</summary>
    public int LeaseSeconds { get; set; } = 120;
    /// <summary>"Active" on the Subscriptions page: activity within this many days.</summary>
    public int ActiveWindowDays { get; set; } = 30;
    public Dictionary<string, MirrorAppOptions> Apps { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public MirrorAppOptions For(string app) => Apps.TryGetValue(app, out var options) ? options : new MirrorAppOptions();

    /// <summary>
    /// The configured monthly cost of one seat of this type, or null when none is configured; a monday.com viewer is free
    /// unless configured otherwise (viewers take no paid seat in monday's pricing).
    /// </summary>
    public decimal? MonthlyCost(string app, string seatType) =>
        For(app).SeatCosts.TryGetValue(seatType, out var cost) ? cost
        : app == MirrorApps.Monday && seatType == SeatTypes.Viewer ? 0m
        : null;

    public CronExpression? Cron() => string.IsNullOrWhiteSpace(Schedule) ? null : CronExpression.Parse(Schedule, CronFormat.Standard);

    public TimeZoneInfo Zone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}

public sealed class MirrorAppOptions
{
    /// <summary>False leaves the app out of scheduled runs even when it has credentials.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>Monthly cost per seat type (keys are <see cref="SeatTypes"/>), in <see cref="MirrorOptions.Currency"/>.</summary>
    public Dictionary<string, decimal> SeatCosts { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Seats bought, when the app does not say (Roadmunk) or the contract differs from the plan.</summary>
    public int? SeatsBought { get; set; }
}

/// <summary>Every message starts with the configuration key at fault.</summary>
public sealed class MirrorOptionsValidator : AbstractValidator<MirrorOptions>
{
    public MirrorOptionsValidator()
    {
        RuleFor(o => o).Custom((o, context) =>
        {
            void Fail(string key, string message) =>
                context.AddFailure(new ValidationFailure($"Mirror:{key}", $"Mirror:{key} {message}"));

            if (!string.IsNullOrWhiteSpace(o.Schedule))
            {
                try
                {
                    o.Cron();
                }
                catch (CronFormatException ex)
                {
                    Fail("Schedule", $"is not a five-field cron expression ({ex.Message}); e.g. \"0 3 * * *\" for 03:00 daily, or empty for no schedule");
                }
            }

            try
            {
                o.Zone();
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                Fail("TimeZone", $"'{o.TimeZone}' is not a known time zone (use an IANA id such as Europe/Paris)");
            }

            if (string.IsNullOrWhiteSpace(o.Currency) || o.Currency.Length > 8)
            {
                Fail("Currency", "must be a currency code such as USD or EUR");
            }
            if (o.LeaseSeconds is < 10 or > 3600)
            {
                Fail("LeaseSeconds", "must be between 10 and 3600");
            }
            if (o.ActiveWindowDays is < 1 or > 3650)
            {
                Fail("ActiveWindowDays", "must be between 1 and 3650");
            }

            foreach (var (app, options) in o.Apps)
            {
                if (!MirrorApps.All.Contains(app, StringComparer.OrdinalIgnoreCase))
                {
                    Fail($"Apps:{app}", $"is not a known app (known: {string.Join(", ", MirrorApps.All)})");
                    continue;
                }
                foreach (var (type, cost) in options.SeatCosts)
                {
                    if (!SeatTypes.For(app.ToLowerInvariant()).Contains(type, StringComparer.OrdinalIgnoreCase))
                    {
                        Fail($"Apps:{app}:SeatCosts:{type}", $"is not a seat type of {app} (known: {string.Join(", ", SeatTypes.For(app.ToLowerInvariant()))})");
                    }
                    else if (cost < 0)
                    {
                        Fail($"Apps:{app}:SeatCosts:{type}", "must not be negative");
                    }
                }
                if (options.SeatsBought is < 0)
                {
                    Fail($"Apps:{app}:SeatsBought", "must not be negative");
                }
            }
        });
    }
}
