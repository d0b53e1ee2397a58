using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
// Sessions are revocable server-side, and lockouts are kept per client address instead of per account.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261204000004_AdminSessions")]
public sealed class AdminSessions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AdminSessions",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                AccountId = table.Column<string>(nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
                ExpiresAt = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AdminSessions", x => x.Id));
        migrationBuilder.CreateIndex("IX_AdminSessions_ExpiresAt", "AdminSessions", "ExpiresAt");

        migrationBuilder.CreateTable(
            name: "AdminSignInFailures",
            columns: table => new
            {
                AccountId = table.Column<string>(nullable: false),
                Address = table.Column<string>(nullable: false),
                FailedAttempts = table.Column<int>(nullable: false),
                LastFailedAt = table.Column<long>(nullable: false),
                LockedUntil = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AdminSignInFailures", x => new { x.AccountId, x.Address }));
        migrationBuilder.CreateIndex("IX_AdminSignInFailures_LastFailedAt", "AdminSignInFailures", "LastFailedAt");
        // AdminAccounts.FailedAttempts and LockedUntil stay for the previous release's pods during a rolling upgrade.
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("AdminSignInFailures");
        migrationBuilder.DropTable("AdminSessions");
    }
}
