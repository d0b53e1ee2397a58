using System.Text;
using ScimBridge.Hr;

namespace ScimBridge.Tests.Hr;

/// <summary>The roster's CSV reading alone: aliases, separators, limits.</summary>
public sealed class RosterCsvTests
{
    [Fact]
    public void Aliases_AndTheSeparator_AreFoundFromTheHeader()
    {
        var file = RosterCsv.Parse(Encoding.UTF8.GetBytes("employeeId;Termination Date;TZ;Status;Notes\nE1;2027-01-31;Europe/Paris;terminated;x\n"));
        Assert.Equal(';', file.Separator);
        Assert.Equal(["Notes"], file.IgnoredColumns);
        var row = Assert.Single(file.Rows);
        Assert.Equal((2, "E1", "2027-01-31", "Europe/Paris", "terminated"),
            (row.Row, row.Get(RosterColumns.EmployeeId), row.Get(RosterColumns.LastDayOfWork), row.Get(RosterColumns.TimeZone), row.Get(RosterColumns.Status)));
    }

    [Fact]
    public void RowsOfEmptyCells_AreSkipped_AndRowsKeepTheirNumberInTheFile()
    {
        var file = RosterCsv.Parse(Encoding.UTF8.GetBytes("employeeId,status,department\r\n,,\r\n\r\nE1,active,\" Sales, EMEA \"\r\n,,\r\n"));
        Assert.Empty(file.Errors);
        var row = Assert.Single(file.Rows);
        Assert.Equal((4, "Sales, EMEA"), (row.Row, row.Get(RosterColumns.Department)));
    }

    [Fact]
    public void AColumnNamedTwice_OrTooManyRows_RefuseTheFile()
    {
        var twice = Assert.Throws<HrException>(() => RosterCsv.Parse(Encoding.UTF8.GetBytes("employeeId,employee number,status\n")));
        Assert.Equal(RosterColumns.EmployeeId, twice.Field);
        var rows = new StringBuilder("employeeId,status\n");
        for (var i = 0; i <= RosterCsv.MaxRows; i++)
        {
            rows.Append('E').Append(i).Append(",active\n");
        }
        var tooMany = Assert.Throws<HrException>(() => RosterCsv.Parse(Encoding.UTF8.GetBytes(rows.ToString())));
        Assert.Equal(413, tooMany.Status);
    }
}
