using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
// HR-driven lifecycle: the schedule of lifecycle events, each worker's leaver state, asynchronous HR jobs (bulk
// uploads, roster imports) and the client request ids already answered.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261207000003_HrLifecycle")]
public sealed class HrLifecycle : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "HrEvents",
            columns: table => new
            {
                Id = Identity(table),
                Kind = table.Column<string>(nullable: false),
                State = table.Column<string>(nullable: false),
                UserId = table.Column<string>(nullable: false),
                UserName = table.Column<string>(nullable: true),
                EmployeeNumber = table.Column<string>(nullable: true),
                MatchedBy = table.Column<string>(nullable: false),
                EffectiveAt = table.Column<long>(nullable: false),
                EffectiveLocal = table.Column<string>(nullable: true),
                TimeZone = table.Column<string>(nullable: false),
                Reason = table.Column<string>(nullable: true),
                Note = table.Column<string>(nullable: true),
                Details = table.Column<string>(nullable: true),
                Source = table.Column<string>(nullable: false),
                Actor = table.Column<string>(nullable: false),
                ClientRequestId = table.Column<string>(nullable: true),
                BatchId = table.Column<string>(nullable: true),
                CreatedAt = table.Column<long>(nullable: false),
                FiredAt = table.Column<long>(nullable: true),
                ClosedAt = table.Column<long>(nullable: true),
                ClosedBy = table.Column<string>(nullable: true),
                Error = table.Column<string>(nullable: true),
                Approved = table.Column<bool>(nullable: false),
                LeaseOwner = table.Column<string>(nullable: true),
                LeaseUntil = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_HrEvents", x => x.Id));
        migrationBuilder.CreateIndex("IX_HrEvents_State_EffectiveAt", "HrEvents", ["State", "EffectiveAt"]);
        migrationBuilder.CreateIndex("IX_HrEvents_UserId", "HrEvents", "UserId");
        migrationBuilder.CreateIndex("IX_HrEvents_BatchId", "HrEvents", "BatchId");

        migrationBuilder.CreateTable(
            name: "HrWorkers",
            columns: table => new
            {
                UserId = table.Column<string>(nullable: false),
                Status = table.Column<string>(nullable: false),
                TerminationId = table.Column<long>(nullable: true),
                Step = table.Column<string>(nullable: true),
                StepDueAt = table.Column<long>(nullable: true),
                Memberships = table.Column<string>(nullable: true),
                SnapshotAt = table.Column<long>(nullable: true),
                Deactivated = table.Column<bool>(nullable: false),
                RemovedFromTeams = table.Column<bool>(nullable: false),
                Deleted = table.Column<bool>(nullable: false),
                DeactivateSeq = table.Column<long>(nullable: true),
                EffectiveAt = table.Column<long>(nullable: true),
                DeactivatedAt = table.Column<long>(nullable: true),
                UpdatedAt = table.Column<long>(nullable: false),
                LeaseOwner = table.Column<string>(nullable: true),
                LeaseUntil = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_HrWorkers", x => x.UserId));
        migrationBuilder.CreateIndex("IX_HrWorkers_StepDueAt", "HrWorkers", "StepDueAt");

        migrationBuilder.CreateTable(
            name: "HrJobs",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                Kind = table.Column<string>(nullable: false),
                Status = table.Column<string>(nullable: false),
                Actor = table.Column<string>(nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
                StartedAt = table.Column<long>(nullable: true),
                CompletedAt = table.Column<long>(nullable: true),
                Input = table.Column<string>(nullable: true),
                Result = table.Column<string>(nullable: true),
                Total = table.Column<int>(nullable: false),
                Succeeded = table.Column<int>(nullable: false),
                Failed = table.Column<int>(nullable: false),
                Error = table.Column<string>(nullable: true),
                LeaseOwner = table.Column<string>(nullable: true),
                LeaseUntil = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_HrJobs", x => x.Id));
        migrationBuilder.CreateIndex("IX_HrJobs_Status_CreatedAt", "HrJobs", ["Status", "CreatedAt"]);

        migrationBuilder.CreateTable(
            name: "HrRequests",
            columns: table => new
            {
                Key = table.Column<string>(nullable: false),
                RequestHash = table.Column<string>(nullable: false),
                Status = table.Column<int>(nullable: false),
                Response = table.Column<string>(nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_HrRequests", x => x.Key));
        migrationBuilder.CreateIndex("IX_HrRequests_CreatedAt", "HrRequests", "CreatedAt");
    }

    private static OperationBuilder<AddColumnOperation> Identity(ColumnsBuilder table) =>
        table.Column<long>(nullable: false)
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "HrRequests", "HrJobs", "HrWorkers", "HrEvents" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
