using Microsoft.Data.Sqlite;

namespace ScimBridge.Data;

/// <summary>
/// One writer at a time, and group commit for durability.
/// </summary>
/// <remarks>
/// <para><b>Why.</b> With synchronous=FULL every commit pays its own fsync (milliseconds on a real disk), and SQLite
/// has one writer, so concurrent SCIM writes queue behind each other's fsyncs. Yet a response may only be sent for a
/// change that survives a power loss.</para>
/// <para><b>How.</b> Writers take turns (<see cref="EnterAsync"/>; queueing here is far cheaper than colliding on
/// SQLITE_BUSY) and each request's transaction commits with synchronous=NORMAL: written to the WAL, not yet fsynced.
/// Before answering, the request calls <see cref="SyncAsync"/> and joins the waiting list. One sync loop takes the
/// whole list as a batch and makes it durable with one fsync of the WAL file, which covers every transaction
/// committed before it began; the requests that arrive meanwhile form the next batch. So concurrent requests share
/// one fsync instead of paying one each. The fsync runs outside the write lock, so writers go on while the disk
/// works. SQLite locks the database and -shm files, never the WAL, so opening and closing our own handle to it
/// disturbs no lock. Without a WAL file (not created yet, or an in-memory database) the sync is instead one tiny
/// synchronous=FULL transaction (bumping user_version), whose commit syncs the WAL with everything before it.</para>
/// <para><b>What a caller waits for.</b> <see cref="SyncAsync"/> completes once a sync that began after the caller's
/// commit has finished (or fails with the sync's error, so the request is answered as a store failure);
/// <see cref="DurableWritesFilter"/> holds the response until then. With synchronous NORMAL or OFF configured it
/// completes at once. <see cref="FileSyncs"/> and <see cref="TransactionSyncs"/> count the syncs of each kind, and
/// <see cref="BeforeSync"/> can hold a sync, for the tests that prove writes shared one.</para>
/// </remarks>
internal sealed class SqliteWriter(string connectionString, bool syncBeforeAcknowledging) : IDisposable
{
    private readonly string? _walPath = WalPath(connectionString);
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private long _fileSyncs;
    private long _transactionSyncs;
    private readonly Lock _lock = new();
    private List<TaskCompletionSource> _waiting = [];
    private bool _syncing;
    private SqliteConnection? _syncConnection;

    public async ValueTask<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        return new Releaser(_semaphore);
    }

    public Task SyncAsync(CancellationToken cancellationToken)
    {
        if (!syncBeforeAcknowledging)
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waiting.Add(waiter);
            if (!_syncing)
            {
                _syncing = true;
                _ = Task.Run(SyncLoopAsync, CancellationToken.None);
            }
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    private async Task SyncLoopAsync()
    {
        while (true)
        {
            List<TaskCompletionSource> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _syncing = false;
                    return;
                }

                batch = _waiting;
                _waiting = [];
            }

            try
            {
                if (BeforeSync is { } hold)
                {
                    await hold(batch.Count);
                }

                if (await FsyncWalFileAsync())
                {
                    Interlocked.Increment(ref _fileSyncs);
                }
                else
                {
                    using (await EnterAsync(CancellationToken.None))
                    {
                        await SyncWalAsync();
                    }

                    Interlocked.Increment(ref _transactionSyncs);
                }

                batch.ForEach(w => w.TrySetResult());
            }
            catch (Exception ex)
            {
                _syncConnection?.Dispose();
                _syncConnection = null;
                batch.ForEach(w => w.TrySetException(ex));
            }
        }
    }

    /// <summary>How many syncs have run (each covering one or more requests).</summary>
    public long Syncs => FileSyncs + TransactionSyncs;

    /// <summary>Syncs done by an fsync of the WAL file.</summary>
    internal long FileSyncs => Interlocked.Read(ref _fileSyncs);

    /// <summary>Syncs done by a synchronous=FULL transaction (no WAL file to fsync).</summary>
    internal long TransactionSyncs => Interlocked.Read(ref _transactionSyncs);

    /// <summary>For tests: awaited before each sync with the size of its batch, outside the write lock.</summary>
    internal Func<int, Task>? BeforeSync { get; set; }

    /// <summary>For tests: how many requests wait for the next sync.</summary>
    internal int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    private async Task<bool> FsyncWalFileAsync()
    {
        if (_walPath is null)
        {
            return false;
        }

        try
        {
            await Task.Run(() =>
            {
                using var wal = new FileStream(_walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
                wal.Flush(flushToDisk: true);
            });
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An immutable or read-only WAL, or a failing disk: the store's failure, reported as SQLite reports its own.
            throw new SqliteException($"The WAL {_walPath} could not be synced: {ex.Message}", SqliteIoError, SqliteIoErrorFsync);
        }
    }

    private const int SqliteIoError = 10;
    private const int SqliteIoErrorFsync = SqliteIoError | (4 << 8);

    private static string? WalPath(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:"
            ? null
            : Path.GetFullPath(builder.DataSource) + "-wal";
    }

    private async Task SyncWalAsync()
    {
        // A connection of its own, outside the pool, so FULL never leaks to the connections that do the writing.
        if (_syncConnection is null)
        {
            var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
            _syncConnection = new SqliteConnection(builder.ConnectionString);
            await _syncConnection.OpenAsync();
            await using var setup = _syncConnection.CreateCommand();
            setup.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
            await setup.ExecuteNonQueryAsync();
        }

        await using var command = _syncConnection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE;";
        await command.ExecuteNonQueryAsync();
        try
        {
            command.CommandText = "PRAGMA user_version;";
            var version = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
            command.CommandText = $"PRAGMA user_version = {(version + 1) % int.MaxValue}; COMMIT;";
            await command.ExecuteNonQueryAsync();
        }
        catch
        {
            command.CommandText = "ROLLBACK;";
            await command.ExecuteNonQueryAsync();
            throw;
        }
    }

    public void Dispose()
    {
        _syncConnection?.Dispose();
        _semaphore.Dispose();
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
