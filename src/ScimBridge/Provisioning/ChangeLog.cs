using System.Text.Json.Nodes;
using ScimBridge.Data;
using ScimBridge.Scim;
using ScimBridge.Scim.Resources;

namespace ScimBridge.Provisioning;

/// <summary>
/// Adds a change row to the current unit of work, so it commits in the same transaction as the change.
/// Rows hold what changed (old → new per attribute, members added and removed) and who asked.
/// </summary>
public sealed class ChangeLog(ScimBridgeDbContext db, TimeProvider time)
{
    public void Record(
        string operation,
        string resourceType,
        string resourceId,
        IReadOnlyList<AttributeChange> attributes,
        MemberChanges? members,
        ChangeActor actor)
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

        db.Changes.Add(new ChangeRecord
        {
            ResourceType = resourceType,
            ResourceId = resourceId,
            Operation = operation,
            Changes = changes.ToJsonString(),
            Actor = actor.Name,
            RequestId = actor.RequestId,
            OccurredAt = time.GetUtcNow(),
        });
    }
}
