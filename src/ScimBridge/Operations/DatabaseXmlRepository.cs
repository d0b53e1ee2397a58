using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;

namespace ScimBridge.Operations;

/// <summary>
/// Data Protection keys in the <c>DataProtectionKeys</c> table, so every replica on the database shares one key ring:
/// a cookie or a secret protected by one instance is readable by all. With <c>DataProtection:CertificatePath</c> the
/// keys are encrypted with that certificate before they reach the table.
/// </summary>
public sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public const string ApplicationName = "ScimBridge";

    public static IServiceCollection AddSharedDataProtection(IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddDataProtection().SetApplicationName(ApplicationName);
        // Without a certificate the keys are stored as they are, guarded only by the database's own access control.
        if (configuration["DataProtection:CertificatePath"] is { Length: > 0 } path)
        {
            builder.ProtectKeysWithCertificate(LoadCertificate(path, configuration["DataProtection:CertificatePassword"]));
        }
        services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceScopeFactory>((options, scopes) => options.XmlRepository = new DatabaseXmlRepository(scopes));
        return services;
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            return certificate.HasPrivateKey
                ? certificate
                : throw new InvalidOperationException($"DataProtection:CertificatePath '{path}' has no private key; keys protected with it could not be read back.");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"DataProtection:CertificatePath '{path}' could not be loaded as a PKCS#12 (.pfx) file with DataProtection:CertificatePassword: {ex.Message}", ex);
        }
    }

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList().Select(x => XElement.Parse(x)).ToList();
    }

    // IXmlRepository is synchronous; keys are written once per key lifetime (90 days), so blocking here costs nothing.
    public void StoreElement(XElement element, string friendlyName) =>
        Task.Run(() => StoreAsync(element, friendlyName)).GetAwaiter().GetResult();

    private async Task StoreAsync(XElement element, string friendlyName)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        var gate = scope.ServiceProvider.GetRequiredService<IWriteGate>();
        using (await gate.EnterAsync(CancellationToken.None))
        {
            db.DataProtectionKeys.Add(new DataProtectionKeyRecord { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
            await db.SaveChangesAsync();
        }

        await gate.WaitDurableAsync(CancellationToken.None);
    }
}
