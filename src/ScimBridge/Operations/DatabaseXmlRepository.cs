using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;

namespace ScimBridge.Operations;

/// <summary>
/// Data Protection keys in the <c>DataProtectionKeys</c> table, so every replica on the database shares one key ring:
/// a cookie or a secret protected by one instance is readable by all.
/// </summary>
public sealed class DatabaseXmlRepository(IServiceScopeFactory scopes) : IXmlRepository
{
    public const string ApplicationName = "ScimBridge";

    public static IServiceCollection AddSharedDataProtection(IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IServiceScopeFactory>((options, scopes) => options.XmlRepository = new DatabaseXmlRepository(scopes));
        return services;
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
