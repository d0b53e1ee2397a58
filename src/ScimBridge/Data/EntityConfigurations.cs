using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimBridge.Data;

internal sealed class UserConfiguration : IEntityTypeConfiguration<UserRecord>
{
    public void Configure(EntityTypeBuilder<UserRecord> builder)
    {
        builder.ToTable("Users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Version).IsConcurrencyToken();
        builder.HasIndex(u => u.UserNameNormalized).IsUnique();
        builder.HasIndex(u => u.ExternalId);
        builder.HasIndex(u => u.DisplayNameNormalized);
        builder.HasIndex(u => u.EmployeeNumber);
        builder.HasIndex(u => u.LastModified);
        builder.HasMany(u => u.Values).WithOne().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UserValueConfiguration : IEntityTypeConfiguration<UserValueRecord>
{
    public void Configure(EntityTypeBuilder<UserValueRecord> builder)
    {
        builder.ToTable("UserValues");
        builder.HasKey(v => v.Id);
        builder.HasIndex(v => new { v.Attribute, v.ValueNormalized });
        builder.HasIndex(v => v.UserId);
    }
}

internal sealed class GroupConfiguration : IEntityTypeConfiguration<GroupRecord>
{
    public void Configure(EntityTypeBuilder<GroupRecord> builder)
    {
        builder.ToTable("Groups");
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Version).IsConcurrencyToken();
        builder.HasIndex(g => g.DisplayNameNormalized);
        builder.HasIndex(g => g.ExternalId);
        builder.HasIndex(g => g.LastModified);
        builder.HasMany(g => g.Members).WithOne().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMemberRecord>
{
    public void Configure(EntityTypeBuilder<GroupMemberRecord> builder)
    {
        builder.ToTable("GroupMembers");
        builder.HasKey(m => new { m.GroupId, m.MemberId });
        builder.HasIndex(m => m.MemberId);
    }
}

internal sealed class ChangeConfiguration : IEntityTypeConfiguration<ChangeRecord>
{
    public void Configure(EntityTypeBuilder<ChangeRecord> builder)
    {
        builder.ToTable("Changes");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => new { c.ResourceType, c.ResourceId });
        builder.HasIndex(c => c.OccurredAt);
        builder.Property(c => c.PushStatus).HasDefaultValue(PushStatuses.Pending);
        builder.HasIndex(c => c.PushStatus);
    }
}

internal sealed class PushStateConfiguration : IEntityTypeConfiguration<PushStateRecord>
{
    public void Configure(EntityTypeBuilder<PushStateRecord> builder)
    {
        builder.ToTable("PushStates");
        builder.HasKey(p => new { p.ResourceType, p.ResourceId });
        builder.HasIndex(p => p.HeldAt).HasFilter("\"HeldAt\" IS NOT NULL");
        // Two bridge instances may accept changes to the same resource: the counter must not lose an increment.
        builder.Property(p => p.ChangeSeq).IsConcurrencyToken();
        // The worker's queue: only resources with work to do are in it.
        builder.HasIndex(p => p.DueAt).HasFilter(PushQueueFilter);
        // One monday.com object is linked to one local object: no adopt path, and no two instances racing, can link it twice.
        builder.HasIndex(p => new { p.ResourceType, p.MondayId }).IsUnique().HasFilter(LinkedFilter);
        builder.HasIndex(p => new { p.ResourceType, p.ConflictWith }).HasFilter("\"ConflictWith\" IS NOT NULL");
    }

    public const string LinkedFilter = "\"MondayId\" IS NOT NULL";

    public const string PushQueueFilter = "(\"ChangeSeq\" > \"PushedSeq\" OR \"DeleteAt\" IS NOT NULL) AND \"HeldAt\" IS NULL";
}

internal sealed class OutboundCallConfiguration : IEntityTypeConfiguration<OutboundCallRecord>
{
    public void Configure(EntityTypeBuilder<OutboundCallRecord> builder)
    {
        builder.ToTable("OutboundCalls");
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => c.ChangeId);
        builder.HasIndex(c => new { c.ResourceType, c.ResourceId });
        builder.HasIndex(c => c.At);
        builder.HasIndex(c => c.LogEntryId);
    }
}

internal sealed class PushTargetConfiguration : IEntityTypeConfiguration<PushTargetRecord>
{
    public void Configure(EntityTypeBuilder<PushTargetRecord> builder)
    {
        builder.ToTable("PushTargets");
        builder.HasKey(t => t.Id);
    }
}

internal sealed class ScimTokenConfiguration : IEntityTypeConfiguration<ScimTokenRecord>
{
    public void Configure(EntityTypeBuilder<ScimTokenRecord> builder)
    {
        builder.ToTable("ScimTokens");
        builder.HasKey(t => t.Id);
        // A name may be reused once the token that had it is revoked.
        builder.HasIndex(t => t.Name).IsUnique().HasFilter("\"RevokedAt\" IS NULL");
        builder.Property(t => t.Scope).HasDefaultValue(TokenScopes.Scim);
    }
}

internal sealed class LogEntryConfiguration : IEntityTypeConfiguration<LogEntryRecord>
{
    public void Configure(EntityTypeBuilder<LogEntryRecord> builder)
    {
        builder.ToTable("LogEntries");
        builder.HasKey(e => e.Id);
        // Pages are newest first by (At, Id); each filter has an index (column, At, Id), so a filtered page, with or
        // without a time range, is one index range read in page order.
        builder.HasIndex(e => new { e.At, e.Id });
        builder.HasIndex(e => new { e.Status, e.At, e.Id });
        builder.HasIndex(e => new { e.Action, e.At, e.Id });
        builder.HasIndex(e => new { e.ErrorCode, e.At, e.Id });
        builder.HasIndex(e => new { e.Initiator, e.At, e.Id });
        builder.HasIndex(e => new { e.InitiatorType, e.At, e.Id });
        builder.HasIndex(e => new { e.CycleId, e.At, e.Id });
        builder.HasIndex(e => new { e.SourceId, e.At, e.Id });
        builder.HasIndex(e => new { e.TargetId, e.At, e.Id });
        // Name prefixes are byte ranges: PostgreSQL's default collation may be linguistic, so this index compares bytes ("C").
        builder.HasIndex(e => new { e.SourceNameNormalized, e.At, e.Id }).UseCollation("C", null!, null!);
        builder.HasIndex(e => e.ChangeId);
    }
}

internal sealed class AdminAccountConfiguration : IEntityTypeConfiguration<AdminAccountRecord>
{
    public void Configure(EntityTypeBuilder<AdminAccountRecord> builder)
    {
        builder.ToTable("AdminAccounts");
        builder.HasKey(a => a.Id);
        builder.HasIndex(a => a.UserNameNormalized).IsUnique();
    }
}

internal sealed class AdminSignInFailureConfiguration : IEntityTypeConfiguration<AdminSignInFailureRecord>
{
    public void Configure(EntityTypeBuilder<AdminSignInFailureRecord> builder)
    {
        builder.ToTable("AdminSignInFailures");
        builder.HasKey(f => new { f.AccountId, f.Address });
        builder.HasIndex(f => f.LastFailedAt);
    }
}

internal sealed class AdminSessionConfiguration : IEntityTypeConfiguration<AdminSessionRecord>
{
    public void Configure(EntityTypeBuilder<AdminSessionRecord> builder)
    {
        builder.ToTable("AdminSessions");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.ExpiresAt);
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKeyRecord>
{
    public void Configure(EntityTypeBuilder<DataProtectionKeyRecord> builder)
    {
        builder.ToTable("DataProtectionKeys");
        builder.HasKey(k => k.Id);
    }
}

internal sealed class DeprovisionGrantConfiguration : IEntityTypeConfiguration<DeprovisionGrantRecord>
{
    public void Configure(EntityTypeBuilder<DeprovisionGrantRecord> builder)
    {
        builder.ToTable("DeprovisionGrants");
        builder.HasKey(g => g.Id);
        builder.HasIndex(g => g.At);
    }
}

internal sealed class MirrorSeatConfiguration : IEntityTypeConfiguration<MirrorSeatRecord>
{
    public void Configure(EntityTypeBuilder<MirrorSeatRecord> builder)
    {
        builder.ToTable("MirrorSeats");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => new { s.App, s.AccountId }).IsUnique();
        builder.HasIndex(s => new { s.App, s.EmailNormalized });
        builder.HasIndex(s => new { s.App, s.LastActivity });
        // Links are one-to-one: a user holds at most one live seat per app.
        builder.HasIndex(s => new { s.App, s.UserId }).IsUnique().HasFilter(LiveLinkFilter);
        builder.HasIndex(s => s.UserId);
    }

    public const string LiveLinkFilter = "\"UserId\" IS NOT NULL AND \"GoneAt\" IS NULL";
}

internal sealed class MirrorRunConfiguration : IEntityTypeConfiguration<MirrorRunRecord>
{
    public void Configure(EntityTypeBuilder<MirrorRunRecord> builder)
    {
        builder.ToTable("MirrorRuns");
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => new { r.App, r.StartedAt });
        builder.HasIndex(r => r.StartedAt);
    }
}

internal sealed class MirrorAppConfiguration : IEntityTypeConfiguration<MirrorAppRecord>
{
    public void Configure(EntityTypeBuilder<MirrorAppRecord> builder)
    {
        builder.ToTable("MirrorApps");
        builder.HasKey(a => a.App);
    }
}

internal sealed class AppConnectionConfiguration : IEntityTypeConfiguration<AppConnectionRecord>
{
    public void Configure(EntityTypeBuilder<AppConnectionRecord> builder)
    {
        builder.ToTable("AppConnections");
        builder.HasKey(c => c.App);
    }
}

internal sealed class ReclaimRuleConfiguration : IEntityTypeConfiguration<ReclaimRuleRecord>
{
    public void Configure(EntityTypeBuilder<ReclaimRuleRecord> builder)
    {
        builder.ToTable("ReclaimRules");
        builder.HasKey(r => r.Id);
    }
}

internal sealed class ReclaimRuleVersionConfiguration : IEntityTypeConfiguration<ReclaimRuleVersionRecord>
{
    public void Configure(EntityTypeBuilder<ReclaimRuleVersionRecord> builder)
    {
        builder.ToTable("ReclaimRuleVersions");
        builder.HasKey(v => v.Id);
        builder.HasIndex(v => new { v.RuleId, v.Version }).IsUnique();
    }
}

internal sealed class ReclaimCandidateConfiguration : IEntityTypeConfiguration<ReclaimCandidateRecord>
{
    public void Configure(EntityTypeBuilder<ReclaimCandidateRecord> builder)
    {
        builder.ToTable("ReclaimCandidates");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.MonthlySaving).HasPrecision(18, 2);
        // Commands, signed links and the revoker change candidates concurrently: none overwrites another's change.
        builder.Property(c => c.State).IsConcurrencyToken();
        builder.Property(c => c.LeaseOwner).IsConcurrencyToken();
        // At most one open candidate per seat, whatever the rule: evaluations on two instances cannot both add one.
        builder.HasIndex(c => c.SeatId).IsUnique().HasFilter(OpenFilter).HasDatabaseName("IX_ReclaimCandidates_OpenSeat");
        builder.HasIndex(c => new { c.SeatId, c.ClosedAt });
        builder.HasIndex(c => new { c.State, c.App });
        builder.HasIndex(c => c.WaveId);
        builder.HasIndex(c => c.RuleId);
    }

