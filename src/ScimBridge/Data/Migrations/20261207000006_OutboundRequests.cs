using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ScimBridge.Data.Migrations;

// Hand-written and provider-neutral, like Initial; MigrationSchemaTests compares the result with the model.
// The request an outbound call sent, redacted and cut like the answer, so a log entry shows both sides.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261207000006_OutboundRequests")]
public sealed class OutboundRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>("RequestExcerpt", "OutboundCalls", nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn("RequestExcerpt", "OutboundCalls");
}
