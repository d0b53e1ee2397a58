using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ScimBridge.Tests.Data;

/// <summary>Which failures count as "the store is unavailable", and how long readiness remembers one.</summary>
public sealed class StoreHealthTests
{
    public static TheoryData<string, Exception, bool> Failures() => new()
    {
        { "SQLITE_READONLY", Sqlite(8), true },
        { "SQLITE_READONLY_DBMOVED (extended)", Sqlite(8, 8 | (4 << 8)), true },
        { "SQLITE_IOERR_WRITE (extended)", Sqlite(10, 10 | (3 << 8)), true },
        { "SQLITE_FULL", Sqlite(13), true },
        { "SQLITE_CANTOPEN", Sqlite(14), true },
        { "SQLITE_BUSY", Sqlite(5), true },
        { "SQLITE_CORRUPT", Sqlite(11), true },
        { "SQLITE_CONSTRAINT is the request's", Sqlite(19), false },
        { "SQLITE_ERROR (bad SQL) is a bug", Sqlite(1), false },
        { "read-only transaction", Postgres("25006"), true },
        { "admin shutdown", Postgres("57P01"), true },
        { "cannot connect now", Postgres("57P03"), true },
        { "disk full", Postgres("53100"), true },
        { "connection failure", Postgres("08006"), true },
        { "unique violation is the request's", Postgres("23505"), false },
        { "deadlock is a concurrency conflict", Postgres("40P01"), false },
        { "socket refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "inside DbUpdateException", new DbUpdateException("save failed", Sqlite(8)), true },
        { "inside EF's transient wrapper", new InvalidOperationException("transient", Postgres("57P01")), true },
        { "retry limit exceeded", new Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException("gave up", Postgres("08006")), true },
        { "a plain bug", new InvalidOperationException("bug"), false },
    };

    [Theory, MemberData(nameof(Failures))]
    public void IsUnavailable_ClassifiesTheStoresOwnFailures(string what, Exception exception, bool unavailable) =>
        Assert.True(StoreFailures.IsUnavailable(exception) == unavailable, what);

    [Fact]
    public void RecentFailure_LastsTheWindow_UnlessAWriteSucceeds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        var health = new StoreHealth(time, Options.Create(new DatabaseOptions { FailureWindowSeconds = 30 }));

        Assert.False(health.Record(new InvalidOperationException("a bug")));
        Assert.Null(health.RecentFailure());
        Assert.True(health.Record(Sqlite(8)));
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(time.GetUtcNow().AddSeconds(-29), health.RecentFailure()?.At);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(health.RecentFailure());

        health.Record(Sqlite(13));
        time.Advance(TimeSpan.FromSeconds(1));
        health.Succeeded();
        Assert.Null(health.RecentFailure());
    }

    private static SqliteException Sqlite(int code, int? extended = null) => new($"SQLite Error {code}", code, extended ?? code);

    private static PostgresException Postgres(string sqlState) => new("failed", "ERROR", "ERROR", sqlState);
}