    public const string OpenFilter = "\"ClosedAt\" IS NULL";
}

internal sealed class ReclaimTransitionConfiguration : IEntityTypeConfiguration<ReclaimTransitionRecord>
{
    public void Configure(EntityTypeBuilder<ReclaimTransitionRecord> builder)
    {
        builder.ToTable("ReclaimTransitions");
        builder.HasKey(t => t.Id);
        builder.HasIndex(t => t.CandidateId);
    }
}

internal sealed class ReclaimVipConfiguration : IEntityTypeConfiguration<ReclaimVipRecord>
{
    public void Configure(EntityTypeBuilder<ReclaimVipRecord> builder)
    {
        builder.ToTable("ReclaimVips");
        builder.HasKey(v => v.Id);
        builder.HasIndex(v => v.MatchNormalized).IsUnique();
    }
}

internal sealed class ReclaimSnapshotConfiguration : IEntityTypeConfiguration<ReclaimSnapshotRecord>
{
    public void Configure(EntityTypeBuilder<ReclaimSnapshotRecord> builder)
    {
        builder.ToTable("ReclaimSnapshots");
        builder.HasKey(s => new { s.Day, s.App });
        builder.Property(s => s.MonthlySpend).HasPrecision(18, 2);
        builder.Property(s => s.PotentialMonthly).HasPrecision(18, 2);
        builder.Property(s => s.RealisedThisYear).HasPrecision(18, 2);
    }
}

