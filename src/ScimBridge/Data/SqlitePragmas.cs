using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ScimBridge.Data;

/// <summary>Per-connection pragmas, set once per physical connection (the pool hands the same handle out again).</summary>
internal sealed class SqlitePragmas(string synchronous, int busyTimeoutMs) : DbConnectionInterceptor
{
    private readonly string _sql = $"PRAGMA synchronous={synchronous}; PRAGMA busy_timeout={busyTimeoutMs}; PRAGMA foreign_keys=ON;";
    private readonly ConditionalWeakTable<object, object> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Execute(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Execute(connection);
        return Task.CompletedTask;
    }

    private void Execute(DbConnection connection)
    {
        var handle = ((SqliteConnection)connection).Handle!;
        if (_configured.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = _sql;
        command.ExecuteNonQuery();
        _configured.AddOrUpdate(handle, handle);
    }
}
