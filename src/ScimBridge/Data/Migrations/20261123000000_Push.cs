using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261123000000_Push")]
public sealed class Push : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("PushStatus", "Changes", nullable: false, defaultValue: PushStatuses.Pending);
        migrationBuilder.AddColumn<long>("PushedAt", "Changes", nullable: true);
        migrationBuilder.AddColumn<string>("PushError", "Changes", nullable: true);
        migrationBuilder.CreateIndex("IX_Changes_PushStatus", "Changes", "PushStatus");

        migrationBuilder.CreateTable(
            name: "PushStates",
            columns: table => new
            {
                ResourceType = table.Column<string>(nullable: false),
                ResourceId = table.Column<string>(nullable: false),
                ChangeSeq = table.Column<long>(nullable: false),
                PushedSeq = table.Column<long>(nullable: false),
                DueAt = table.Column<long>(nullable: false),
                LeaseOwner = table.Column<string>(nullable: true),
                LeaseUntil = table.Column<long>(nullable: true),
                MondayId = table.Column<string>(nullable: true),
                Pushed = table.Column<string>(nullable: true),
                Attempts = table.Column<int>(nullable: false),
                LastError = table.Column<string>(nullable: true),
                PushedAt = table.Column<long>(nullable: true),
                DeleteAt = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_PushStates", x => new { x.ResourceType, x.ResourceId }));
        // The filter as it was then; the Logs migration adds the staged-delete hold to it.
        migrationBuilder.CreateIndex("IX_PushStates_DueAt", "PushStates", "DueAt", filter: "\"ChangeSeq\" > \"PushedSeq\" OR \"DeleteAt\" IS NOT NULL");
        migrationBuilder.CreateIndex("IX_PushStates_MondayId", "PushStates", "MondayId");

        migrationBuilder.CreateTable(
            name: "OutboundCalls",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                ChangeId = table.Column<long>(nullable: true),
                ResourceType = table.Column<string>(nullable: false),
                ResourceId = table.Column<string>(nullable: false),
                Instance = table.Column<string>(nullable: false),
                Method = table.Column<string>(nullable: false),
                Path = table.Column<string>(nullable: false),
                Status = table.Column<int>(nullable: false),
                DurationMs = table.Column<double>(nullable: false),
                RetryAfterMs = table.Column<long>(nullable: true),
                Attempt = table.Column<int>(nullable: false),
                Excerpt = table.Column<string>(nullable: true),
                At = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_OutboundCalls", x => x.Id));
        migrationBuilder.CreateIndex("IX_OutboundCalls_ChangeId", "OutboundCalls", "ChangeId");
        migrationBuilder.CreateIndex("IX_OutboundCalls_ResourceType_ResourceId", "OutboundCalls", ["ResourceType", "ResourceId"]);
        migrationBuilder.CreateIndex("IX_OutboundCalls_At", "OutboundCalls", "At");

        migrationBuilder.CreateTable(
            name: "PushTargets",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                QuarantinedSince = table.Column<long>(nullable: true),
                QuarantineLevel = table.Column<int>(nullable: false),
                NextProbeAt = table.Column<long>(nullable: true),
                Reason = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_PushTargets", x => x.Id));
        // The one target's row exists from the start, so entering quarantine is a plain conditional UPDATE.
        migrationBuilder.Sql("INSERT INTO \"PushTargets\" (\"Id\", \"QuarantineLevel\") VALUES ('monday', 0)");

        // What was accepted before the push existed is pushed too.
        foreach (var (kind, table) in new[] { (ResourceKinds.User, "Users"), (ResourceKinds.Group, "Groups") })
        {
            migrationBuilder.Sql(
                "INSERT INTO \"PushStates\" (\"ResourceType\", \"ResourceId\", \"ChangeSeq\", \"PushedSeq\", \"DueAt\", \"Attempts\") "
                + $"SELECT '{kind}', \"Id\", 1, 0, 0, 0 FROM \"{table}\"");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("PushTargets");
        migrationBuilder.DropTable("OutboundCalls");
        migrationBuilder.DropTable("PushStates");
        migrationBuilder.DropIndex("IX_Changes_PushStatus", "Changes");
        migrationBuilder.DropColumn("PushError", "Changes");
        migrationBuilder.DropColumn("PushedAt", "Changes");
        migrationBuilder.DropColumn("PushStatus", "Changes");
    }
}
