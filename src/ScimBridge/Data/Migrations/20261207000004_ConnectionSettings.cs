using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
// The monday.com connection saved on the Connection page: the Tenant URL, and the tokens protected with Data Protection.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261207000004_ConnectionSettings")]
public sealed class ConnectionSettings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ConnectionSettings",
            columns: table => new
            {
                Name = table.Column<string>(nullable: false),
                Value = table.Column<string>(nullable: false),
                UpdatedAt = table.Column<long>(nullable: false),
                UpdatedBy = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ConnectionSettings", x => x.Name));
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("ConnectionSettings");
}
