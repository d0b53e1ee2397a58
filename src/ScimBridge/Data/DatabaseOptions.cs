using FluentValidation;

namespace ScimBridge.Data;

public enum DatabaseProvider { Sqlite, Postgres }

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// SQLite durability: FULL (default) answers a write only once it is fsynced, so it survives power loss;
    /// NORMAL answers once it is in the WAL, which survives a killed process but not a power loss; OFF is for tests.
    /// </summary>
    public string SqliteSynchronous { get; set; } = "FULL";

    public int SqliteBusyTimeoutMs { get; set; } = 30_000;

    /// <summary>The Retry-After (seconds) sent with 503 while the store refuses writes.</summary>
    public int RetryAfterSeconds { get; set; } = 30;

    /// <summary>How long /readyz stays unhealthy after the store refused a write, unless a write succeeds first.</summary>
    public int FailureWindowSeconds { get; set; } = 30;
}

public sealed class DatabaseOptionsValidator : AbstractValidator<DatabaseOptions>
{
    private static readonly string[] SynchronousModes = ["OFF", "NORMAL", "FULL", "EXTRA"];

    public DatabaseOptionsValidator()
    {
        RuleFor(o => o.SqliteSynchronous).Must(mode => SynchronousModes.Contains(mode, StringComparer.OrdinalIgnoreCase))
            .WithMessage("Database:SqliteSynchronous must be OFF, NORMAL, FULL or EXTRA.");
        RuleFor(o => o.SqliteBusyTimeoutMs).InclusiveBetween(0, 600_000).WithMessage("Database:SqliteBusyTimeoutMs must be between 0 and 600000.");
        RuleFor(o => o.RetryAfterSeconds).InclusiveBetween(1, 3600).WithMessage("Database:RetryAfterSeconds must be between 1 and 3600.");
        RuleFor(o => o.FailureWindowSeconds).InclusiveBetween(1, 3600).WithMessage("Database:FailureWindowSeconds must be between 1 and 3600.");
    }
}
