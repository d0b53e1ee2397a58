using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Reclamation;

/// <summary>A rule as the API shows it: its definition and who changed it when.</summary>
public sealed record ReclaimRuleView(
    long Id, string Name, bool Enabled, int Version, ReclaimRuleDefinition Definition,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset UpdatedAt, string UpdatedBy, DateTimeOffset? DeletedAt, string? DeletedBy)
{
    public static ReclaimRuleView Of(ReclaimRuleRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.Name, r.Enabled, r.Version, ReclaimWorkflow.ParseRule(r.Definition), r.CreatedAt, r.CreatedBy, r.UpdatedAt, r.UpdatedBy,
            r.DeletedAt, r.DeletedBy);
    }
}

/// <summary>One version of a rule: the change (Created, Updated, Deleted), who made it, when, and the definition then.</summary>
public sealed record ReclaimRuleVersionView(int Version, string Change, string Name, bool Enabled, ReclaimRuleDefinition Definition, DateTimeOffset ChangedAt, string ChangedBy);

/// <summary>What deleting a rule did: the open candidates it closed, and those the revoker was acting on (left to finish).</summary>
public sealed record RuleDeleted(long Id, int Version, int CandidatesClosed, int CandidatesLeft);

public static class RuleChanges
{
    public const string Created = "Created";
    public const string Updated = "Updated";
    public const string Deleted = "Deleted";
}

/// <summary>
/// The reclamation rules: list, read, create, replace and (soft) delete, each change kept as a version with its author.
/// Refusals are <see cref="AdminException"/>s (400 with the fields at fault, 404, 409, 412), for the API and the console alike.
/// </summary>
public sealed class ReclaimRules(PushStore store, TimeProvider time, IOptions<ReclamationOptions> options)
{
    public Task<List<ReclaimRuleView>> ListAsync(bool includeDeleted, CancellationToken cancellationToken) =>
        store.ReadAsync(async db => (await db.ReclaimRules.AsNoTracking().Where(r => includeDeleted || r.DeletedAt == null).OrderBy(r => r.Id)
            .ToListAsync(cancellationToken)).Select(ReclaimRuleView.Of).ToList(), cancellationToken);

    /// <summary>The rule (deleted ones too: candidates name them), or 404.</summary>
    public Task<ReclaimRuleView> GetAsync(long id, CancellationToken cancellationToken) =>
        store.ReadAsync(async db => ReclaimRuleView.Of(await FindAsync(db, id, cancellationToken)), cancellationToken);

    public Task<List<ReclaimRuleVersionView>> VersionsAsync(long id, CancellationToken cancellationToken) =>
        store.ReadAsync(async db =>
        {
            await FindAsync(db, id, cancellationToken);
            var versions = await db.ReclaimRuleVersions.AsNoTracking().Where(v => v.RuleId == id).OrderByDescending(v => v.Version).ToListAsync(cancellationToken);
            return versions.Select(v => new ReclaimRuleVersionView(v.Version, v.Change, v.Name, v.Enabled, ReclaimWorkflow.ParseRule(v.Definition), v.ChangedAt, v.ChangedBy)).ToList();
        }, cancellationToken);

    /// <summary>Checks a definition without saving it: the errors by field (empty when valid).</summary>
    public Task<Dictionary<string, string[]>> CheckAsync(ReclaimRuleDefinition rule, long? ruleId, CancellationToken cancellationToken) =>
        store.ReadAsync(async db => (await ReclaimRuleValidator.ValidateAsync(db, ReclaimRuleValidator.Normalize(rule), ruleId, options.Value.PublicUrl, cancellationToken)).Errors,
            cancellationToken);

