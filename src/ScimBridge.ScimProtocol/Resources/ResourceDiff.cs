using System.Text.Json.Nodes;

namespace ScimBridge.ScimProtocol.Resources;

/// <summary>One changed attribute. Null stands for absent.</summary>
public sealed record AttributeChange(string Path, JsonNode? OldValue, JsonNode? NewValue);

/// <summary>The member ids (<c>members[].value</c>) a change added and removed, in resource order.</summary>
public sealed record MemberChanges(IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0;
}

/// <summary>What changed between two canonical resources (for the provisioning log and for syncing downstream).</summary>
public static class ResourceDiff
{
    public const string MembersKey = "members";

    /// <summary>
    /// The changes between two canonical resources, ignoring <c>meta</c> and <c>schemas</c> (which follows from the
    /// extensions present). Paths: <c>displayName</c>; a sub-attribute of a complex attribute as <c>name.givenName</c>;
    /// a multi-valued attribute as a whole (<c>emails</c>, old and new arrays); an extension attribute URN-qualified
    /// (<c>urn:...:enterprise:2.0:User:employeeNumber</c>, <c>urn:...:User:manager.value</c>). For <c>members</c> the
    /// change holds only the difference: <see cref="AttributeChange.OldValue"/> the removed members and
    /// <see cref="AttributeChange.NewValue"/> the added ones (null when none); see <see cref="ComputeMembers"/>.
    /// </summary>
    public static IReadOnlyList<AttributeChange> Compute(JsonObject before, JsonObject after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<AttributeChange>();
        foreach (var key in Keys(before, after))
        {
            if (key is CanonicalForm.MetaKey or CanonicalForm.SchemasKey)
            {
                continue;
            }

            var old = before[key];
            var current = after[key];
            if (key.StartsWith("urn:", StringComparison.OrdinalIgnoreCase) && (old is JsonObject || current is JsonObject))
            {
                var oldData = old as JsonObject ?? [];
                var newData = current as JsonObject ?? [];
                foreach (var name in Keys(oldData, newData))
                {
                    CompareAttribute(changes, $"{key}:{name}", oldData[name], newData[name]);
                }

                continue;
            }

            if (key == MembersKey && (old is JsonArray || current is JsonArray))
            {
                var (added, removed) = DiffByValue(old as JsonArray, current as JsonArray);
                if (added.Count > 0 || removed.Count > 0)
                {
                    changes.Add(new AttributeChange(key, ToArray(removed), ToArray(added)));
                }

                continue;
            }

            CompareAttribute(changes, key, old, current);
        }

        return changes;
    }

    /// <summary>
    /// The member ids added and removed, compared by <c>value</c> (case-sensitive, as <c>members.value</c> is caseExact).
    /// Linear in the number of members, so it suits large groups.
    /// </summary>
    public static MemberChanges ComputeMembers(JsonObject before, JsonObject after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var (added, removed) = DiffByValue(before[MembersKey] as JsonArray, after[MembersKey] as JsonArray);
        return new MemberChanges([.. added.Select(e => ScimValues.ValueOf(e)!)], [.. removed.Select(e => ScimValues.ValueOf(e)!)]);
    }

    private static (List<JsonNode> Added, List<JsonNode> Removed) DiffByValue(JsonArray? before, JsonArray? after)
    {
        var oldValues = Values(before);
        var newValues = Values(after);
        var added = (after ?? []).OfType<JsonNode>().Where(e => ScimValues.ValueOf(e) is { } v && !oldValues.Contains(v)).ToList();
        var removed = (before ?? []).OfType<JsonNode>().Where(e => ScimValues.ValueOf(e) is { } v && !newValues.Contains(v)).ToList();
        return (added, removed);
    }

    private static HashSet<string> Values(JsonArray? members) =>
        new((members ?? []).Select(ScimValues.ValueOf).OfType<string>(), StringComparer.Ordinal);

    private static JsonArray? ToArray(List<JsonNode> elements) =>
        elements.Count == 0 ? null : new JsonArray(elements.Select(e => e.DeepClone()).ToArray());

    private static void CompareAttribute(List<AttributeChange> changes, string path, JsonNode? old, JsonNode? current)
    {
        if (old is JsonObject || current is JsonObject)
        {
            if (old is not JsonArray && current is not JsonArray)
            {
                var oldData = old as JsonObject ?? [];
                var newData = current as JsonObject ?? [];
                foreach (var name in Keys(oldData, newData))
                {
                    Compare(changes, $"{path}.{name}", oldData[name], newData[name]);
                }

                return;
            }
        }

        Compare(changes, path, old, current);
    }

    private static void Compare(List<AttributeChange> changes, string path, JsonNode? old, JsonNode? current)
    {
        if (!JsonNode.DeepEquals(old, current))
        {
            changes.Add(new AttributeChange(path, old?.DeepClone(), current?.DeepClone()));
        }
    }

    /// <summary>The keys of <paramref name="after"/> in order, then those only in <paramref name="before"/>.</summary>
    private static List<string> Keys(JsonObject before, JsonObject after)
    {
        var keys = after.Select(p => p.Key).ToList();
        keys.AddRange(before.Select(p => p.Key).Where(k => !after.ContainsKey(k)));
        return keys;
    }
}
