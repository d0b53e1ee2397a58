using FluentValidation;
using FluentValidation.Results;

namespace ScimBridge.Push;

public enum DeprovisionPolicy
{
    /// <summary>monday.com's own meaning of de-provisioning: the user is kept, inactive, and can come back.</summary>
    Deactivate,
    /// <summary>Deactivate at once, then delete the user in monday.com once <see cref="PushOptions.DeleteRetention"/> has passed.</summary>
    DeleteAfterRetention,
}

/// <summary>The outbox worker that pushes accepted changes to monday.com (section <c>Push</c>).</summary>
public sealed class PushOptions
{
    public const string Section = "Push";

    /// <summary>False stops this instance from pushing (changes still queue); it pushes only when a target is configured.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Owner of this instance's leases. Stable across restarts so a restarted instance takes its work back at once.</summary>
    public string InstanceId { get; set; } = Environment.MachineName;

    /// <summary>Resources pushed at the same time.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// Resources pushed at the same time while identity providers send in parallel (two or more SCIM requests at once
    /// within the last second): the push, which nobody waits on, leaves the cores to the requests clients wait for, and goes back to
    /// <see cref="Concurrency"/> when the burst ends. Above <see cref="Concurrency"/>, it changes nothing.
    /// </summary>
    public int ForegroundConcurrency { get; set; } = 2;

    /// <summary>Resources claimed per database round trip.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>How long a claim lasts without renewal: after a crash, another instance takes the work over after this.</summary>
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>How often an idle worker looks for work that another instance accepted (changes accepted here wake it at once).</summary>
    public int IdlePollMilliseconds { get; set; } = 500;

    /// <summary>Backoff after a retryable failure outlived the client's own retries: doubles from this …</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>… up to this.</summary>
    public TimeSpan RetryMax { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a team waits before it looks again for members whose user is still on its way.</summary>
    public TimeSpan MemberWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Probes after a credential failure (401/403), one after the other; the last repeats. Entra's own schedule is
    /// 6 h, 12 h, 24 h; the bridge starts sooner, because a rotated token is usually fixed within minutes.
    /// </summary>
    public List<TimeSpan> QuarantineSchedule { get; set; } = [];

    public static List<TimeSpan> DefaultQuarantineSchedule() =>
        [TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromHours(24)];

    public DeprovisionPolicy Deprovision { get; set; } = DeprovisionPolicy.Deactivate;

    public TimeSpan DeleteRetention { get; set; } = TimeSpan.FromDays(30);

    public DeletionGuardOptions DeletionGuard { get; set; } = new();
}

/// <summary>Every message starts with the configuration key at fault.</summary>
public sealed class PushOptionsValidator : AbstractValidator<PushOptions>
{
    public PushOptionsValidator()
    {
        RuleFor(o => o).Custom((o, context) =>
        {
            void Fail(string key, string message) =>
                context.AddFailure(new ValidationFailure($"Push:{key}", $"Push:{key} {message}"));

            if (string.IsNullOrWhiteSpace(o.InstanceId) || o.InstanceId.Length > 200)
            {
                Fail(nameof(o.InstanceId), "must be 1 to 200 characters");
            }
            if (o.Concurrency is < 1 or > 256)
            {
                Fail(nameof(o.Concurrency), "must be between 1 and 256");
            }
            if (o.ForegroundConcurrency is < 1 or > 256)
            {
                Fail(nameof(o.ForegroundConcurrency), "must be between 1 and 256");
            }
            if (o.BatchSize is < 1 or > 1000)
            {
                Fail(nameof(o.BatchSize), "must be between 1 and 1000");
            }
            if (o.LeaseSeconds is < 3 or > 3600)
            {
                Fail(nameof(o.LeaseSeconds), "must be between 3 and 3600");
            }
            if (o.IdlePollMilliseconds is < 10 or > 60_000)
            {
                Fail(nameof(o.IdlePollMilliseconds), "must be between 10 and 60000");
            }
            if (o.RetryBase <= TimeSpan.Zero || o.RetryMax < o.RetryBase)
            {
                Fail(nameof(o.RetryBase), "must be positive and not above Push:RetryMax");
            }
            if (o.MemberWait <= TimeSpan.Zero)
            {
                Fail(nameof(o.MemberWait), "must be positive");
            }
            if (o.QuarantineSchedule.Count == 0 || o.QuarantineSchedule.Any(t => t <= TimeSpan.Zero))
            {
                Fail(nameof(o.QuarantineSchedule), "must list one or more positive durations (e.g. 00:05:00, 06:00:00)");
            }
            if (o.DeleteRetention < TimeSpan.Zero)
            {
                Fail(nameof(o.DeleteRetention), "must not be negative");
            }
            if (o.DeletionGuard.MaxPerHour < 0)
            {
                Fail("DeletionGuard:MaxPerHour", "must not be negative");
            }
            if (o.DeletionGuard.MaxPercentPerHour is < 0 or > 100)
            {
                Fail("DeletionGuard:MaxPercentPerHour", "must be between 0 and 100 (or empty to turn the percentage rule off)");
            }
            if (o.DeletionGuard.PercentFloor < 1)
            {
                Fail("DeletionGuard:PercentFloor", "must be at least 1");
            }
        });
    }
}
