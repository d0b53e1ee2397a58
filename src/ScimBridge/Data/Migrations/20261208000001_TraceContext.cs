using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
// The W3C trace context of the request that made a change, so its push continues the same trace (only with tracing on).
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261208000001_TraceContext")]
public sealed class TraceContext : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>("TraceParent", "Changes", nullable: true);
        migrationBuilder.AddColumn<string>("TraceState", "Changes", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn("TraceParent", "Changes");
        migrationBuilder.DropColumn("TraceState", "Changes");
    }
}
