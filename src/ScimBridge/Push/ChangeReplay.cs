using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;

namespace ScimBridge.Push;

/// <summary>Retry every failed change that matches (all fields optional).</summary>
public sealed record RetryFailedRequest(string? ResourceType, DateTimeOffset? From, DateTimeOffset? To, string? ErrorContains);

public sealed record RequeueResult(int Changes, int Resources);

/// <summary>Failed changes back in the queue: one (and the failed ones before it for the same object), or every one a filter matches.</summary>
public sealed class ChangeReplay(ScimBridgeDbContext db, IWriteGate gate, PushSignal signal, TimeProvider time)
{
    /// <summary>Puts a failed change (and the failed ones before it for the same object) back in the queue.</summary>
    public async Task<RequeueResult> ReplayAsync(long changeId, string admin, CancellationToken cancellationToken)
    {
        var change = await db.Changes.AsNoTracking().FirstOrDefaultAsync(c => c.Id == changeId, cancellationToken)
            ?? throw AdminException.NotFound($"There is no change {changeId}.");
        if (change.PushStatus != PushStatuses.Failed)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "Not a failed change",
                $"Change {changeId} is {change.PushStatus}; only failed changes can be replayed.");
        }
        var failed = db.Changes.Where(c => c.ResourceType == change.ResourceType && c.ResourceId == change.ResourceId
            && c.Id <= changeId && c.PushStatus == PushStatuses.Failed);
        return await RequeueAsync(failed, admin, cancellationToken);
    }

    public Task<RequeueResult> RetryFailedAsync(RetryFailedRequest filter, string admin, CancellationToken cancellationToken)
    {
        var failed = db.Changes.Where(c => c.PushStatus == PushStatuses.Failed);
        if (filter.ResourceType is { } type)
        {
            var kind = ResourceRoute.Kind(type);
            failed = failed.Where(c => c.ResourceType == kind);
        }
        if (filter.From is { } from)
        {
            failed = failed.Where(c => c.OccurredAt >= from);
        }
        if (filter.To is { } to)
        {
            failed = failed.Where(c => c.OccurredAt < to);
        }
        if (filter.From is { } f && filter.To is { } t && f > t)
        {
            throw AdminException.Invalid("from", "from must not be after to.");
        }
        if (!string.IsNullOrEmpty(filter.ErrorContains))
        {
            if (filter.ErrorContains.Length > 200)
            {
                throw AdminException.Invalid("errorContains", "errorContains is at most 200 characters.");
            }
            failed = failed.Where(c => c.PushError != null && c.PushError.Contains(filter.ErrorContains));
        }
        return RequeueAsync(failed, admin, cancellationToken);
    }

    private async Task<RequeueResult> RequeueAsync(IQueryable<ChangeRecord> failed, string admin, CancellationToken cancellationToken)
    {
        RequeueResult result;
        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var states = db.PushStates.Where(p => failed.Any(c => c.ResourceType == p.ResourceType && c.ResourceId == p.ResourceId));
            result = await PushStore.RequeueAsync(db, states, failed, time.GetUtcNow(), (Initiators.Admin, admin), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        signal.Pulse();
        return result;
    }

}
