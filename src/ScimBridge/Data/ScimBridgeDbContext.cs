using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ScimBridge.Data;

/// <summary>
/// The model, shared by every provider. Each provider has its own subclass (Data/Migrations/PROVIDER), registered as
/// this type, so that each has its own generated migrations and snapshot.
/// </summary>
public abstract class ScimBridgeDbContext : DbContext
{
    protected ScimBridgeDbContext(DbContextOptions options)
        : base(options)
    {
    }

    private string? _provider;

    /// <summary>
    /// <c>Database.ProviderName</c>, read once per instance: EF works it out from the provider's assembly name on
    /// every call (a few µs), and pooled instances live across requests.
    /// </summary>
    public string Provider => _provider ??= Database.ProviderName ?? "";

    /// <summary>Whether this is PostgreSQL (the bridge knows two providers: SQLite and PostgreSQL), from <see cref="Provider"/>.</summary>
    public bool IsPostgres => Provider == PostgresProvider;

    private const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public DbSet<UserRecord> Users => Set<UserRecord>();
    public DbSet<UserValueRecord> UserValues => Set<UserValueRecord>();
    public DbSet<GroupRecord> Groups => Set<GroupRecord>();
    public DbSet<GroupMemberRecord> GroupMembers => Set<GroupMemberRecord>();
    public DbSet<ChangeRecord> Changes => Set<ChangeRecord>();
    public DbSet<ScimTokenRecord> ScimTokens => Set<ScimTokenRecord>();
    public DbSet<PushStateRecord> PushStates => Set<PushStateRecord>();
    public DbSet<OutboundCallRecord> OutboundCalls => Set<OutboundCallRecord>();
    public DbSet<PushTargetRecord> PushTargets => Set<PushTargetRecord>();
    public DbSet<LogEntryRecord> LogEntries => Set<LogEntryRecord>();
    public DbSet<AdminAccountRecord> AdminAccounts => Set<AdminAccountRecord>();
    public DbSet<AdminSignInFailureRecord> AdminSignInFailures => Set<AdminSignInFailureRecord>();
    public DbSet<AdminSessionRecord> AdminSessions => Set<AdminSessionRecord>();
    public DbSet<DataProtectionKeyRecord> DataProtectionKeys => Set<DataProtectionKeyRecord>();
    public DbSet<DeprovisionGrantRecord> DeprovisionGrants => Set<DeprovisionGrantRecord>();
    public DbSet<DataUpgradeRecord> DataUpgrades => Set<DataUpgradeRecord>();
    public DbSet<MirrorSeatRecord> MirrorSeats => Set<MirrorSeatRecord>();
    public DbSet<MirrorRunRecord> MirrorRuns => Set<MirrorRunRecord>();
    public DbSet<MirrorAppRecord> MirrorApps => Set<MirrorAppRecord>();
    public DbSet<AppConnectionRecord> AppConnections => Set<AppConnectionRecord>();
    public DbSet<ReclaimRuleRecord> ReclaimRules => Set<ReclaimRuleRecord>();
    public DbSet<ReclaimRuleVersionRecord> ReclaimRuleVersions => Set<ReclaimRuleVersionRecord>();
    public DbSet<ReclaimCandidateRecord> ReclaimCandidates => Set<ReclaimCandidateRecord>();
    public DbSet<ReclaimTransitionRecord> ReclaimTransitions => Set<ReclaimTransitionRecord>();
    public DbSet<ReclaimVipRecord> ReclaimVips => Set<ReclaimVipRecord>();
    public DbSet<ReclaimSnapshotRecord> ReclaimSnapshots => Set<ReclaimSnapshotRecord>();
    public DbSet<WorkLeaseRecord> WorkLeases => Set<WorkLeaseRecord>();
    public DbSet<HrEventRecord> HrEvents => Set<HrEventRecord>();
    public DbSet<HrWorkerRecord> HrWorkers => Set<HrWorkerRecord>();
    public DbSet<HrJobRecord> HrJobs => Set<HrJobRecord>();
    public DbSet<HrRequestRecord> HrRequests => Set<HrRequestRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Timestamps are stored as UTC ticks on every provider: SQLite cannot compare or order DateTimeOffset,
        // and one representation keeps the providers' schemas alike.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ScimBridgeDbContext).Assembly);
}

public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));
