using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;

namespace ScimBridge.Admin;

/// <summary>
/// Console sessions kept server-side: the cookie names a session row, and a request is let in only while that row
/// exists, has not expired, its account is enabled and its password unchanged. Signing out deletes the row, so a saved
/// copy of the cookie stops working on every replica at its next request.
/// </summary>
public sealed class AdminSessions(ScimBridgeDbContext db, IWriteGate gate, TimeProvider time)
{
    /// <summary>How long a session lasts without a request (the cookie slides by the same amount).</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(8);

    /// <summary>Opens a session and returns its id; sessions that expired unused are pruned on the way.</summary>
    public async Task<string> OpenAsync(string accountId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using (await gate.EnterAsync(cancellationToken))
        {
            await db.AdminSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
            db.AdminSessions.Add(new AdminSessionRecord { Id = id, AccountId = accountId, CreatedAt = now, ExpiresAt = now + IdleLifetime });
            await db.SaveChangesAsync(cancellationToken);
        }

        await gate.WaitDurableAsync(cancellationToken);
        return id;
    }

    /// <summary>One indexed lookup per request: the session is open and its account enabled with the password it was opened with.</summary>
    public async Task<bool> IsOpenAsync(string sessionId, string accountId, string sessionStamp, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hash = await db.AdminSessions
            .Where(s => s.Id == sessionId && s.AccountId == accountId && s.ExpiresAt > now)
            .Join(db.AdminAccounts.Where(a => a.DisabledAt == null), s => s.AccountId, a => a.Id, (s, a) => a.PasswordHash)
            .FirstOrDefaultAsync(cancellationToken);
        return hash is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(AdminAccounts.SessionStamp(hash)), Encoding.ASCII.GetBytes(sessionStamp));
    }

    /// <summary>Moves the expiry on when the cookie slides (at most once per half lifetime, as the cookie handler renews).</summary>
    public Task RenewAsync(string sessionId, CancellationToken cancellationToken)
    {
        var expiresAt = time.GetUtcNow() + IdleLifetime;
        return WriteAsync(
            () => db.AdminSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAt, expiresAt), cancellationToken),
            cancellationToken);
    }

    public Task EndAsync(string sessionId, CancellationToken cancellationToken) =>
        WriteAsync(() => db.AdminSessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(cancellationToken), cancellationToken);

    private async Task WriteAsync(Func<Task<int>> write, CancellationToken cancellationToken)
    {
        using (await gate.EnterAsync(cancellationToken))
        {
            await write();
        }

        await gate.WaitDurableAsync(cancellationToken);
    }
}
