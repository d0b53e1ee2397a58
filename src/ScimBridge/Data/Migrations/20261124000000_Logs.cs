using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261124000000_Logs")]
public sealed class Logs : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "LogEntries",
            columns: table => new
            {
                Id = Identity(table),
                At = table.Column<long>(nullable: false),
                ChangeId = table.Column<long>(nullable: true),
                CycleId = table.Column<string>(nullable: false),
                DurationMs = table.Column<double>(nullable: false),
                InitiatorType = table.Column<string>(nullable: false),
                Initiator = table.Column<string>(nullable: false),
                ResourceType = table.Column<string>(nullable: false),
                SourceId = table.Column<string>(nullable: false),
                SourceName = table.Column<string>(nullable: true),
                SourceNameNormalized = table.Column<string>(nullable: true),
                TargetId = table.Column<string>(nullable: true),
                TargetName = table.Column<string>(nullable: true),
                Action = table.Column<string>(nullable: false),
                Status = table.Column<string>(nullable: false),
                ErrorCode = table.Column<string>(nullable: true),
                Message = table.Column<string>(nullable: true),
                RecommendedFix = table.Column<string>(nullable: true),
                Steps = table.Column<string>(nullable: false),
                ModifiedProperties = table.Column<string>(nullable: false),
                Attempt = table.Column<int>(nullable: false),
                NextRetryAt = table.Column<long>(nullable: true),
                Instance = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_LogEntries", x => x.Id));
        migrationBuilder.CreateIndex("IX_LogEntries_At_Id", "LogEntries", ["At", "Id"]);
        foreach (var column in new[] { "Status", "Action", "ErrorCode", "Initiator", "InitiatorType", "CycleId", "SourceId", "TargetId" })
        {
            migrationBuilder.CreateIndex($"IX_LogEntries_{column}_At_Id", "LogEntries", [column, "At", "Id"]);
        }
        migrationBuilder.CreateIndex("IX_LogEntries_SourceNameNormalized_At_Id", "LogEntries", ["SourceNameNormalized", "At", "Id"])
            .Annotation(RelationalAnnotationNames.Collation, new[] { "C", null, null });
        migrationBuilder.CreateIndex("IX_LogEntries_ChangeId", "LogEntries", "ChangeId");

        migrationBuilder.AddColumn<long>("LogEntryId", "OutboundCalls", nullable: true);
        migrationBuilder.CreateIndex("IX_OutboundCalls_LogEntryId", "OutboundCalls", "LogEntryId");

        migrationBuilder.AddColumn<string>("InitiatorType", "PushStates", nullable: true);
        migrationBuilder.AddColumn<string>("Initiator", "PushStates", nullable: true);
        migrationBuilder.AddColumn<long>("HeldAt", "PushStates", nullable: true);
        migrationBuilder.AddColumn<string>("HoldReason", "PushStates", nullable: true);
        migrationBuilder.AddColumn<bool>("DeprovisionApproved", "PushStates", nullable: false, defaultValue: false);
        migrationBuilder.DropIndex("IX_PushStates_DueAt", "PushStates");
        migrationBuilder.CreateIndex("IX_PushStates_DueAt", "PushStates", "DueAt", filter: PushStateConfiguration.PushQueueFilter);
        migrationBuilder.CreateIndex("IX_PushStates_HeldAt", "PushStates", "HeldAt", filter: "\"HeldAt\" IS NOT NULL");

        migrationBuilder.AddColumn<string>("Scope", "ScimTokens", nullable: false, defaultValue: TokenScopes.Scim);

        migrationBuilder.CreateTable(
            name: "AdminAccounts",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                UserName = table.Column<string>(nullable: false),
                UserNameNormalized = table.Column<string>(nullable: false),
                PasswordHash = table.Column<string>(nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
                LastLoginAt = table.Column<long>(nullable: true),
                FailedAttempts = table.Column<int>(nullable: false),
                LockedUntil = table.Column<long>(nullable: true),
                DisabledAt = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AdminAccounts", x => x.Id));
        migrationBuilder.CreateIndex("IX_AdminAccounts_UserNameNormalized", "AdminAccounts", "UserNameNormalized", unique: true);

        migrationBuilder.CreateTable(
            name: "DataProtectionKeys",
            columns: table => new
            {
                Id = Identity(table),
                FriendlyName = table.Column<string>(nullable: true),
                Xml = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_DataProtectionKeys", x => x.Id));

        migrationBuilder.CreateTable(
            name: "DeprovisionGrants",
            columns: table => new
            {
                Id = Identity(table),
                At = table.Column<long>(nullable: false),
                ResourceType = table.Column<string>(nullable: false),
                ResourceId = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_DeprovisionGrants", x => x.Id));
        migrationBuilder.CreateIndex("IX_DeprovisionGrants_At", "DeprovisionGrants", "At");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("DeprovisionGrants");
        migrationBuilder.DropTable("DataProtectionKeys");
        migrationBuilder.DropTable("AdminAccounts");
        migrationBuilder.DropColumn("Scope", "ScimTokens");
        migrationBuilder.DropIndex("IX_PushStates_HeldAt", "PushStates");
        migrationBuilder.DropIndex("IX_PushStates_DueAt", "PushStates");
        migrationBuilder.DropColumn("DeprovisionApproved", "PushStates");
        migrationBuilder.DropColumn("HoldReason", "PushStates");
        migrationBuilder.DropColumn("HeldAt", "PushStates");
        migrationBuilder.DropColumn("Initiator", "PushStates");
        migrationBuilder.DropColumn("InitiatorType", "PushStates");
        migrationBuilder.CreateIndex("IX_PushStates_DueAt", "PushStates", "DueAt", filter: "\"ChangeSeq\" > \"PushedSeq\" OR \"DeleteAt\" IS NOT NULL");
        migrationBuilder.DropIndex("IX_OutboundCalls_LogEntryId", "OutboundCalls");
        migrationBuilder.DropColumn("LogEntryId", "OutboundCalls");
        migrationBuilder.DropTable("LogEntries");
    }

    private static OperationBuilder<AddColumnOperation> Identity(ColumnsBuilder table) =>
        table.Column<long>(nullable: false)
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}
