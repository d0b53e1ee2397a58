using ScimBridge.Data;

namespace ScimBridge.Tests.Data;

/// <summary>The bridge asks Npgsql to prepare its repeated statements unless the connection string says otherwise.</summary>
public sealed class PostgresAutoPrepareTests
{
    [Theory]
    [InlineData("Host=db;Database=scim", "Host=db;Database=scim;Max Auto Prepare=64")]
    [InlineData("Host=db;Database=scim; ", "Host=db;Database=scim;Max Auto Prepare=64")]
    [InlineData("Host=db;Max Auto Prepare=0", "Host=db;Max Auto Prepare=0")]
    [InlineData("Host=db;maxautoprepare=10", "Host=db;maxautoprepare=10")]
    [InlineData("Host=db;Database=\"a;b\"", "Host=db;Database=\"a;b\";Max Auto Prepare=64")]
    [InlineData("Host=db;=broken", "Host=db;=broken")]
    public void AddedOnlyWhenTheConnectionStringLeavesItOut(string given, string used) =>
        Assert.Equal(used, DatabaseSetup.WithAutoPrepare(given));
}
