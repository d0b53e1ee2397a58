using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimBridge.Data.Migrations;

// The normalised columns are recomputed in C# after the migrations (SQL cannot fold Unicode); this table records that it ran.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261204000003_CaseFolding")]
public sealed class CaseFolding : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable(
            name: "DataUpgrades",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                AppliedAt = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_DataUpgrades", x => x.Id));

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("DataUpgrades");
}
