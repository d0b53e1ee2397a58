using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace ScimBridge.Data.Migrations;

// Written by hand (Microsoft.EntityFrameworkCore.Design cannot be restored here) and kept
// provider-neutral: column types come from each provider's default mapping, and both providers'
// identity annotations are given. MigrationSchemaTests proves the result matches the model.
[DbContext(typeof(ScimBridgeDbContext))]
[Migration("20261122000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Users",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                UserName = table.Column<string>(nullable: false),
                UserNameNormalized = table.Column<string>(nullable: false),
                ExternalId = table.Column<string>(nullable: true),
                DisplayName = table.Column<string>(nullable: true),
                DisplayNameNormalized = table.Column<string>(nullable: true),
                Active = table.Column<bool>(nullable: false),
                Title = table.Column<string>(nullable: true),
                UserType = table.Column<string>(nullable: true),
                NickName = table.Column<string>(nullable: true),
                GivenName = table.Column<string>(nullable: true),
                FamilyName = table.Column<string>(nullable: true),
                FormattedName = table.Column<string>(nullable: true),
                Locale = table.Column<string>(nullable: true),
                Timezone = table.Column<string>(nullable: true),
                PreferredLanguage = table.Column<string>(nullable: true),
                ProfileUrl = table.Column<string>(nullable: true),
                EmployeeNumber = table.Column<string>(nullable: true),
                Department = table.Column<string>(nullable: true),
                CostCenter = table.Column<string>(nullable: true),
                Organization = table.Column<string>(nullable: true),
                Division = table.Column<string>(nullable: true),
                ManagerId = table.Column<string>(nullable: true),
                Created = table.Column<long>(nullable: false),
                LastModified = table.Column<long>(nullable: false),
                Version = table.Column<long>(nullable: false),
                Data = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Users", x => x.Id));

        migrationBuilder.CreateTable(
            name: "UserValues",
            columns: table => new
            {
                Id = Identity(table.Column<long>(nullable: false)),
                UserId = table.Column<string>(nullable: false),
                Attribute = table.Column<string>(nullable: false),
                Type = table.Column<string>(nullable: true),
                Value = table.Column<string>(nullable: true),
                ValueNormalized = table.Column<string>(nullable: true),
                Display = table.Column<string>(nullable: true),
                Primary = table.Column<bool>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_UserValues", x => x.Id);
                table.ForeignKey("FK_UserValues_Users_UserId", x => x.UserId, "Users", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Groups",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                DisplayName = table.Column<string>(nullable: false),
                DisplayNameNormalized = table.Column<string>(nullable: false),
                ExternalId = table.Column<string>(nullable: true),
                Created = table.Column<long>(nullable: false),
                LastModified = table.Column<long>(nullable: false),
                Version = table.Column<long>(nullable: false),
                Data = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Groups", x => x.Id));

        migrationBuilder.CreateTable(
            name: "GroupMembers",
            columns: table => new
            {
                GroupId = table.Column<string>(nullable: false),
                MemberId = table.Column<string>(nullable: false),
                MemberType = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_GroupMembers", x => new { x.GroupId, x.MemberId });
                table.ForeignKey("FK_GroupMembers_Groups_GroupId", x => x.GroupId, "Groups", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Changes",
            columns: table => new
            {
                Id = Identity(table.Column<long>(nullable: false)),
                ResourceType = table.Column<string>(nullable: false),
                ResourceId = table.Column<string>(nullable: false),
                Operation = table.Column<string>(nullable: false),
                Changes = table.Column<string>(nullable: false),
                Actor = table.Column<string>(nullable: false),
                RequestId = table.Column<string>(nullable: true),
                OccurredAt = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Changes", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ScimTokens",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                Name = table.Column<string>(nullable: false),
                Hash = table.Column<string>(nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
                LastUsedAt = table.Column<long>(nullable: true),
                RevokedAt = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_ScimTokens", x => x.Id));

        migrationBuilder.CreateIndex("IX_Users_UserNameNormalized", "Users", "UserNameNormalized", unique: true);
        migrationBuilder.CreateIndex("IX_Users_ExternalId", "Users", "ExternalId");
        migrationBuilder.CreateIndex("IX_Users_DisplayNameNormalized", "Users", "DisplayNameNormalized");
        migrationBuilder.CreateIndex("IX_Users_EmployeeNumber", "Users", "EmployeeNumber");
        migrationBuilder.CreateIndex("IX_Users_LastModified", "Users", "LastModified");
        migrationBuilder.CreateIndex("IX_UserValues_Attribute_ValueNormalized", "UserValues", ["Attribute", "ValueNormalized"]);
        migrationBuilder.CreateIndex("IX_UserValues_UserId", "UserValues", "UserId");
        migrationBuilder.CreateIndex("IX_Groups_DisplayNameNormalized", "Groups", "DisplayNameNormalized");
        migrationBuilder.CreateIndex("IX_Groups_ExternalId", "Groups", "ExternalId");
        migrationBuilder.CreateIndex("IX_Groups_LastModified", "Groups", "LastModified");
        migrationBuilder.CreateIndex("IX_GroupMembers_MemberId", "GroupMembers", "MemberId");
        migrationBuilder.CreateIndex("IX_Changes_ResourceType_ResourceId", "Changes", ["ResourceType", "ResourceId"]);
        migrationBuilder.CreateIndex("IX_Changes_OccurredAt", "Changes", "OccurredAt");
        migrationBuilder.CreateIndex("IX_ScimTokens_Name", "ScimTokens", "Name", unique: true, filter: "\"RevokedAt\" IS NULL");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "ScimTokens", "Changes", "GroupMembers", "Groups", "UserValues", "Users" })
        {
            migrationBuilder.DropTable(table);
        }
    }

    private static OperationBuilder<AddColumnOperation> Identity(OperationBuilder<AddColumnOperation> column) =>
        column
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}
