using System.ComponentModel.DataAnnotations;

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
    [RegularExpression("^(?i)(OFF|NORMAL|FULL|EXTRA)$", ErrorMessage = "Database:SqliteSynchronous must be OFF, NORMAL, FULL or EXTRA.")]
    public string SqliteSynchronous { get; set; } = "FULL";

    [Range(0, 600_000, ErrorMessage = "Database:SqliteBusyTimeoutMs must be between 0 and 600000.")]
    public int SqliteBusyTimeoutMs { get; set; } = 30_000;

    /// <summary>The Retry-After (seconds) sent with 503 while the store refuses writes.</summary>
    [Range(1, 3600, ErrorMessage = "Database:RetryAfterSeconds must be between 1 and 3600.")]
    public int RetryAfterSeconds { get; set; } = 30;

    /// <summary>How long /readyz stays unhealthy after the store refused a write, unless a write succeeds first.</summary>
    [Range(1, 3600, ErrorMessage = "Database:FailureWindowSeconds must be between 1 and 3600.")]
    public int FailureWindowSeconds { get; set; } = 30;
}
