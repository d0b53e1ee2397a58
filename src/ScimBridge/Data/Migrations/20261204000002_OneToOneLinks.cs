using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261204000002_OneToOneLinks")]
public sealed class OneToOneLinks : Migration
{
    /// <summary>
    /// Before this migration one monday.com object could be adopted by two local objects (same team name, same
    /// userName). Per monday.com object the link is kept by the live local object created first; the others are
    /// unlinked and queued, so their next push reports the EntryConflict instead of the upgrade failing.
    /// </summary>
    private static readonly string UnlinkDuplicates = $"""
        WITH ranked AS (
            SELECT p."ResourceType", p."ResourceId",
                ROW_NUMBER() OVER (PARTITION BY p."ResourceType", p."MondayId"
                    ORDER BY CASE WHEN COALESCE(u."Created", g."Created") IS NULL THEN 1 ELSE 0 END,
                        COALESCE(u."Created", g."Created"), p."ResourceId") AS n
            FROM "PushStates" p
            LEFT JOIN "Users" u ON p."ResourceType" = '{ResourceKinds.User}' AND u."Id" = p."ResourceId"
            LEFT JOIN "Groups" g ON p."ResourceType" = '{ResourceKinds.Group}' AND g."Id" = p."ResourceId"
            WHERE p."MondayId" IS NOT NULL)
        UPDATE "PushStates" SET "MondayId" = NULL, "Pushed" = NULL, "DeleteAt" = NULL, "HeldAt" = NULL, "HoldReason" = NULL,
            "ChangeSeq" = "ChangeSeq" + 1, "DueAt" = 0, "Attempts" = 0,
            "LastError" = 'Unlinked on upgrade: its monday.com object was linked to another local object too, which keeps it.'
        WHERE ("ResourceType", "ResourceId") IN (SELECT "ResourceType", "ResourceId" FROM ranked WHERE n > 1)
        """;

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("ConflictWith", "PushStates", nullable: true);
        migrationBuilder.Sql(UnlinkDuplicates);
        migrationBuilder.DropIndex("IX_PushStates_MondayId", "PushStates");
        migrationBuilder.CreateIndex("IX_PushStates_ResourceType_MondayId", "PushStates", ["ResourceType", "MondayId"],
            unique: true, filter: PushStateConfiguration.LinkedFilter);
        migrationBuilder.CreateIndex("IX_PushStates_ResourceType_ConflictWith", "PushStates", ["ResourceType", "ConflictWith"],
            filter: "\"ConflictWith\" IS NOT NULL");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_PushStates_ResourceType_ConflictWith", "PushStates");
        migrationBuilder.DropIndex("IX_PushStates_ResourceType_MondayId", "PushStates");
        migrationBuilder.CreateIndex("IX_PushStates_MondayId", "PushStates", "MondayId");
        migrationBuilder.DropColumn("ConflictWith", "PushStates");
    }
}
