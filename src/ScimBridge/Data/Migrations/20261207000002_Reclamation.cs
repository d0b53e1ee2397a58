using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
// Licence reclamation: versioned rules, candidates and their transitions, the VIP list, daily savings snapshots,
// named work leases, and the push's record of what reclamation changed behind the inbound data.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261207000002_Reclamation")]
public sealed class Reclamation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("ReclaimedAttribute", "PushStates", nullable: true);
        migrationBuilder.AddColumn<string>("ReclaimedBasis", "PushStates", nullable: true);
        migrationBuilder.AddColumn<string>("ReclaimedValue", "PushStates", nullable: true);
        migrationBuilder.AddColumn<long>("ReclaimCandidateId", "PushStates", nullable: true);

        migrationBuilder.CreateTable(
            name: "ReclaimRules",
            columns: table => new
            {
                Id = Identity(table),
                Name = table.Column<string>(nullable: false),
                Enabled = table.Column<bool>(nullable: false),
                Version = table.Column<int>(nullable: false),
                Definition = table.Column<string>(nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
                CreatedBy = table.Column<string>(nullable: false),
                UpdatedAt = table.Column<long>(nullable: false),
                UpdatedBy = table.Column<string>(nullable: false),
                DeletedAt = table.Column<long>(nullable: true),
                DeletedBy = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ReclaimRules", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ReclaimRuleVersions",
            columns: table => new
            {
                Id = Identity(table),
                RuleId = table.Column<long>(nullable: false),
                Version = table.Column<int>(nullable: false),
                Change = table.Column<string>(nullable: false),
                Name = table.Column<string>(nullable: false),
                Enabled = table.Column<bool>(nullable: false),
                Definition = table.Column<string>(nullable: false),
                ChangedAt = table.Column<long>(nullable: false),
                ChangedBy = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ReclaimRuleVersions", x => x.Id));
        migrationBuilder.CreateIndex("IX_ReclaimRuleVersions_RuleId_Version", "ReclaimRuleVersions", ["RuleId", "Version"], unique: true);

        migrationBuilder.CreateTable(
            name: "ReclaimCandidates",
            columns: table => new
            {
                Id = Identity(table),
                RuleId = table.Column<long>(nullable: false),
                RuleVersion = table.Column<int>(nullable: false),
                App = table.Column<string>(nullable: false),
                SeatId = table.Column<long>(nullable: false),
                AccountId = table.Column<string>(nullable: false),
                UserId = table.Column<string>(nullable: true),
                Email = table.Column<string>(nullable: true),
                Name = table.Column<string>(nullable: true),
                SeatType = table.Column<string>(nullable: false),
                Action = table.Column<string>(nullable: false),
                State = table.Column<string>(nullable: false),
                Reason = table.Column<string>(nullable: false),
                StateReason = table.Column<string>(nullable: true),
                ErrorCode = table.Column<string>(nullable: true),
                LastActivity = table.Column<long>(nullable: true),
                CreatedInApp = table.Column<long>(nullable: true),
                MonthlySaving = table.Column<decimal>(precision: 18, scale: 2, nullable: true),
                Currency = table.Column<string>(nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
                UpdatedAt = table.Column<long>(nullable: false),
                ClosedAt = table.Column<long>(nullable: true),
                WaveId = table.Column<string>(nullable: true),
                HeldAt = table.Column<long>(nullable: true),
                GuardApproved = table.Column<bool>(nullable: false),
                NoticeDueAt = table.Column<long>(nullable: true),
                NoticeSentAt = table.Column<long>(nullable: true),
                Reminders = table.Column<int>(nullable: false),
                NextReminderAt = table.Column<long>(nullable: true),
                AutoReclaimAt = table.Column<long>(nullable: true),
                Answer = table.Column<string>(nullable: true),
                AnsweredAt = table.Column<long>(nullable: true),
                ApproverKind = table.Column<string>(nullable: true),
                ApproverUserId = table.Column<string>(nullable: true),
                ApprovalNoticeSentAt = table.Column<long>(nullable: true),
                CooldownUntil = table.Column<long>(nullable: true),
                LeaseOwner = table.Column<string>(nullable: true),
                LeaseUntil = table.Column<long>(nullable: true),
                Attempts = table.Column<int>(nullable: false),
                PreviousSeatType = table.Column<string>(nullable: true),
                PreviousActive = table.Column<bool>(nullable: true),
                NewSeatType = table.Column<string>(nullable: true),
                NewActive = table.Column<bool>(nullable: true),
                ReclaimedAt = table.Column<long>(nullable: true),
                ReclaimedBy = table.Column<string>(nullable: true),
                UndoneAt = table.Column<long>(nullable: true),
                UndoneBy = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ReclaimCandidates", x => x.Id));
        migrationBuilder.CreateIndex("IX_ReclaimCandidates_OpenSeat", "ReclaimCandidates", "SeatId",
            unique: true, filter: ReclaimCandidateConfiguration.OpenFilter);
        migrationBuilder.CreateIndex("IX_ReclaimCandidates_SeatId_ClosedAt", "ReclaimCandidates", ["SeatId", "ClosedAt"]);
        migrationBuilder.CreateIndex("IX_ReclaimCandidates_State_App", "ReclaimCandidates", ["State", "App"]);
        migrationBuilder.CreateIndex("IX_ReclaimCandidates_WaveId", "ReclaimCandidates", "WaveId");
        migrationBuilder.CreateIndex("IX_ReclaimCandidates_RuleId", "ReclaimCandidates", "RuleId");

        migrationBuilder.CreateTable(
            name: "ReclaimTransitions",
            columns: table => new
            {
                Id = Identity(table),
                CandidateId = table.Column<long>(nullable: false),
                FromState = table.Column<string>(nullable: true),
                ToState = table.Column<string>(nullable: false),
                At = table.Column<long>(nullable: false),
                ActorType = table.Column<string>(nullable: false),
                Actor = table.Column<string>(nullable: false),
                Note = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ReclaimTransitions", x => x.Id));
        migrationBuilder.CreateIndex("IX_ReclaimTransitions_CandidateId", "ReclaimTransitions", "CandidateId");

        migrationBuilder.CreateTable(
            name: "ReclaimVips",
            columns: table => new
            {
                Id = Identity(table),
                Match = table.Column<string>(nullable: false),
                MatchNormalized = table.Column<string>(nullable: false),
                Note = table.Column<string>(nullable: true),
                AddedAt = table.Column<long>(nullable: false),
                AddedBy = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ReclaimVips", x => x.Id));
        migrationBuilder.CreateIndex("IX_ReclaimVips_MatchNormalized", "ReclaimVips", "MatchNormalized", unique: true);

        migrationBuilder.CreateTable(
            name: "ReclaimSnapshots",
            columns: table => new
            {
                Day = table.Column<string>(nullable: false),
                App = table.Column<string>(nullable: false),
                SeatsBought = table.Column<int>(nullable: true),
                Assigned = table.Column<int>(nullable: false),
                Active = table.Column<int>(nullable: false),
                Unused = table.Column<int>(nullable: false),
                MonthlySpend = table.Column<decimal>(precision: 18, scale: 2, nullable: false),
                PotentialMonthly = table.Column<decimal>(precision: 18, scale: 2, nullable: false),
                RealisedThisYear = table.Column<decimal>(precision: 18, scale: 2, nullable: false),
                Currency = table.Column<string>(nullable: false),
                TakenAt = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ReclaimSnapshots", x => new { x.Day, x.App }));

        migrationBuilder.CreateTable(
            name: "WorkLeases",
            columns: table => new
            {
                Name = table.Column<string>(nullable: false),
                Owner = table.Column<string>(nullable: true),
                Until = table.Column<long>(nullable: true),
                LastDoneAt = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_WorkLeases", x => x.Name));
    }

    private static OperationBuilder<AddColumnOperation> Identity(ColumnsBuilder table) =>
        table.Column<long>(nullable: false)
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "WorkLeases", "ReclaimSnapshots", "ReclaimVips", "ReclaimTransitions", "ReclaimCandidates", "ReclaimRuleVersions", "ReclaimRules" })
        {
            migrationBuilder.DropTable(table);
        }
        foreach (var column in new[] { "ReclaimedAttribute", "ReclaimedBasis", "ReclaimedValue", "ReclaimCandidateId" })
        {
            migrationBuilder.DropColumn(column, "PushStates");
        }
    }
}
