using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ScimBridge.Data;

/// <summary>
/// Which failures mean "the store cannot take writes now" (read-only, full, locked past the busy timeout, unreachable,
/// shutting down, damaged) rather than a bug: clients get 503 with Retry-After instead of 500, and readiness goes red.
/// </summary>
public static class StoreFailures
{
    // SQLite primary result codes. CORRUPT and NOTADB are here too: nothing the client did, and no bug of ours, but an
    // operator must act, which is what an unready instance and a 503 say, where a 500 would hide among bugs.
    private static readonly HashSet<int> SqliteCodes =
    [
        5,  // SQLITE_BUSY (after the busy timeout)
        6,  // SQLITE_LOCKED
        8,  // SQLITE_READONLY
        10, // SQLITE_IOERR
        11, // SQLITE_CORRUPT
        13, // SQLITE_FULL
        14, // SQLITE_CANTOPEN
        26, // SQLITE_NOTADB
    ];

    // PostgreSQL SQLSTATEs: read-only transaction (hot standby, default_transaction_read_only), shutdown, cannot connect
    // now; classes 08 (connection), 53 (insufficient resources: disk full, out of memory, too many connections), 58 (system).
    private static readonly string[] PostgresStates = ["25006", "57P01", "57P02", "57P03"];
    private static readonly string[] PostgresClasses = ["08", "53", "58"];

    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite when SqliteCodes.Contains(sqlite.SqliteErrorCode & 0xFF):
                    return true;
                case PostgresException postgres:
                    return PostgresStates.Contains(postgres.SqlState, StringComparer.Ordinal)
                        || PostgresClasses.Any(c => postgres.SqlState.StartsWith(c, StringComparison.Ordinal));
                case NpgsqlException { IsTransient: true }:
                    return true;
            }
        }

        return false;
    }
}

/// <summary>
/// The last time the store refused a write and the last time one succeeded. Readiness is red while a refusal is
/// recent (<see cref="DatabaseOptions.FailureWindowSeconds"/>) and nothing has been written since: a recorded failure
/// sees exactly what clients see (read-only, full, immutable, locked files), which a probe that writes nothing cannot.
/// </summary>
public sealed class StoreHealth(TimeProvider time, IOptions<DatabaseOptions> options)
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _failedAt;
    private DateTimeOffset _succeededAt = DateTimeOffset.MinValue;
    private string _reason = "";

    /// <summary>Records the failure when it is a store failure; true when it was.</summary>
    public bool Record(Exception exception)
    {
        if (!StoreFailures.IsUnavailable(exception))
        {
            return false;
        }

        lock (_lock)
        {
            _failedAt = time.GetUtcNow();
            _reason = Reason(exception);
        }

        return true;
    }

    public void Succeeded()
    {
        lock (_lock)
        {
            _succeededAt = time.GetUtcNow();
        }
    }

    /// <summary>The recent failure readiness reports, or null.</summary>
    public (DateTimeOffset At, string Reason)? RecentFailure()
    {
        lock (_lock)
        {
            var window = TimeSpan.FromSeconds(options.Value.FailureWindowSeconds);
            return _failedAt is { } at && at > _succeededAt && time.GetUtcNow() - at < window ? (at, _reason) : null;
        }
    }

    private static string Reason(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException or NpgsqlException)
            {
                return $"{e.GetType().Name}: {e.Message}";
            }
        }

        return exception.GetType().Name;
    }
}

/// <summary>Reports each committed save to <see cref="StoreHealth"/>, and each save the store refused.</summary>
public sealed class StoreHealthInterceptor(StoreHealth health) : SaveChangesInterceptor
{
    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        health.Succeeded();
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        health.Succeeded();
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => health.Record(eventData.Exception);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        health.Record(eventData.Exception);
        return Task.CompletedTask;
    }
}

/// <summary>/readyz is unhealthy while the store recently refused a write and none has succeeded since.</summary>
public sealed class StoreHealthCheck(StoreHealth health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.RecentFailure() is { } failure
            ? HealthCheckResult.Unhealthy($"The store refused a write at {failure.At:O} and none has succeeded since ({failure.Reason}).")
            : HealthCheckResult.Healthy("The store takes writes."));
}