internal sealed class WorkLeaseConfiguration : IEntityTypeConfiguration<WorkLeaseRecord>
{
    public void Configure(EntityTypeBuilder<WorkLeaseRecord> builder)
    {
        builder.ToTable("WorkLeases");
        builder.HasKey(l => l.Name);
    }
}

internal sealed class HrEventConfiguration : IEntityTypeConfiguration<HrEventRecord>
{
    public void Configure(EntityTypeBuilder<HrEventRecord> builder)
    {
        builder.ToTable("HrEvents");
        builder.HasKey(e => e.Id);
        // Firing, rescinding and approving race on one event: none overwrites another's change.
        builder.Property(e => e.State).IsConcurrencyToken();
        builder.Property(e => e.LeaseOwner).IsConcurrencyToken();
        builder.HasIndex(e => new { e.State, e.EffectiveAt });
        builder.HasIndex(e => e.UserId);
        builder.HasIndex(e => e.BatchId);
    }
}

internal sealed class HrWorkerConfiguration : IEntityTypeConfiguration<HrWorkerRecord>
{
    public void Configure(EntityTypeBuilder<HrWorkerRecord> builder)
    {
        builder.ToTable("HrWorkers");
        builder.HasKey(w => w.UserId);
        builder.Property(w => w.Step).IsConcurrencyToken();
        builder.Property(w => w.LeaseOwner).IsConcurrencyToken();
        builder.HasIndex(w => w.StepDueAt);
    }
}

internal sealed class HrJobConfiguration : IEntityTypeConfiguration<HrJobRecord>
{
    public void Configure(EntityTypeBuilder<HrJobRecord> builder)
    {
        builder.ToTable("HrJobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Status).IsConcurrencyToken();
        builder.HasIndex(j => new { j.Status, j.CreatedAt });
    }
}

internal sealed class HrRequestConfiguration : IEntityTypeConfiguration<HrRequestRecord>
{
    public void Configure(EntityTypeBuilder<HrRequestRecord> builder)
    {
        builder.ToTable("HrRequests");
        builder.HasKey(r => r.Key);
        builder.HasIndex(r => r.CreatedAt);
    }
}