    public Task<ReclaimRuleView> CreateAsync(ReclaimRuleDefinition rule, string actor, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            await ValidOrThrowAsync(db, rule, null, cancellationToken);
            var now = time.GetUtcNow();
            var json = ReclaimWorkflow.RuleToJson(rule);
            var record = new ReclaimRuleRecord
            {
                Name = rule.Name,
                Enabled = rule.Enabled,
                Version = 1,
                Definition = json,
                CreatedAt = now,
                CreatedBy = actor,
                UpdatedAt = now,
                UpdatedBy = actor,
            };
            db.ReclaimRules.Add(record);
            await db.SaveChangesAsync(cancellationToken);
            AddVersion(db, record, RuleChanges.Created, now, actor);
            await db.SaveChangesAsync(cancellationToken);
            return ReclaimRuleView.Of(record);
        }, cancellationToken);

    /// <summary>Replaces the definition; <paramref name="expectedVersion"/> (If-Match) refuses a stale edit with 412.</summary>
    public Task<ReclaimRuleView> UpdateAsync(long id, ReclaimRuleDefinition rule, int? expectedVersion, string actor, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var record = await FindAsync(db, id, cancellationToken);
            if (record.DeletedAt is not null)
            {
                throw new AdminException(StatusCodes.Status409Conflict, "Rule deleted", $"Rule {id} was deleted on {record.DeletedAt:yyyy-MM-dd} by {record.DeletedBy}; create a new rule instead.");
            }
            if (expectedVersion is { } expected && expected != record.Version)
            {
                throw new AdminException(StatusCodes.Status412PreconditionFailed, "Rule changed meanwhile",
                    $"Rule {id} is at version {record.Version}, not {expected}: {record.UpdatedBy} changed it at {record.UpdatedAt:yyyy-MM-dd HH:mm} UTC. Reload it and apply your change again.");
            }
            await ValidOrThrowAsync(db, rule, id, cancellationToken);
            var now = time.GetUtcNow();
            record.Name = rule.Name;
            record.Enabled = rule.Enabled;
            record.Definition = ReclaimWorkflow.RuleToJson(rule);
            record.Version++;
            record.UpdatedAt = now;
            record.UpdatedBy = actor;
            AddVersion(db, record, RuleChanges.Updated, now, actor);
            await db.SaveChangesAsync(cancellationToken);
            return ReclaimRuleView.Of(record);
        }, cancellationToken);

    /// <summary>
    /// Soft-deletes the rule (it stays, as its candidates name it) and closes its open candidates as skipped, except those
    /// the revoker is acting on right now, which finish.
    /// </summary>
    public async Task<RuleDeleted> DeleteAsync(long id, string actor, CancellationToken cancellationToken)
    {
        var version = await store.WriteAsync(async db =>
        {
            var record = await FindAsync(db, id, cancellationToken);
            if (record.DeletedAt is not null)
            {
                throw AdminException.NotFound($"Rule {id} was already deleted on {record.DeletedAt:yyyy-MM-dd} by {record.DeletedBy}.");
            }
            var now = time.GetUtcNow();
            record.DeletedAt = now;
            record.DeletedBy = actor;
            record.Enabled = false;
            record.Version++;
            record.UpdatedAt = now;
            record.UpdatedBy = actor;
            AddVersion(db, record, RuleChanges.Deleted, now, actor);
            await db.SaveChangesAsync(cancellationToken);
            return record.Version;
        }, cancellationToken);

        var who = ReclaimActor.Admin(actor);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var (closed, left) = await store.WriteAsync(async db =>
                {
                    var now = time.GetUtcNow();
                    var open = await db.ReclaimCandidates.Where(c => c.RuleId == id && c.ClosedAt == null).ToListAsync(cancellationToken);
                    var closing = open.Where(c => c.State != CandidateStates.AwaitingRevocation || c.LeaseUntil == null || c.LeaseUntil <= now).ToList();
                    foreach (var c in closing)
                    {
                        ReclaimWorkflow.Move(db, c, CandidateStates.ClosedSkipped, who, "Rule deleted", now);
                    }
                    await db.SaveChangesAsync(cancellationToken);
                    return (closing.Count, open.Count - closing.Count);
                }, cancellationToken);
                return new RuleDeleted(id, version, closed, left);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // The revoker or an admin moved one meanwhile: read them again.
            }
        }
    }

    private async Task ValidOrThrowAsync(ScimBridgeDbContext db, ReclaimRuleDefinition rule, long? id, CancellationToken cancellationToken)
    {
        ReclaimRuleValidator.Normalize(rule);
        var (errors, _) = await ReclaimRuleValidator.ValidateAsync(db, rule, id, options.Value.PublicUrl, cancellationToken);
        if (errors.Count > 0)
        {
            throw new AdminException(StatusCodes.Status400BadRequest, "Invalid rule",
                string.Join(" ", errors.Values.SelectMany(m => m)), errors);
        }
    }

    private static void AddVersion(ScimBridgeDbContext db, ReclaimRuleRecord record, string change, DateTimeOffset now, string actor) =>
        db.ReclaimRuleVersions.Add(new ReclaimRuleVersionRecord
        {
            RuleId = record.Id,
            Version = record.Version,
            Change = change,
            Name = record.Name,
            Enabled = record.Enabled,
            Definition = record.Definition,
            ChangedAt = now,
            ChangedBy = actor,
        });

    private static async Task<ReclaimRuleRecord> FindAsync(ScimBridgeDbContext db, long id, CancellationToken cancellationToken) =>
        await db.ReclaimRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw AdminException.NotFound($"There is no reclamation rule {id}.");
}
