using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.Scim;
using ScimBridge.ScimProtocol;

namespace ScimBridge.Hr;

/// <summary>
/// Asynchronous HR jobs (<c>HrJobs</c>): /hr/v1/bulkUpload payloads, queued and run by <see cref="HrJobWorker"/>.
/// A job is claimed with a lease (a conditional update), so two instances never run it at once; an instance that dies
/// leaves it Running with a lease that expires, and another takes it over. Each operation's result is saved as soon as
/// it ran, so a job taken over resumes after the last saved operation instead of applying anything twice.
/// </summary>
public sealed partial class HrJobs(
    PushStore store,
    BulkProcessor processor,
    HrLifecycle lifecycle,
    WorkerDirectory directory,
    HrSignal hrSignal,
    TimeProvider time,
    IOptions<HrOptions> options,
    IOptions<PushOptions> pushOptions,
    IOptions<ScimOptions> scimOptions,
    ILogger<HrJobs> logger)
{
    private static readonly JsonSerializerOptions ResultJson = new(JsonSerializerDefaults.Web);

    private readonly string _owner = $"{pushOptions.Value.InstanceId}/{Guid.NewGuid():N}";
    private readonly JobSignal _signal = new();

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    /// <summary>Queues a bulk upload already checked by <see cref="BulkRequest.Parse"/>.</summary>
    public async Task<HrJobRecord> EnqueueBulkUploadAsync(string payload, int operations, string actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var job = new HrJobRecord
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Kind = HrJobKinds.BulkUpload,
            Status = HrJobStatuses.Queued,
            Actor = actor,
            CreatedAt = now,
            Input = payload,
            Total = operations,
        };
        await store.WriteAsync(async db =>
        {
            db.HrJobs.Add(job);
            return await db.SaveChangesAsync(cancellationToken);
        }, cancellationToken);
        _signal.Pulse();
        return job;
    }

    public Task<HrJobRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        store.ReadAsync(db => db.HrJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, cancellationToken), cancellationToken);

    /// <summary>The newest jobs first, without their input and results.</summary>
    public Task<List<HrJobRecord>> ListAsync(int limit, CancellationToken cancellationToken) =>
        store.ReadAsync(db => db.HrJobs.AsNoTracking().OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(limit)
            .Select(j => new HrJobRecord
            {
                Id = j.Id,
                Kind = j.Kind,
                Status = j.Status,
                Actor = j.Actor,
                CreatedAt = j.CreatedAt,
                StartedAt = j.StartedAt,
                CompletedAt = j.CompletedAt,
                Total = j.Total,
                Succeeded = j.Succeeded,
                Failed = j.Failed,
                Error = j.Error,
            }).ToListAsync(cancellationToken), cancellationToken);

    /// <summary>The per-operation results a job recorded so far.</summary>
    public static IReadOnlyList<BulkResult> Results(HrJobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return string.IsNullOrEmpty(job.Result) ? [] : JsonSerializer.Deserialize<List<BulkResult>>(job.Result, ResultJson) ?? [];
    }

    internal Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>Claims and runs one job (a queued one, or one whose holder's lease expired); false when there was none.</summary>
    public async Task<bool> RunNextAsync(CancellationToken cancellationToken)
    {
        var job = await ClaimAsync(cancellationToken);
        if (job is null)
        {
            return false;
        }

        try
        {
            await RunAsync(job, cancellationToken);
        }
        catch (LeaseLostException)
        {
            LogLeaseLost(logger, job.Id);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the job stays Running, but its lease ends now, so the next instance (or this one restarted)
            // resumes it at once rather than after the lease.
            await store.WriteAsync(db => db.HrJobs.Where(j => j.Id == job.Id && j.LeaseOwner == _owner)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, time.GetUtcNow()), CancellationToken.None), CancellationToken.None);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !StoreFailures.IsUnavailable(ex))
        {
            LogJobFailed(logger, ex, job.Id);
            await FinishAsync(job.Id, HrJobStatuses.Failed, $"The job stopped on an unexpected error: {ex.Message}", CancellationToken.None);
        }

        return true;
    }

    private Task<HrJobRecord?> ClaimAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var candidates = await db.HrJobs.AsNoTracking()
                .Where(j => j.Kind == HrJobKinds.BulkUpload
                    && (j.Status == HrJobStatuses.Queued || (j.Status == HrJobStatuses.Running && (j.LeaseUntil == null || j.LeaseUntil < now))))
                .OrderBy(j => j.CreatedAt).Select(j => new { j.Id, j.Status, j.LeaseOwner }).Take(5).ToListAsync(cancellationToken);
            foreach (var candidate in candidates)
            {
                // The same condition again in the UPDATE: of several instances that picked this job, one takes it.
                var until = now + Lease;
                var taken = await db.HrJobs
                    .Where(j => j.Id == candidate.Id && j.Status == candidate.Status && j.LeaseOwner == candidate.LeaseOwner
                        && (j.Status == HrJobStatuses.Queued || j.LeaseUntil == null || j.LeaseUntil < now))
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(j => j.Status, HrJobStatuses.Running)
                        .SetProperty(j => j.LeaseOwner, _owner)
                        .SetProperty(j => j.LeaseUntil, until)
                        .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now), cancellationToken);
                if (taken == 1)
                {
                    return await db.HrJobs.AsNoTracking().FirstAsync(j => j.Id == candidate.Id, cancellationToken);
                }
            }

            return null;
        }, cancellationToken);

    private async Task RunAsync(HrJobRecord job, CancellationToken cancellationToken)
    {
        BulkRequest request;
        try
        {
            request = BulkRequest.Parse(JsonNode.Parse(job.Input ?? "")!, new BulkOptions { MaxOperations = int.MaxValue });
        }
        catch (Exception ex) when (ex is ScimException or JsonException)
        {
            await FinishAsync(job.Id, HrJobStatuses.Failed, $"The stored payload cannot be read: {ex.Message}", cancellationToken);
            return;
        }

        var results = Results(job).ToList();
        var rules = new BulkUploadRules(job.Id, job.Actor, store, lifecycle, directory, options.Value, time);
        var run = new BulkRun
        {
            Actor = new ChangeActor(job.Actor, job.Id, Initiators.Hr),
            BaseUrl = (scimOptions.Value.PublicBaseUrl ?? "/scim/v2").TrimEnd('/'),
            Done = results,
            UserRules = rules,
            OnResult = async (result, ct) =>
            {
                results.Add(result);
                await SaveProgressAsync(job.Id, results, ct);
            },
        };
        await processor.RunAsync(request, run, cancellationToken);
        await FinishAsync(job.Id, HrJobStatuses.Completed, null, cancellationToken);
    }

    /// <summary>Saves the results so far and renews the lease; a lease another instance took meanwhile stops this run.</summary>
    private async Task SaveProgressAsync(string id, List<BulkResult> results, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(results, ResultJson);
        var succeeded = results.Count(r => r.Succeeded);
        var failed = results.Count - succeeded;
        var until = time.GetUtcNow() + Lease;
        var saved = await store.WriteAsync(db => db.HrJobs
            .Where(j => j.Id == id && j.LeaseOwner == _owner && j.Status == HrJobStatuses.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Result, json)
                .SetProperty(j => j.Succeeded, succeeded)
                .SetProperty(j => j.Failed, failed)
                .SetProperty(j => j.LeaseUntil, until), cancellationToken), cancellationToken);
        if (saved == 0)
        {
            throw new LeaseLostException();
        }
    }

    /// <summary>Ends the job; the terminations it recorded wait for this (the guard counts the whole batch), so the scheduler is woken.</summary>
    private async Task FinishAsync(string id, string status, string? error, CancellationToken cancellationToken)
    {
        await store.WriteAsync(db =>
        {
            var now = time.GetUtcNow();
            return db.HrJobs
                .Where(j => j.Id == id && j.LeaseOwner == _owner)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, status)
                    .SetProperty(j => j.Error, error)
                    .SetProperty(j => j.CompletedAt, now)
                    .SetProperty(j => j.Input, j => status == HrJobStatuses.Completed ? null : j.Input)
                    .SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        }, cancellationToken);
        hrSignal.Pulse();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "HR job {JobId}: another instance took the job over (this instance's lease expired); it stopped here")]
    private static partial void LogLeaseLost(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "HR job {JobId} failed")]
    private static partial void LogJobFailed(ILogger logger, Exception exception, string jobId);

    private sealed class JobSignal : WakeSignal;

    private sealed class LeaseLostException : Exception;
}

/// <summary>Runs queued HR jobs: woken when one is queued in this process, else every <c>Hr:TickSeconds</c>.</summary>
public sealed partial class HrJobWorker(HrJobs jobs, IOptions<HrOptions> options, ILogger<HrJobWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await jobs.RunNextAsync(stoppingToken))
                {
                }

                await jobs.WaitAsync(TimeSpan.FromSeconds(Math.Max(1, options.Value.TickSeconds)), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.Value.TickSeconds)), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "HR job worker: claiming or running a job failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
