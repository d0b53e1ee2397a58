namespace ScimBridge.Hr;

/// <summary>Asynchronous HR jobs (<c>HrJobs</c>): /hr/v1/bulkUpload payloads, queued and run by <see cref="HrJobWorker"/>.</summary>
public sealed class HrJobs;

public sealed class HrJobWorker : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}

public static class BulkUploadApi
{
    /// <summary>POST /hr/v1/bulkUpload (202 and a job to poll), GET /hr/v1/jobs/{id}.</summary>
    public static void MapBulkUpload(this RouteGroupBuilder hr)
    {
        ArgumentNullException.ThrowIfNull(hr);
    }
}
