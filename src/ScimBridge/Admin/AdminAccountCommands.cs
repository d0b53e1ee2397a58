using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;

namespace ScimBridge.Admin;

/// <summary>Account changes the command line and the demo need beyond <see cref="AdminAccounts"/>.</summary>
public sealed class AdminAccountCommands(ScimBridgeDbContext db, IWriteGate gate)
{
    /// <summary>Lets a disabled account sign in again; false when there is no such account.</summary>
    public async Task<bool> EnableAsync(string userName, CancellationToken cancellationToken)
    {
        var normalized = AdminAccounts.Normalize(userName.Trim());
        int changed;
        using (await gate.EnterAsync(cancellationToken))
        {
            changed = await db.AdminAccounts.Where(a => a.UserNameNormalized == normalized)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.DisabledAt, (DateTimeOffset?)null), cancellationToken);
        }

        await gate.WaitDurableAsync(cancellationToken);
        return changed > 0;
    }

    public Task<bool> ExistsAsync(string userName, CancellationToken cancellationToken)
    {
        var normalized = AdminAccounts.Normalize(userName.Trim());
        return db.AdminAccounts.AnyAsync(a => a.UserNameNormalized == normalized, cancellationToken);
    }
}
