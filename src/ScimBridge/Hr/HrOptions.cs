using System.Globalization;
using FluentValidation;
using FluentValidation.Results;

namespace ScimBridge.Hr;

/// <summary>Section <c>Hr</c>: when terminations fire, the leaver pipeline, and the mass-termination guard.</summary>
public sealed class HrOptions
{
    public const string Section = "Hr";

    /// <summary>False stops the scheduler (nothing fires); the API still records events.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>Local time (HH:mm) a termination given as a date alone fires on that day, in the worker's time zone.</summary>
    public string DefaultTerminationTime { get; set; } = "19:00";
    /// <summary>IANA time zone for workers whose request, roster row and SCIM record name none.</summary>
    public string DefaultTimeZone { get; set; } = "UTC";
    /// <summary>How often the scheduler looks for due events and leaver steps (it is also woken when one is recorded).</summary>
    public int TickSeconds { get; set; } = 5;
    /// <summary>How long an instance holds the events and workers it is firing without renewing.</summary>
    public int LeaseSeconds { get; set; } = 60;
    /// <summary>Events fired per claim.</summary>
    public int BatchSize { get; set; } = 200;
    /// <summary>How long a client request id is remembered (and its answer replayed).</summary>
    public int RequestRetentionHours { get; set; } = 72;
    public LeaverStepOptions LeaverSteps { get; set; } = new();
    public HrGuardOptions Guard { get; set; } = new();

    public TimeOnly TerminationTime => TimeOnly.ParseExact(DefaultTerminationTime, "HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>
/// Section <c>Hr:LeaverSteps</c>. Snapshot and deactivate always run; then an optional hold, the removal from teams,
/// and an optional delete.
/// </summary>
public sealed class LeaverStepOptions
{
    /// <summary>Days the deactivated user keeps its team memberships before the removal from teams (0: at once).</summary>
    public int HoldDays { get; set; }
    public bool RemoveFromTeams { get; set; } = true;
    /// <summary>Days after the deactivation the monday.com user is deleted; null never deletes.</summary>
    public int? DeleteAfterDays { get; set; }
}

/// <summary>Section <c>Hr:Guard</c>: more terminations than this in one batch or one hour are held for an admin.</summary>
public sealed class HrGuardOptions
{
    public bool Enabled { get; set; } = true;
    public int MaxPerBatch { get; set; } = 50;
    public int MaxPerHour { get; set; } = 100;
    /// <summary>… or as a share of the active inbound users; null turns the percentage rule off.</summary>
    public double? MaxPercent { get; set; } = 10;
    /// <summary>The percentage rule starts counting from this many, so a small organisation's leavers pass.</summary>
    public int PercentFloor { get; set; } = 10;
}

/// <summary>Every message starts with the configuration key at fault.</summary>
public sealed class HrOptionsValidator : AbstractValidator<HrOptions>
{
    public HrOptionsValidator()
    {
        RuleFor(o => o).Custom((o, context) =>
        {
            void Fail(string key, string message) =>
                context.AddFailure(new ValidationFailure($"Hr:{key}", $"Hr:{key} {message}"));

            if (!TimeOnly.TryParseExact(o.DefaultTerminationTime ?? "", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                Fail("DefaultTerminationTime", $"'{o.DefaultTerminationTime}' is not a local time such as 19:00 (HH:mm, 24-hour)");
            }
            if (!EffectiveTime.TryFindZone(o.DefaultTimeZone, out _))
            {
                Fail("DefaultTimeZone", $"'{o.DefaultTimeZone}' is not an IANA time zone such as Europe/Paris or America/Los_Angeles");
            }
            if (o.TickSeconds is < 1 or > 3600)
            {
                Fail("TickSeconds", "must be between 1 and 3600");
            }
            if (o.LeaseSeconds is < 10 or > 3600)
            {
                Fail("LeaseSeconds", "must be between 10 and 3600");
            }
            if (o.BatchSize is < 1 or > 5000)
            {
                Fail("BatchSize", "must be between 1 and 5000");
            }
            if (o.RequestRetentionHours is < 1 or > 24 * 90)
            {
                Fail("RequestRetentionHours", "must be between 1 and 2160");
            }
            if (o.LeaverSteps.HoldDays is < 0 or > 365)
            {
                Fail("LeaverSteps:HoldDays", "must be between 0 and 365");
            }
            if (o.LeaverSteps.DeleteAfterDays is < 0 or > 3650)
            {
                Fail("LeaverSteps:DeleteAfterDays", "must be between 0 and 3650, or empty to never delete");
            }
            if (o.LeaverSteps.DeleteAfterDays is { } delete && delete < o.LeaverSteps.HoldDays)
            {
                Fail("LeaverSteps:DeleteAfterDays", $"({delete}) must not come before the hold ends (Hr:LeaverSteps:HoldDays, {o.LeaverSteps.HoldDays})");
            }
            if (o.Guard.MaxPerBatch < 1)
            {
                Fail("Guard:MaxPerBatch", "must be at least 1");
            }
            if (o.Guard.MaxPerHour < 1)
            {
                Fail("Guard:MaxPerHour", "must be at least 1");
            }
            if (o.Guard.MaxPercent is <= 0 or > 100)
            {
                Fail("Guard:MaxPercent", "must be above 0 and at most 100, or empty to turn the percentage rule off");
            }
            if (o.Guard.PercentFloor < 1)
            {
                Fail("Guard:PercentFloor", "must be at least 1");
            }
        });
    }
}
