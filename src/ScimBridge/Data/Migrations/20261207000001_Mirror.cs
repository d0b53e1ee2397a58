using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
// The subscription mirror: every seat in monday.com and Roadmunk, the runs that download them, and OAuth connections.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261207000001_Mirror")]
public sealed class Mirror : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "MirrorSeats",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                App = table.Column<string>(nullable: false),
                AccountId = table.Column<string>(nullable: false),
                Email = table.Column<string>(nullable: true),
                EmailNormalized = table.Column<string>(nullable: true),
                Name = table.Column<string>(nullable: true),
                SeatType = table.Column<string>(nullable: false),
                Status = table.Column<string>(nullable: false),
                ListedStatus = table.Column<string>(nullable: true),
                CreatedInApp = table.Column<long>(nullable: true),
                LastActivity = table.Column<long>(nullable: true),
                FirstSeen = table.Column<long>(nullable: false),
                LastSeen = table.Column<long>(nullable: false),
                GoneAt = table.Column<long>(nullable: true),
                LastRunId = table.Column<long>(nullable: false),
                ProvisionedByBridge = table.Column<bool>(nullable: false),
                UserId = table.Column<string>(nullable: true),
                LinkedBy = table.Column<string>(nullable: true),
                ReportStatus = table.Column<string>(nullable: true),
                ReportAt = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_MirrorSeats", x => x.Id));
        migrationBuilder.CreateIndex("IX_MirrorSeats_App_AccountId", "MirrorSeats", ["App", "AccountId"], unique: true);
        migrationBuilder.CreateIndex("IX_MirrorSeats_App_EmailNormalized", "MirrorSeats", ["App", "EmailNormalized"]);
        migrationBuilder.CreateIndex("IX_MirrorSeats_App_LastActivity", "MirrorSeats", ["App", "LastActivity"]);
        migrationBuilder.CreateIndex("IX_MirrorSeats_App_UserId", "MirrorSeats", ["App", "UserId"],
            unique: true, filter: MirrorSeatConfiguration.LiveLinkFilter);
        migrationBuilder.CreateIndex("IX_MirrorSeats_UserId", "MirrorSeats", "UserId");

        migrationBuilder.CreateTable(
            name: "MirrorRuns",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                App = table.Column<string>(nullable: false),
                InitiatorType = table.Column<string>(nullable: false),
                Initiator = table.Column<string>(nullable: false),
                Instance = table.Column<string>(nullable: false),
                Status = table.Column<string>(nullable: false),
                StartedAt = table.Column<long>(nullable: false),
                EndedAt = table.Column<long>(nullable: true),
                Seen = table.Column<int>(nullable: false),
                Added = table.Column<int>(nullable: false),
                Changed = table.Column<int>(nullable: false),
                Gone = table.Column<int>(nullable: false),
                Unchanged = table.Column<int>(nullable: false),
                Pages = table.Column<int>(nullable: false),
                Error = table.Column<string>(nullable: true),
                ErrorCode = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_MirrorRuns", x => x.Id));
        migrationBuilder.CreateIndex("IX_MirrorRuns_App_StartedAt", "MirrorRuns", ["App", "StartedAt"]);
        migrationBuilder.CreateIndex("IX_MirrorRuns_StartedAt", "MirrorRuns", "StartedAt");

        migrationBuilder.CreateTable(
            name: "MirrorApps",
            columns: table => new
            {
                App = table.Column<string>(nullable: false),
                LeaseOwner = table.Column<string>(nullable: true),
                LeaseUntil = table.Column<long>(nullable: true),
                RunningRunId = table.Column<long>(nullable: true),
                LastCompleteRunId = table.Column<long>(nullable: true),
                LastCompleteAt = table.Column<long>(nullable: true),
                AccountId = table.Column<string>(nullable: true),
                AccountName = table.Column<string>(nullable: true),
                SeatsBought = table.Column<int>(nullable: true),
                ActiveMembers = table.Column<int>(nullable: true),
                ReportAt = table.Column<long>(nullable: true),
                ReportSummary = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_MirrorApps", x => x.App));

        migrationBuilder.CreateTable(
            name: "AppConnections",
            columns: table => new
            {
                App = table.Column<string>(nullable: false),
                ProtectedAccessToken = table.Column<string>(nullable: false),
                ProtectedRefreshToken = table.Column<string>(nullable: true),
                ExpiresAt = table.Column<long>(nullable: true),
                Scopes = table.Column<string>(nullable: false),
                AccountId = table.Column<string>(nullable: true),
                ConnectedBy = table.Column<string>(nullable: false),
                ConnectedAt = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AppConnections", x => x.App));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "AppConnections", "MirrorApps", "MirrorRuns", "MirrorSeats" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
