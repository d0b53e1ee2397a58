using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Provisioning;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

public sealed record GroupResource(StoredResource Record, IReadOnlyList<MemberReference> Members);

/// <summary>Groups and memberships; members are rows, so adding one member never rewrites the whole group.</summary>
public sealed class GroupService(
    ScimBridgeDbContext db, IWriteGate gate, ResourceLocks locks, ChangeLog changes, TimeProvider time, IOptions<ScimOptions> options)
    : IScimResources<GroupResource>
{
    static ResourceTypeDefinition IScimResources<GroupResource>.Type => Type;
    static string IScimResources<GroupResource>.Joined => "members";
    static StoredResource IScimResources<GroupResource>.Record(GroupResource resource) => resource.Record;
    static JsonObject IScimResources<GroupResource>.Render(GroupResource resource, string baseUrl) => ScimRenderer.Group(resource.Record, resource.Members, baseUrl);

    private const int ConcurrencyAttempts = 5;
    private static readonly ResourceTypeDefinition Type = ScimSchemas.GroupResourceType;

    public async Task<GroupResource> GetAsync(string id, bool includeMembers, CancellationToken cancellationToken)
    {
        var record = await Stored(db.Groups.Where(g => g.Id == id)).FirstOrDefaultAsync(cancellationToken) ?? throw NotFound(id);
        var members = includeMembers ? await MembersOfAsync([id], cancellationToken) : [];
        return new GroupResource(record, members.GetValueOrDefault(id, []));
    }

    public async Task<ListPage<GroupResource>> ListAsync(ListQuery query, bool includeMembers, CancellationToken cancellationToken)
    {
        var groups = db.Groups.AsNoTracking();
        if (query.Filter is not null)
        {
            groups = groups.Where(FilterColumns.Groups.Translate(query.Filter));
        }

        if (query.Count == 0)
        {
            return new ListPage<GroupResource>([], await groups.CountAsync(cancellationToken), query.StartIndex);
        }

        var ordered = Stored(Sorting.Apply(groups, FilterColumns.Groups, query, g => g.Id).Skip(query.StartIndex - 1).Take(query.Count));
        var (page, truncated) = await ResponseBudget.TakeAsync(
            ordered.AsAsyncEnumerable(), g => g.Data.Length, options.Value.MaxResponseBytes, cancellationToken);
        var members = includeMembers ? await MembersOfAsync(page.Select(g => g.Id).ToList(), cancellationToken) : [];
        var total = truncated ? await groups.CountAsync(cancellationToken) : await UserService.TotalAsync(groups, query, page.Count, cancellationToken);
        return new ListPage<GroupResource>(
            page.Select(g => new GroupResource(g, members.GetValueOrDefault(g.Id, []))).ToList(), total, query.StartIndex, truncated);
    }

    private static IQueryable<StoredResource> Stored(IQueryable<GroupRecord> groups) =>
        groups.AsNoTracking().Select(g => new StoredResource(g.Id, g.Data, g.Created, g.LastModified, g.Version));

    public async Task<GroupResource> CreateAsync(JsonObject body, ChangeActor actor, CancellationToken cancellationToken)
    {
        var resource = ResourceNormalizer.Normalize(body, Type);
        ResourceNormalizer.ValidateRequired(resource, Type);
        var now = time.GetUtcNow();
        var record = new GroupRecord
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            DisplayName = "",
            DisplayNameNormalized = "",
            Data = "",
            Created = now,
            LastModified = now,
            Version = 1,
        };
        Apply(record, resource);
        var wanted = MembersIn(resource);

        using (await gate.EnterAsync(cancellationToken))
        {
            var types = await ResolveMembersAsync(wanted.Keys, record.Id, cancellationToken);
            record.Members.AddRange(wanted.Keys.Select(m => new GroupMemberRecord { MemberId = m, MemberType = types[m] }));
            db.Groups.Add(record);
            await changes.RecordAsync(ChangeOperations.Create, ResourceKinds.Group, record.Id,
                ResourceDiff.Compute(new JsonObject(), Json.WithoutServerAttributes(resource)), new MemberChanges([.. wanted.Keys], []), actor, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        return new GroupResource(StoredResource.Of(record), record.Members.Select(m => new MemberReference(m.MemberId, m.MemberType, null)).ToList());
    }

    public Task<GroupRecord> ReplaceAsync(string id, JsonObject body, string? ifMatch, ChangeActor actor, CancellationToken cancellationToken)
    {
        var replacement = ResourceNormalizer.Normalize(body, Type);
        ResourceNormalizer.ValidateRequired(replacement, Type);
        return UpdateAsync(id, ifMatch, actor, _ => replacement, cancellationToken);
    }

    public Task<GroupRecord> PatchAsync(string id, PatchRequest patch, string? ifMatch, ChangeActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(id, ifMatch, actor, current =>
        {
            var patched = PatchEngine.Apply(current, patch, Type, cancellationToken);
            ResourceNormalizer.ValidateRequired(patched, Type);
            return patched;
        }, cancellationToken);

    public async Task DeleteAsync(string id, string? ifMatch, ChangeActor actor, CancellationToken cancellationToken)
    {
        using (await gate.EnterAsync(cancellationToken))
        {
            var record = await db.Groups.FirstOrDefaultAsync(g => g.Id == id, cancellationToken) ?? throw NotFound(id);
            Preconditions.CheckIfMatch(ifMatch, record.Version);
            var members = await db.GroupMembers.Where(m => m.GroupId == id).Select(m => m.MemberId).ToListAsync(cancellationToken);
            await RemoveMembershipsAsync(db, changes, id, actor, time.GetUtcNow(), cancellationToken);
            db.Groups.Remove(record);
            await changes.RecordAsync(ChangeOperations.Delete, ResourceKinds.Group, id,
                ResourceDiff.Compute(Json.ParseObject(record.Data), new JsonObject()), new MemberChanges([], members), actor, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Takes a deleted user or group out of every group it belonged to, recording each group's change.</summary>
    internal static async Task RemoveMembershipsAsync(
        ScimBridgeDbContext db, ChangeLog changes, string memberId, ChangeActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var memberships = await db.GroupMembers.Where(m => m.MemberId == memberId).ToListAsync(cancellationToken);
        if (memberships.Count == 0)
        {
            return;
        }

        var groupIds = memberships.Select(m => m.GroupId).ToList();
        var groups = await db.Groups.Where(g => groupIds.Contains(g.Id)).ToListAsync(cancellationToken);
        foreach (var group in groups)
        {
            group.Version++;
            group.LastModified = now;
            await changes.RecordAsync(ChangeOperations.Update, ResourceKinds.Group, group.Id, [], new MemberChanges([], [memberId]), actor, cancellationToken);
        }

        db.GroupMembers.RemoveRange(memberships);
    }

    private async Task<GroupRecord> UpdateAsync(
        string id, string? ifMatch, ChangeActor actor, Func<JsonObject, JsonObject> change, CancellationToken cancellationToken)
    {
        using var groupLock = await locks.LockAsync($"Group:{id}", cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            using (await gate.EnterAsync(cancellationToken))
            {
                var record = await db.Groups.Include(g => g.Members).AsSplitQuery().FirstOrDefaultAsync(g => g.Id == id, cancellationToken) ?? throw NotFound(id);
                Preconditions.CheckIfMatch(ifMatch, record.Version);

                var before = ScimRenderer.ForPatch(record.Data, id);
                if (record.Members.Count > 0)
                {
                    before["members"] = new JsonArray(record.Members
                        .Select(m => (JsonNode)new JsonObject { ["value"] = m.MemberId, ["type"] = m.MemberType }).ToArray());
                }

                var after = change((JsonObject)before.DeepClone());
                var wanted = MembersIn(after);
                var current = record.Members.ToDictionary(m => m.MemberId, StringComparer.Ordinal);
                var added = wanted.Keys.Where(m => !current.ContainsKey(m)).ToList();
                var removed = current.Keys.Where(m => !wanted.ContainsKey(m)).ToList();
                var diff = ResourceDiff.Compute(Json.WithoutServerAttributes(before), Json.WithoutServerAttributes(after));
                if (diff.Count == 0 && added.Count == 0 && removed.Count == 0)
                {
                    return record;
                }

                var types = await ResolveMembersAsync(added, id, cancellationToken);
                // One pass: List.Remove per member scanned the whole list each time (removed × members).
                var gone = removed.ToHashSet(StringComparer.Ordinal);
                record.Members.RemoveAll(m => gone.Contains(m.MemberId));

                record.Members.AddRange(added.Select(m => new GroupMemberRecord { MemberId = m, MemberType = types[m] }));
                Apply(record, after);
                record.Version++;
                record.LastModified = time.GetUtcNow();
                await changes.RecordAsync(ChangeOperations.Update, ResourceKinds.Group, id, diff, new MemberChanges(added, removed), actor, cancellationToken);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    return record;
                }
                catch (DbUpdateConcurrencyException) when (attempt < ConcurrencyAttempts && string.IsNullOrEmpty(ifMatch))
                {
                    db.ChangeTracker.Clear();
                }
                catch (DbUpdateConcurrencyException) when (!string.IsNullOrEmpty(ifMatch))
                {
                    throw new ScimException(StatusCodes.Status412PreconditionFailed, "The group was changed by another request; read it again and retry.");
                }
            }
        }
    }

    /// <summary>Members of the given groups, with the display name of user members.</summary>
    public async Task<Dictionary<string, List<MemberReference>>> MembersOfAsync(IReadOnlyCollection<string> groupIds, CancellationToken cancellationToken)
    {
        if (groupIds.Count == 0)
        {
            return [];
        }

        var rows = await (
            from m in db.GroupMembers.AsNoTracking()
            where groupIds.Contains(m.GroupId)
            join u in db.Users on m.MemberId equals u.Id into users
            from u in users.DefaultIfEmpty()
            orderby m.MemberId
            select new { m.GroupId, m.MemberId, m.MemberType, Display = u == null ? null : u.DisplayName }).ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.GroupId).ToDictionary(r => r.Key, r => r.Select(x => new MemberReference(x.MemberId, x.MemberType, x.Display)).ToList());
    }

    private static void Apply(GroupRecord record, JsonObject resource)
    {
        record.DisplayName = Json.String(resource, "displayName") ?? throw ScimException.InvalidValue("displayName is required.");
        record.DisplayNameNormalized = ScimText.Fold(record.DisplayName);
        record.ExternalId = Json.String(resource, "externalId");
        record.Data = Json.Serialize(Json.WithoutServerAttributes(resource));
    }

    private static Dictionary<string, string?> MembersIn(JsonObject resource)
    {
        var members = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (resource["members"] is JsonArray array)
        {
            foreach (var member in array.OfType<JsonObject>())
            {
                if (Json.String(member, "value") is { Length: > 0 } value)
                {
                    members.TryAdd(value, Json.String(member, "type"));
                }
            }
        }

        return members;
    }

    /// <summary>Every member must be an existing user or group (400 invalidValue naming the unknown ones); returns each one's type.</summary>
    private async Task<Dictionary<string, string>> ResolveMembersAsync(IReadOnlyCollection<string> memberIds, string groupId, CancellationToken cancellationToken)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in memberIds.Chunk(500))
        {
            foreach (var user in await db.Users.Where(u => chunk.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken))
            {
                types[user] = "User";
            }

            var remaining = chunk.Where(m => !types.ContainsKey(m)).ToList();
            if (remaining.Count == 0)
            {
                continue;
            }

            foreach (var group in await db.Groups.Where(g => remaining.Contains(g.Id)).Select(g => g.Id).ToListAsync(cancellationToken))
            {
                types[group] = "Group";
            }
        }

        if (memberIds.Contains(groupId))
        {
            throw ScimException.InvalidValue("A group cannot be a member of itself.");
        }

        var unknown = memberIds.Where(m => !types.ContainsKey(m)).ToList();
        if (unknown.Count > 0)
        {
            throw ScimException.InvalidValue(
                $"members refers to {unknown.Count} unknown resource(s): {string.Join(", ", unknown.Take(10))}{(unknown.Count > 10 ? ", …" : "")}. Create the users first.");
        }

        return types;
    }

    private static ScimException NotFound(string id) => ScimException.NotFound($"Resource {id} not found.");
}
