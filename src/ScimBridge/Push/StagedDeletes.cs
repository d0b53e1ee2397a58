using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Push;

public sealed record StagedDelete(string ResourceType, string ResourceId, string? Name, string? MondayId, DateTimeOffset HeldAt, string? Reason);

/// <summary>Deletes and disables the deletion guard held back: list them, approve them (sent on their next push) or reject them.</summary>
public sealed class StagedDeletes(ScimBridgeDbContext db, IWriteGate gate, PushSignal signal, IOptions<PushOptions> push, TimeProvider time)
{
    public Task<int> CountAsync(CancellationToken cancellationToken) => db.PushStates.CountAsync(p => p.HeldAt != null, cancellationToken);

    public async Task<IReadOnlyList<StagedDelete>> ListAsync(int skip, int limit, CancellationToken cancellationToken)
    {
        var held = await db.PushStates.AsNoTracking().Where(p => p.HeldAt != null)
            .OrderBy(p => p.HeldAt).ThenBy(p => p.ResourceType).ThenBy(p => p.ResourceId).Skip(skip).Take(limit).ToListAsync(cancellationToken);
        var userIds = held.Where(h => h.ResourceType == ResourceKinds.User).Select(h => h.ResourceId).ToList();
        var groupIds = held.Where(h => h.ResourceType == ResourceKinds.Group).Select(h => h.ResourceId).ToList();
        var names = await db.Users.Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, Name = u.UserName })
            .Concat(db.Groups.Where(g => groupIds.Contains(g.Id)).Select(g => new { g.Id, Name = g.DisplayName }))
            .ToDictionaryAsync(x => x.Id, x => x.Name, cancellationToken);
        return held.Select(h => new StagedDelete(h.ResourceType, h.ResourceId,
            names.GetValueOrDefault(h.ResourceId) ?? NameOf(h), h.MondayId, h.HeldAt!.Value, h.HoldReason)).ToList();
    }

    /// <summary>Approves one staged delete (or all, when <paramref name="resourceId"/> is null): it is sent on its next push.</summary>
    public async Task<int> ApproveAsync(string? resourceType, string? resourceId, string admin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        int approved;
        using (await gate.EnterAsync(cancellationToken))
        {
            approved = await Held(resourceType, resourceId).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.HeldAt, (DateTimeOffset?)null)
                .SetProperty(p => p.HoldReason, (string?)null)
                .SetProperty(p => p.DeprovisionApproved, true)
                .SetProperty(p => p.DueAt, now)
                .SetProperty(p => p.InitiatorType, Initiators.Admin)
                .SetProperty(p => p.Initiator, admin), cancellationToken);
        }
        signal.Pulse();
        return approved;
    }

    /// <summary>
    /// Rejects one staged delete (or all): the seat stays, the held changes are closed as skipped, and the log says
    /// who decided. A later change that still deprovisions the user is held again.
    /// </summary>
    public async Task<int> RejectAsync(string? resourceType, string? resourceId, string admin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cycle = ClaimedResource.NewCycleId();
        var rejected = 0;
        using (await gate.EnterAsync(cancellationToken))
        {
            while (true)
            {
                var batch = await Held(resourceType, resourceId).OrderBy(p => p.ResourceId).Take(500).ToListAsync(cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                foreach (var state in batch)
                {
                    var pendingId = await db.Changes
                        .Where(c => c.ResourceType == state.ResourceType && c.ResourceId == state.ResourceId && c.PushStatus == PushStatuses.Pending)
                        .MaxAsync(c => (long?)c.Id, cancellationToken);
                    await db.Changes
                        .Where(c => c.ResourceType == state.ResourceType && c.ResourceId == state.ResourceId && c.PushStatus == PushStatuses.Pending)
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(c => c.PushStatus, PushStatuses.Skipped)
                            .SetProperty(c => c.PushedAt, now)
                            .SetProperty(c => c.PushError, $"Deprovisioning rejected by {admin}."), cancellationToken);
                    db.LogEntries.Add(new LogEntryRecord
                    {
                        At = now,
                        ChangeId = pendingId,
                        CycleId = cycle,
                        InitiatorType = Initiators.Admin,
                        Initiator = admin,
                        ResourceType = state.ResourceType,
                        SourceId = state.ResourceId,
                        SourceName = NameOf(state),
                        SourceNameNormalized = NameOf(state) is { } name ? ScimText.Fold(name) : null,
                        TargetId = state.MondayId,
                        TargetName = NameOf(state),
                        Action = LogActions.StagedDelete,
                        Status = LogStatuses.Skipped,
                        ErrorCode = LogCodes.RejectedByAdmin,
                        Message = $"{admin} rejected the staged disable or delete; monday.com keeps the seat. {state.HoldReason}",
                        RecommendedFix = LogCodes.Fix(LogCodes.RejectedByAdmin),
                        Steps = JsonSerializer.Serialize(new[] { new TraceStep(PushTrace.Export, LogStatuses.Skipped, $"Nothing sent: rejected by {admin}.") }, JsonSerializerOptions.Web),
                        ModifiedProperties = "[]",
                        Attempt = state.Attempts,
                        Instance = push.Value.InstanceId,
                    });
                    state.HeldAt = null;
                    state.HoldReason = null;
                    state.PushedSeq = state.ChangeSeq;
                    state.DeprovisionApproved = false;
                    state.InitiatorType = Initiators.Admin;
                    state.Initiator = admin;
                }
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                db.ChangeTracker.Clear();
                rejected += batch.Count;
            }
        }
        return rejected;
    }

    private IQueryable<PushStateRecord> Held(string? resourceType, string? resourceId)
    {
        var held = db.PushStates.Where(p => p.HeldAt != null);
        if (resourceId is not null)
        {
            var kind = ResourceRoute.Kind(resourceType ?? "");
            held = held.Where(p => p.ResourceType == kind && p.ResourceId == resourceId);
        }
        return held;
    }

    private static string? NameOf(PushStateRecord state) => MondayLinks.PushedName(state.ResourceType, state.Pushed);

}
