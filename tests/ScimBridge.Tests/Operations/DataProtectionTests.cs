using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ScimBridge.Data;
using ScimBridge.Tests.Infrastructure;

namespace ScimBridge.Tests.Operations;

public sealed class DataProtectionTests
{
    [Theory, AllDatabases]
    public async Task DataProtectedByOneInstance_IsUnprotectedByAnotherOnTheSameDatabase_ButNotByABridgeOnAnother(DatabaseProvider provider)
    {
        await using var a = await ScimApp.StartAsync(provider);
        var protectedText = await a.WithScopeAsync(s => Task.FromResult(Protector(s).Protect("monday-secret")));
        await a.DbAsync(db => db.ScimTokens.Where(t => t.Name == "test-client").ExecuteUpdateAsync(u => u.SetProperty(t => t.Name, "instance-a")));
        await using var b = await ScimApp.StartAsync(provider, database: new TestDatabase(provider, a.ConnectionString, () => Task.CompletedTask));
        await using var elsewhere = await ScimApp.StartAsync(provider);

        var unprotected = await b.WithScopeAsync(s => Task.FromResult(Protector(s).Unprotect(protectedText)));

        Assert.Equal("monday-secret", unprotected);
        var keys = await a.DbAsync(db => db.DataProtectionKeys.AsNoTracking().ToListAsync());
        var key = Assert.Single(keys);
        Assert.Contains("<key ", key.Xml, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<CryptographicException>(() => elsewhere.WithScopeAsync(s => Task.FromResult(Protector(s).Unprotect(protectedText))));
    }

    private static IDataProtector Protector(IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector("ScimBridge.Tests");
}
