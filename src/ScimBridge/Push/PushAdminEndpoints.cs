using Microsoft.AspNetCore.Http.HttpResults;
using ScimBridge.Admin;

namespace ScimBridge.Push;

/// <summary>The push's admin API: connection health and actions, staged deletes, replay, provision on demand.</summary>
public static class PushAdminEndpoints
{
    private const int MaxStagedPage = 1000;

    public static void MapPushAdmin(this RouteGroupBuilder api)
    {
        var connection = api.MapGroup("/connection").WithTags("Connection");
        connection.MapGet("", Status).WithSummary("Target, credentials, quarantine, queue depth, oldest pending change, last success.");
        connection.MapPost("/test", Test).WithSummary("One authenticated read against the monday.com Tenant URL (Entra's Test connection).");
        connection.MapPost("/resume", Resume).WithSummary("Leave quarantine now.");
        connection.MapGet("/settings", Settings)
            .WithSummary("Tenant URL, Secret Token and API token: which source is in force for each (configuration wins), when and by whom saved; never a token.");
        connection.MapPut("/settings", SaveSettings)
            .WithSummary("Save the Tenant URL and tokens (blank fields are kept; tokens stored encrypted); in force on every instance within seconds, audited.");

        var staged = api.MapGroup("/staged-deletes").WithTags("Staged deletes");
        staged.MapGet("", Staged).WithSummary("Disables and deletes held by the deletion guard, oldest first.");
        staged.MapPost("/approve", ApproveAll).WithSummary("Approve every staged delete.");
        staged.MapPost("/reject", RejectAll).WithSummary("Reject every staged delete: the seats stay.");
        staged.MapPost("/{resourceType}/{id}/approve", Approve).WithSummary("Approve one staged delete.");
        staged.MapPost("/{resourceType}/{id}/reject", Reject).WithSummary("Reject one staged delete: the seat stays.");

        var changes = api.MapGroup("/changes").WithTags("Changes");
        changes.MapPost("/{id:long}/replay", Replay).WithSummary("Queue a failed change again.");
        changes.MapPost("/retry-failed", RetryFailed).WithSummary("Queue every failed change matching the filter again.");

        api.MapPost("/provision/{resourceType}/{id}", Provision).WithTags("Provision on demand")
            .WithSummary("Push one user, or one group with its waiting members, now; dryRun=true shows the requests without sending them.");
    }

    private static async Task<Ok<ConnectionStatus>> Status(PushConnection admin, CancellationToken ct) =>
        TypedResults.Ok(await admin.StatusAsync(ct));

    private static async Task<Ok<ConnectionTest>> Test(PushConnection admin, CancellationToken ct) =>
        TypedResults.Ok(await admin.TestAsync(ct));

    private static Ok<IReadOnlyList<ConnectionFieldState>> Settings(ConnectionSettingsStore settings) =>
        TypedResults.Ok(settings.Describe());

    private static async Task<Ok<IReadOnlyList<ConnectionFieldState>>> SaveSettings(
        ConnectionSettingsStore settings, ConnectionSettingsUpdate? update, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(await settings.SaveAsync(update ?? throw AdminException.Invalid("body", "Send {\"tenantUrl\", \"scimToken\", \"apiToken\", \"clearApiToken\"}."),
            AdminApi.ActorName(context), ct));

    private static async Task<Ok<ConnectionStatus>> Resume(PushConnection admin, CancellationToken ct)
    {
        await admin.ResumeAsync(ct);
        return TypedResults.Ok(await admin.StatusAsync(ct));
    }

    private static async Task<Ok<IReadOnlyList<StagedDelete>>> Staged(StagedDeletes admin, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > MaxStagedPage)
        {
            throw AdminException.Invalid("limit", $"limit is between 1 and {MaxStagedPage}.");
        }
        return TypedResults.Ok(await admin.ListAsync(0, limit ?? 200, ct));
    }

    private static async Task<Ok<DecisionResult>> ApproveAll(StagedDeletes admin, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(new DecisionResult(await admin.ApproveAsync(null, null, AdminApi.ActorName(context), ct)));

    private static async Task<Ok<DecisionResult>> RejectAll(StagedDeletes admin, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(new DecisionResult(await admin.RejectAsync(null, null, AdminApi.ActorName(context), ct)));

    private static async Task<Ok<DecisionResult>> Approve(StagedDeletes admin, string resourceType, string id, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(new DecisionResult(Found(await admin.ApproveAsync(resourceType, id, AdminApi.ActorName(context), ct), resourceType, id)));

    private static async Task<Ok<DecisionResult>> Reject(StagedDeletes admin, string resourceType, string id, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(new DecisionResult(Found(await admin.RejectAsync(resourceType, id, AdminApi.ActorName(context), ct), resourceType, id)));

    private static async Task<Ok<RequeueResult>> Replay(ChangeReplay admin, long id, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(await admin.ReplayAsync(id, AdminApi.ActorName(context), ct));

    private static async Task<Ok<RequeueResult>> RetryFailed(ChangeReplay admin, RetryFailedRequest? filter, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(await admin.RetryFailedAsync(filter ?? new RetryFailedRequest(null, null, null, null), AdminApi.ActorName(context), ct));

    private static async Task<Ok<ProvisionResult>> Provision(
        ProvisionOnDemand admin, string resourceType, string id, bool? dryRun, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(await admin.ProvisionAsync(resourceType, id, dryRun ?? false, AdminApi.ActorName(context), ct));

    private static int Found(int count, string resourceType, string id) =>
        count > 0 ? count : throw AdminException.NotFound($"No staged delete for {resourceType}/{id}.");
}

public sealed record DecisionResult(int Count);
