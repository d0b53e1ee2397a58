using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Mirror;

/// <summary>A run of this app is already going (on this or another instance).</summary>
public sealed class MirrorBusyException(string app, long? runId)
    : Exception($"A mirror run of {MirrorApps.DisplayName(app)} is already in progress{(runId is { } id ? $" (run {id})" : "")}.")
{
    public string App { get; } = app;
    public long? RunId { get; } = runId;
}

/// <summary>
/// Downloads one app's seats into the mirror table. Never two runs of one app at once, across instances: a run holds the
/// app's lease (a conditional update of its MirrorApps row, renewed while it runs), which a crashed instance loses when
/// it expires. Runs go in the background; <see cref="RunAsync"/> waits for the end.
/// </summary>
public sealed partial class MirrorRunner(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptionsMonitor<MirrorOptions> options,
    IOptions<PushOptions> pushOptions,
    IHostApplicationLifetime lifetime,
    ILogger<MirrorRunner> logger)
{
    private readonly string _owner = $"{pushOptions.Value.InstanceId}/{Guid.NewGuid():N}";
    private readonly Lock _sync = new();
    private readonly Dictionary<long, Task<MirrorRunRecord>> _running = [];

    public string Instance => pushOptions.Value.InstanceId;

    /// <summary>
    /// Starts a run in the background and returns its record (status Running) at once.
    /// Throws <see cref="MirrorBusyException"/> when a run of the app is in progress, and
    /// <see cref="MirrorSourceException"/> (code NotConfigured, MissingScope, …) when the app cannot be read.
    /// </summary>
    public async Task<MirrorRunRecord> StartAsync(string app, string initiatorType, string initiator, CancellationToken cancellationToken)
    {
        var (run, _) = await BeginAsync(app, initiatorType, initiator, cancellationToken);
        return run;
    }

    /// <summary>Runs to the end and returns the finished record (Succeeded or Failed). Same exceptions as <see cref="StartAsync"/>.</summary>
    public async Task<MirrorRunRecord> RunAsync(string app, string initiatorType, string initiator, CancellationToken cancellationToken)
    {
        var (_, task) = await BeginAsync(app, initiatorType, initiator, cancellationToken);
        return await task.WaitAsync(cancellationToken);
    }

    /// <summary>The runs this process has going, for a graceful stop.</summary>
    public Task WhenIdleAsync()
    {
        lock (_sync)
        {
            return Task.WhenAll(_running.Values);
        }
    }

    private async Task<(MirrorRunRecord Run, Task<MirrorRunRecord> Task)> BeginAsync(
        string app, string initiatorType, string initiator, CancellationToken cancellationToken)
    {
        if (!MirrorApps.All.Contains(app))
        {
            throw new MirrorSourceException("UnknownApp", $"'{app}' is not an app the mirror knows (known: {string.Join(", ", MirrorApps.All)}).");
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var source = SourceFor(scope.ServiceProvider, app);
            if (await source.CheckAsync(cancellationToken) is { } problem)
            {
                throw new MirrorSourceException(problem.Code, problem.Message);
            }
        }

        var run = await AcquireAsync(app, initiatorType, initiator, cancellationToken);
        var task = Task.Run(() => ExecuteAsync(run), CancellationToken.None);
        lock (_sync)
        {
            _running[run.Id] = task;
        }

        _ = task.ContinueWith(_ => { lock (_sync) { _running.Remove(run.Id); } }, TaskScheduler.Default);
        return (run, task);
    }

    internal static ISeatSource SourceFor(IServiceProvider services, string app) =>
        services.GetServices<ISeatSource>().FirstOrDefault(s => s.App == app)
        ?? throw new MirrorSourceException("NotConfigured", $"{MirrorApps.DisplayName(app)} has no seat source in this build.");

    /// <summary>Takes the app's lease and records the run; a run left Running by an instance that died is closed as failed.</summary>
    private async Task<MirrorRunRecord> AcquireAsync(string app, string initiatorType, string initiator, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        await EnsureAppRowAsync(db, app, cancellationToken);

        var now = time.GetUtcNow();
        var until = now.AddSeconds(options.CurrentValue.LeaseSeconds);
        var taken = await db.MirrorApps
            .Where(a => a.App == app && (a.LeaseUntil == null || a.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LeaseOwner, _owner).SetProperty(a => a.LeaseUntil, until), cancellationToken);
        if (taken == 0)
        {
            var holder = await db.MirrorApps.AsNoTracking().Where(a => a.App == app).Select(a => a.RunningRunId).FirstOrDefaultAsync(cancellationToken);
            throw new MirrorBusyException(app, holder);
        }

        try
        {
            await db.MirrorRuns
                .Where(r => r.App == app && r.Status == MirrorRunStatuses.Running)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, MirrorRunStatuses.Failed)
                    .SetProperty(r => r.EndedAt, now)
                    .SetProperty(r => r.ErrorCode, "Interrupted")
                    .SetProperty(r => r.Error, "The instance running it stopped before it ended; nothing was marked gone."), cancellationToken);

            var run = new MirrorRunRecord
            {
                App = app,
                InitiatorType = initiatorType,
                Initiator = initiator,
                Instance = Instance,
                Status = MirrorRunStatuses.Running,
                StartedAt = now,
            };
            db.MirrorRuns.Add(run);
            await db.SaveChangesAsync(cancellationToken);
            await db.MirrorApps.Where(a => a.App == app && a.LeaseOwner == _owner)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.RunningRunId, run.Id), cancellationToken);
            return run;
        }
        catch
        {
            await ReleaseAsync(db, app, CancellationToken.None);
            throw;
        }
    }

    private static async Task EnsureAppRowAsync(ScimBridgeDbContext db, string app, CancellationToken cancellationToken)
    {
        if (await db.MirrorApps.AnyAsync(a => a.App == app, cancellationToken))
        {
            return;
        }

        db.MirrorApps.Add(new MirrorAppRecord { App = app });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance created it at the same moment.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private Task ReleaseAsync(ScimBridgeDbContext db, string app, CancellationToken cancellationToken) =>
        db.MirrorApps.Where(a => a.App == app && a.LeaseOwner == _owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.LeaseOwner, (string?)null)
                .SetProperty(a => a.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(a => a.RunningRunId, (long?)null), cancellationToken);

    /// <summary>Renews the lease; false when another instance has taken it (this one was stalled past its expiry).</summary>
    private async Task<bool> RenewAsync(string app, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        var until = time.GetUtcNow().AddSeconds(options.CurrentValue.LeaseSeconds);
        return await db.MirrorApps.Where(a => a.App == app && a.LeaseOwner == _owner)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LeaseUntil, until), cancellationToken) == 1;
    }

    private async Task<MirrorRunRecord> ExecuteAsync(MirrorRunRecord run)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping);
        using var heartbeat = new CancellationTokenSource();
        var renewing = RenewWhileRunningAsync(run.App, stop, heartbeat.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var download = new MirrorDownload(scope.ServiceProvider, run, time, Instance);
            await download.RunAsync(SourceFor(scope.ServiceProvider, run.App), stop.Token);
            LogRunEnded(logger, run.App, run.Id, run.Status, run.Added, run.Changed, run.Gone, run.Unchanged);
        }
        catch (Exception ex)
        {
            var (code, message) = ex switch
            {
                MirrorSourceException source => (source.Code, source.Message),
                OperationCanceledException when lifetime.ApplicationStopping.IsCancellationRequested => ("Stopped", "The bridge stopped during the run."),
                OperationCanceledException => ("LeaseLost", "Another instance took over this app's run lease; this run stopped."),
                _ => ("BridgeError", ex.Message),
            };
            if (code == "BridgeError")
            {
                LogRunCrashed(logger, ex, run.App, run.Id);
            }
            else
            {
                LogRunFailed(logger, run.App, run.Id, code, message);
            }

            await FailAsync(run, code, message);
        }
        finally
        {
            await heartbeat.CancelAsync();
            await renewing;
            await using var scope = scopes.CreateAsyncScope();
            await ReleaseAsync(scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>(), run.App, CancellationToken.None);
        }

        return run;
    }

    private async Task RenewWhileRunningAsync(string app, CancellationTokenSource run, CancellationToken stop)
    {
        var every = TimeSpan.FromSeconds(Math.Max(1, options.CurrentValue.LeaseSeconds / 4.0));
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(every, time, stop);
                if (!await RenewAsync(app, stop))
                {
                    await run.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            // The store is down: the download fails on its own next write; the lease expires if it does not come back.
            LogRenewFailed(logger, ex, app);
        }
    }

    private async Task FailAsync(MirrorRunRecord run, string code, string message)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
            var now = time.GetUtcNow();
            run.Status = MirrorRunStatuses.Failed;
            run.EndedAt = now;
            run.ErrorCode = code;
            run.Error = message.Length > 2000 ? message[..2000] : message;
            db.MirrorRuns.Attach(run);
            db.Entry(run).State = EntityState.Modified;
            db.LogEntries.Add(MirrorLog.RunEntry(run, now, Instance));
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogFailRecordFailed(logger, ex, run.App, run.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mirror run {RunId} of {App} ended {Status}: {Added} added, {Changed} changed, {Gone} gone, {Unchanged} unchanged.")]
    private static partial void LogRunEnded(ILogger logger, string app, long runId, string status, int added, int changed, int gone, int unchanged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mirror run {RunId} of {App} failed ({Code}): {Message}. Nothing was marked gone.")]
    private static partial void LogRunFailed(ILogger logger, string app, long runId, string code, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mirror run {RunId} of {App} failed inside the bridge; nothing was marked gone.")]
    private static partial void LogRunCrashed(ILogger logger, Exception exception, string app, long runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the mirror lease of {App}.")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, string app);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the failure of mirror run {RunId} of {App}.")]
    private static partial void LogFailRecordFailed(ILogger logger, Exception exception, string app, long runId);
}
