using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

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

    [Theory, AllDatabases]
    public async Task WithACertificate_KeysAreStoredEncrypted_AndAnotherInstanceWithItReadsThem(DatabaseProvider provider)
    {
        var pfx = Path.Combine(Path.GetTempPath(), $"scimbridge-dp-{Guid.NewGuid():N}.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=ScimBridge Data Protection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-password"));
        }
        try
        {
            var settings = new Dictionary<string, string?> { ["DataProtection:CertificatePath"] = pfx, ["DataProtection:CertificatePassword"] = "pfx-password" };
            await using var a = await ScimApp.StartAsync(provider, settings);
            var protectedText = await a.WithScopeAsync(s => Task.FromResult(Protector(s).Protect("monday-secret")));
            await a.DbAsync(db => db.ScimTokens.Where(t => t.Name == "test-client").ExecuteUpdateAsync(u => u.SetProperty(t => t.Name, "instance-a")));
            await using var b = await ScimApp.StartAsync(provider, settings, new TestDatabase(provider, a.ConnectionString, () => Task.CompletedTask));

            Assert.Equal("monday-secret", await b.WithScopeAsync(s => Task.FromResult(Protector(s).Unprotect(protectedText))));
            var key = Assert.Single(await a.DbAsync(db => db.DataProtectionKeys.AsNoTracking().ToListAsync()));
            Assert.Contains("EncryptedData", key.Xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal);

            var wrong = new Dictionary<string, string?>(settings) { ["DataProtection:CertificatePassword"] = "not it" };
            var failure = await Assert.ThrowsAnyAsync<Exception>(async () => { await using var c = await ScimApp.StartAsync(provider, wrong); });
            Assert.Contains("DataProtection:CertificatePath", failure.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    private static IDataProtector Protector(IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector("ScimBridge.Tests");
}
