using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Provisioning;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Filters;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

public sealed record UserResource(StoredResource Record, IReadOnlyList<GroupReference> Groups);

/// <summary>Users: every write stores the resource and its change row in one transaction.</summary>
public sealed class UserService(
    ScimBridgeDbContext db, IWriteGate gate, ResourceLocks locks, ChangeLog changes, TimeProvider time, IOptions<ScimOptions> options)
    : IScimResources<UserResource>
{
    static ResourceTypeDefinition IScimResources<UserResource>.Type => Type;
    static string IScimResources<UserResource>.Joined => "groups";
    static StoredResource IScimResources<UserResource>.Record(UserResource resource) => resource.Record;
    static JsonObject IScimResources<UserResource>.Render(UserResource resource, string baseUrl) => ScimRenderer.User(resource.Record, resource.Groups, baseUrl);

    private const int ConcurrencyAttempts = 8;
    private static readonly ResourceTypeDefinition Type = ScimSchemas.UserResourceType;

    // The two reads every identity provider makes for every object it syncs, compiled once.
    // A compiled query is bound to the provider it first ran on, hence one per provider (tests run both in one process).
    private static readonly ConcurrentDictionary<string, Func<ScimBridgeDbContext, string, IAsyncEnumerable<UserResource>>> ById = new();
    private static readonly ConcurrentDictionary<string, Func<ScimBridgeDbContext, string, IAsyncEnumerable<UserResource>>> ByUserName = new();

    private static Func<ScimBridgeDbContext, string, IAsyncEnumerable<UserResource>> CompileById() =>
        EF.CompileAsyncQuery((ScimBridgeDbContext db, string id) => db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new UserResource(new StoredResource(u.Id, u.Data, u.Created, u.LastModified, u.Version), (
                from m in db.GroupMembers
                where m.MemberId == u.Id
                join g in db.Groups on m.GroupId equals g.Id
                orderby g.DisplayName
                select new GroupReference(g.Id, g.DisplayName)).ToList())));

    private static Func<ScimBridgeDbContext, string, IAsyncEnumerable<UserResource>> CompileByUserName() =>
        EF.CompileAsyncQuery((ScimBridgeDbContext db, string normalized) => db.Users.AsNoTracking().Where(u => u.UserNameNormalized == normalized)
            .Select(u => new UserResource(new StoredResource(u.Id, u.Data, u.Created, u.LastModified, u.Version), (
                from m in db.GroupMembers
                where m.MemberId == u.Id
                join g in db.Groups on m.GroupId equals g.Id
                orderby g.DisplayName
                select new GroupReference(g.Id, g.DisplayName)).ToList())));

    // Tracked: the row an update changes, without its value rows (loaded apart, and only when they change).
    private static readonly ConcurrentDictionary<string, Func<ScimBridgeDbContext, string, Task<UserRecord?>>> ForUpdate = new();
    private static readonly ConcurrentDictionary<string, Func<ScimBridgeDbContext, string, string?, CancellationToken, Task<bool>>> UserNameTaken = new();

    private static Func<ScimBridgeDbContext, string, Task<UserRecord?>> CompileForUpdate() =>
        EF.CompileAsyncQuery((ScimBridgeDbContext db, string id) => db.Users.FirstOrDefault(u => u.Id == id));

    private static Func<ScimBridgeDbContext, string, string?, CancellationToken, Task<bool>> CompileUserNameTaken() =>
        EF.CompileAsyncQuery((ScimBridgeDbContext db, string normalized, string? exceptId, CancellationToken ct) =>
            db.Users.Any(u => u.UserNameNormalized == normalized && u.Id != exceptId));

    public async Task<UserResource> GetAsync(string id, bool includeGroups, CancellationToken cancellationToken)
    {
        var query = includeGroups
            ? ById.GetOrAdd(db.Provider, _ => CompileById())(db, id)
            : Resources(db.Users.AsNoTracking().Where(u => u.Id == id), includeGroups: false).AsAsyncEnumerable();
        return await query.FirstOrDefaultAsync(cancellationToken) ?? throw NotFound(id);
    }

    public async Task<ListPage<UserResource>> ListAsync(ListQuery query, bool includeGroups, CancellationToken cancellationToken)
    {
        if (UserNameEquality(query) is { } userName && includeGroups)
        {
            // userName is unique: the page is the one match or nothing, and so is the total.
            var byUserName = ByUserName.GetOrAdd(db.Provider, _ => CompileByUserName());
            var match = await byUserName(db, ScimText.Fold(userName)).ToListAsync(cancellationToken);
            return new ListPage<UserResource>(query.StartIndex == 1 && query.Count > 0 ? match : [], match.Count, query.StartIndex);
        }

        var users = db.Users.AsNoTracking();
        if (query.Filter is not null)
        {
            users = users.Where(FilterColumns.Users.Translate(query.Filter));
        }

        if (query.Count == 0)
        {
            return new ListPage<UserResource>([], await users.CountAsync(cancellationToken), query.StartIndex);
        }

        var ordered = Sorting.Apply(users, FilterColumns.Users, query, u => u.Id).Skip(query.StartIndex - 1).Take(query.Count);
        var (page, truncated) = await ResponseBudget.TakeAsync(
            Resources(ordered, includeGroups).AsAsyncEnumerable(), u => u.Record.Data.Length, options.Value.MaxResponseBytes, cancellationToken);
        var total = truncated ? await users.CountAsync(cancellationToken) : await TotalAsync(users, query, page.Count, cancellationToken);
        return new ListPage<UserResource>(page, total, query.StartIndex, truncated);
    }

    /// <summary>A page that is neither empty nor full tells the total by itself, which saves a COUNT (a match by userName, say).</summary>
    internal static async Task<int> TotalAsync<T>(IQueryable<T> source, ListQuery query, int returned, CancellationToken cancellationToken) =>
        returned > 0 && returned < query.Count ? query.StartIndex - 1 + returned
        : returned == 0 && query.StartIndex == 1 ? 0
        : await source.CountAsync(cancellationToken);

    /// <summary>Users with their direct groups, in one query.</summary>
    private IQueryable<UserResource> Resources(IQueryable<UserRecord> users, bool includeGroups)
    {
        if (!includeGroups)
        {
            return users.Select(u => new UserResource(new StoredResource(u.Id, u.Data, u.Created, u.LastModified, u.Version), new List<GroupReference>()));
        }

        // Locals, not db.X inside the lambda: EF Core reads captured locals directly instead of compiling an evaluator.
        var memberships = db.GroupMembers;
        var groups = db.Groups;
        return users.Select(u => new UserResource(new StoredResource(u.Id, u.Data, u.Created, u.LastModified, u.Version), (
            from m in memberships
            where m.MemberId == u.Id
            join g in groups on m.GroupId equals g.Id
            orderby g.DisplayName
            select new GroupReference(g.Id, g.DisplayName)).ToList()));
    }

    /// <summary>The value of a plain <c>userName eq "…"</c> filter, the matching query Entra and Okta send for every user.</summary>
    private static string? UserNameEquality(ListQuery query) =>
        query is { SortBy: null, Filter: ComparisonFilter { Operator: ComparisonOperator.Eq, Value.Kind: FilterValueKind.String } c }
        && c.Path.SubAttribute is null
        && string.Equals(c.Path.Name, "userName", StringComparison.OrdinalIgnoreCase)
        && (c.Path.SchemaUrn is null || string.Equals(c.Path.SchemaUrn, SchemaUrns.User, StringComparison.OrdinalIgnoreCase))
            ? c.Value.String
            : null;

    public async Task<UserResource> CreateAsync(JsonObject body, ChangeActor actor, CancellationToken cancellationToken)
    {
        var resource = Prepare(ResourceNormalizer.Normalize(body, Type));
        var now = time.GetUtcNow();
        var record = new UserRecord
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            UserName = "",
            UserNameNormalized = "",
            Data = "",
            Created = now,
            LastModified = now,
            Version = 1,
        };
        UserMapping.Apply(record, resource);
        UserMapping.ApplyValues(record, resource);

        // Identity providers retry creates, so a duplicate is common: answer it without a failed INSERT. The unique
        // index still decides races (its violation is answered 409 too), so this check needs no lock.
        await db.Database.OpenConnectionAsync(cancellationToken);
        await EnsureUserNameFreeAsync(record.UserNameNormalized, null, cancellationToken);
        var rows = new RowInserts(db).Add(record);
        foreach (var value in record.Values)
        {
            value.UserId = record.Id;
            rows.Add(value);
        }

        var diff = ResourceDiff.Compute(new JsonObject(), resource);
        try
        {
            using (await gate.EnterAsync(cancellationToken))
            {
                await changes.InsertCreatedAsync(rows, ResourceKinds.User, record.Id, diff, actor, cancellationToken);
            }
        }
        catch (DbException)
        {
            if (await UserNameTakenAsync(record.UserNameNormalized, null, cancellationToken))
            {
                throw UserNameConflict();
            }

            throw;
        }

        return new UserResource(StoredResource.Of(record), []);
    }

    public Task<UserResource> ReplaceAsync(string id, JsonObject body, string? ifMatch, ChangeActor actor, CancellationToken cancellationToken)
    {
        var replacement = Prepare(ResourceNormalizer.Normalize(body, Type));
        return UpdateAsync(id, ifMatch, actor, _ => replacement, cancellationToken);
    }

    public Task<UserResource> PatchAsync(string id, PatchRequest patch, string? ifMatch, ChangeActor actor, CancellationToken cancellationToken) =>
        UpdateAsync(id, ifMatch, actor, current => Prepare(PatchEngine.Apply(current, patch, Type, cancellationToken)), cancellationToken);

    public async Task DeleteAsync(string id, string? ifMatch, ChangeActor actor, CancellationToken cancellationToken)
    {
        using var userLock = await locks.LockAsync($"User:{id}", cancellationToken);
        using (await gate.EnterAsync(cancellationToken))
        {
            var record = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken) ?? throw NotFound(id);
            Preconditions.CheckIfMatch(ifMatch, record.Version);
            await GroupService.RemoveMembershipsAsync(db, changes, id, actor, time.GetUtcNow(), cancellationToken);
            db.Users.Remove(record);
            await changes.RecordAsync(ChangeOperations.Delete, ResourceKinds.User, id, ResourceDiff.Compute(Json.ParseObject(record.Data), new JsonObject()), null, actor, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Applies the change, then answers with the stored user read the way GET reads it.</summary>
    private async Task<UserResource> UpdateAsync(
        string id, string? ifMatch, ChangeActor actor, Func<JsonObject, JsonObject> change, CancellationToken cancellationToken)
    {
        await UpdateRecordAsync(id, ifMatch, actor, change, cancellationToken);
        return await GetAsync(id, includeGroups: true, cancellationToken);
    }

    private async Task<UserRecord> UpdateRecordAsync(
        string id, string? ifMatch, ChangeActor actor, Func<JsonObject, JsonObject> change, CancellationToken cancellationToken)
    {
        // Read and compute outside the database write lock, holding only this user's lock; the Version concurrency
        // token catches a change another process made in between, and the loop retries it.
        using var userLock = await locks.LockAsync($"User:{id}", cancellationToken);
        await db.Database.OpenConnectionAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var record = await ForUpdate.GetOrAdd(db.Provider, _ => CompileForUpdate())(db, id) ?? throw NotFound(id);
            Preconditions.CheckIfMatch(ifMatch, record.Version);

            var before = ScimRenderer.ForPatch(record.Data, id);
            var after = change((JsonObject)before.DeepClone());
            var diff = ResourceDiff.Compute(Json.WithoutServerAttributes(before), Json.WithoutServerAttributes(after));
            if (diff.Count == 0)
            {
                db.ChangeTracker.Clear();
                return record;
            }

            var previousUserName = record.UserNameNormalized;
            UserMapping.Apply(record, after);
            // Most updates (Entra's PATCH of one attribute) leave the value rows alone: read them only when they change.
            if (UserMapping.ValuesDiffer(before, after))
            {
                await db.Entry(record).Collection(u => u.Values).LoadAsync(cancellationToken);
                UserMapping.ApplyValues(record, after);
            }
            if (record.UserNameNormalized != previousUserName)
            {
                await EnsureUserNameFreeAsync(record.UserNameNormalized, id, cancellationToken);
            }

            record.Version++;
            record.LastModified = time.GetUtcNow();
            await changes.RecordAsync(ChangeOperations.Update, ResourceKinds.User, id, diff, null, actor, cancellationToken);
            try
            {
                using (await gate.EnterAsync(cancellationToken))
                {
                    await SaveAsync(record, cancellationToken);
                }

                return record;
            }
            catch (DbUpdateConcurrencyException) when (attempt < ConcurrencyAttempts && string.IsNullOrEmpty(ifMatch))
            {
                db.ChangeTracker.Clear();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), time, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (!string.IsNullOrEmpty(ifMatch))
            {
                throw new ScimException(StatusCodes.Status412PreconditionFailed, "The resource was changed by another request; read it again and retry.");
            }
        }
    }

    private JsonObject Prepare(JsonObject resource)
    {
        ResourceNormalizer.ValidateRequired(resource, Type);
        ResourceLimits.CheckValueCount(resource, Type, options.Value.MaxValuesPerAttribute);
        // The bridge never authenticates users: a password an identity provider sends is discarded, never stored or logged.
        resource.Remove("password");
        resource["active"] ??= true;
        return resource;
    }

    private async Task EnsureUserNameFreeAsync(string normalized, string? exceptId, CancellationToken cancellationToken)
    {
        if (await UserNameTakenAsync(normalized, exceptId, cancellationToken))
        {
            throw UserNameConflict();
        }
    }

    private Task<bool> UserNameTakenAsync(string normalized, string? exceptId, CancellationToken cancellationToken) =>
        UserNameTaken.GetOrAdd(db.Provider, _ => CompileUserNameTaken())(db, normalized, exceptId, cancellationToken);

    private static ScimException UserNameConflict() =>
        ScimException.Conflict("A user with this userName already exists (userName is unique, compared case-insensitively).");

    /// <summary>Saves; a unique-index violation that a concurrent request caused is reported as 409 like the pre-check.</summary>
    private async Task SaveAsync(UserRecord record, CancellationToken cancellationToken)
    {
        var (id, userNameNormalized) = (record.Id, record.UserNameNormalized);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex is not DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            // Another user: on an update the row itself still holds the name, which is no conflict.
            if (await UserNameTakenAsync(userNameNormalized, id, cancellationToken))
            {
                throw UserNameConflict();
            }

            throw;
        }
    }

    private static ScimException NotFound(string id) => ScimException.NotFound($"Resource {id} not found.");
}
