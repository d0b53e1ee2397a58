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
public sealed class ChangeLog(ScimBridgeDbContext db, TimeProvider time, Operations.Tracing? tracing = null)
{
    // Every update reads its resource's push state: compiled once per provider (a compiled query is bound to the first it ran on).
    private static readonly ConcurrentDictionary<string, Func<ScimBridgeDbContext, string, string, Task<PushStateRecord?>>> StateOf = new();

    public async Task RecordAsync(
        string operation,
        string resourceType,
        string resourceId,
        IReadOnlyList<AttributeChange> attributes,
        MemberChanges? members,
        ChangeActor actor,
        CancellationToken cancellationToken)
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

        var now = time.GetUtcNow();
        var (traceParent, traceState) = tracing is null ? default : Operations.Tracing.Current();
        db.Changes.Add(new ChangeRecord
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
        });

        // A new resource has no push state yet: no need to look.
        var state = operation == ChangeOperations.Create ? null
            : await StateOf.GetOrAdd(db.Provider, _ => EF.CompileAsyncQuery((ScimBridgeDbContext db, string type, string id) =>
                db.PushStates.FirstOrDefault(s => s.ResourceType == type && s.ResourceId == id)))(db, resourceType, resourceId);
        if (state is null)
        {
            db.PushStates.Add(new PushStateRecord
            {
                ResourceType = resourceType,
                ResourceId = resourceId,
                ChangeSeq = 1,
                DueAt = now,
                InitiatorType = actor.Kind,
                Initiator = actor.Name,
            });
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
}
