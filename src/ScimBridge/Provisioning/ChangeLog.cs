using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Scim;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Provisioning;

/// <summary>
/// Adds a change row to the current unit of work, so it commits in the same transaction as the change, and marks
/// the resource as needing a push. Rows hold what changed (old → new per attribute, members added and removed)
/// and who asked.
/// </summary>
public sealed class ChangeLog(
    ScimBridgeDbContext db, TimeProvider time, StoreHealth health, Push.PushSignal signal, Operations.Tracing? tracing = null)
{
    // Every update reads its resource's push state: compiled once per provider (a compiled query is bound to the first it ran on).
    private static readonly ConcurrentDictionary<string, Func<ScimBridgeDbContext, string, string, CancellationToken, Task<PushStateRecord?>>> StateOf = new();

    public async Task RecordAsync(
        string operation,
        string resourceType,
        string resourceId,
        IReadOnlyList<AttributeChange> attributes,
        MemberChanges? members,
        ChangeActor actor,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        db.Changes.Add(Row(operation, resourceType, resourceId, attributes, members, actor, now));

        // A new resource has no push state yet: no need to look.
        var state = operation == ChangeOperations.Create ? null
            : await StateOf.GetOrAdd(db.Provider, _ => EF.CompileAsyncQuery((ScimBridgeDbContext db, string type, string id, CancellationToken ct) =>
                db.PushStates.FirstOrDefault(s => s.ResourceType == type && s.ResourceId == id)))(db, resourceType, resourceId, cancellationToken);
        if (state is null)
        {
            db.PushStates.Add(NewState(resourceType, resourceId, actor, now));
            return;
        }

        // A resource already waiting keeps its place (and any backoff); one that was up to date joins the queue now.
        if (state.ChangeSeq == state.PushedSeq)
        {
            state.DueAt = now;
        }
        state.ChangeSeq++;
        state.InitiatorType = actor.Kind;
        state.Initiator = actor.Name;
    }

    /// <summary>
    /// Writes a new resource's rows (<paramref name="rows"/>), its change row and its push state in one command and
    /// commits them, without the change tracker: creates are the hottest write. Inside a caller's transaction the
    /// caller commits (and the push finds the rows at its next poll).
    /// </summary>
    internal async Task InsertCreatedAsync(
        RowInserts rows, string resourceType, string resourceId, IReadOnlyList<AttributeChange> attributes, ChangeActor actor, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        rows.Add(Row(ChangeOperations.Create, resourceType, resourceId, attributes, null, actor, now))
            .Add(NewState(resourceType, resourceId, actor, now));
        if (db.Database.CurrentTransaction is not null)
        {
            await rows.ExecuteAsync(cancellationToken);
            return;
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await rows.ExecuteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        health.Succeeded();
        signal.Pulse();
    }

    private ChangeRecord Row(
        string operation, string resourceType, string resourceId, IReadOnlyList<AttributeChange> attributes, MemberChanges? members, ChangeActor actor, DateTimeOffset now)
    {
        var changes = new JsonObject
        {
            ["attributes"] = new JsonArray(attributes.Select(a => (JsonNode)new JsonObject
            {
                ["path"] = a.Path,
                ["old"] = a.OldValue?.DeepClone(),
                ["new"] = a.NewValue?.DeepClone(),
            }).ToArray()),
        };
        if (members is not null)
        {
            changes["membersAdded"] = new JsonArray(members.Added.Select(m => (JsonNode)m).ToArray());
            changes["membersRemoved"] = new JsonArray(members.Removed.Select(m => (JsonNode)m).ToArray());
        }

        var (traceParent, traceState) = tracing is null ? default : Operations.Tracing.Current();
        return new ChangeRecord
        {
            ResourceType = resourceType,
            ResourceId = resourceId,
            Operation = operation,
            Changes = changes.ToJsonString(),
            Actor = actor.Name,
            RequestId = actor.RequestId,
            OccurredAt = now,
            TraceParent = traceParent,
            TraceState = traceState,
        };
    }

    private static PushStateRecord NewState(string resourceType, string resourceId, ChangeActor actor, DateTimeOffset now) => new()
    {
        ResourceType = resourceType,
        ResourceId = resourceId,
        ChangeSeq = 1,
        DueAt = now,
        InitiatorType = actor.Kind,
        Initiator = actor.Name,
    };
}
