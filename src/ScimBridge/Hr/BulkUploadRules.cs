using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Push;
using ScimBridge.Scim;
using ScimBridge.ScimProtocol;

namespace ScimBridge.Hr;

/// <summary>
/// Entra's API-driven inbound semantics for one bulk upload job: a POST /Users whose externalId (the employee id) names
/// an existing user updates it; <c>active: false</c> on a user active in the bridge records a termination effective
/// now, and <c>active: true</c> on a user HR terminated records a rehire, both in the job's batch (the mass-termination
/// guard counts it). Each event is recorded before the user is written and at most once per job, so a job resumed
/// after a crash neither loses nor repeats one.
/// </summary>
internal sealed class BulkUploadRules(
    string jobId, string actor, PushStore store, HrLifecycle lifecycle, WorkerDirectory directory, HrOptions options, TimeProvider time) : IBulkUserRules
{
    private const string Reason = "bulkUpload";

    public async Task<string?> UpsertTargetAsync(JsonObject data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        var externalId = data.FirstOrDefault(p => string.Equals(p.Key, "externalId", StringComparison.OrdinalIgnoreCase)).Value is JsonValue value
            && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;
        if (externalId is null)
        {
            return null;
        }

        var matches = await store.ReadAsync(db => db.Users.AsNoTracking().Where(u => u.ExternalId == externalId)
            .OrderBy(u => u.Id).Select(u => u.Id).Take(2).ToListAsync(cancellationToken), cancellationToken);
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw ScimException.Conflict($"Two users have externalId '{externalId}' ({string.Join(", ", matches)}); the upload cannot tell which one to update."),
        };
    }

    public async Task OnUserWriteAsync(string userId, bool activeBefore, bool activeAfter, CancellationToken cancellationToken)
    {
        var state = await store.ReadAsync(async db => new
        {
            Status = await db.HrWorkers.Where(w => w.UserId == userId).Select(w => w.Status).FirstOrDefaultAsync(cancellationToken),
            InBatch = await db.HrEvents.Where(e => e.UserId == userId && e.BatchId == jobId).Select(e => e.Kind).ToListAsync(cancellationToken),
            RehirePending = await db.HrEvents.AnyAsync(e => e.UserId == userId && e.Kind == HrEventKinds.Rehire && HrEventStates.Pending.Contains(e.State), cancellationToken),
        }, cancellationToken);
        var terminated = state.Status is not null and not HrWorkerStatuses.Active;
        string? kind = null;
        if (activeBefore && !activeAfter && !terminated && !state.InBatch.Contains(HrEventKinds.Terminate))
        {
            kind = HrEventKinds.Terminate;
        }
        else if (activeAfter && terminated && !state.RehirePending && !state.InBatch.Contains(HrEventKinds.Rehire))
        {
            kind = HrEventKinds.Rehire;
        }

        if (kind is null)
        {
            return;
        }

        try
        {
            var worker = await directory.FindByIdAsync(userId, cancellationToken)
                ?? throw ScimException.NotFound($"Resource {userId} not found.");
            worker = worker with { MatchedBy = WorkerKey.ExternalId };
            var zone = WorkerDirectory.ZoneFor(null, worker, options);
            var now = EffectiveTime.Resolve(null, zone, options.TerminationTime, time.GetUtcNow());
            var hrActor = new HrActor(actor, HrSources.Bulk, null, jobId);
            _ = kind == HrEventKinds.Terminate
                ? await lifecycle.TerminateAsync(worker, now, Reason, hrActor, cancellationToken)
                : await lifecycle.RehireAsync(worker, now, Reason, hrActor, cancellationToken);
        }
        catch (HrException ex)
        {
            throw new ScimException(ex.Status, $"The user was not written: recording the {kind.ToLowerInvariant()} failed: {ex.Detail}");
        }
    }
}
