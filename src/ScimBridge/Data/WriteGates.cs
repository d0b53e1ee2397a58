namespace ScimBridge.Data;

/// <summary>
/// Coordinates writes. <see cref="EnterAsync"/> serialises them where the database needs it (SQLite: one writer at a
/// time; queueing here is far cheaper than colliding on SQLITE_BUSY). <see cref="WaitDurableAsync"/> returns once
/// everything this scope wrote is on disk, so a response is only sent for a change that survives a power loss.
/// </summary>
public interface IWriteGate
{
    ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken);

    Task WaitDurableAsync(CancellationToken cancellationToken);
}

/// <summary>The per-request view of the SQLite writer: remembers whether the request wrote anything.</summary>
internal sealed class SqliteWriteGate(SqliteWriter writer) : IWriteGate
{
    private bool _wrote;

    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        _wrote = true;
        return writer.EnterAsync(cancellationToken);
    }

    public Task WaitDurableAsync(CancellationToken cancellationToken) =>
        _wrote ? writer.SyncAsync(cancellationToken) : Task.CompletedTask;
}

/// <summary>PostgreSQL handles concurrent writers and fsyncs at commit (with its own group commit).</summary>
internal sealed class NoWriteGate : IWriteGate
{
    private static readonly IDisposable Nothing = new Empty();

    public ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Nothing);

    public Task WaitDurableAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class Empty : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
