using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Operations;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Admin;

/// <summary>
/// How many failed sign-ins in a row from one client address lock that address out of an admin account, and for how
/// long (section <c>Admin:Lockout</c>). Failures further apart than <see cref="Minutes"/> do not add up.
/// </summary>
public sealed class AdminLockoutOptions
{
    public const string Section = "Admin:Lockout";

    public int MaxFailedAttempts { get; set; } = 5;

    public int Minutes { get; set; } = 15;
}

/// <param name="FailedAttempts">Recent failed sign-ins, from every address.</param>
/// <param name="LockedUntil">The latest lockout of any address (others can still sign in).</param>
public sealed record AdminAccountInfo(
    string Id, string UserName, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt, int FailedAttempts, DateTimeOffset? LockedUntil, DateTimeOffset? DisabledAt);

public enum SignInOutcome
{
    Success,
    /// <summary>Unknown user, wrong password or disabled account: the caller cannot tell which.</summary>
    Failed,
    LockedOut,
}

public sealed record SignInResult(
    SignInOutcome Outcome, string? AccountId = null, string? UserName = null, DateTimeOffset? LockedUntil = null, string? SessionStamp = null);

/// <summary>
/// Console administrators: usernames unique case-insensitively, passwords stored as PBKDF2 hashes
/// (<see cref="AdminPasswords"/>), and a lockout after repeated failures from one client address.
/// </summary>
public sealed class AdminAccounts(
    ScimBridgeDbContext db, IWriteGate gate, IOptions<AdminLockoutOptions> options, TimeProvider time, IOptions<PushOptions>? push = null)
{
    public const int MinPasswordLength = 12;
    public const int MaxPasswordLength = 1024;
    /// <summary>Who the log names for the command line's changes (the console's are the signed-in admin's).</summary>
    public const string CommandLine = "command line";

    /// <summary>Creates an account without a log entry (the first admin, before anyone can read the log).</summary>
    public Task<AdminAccountInfo> CreateAsync(string userName, string password, CancellationToken cancellationToken) =>
        CreateAsync(userName, password, null, cancellationToken);

    /// <summary>Creates an account; <paramref name="by"/> (an admin, or <see cref="CommandLine"/>) is named in the provisioning log.</summary>
    public async Task<AdminAccountInfo> CreateAsync(string userName, string password, string? by, CancellationToken cancellationToken)
    {
        userName = ValidateUserName(userName);
        ValidatePassword(password);
        var normalized = Normalize(userName);
        var record = new AdminAccountRecord
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            UserName = userName,
            UserNameNormalized = normalized,
            PasswordHash = AdminPasswords.Hash(password),
            CreatedAt = time.GetUtcNow(),
        };
        using (await gate.EnterAsync(cancellationToken))
        {
            if (await db.AdminAccounts.AnyAsync(a => a.UserNameNormalized == normalized, cancellationToken))
            {
                throw new InvalidOperationException($"An admin account named '{userName}' already exists.");
            }

            db.AdminAccounts.Add(record);
            if (by is not null)
            {
                db.LogEntries.Add(Audit(record, LogActions.Create, by, $"{by} created the admin account {record.UserName}."));
            }
            await db.SaveChangesAsync(cancellationToken);
        }

        await gate.WaitDurableAsync(cancellationToken);
        return Info(record, []);
    }

    public async Task<IReadOnlyList<AdminAccountInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var accounts = await db.AdminAccounts.AsNoTracking().OrderBy(a => a.UserNameNormalized).ToListAsync(cancellationToken);
        var failures = (await db.AdminSignInFailures.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(f => f.AccountId);
        return accounts.Select(a => Info(a, [.. failures[a.Id]])).ToList();
    }

    /// <summary>
    /// Checks a sign-in from a client address. Every path runs one PBKDF2 derivation, so an unknown user costs the same
    /// time as a known one, and an address locked out of the account is told "locked" whether or not the password was right.
    /// </summary>
    public async Task<SignInResult> VerifyAsync(string userName, string password, string address, CancellationToken cancellationToken)
    {
        var normalized = Normalize(userName.Trim());
        var account = await db.AdminAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.UserNameNormalized == normalized, cancellationToken);
        var (matches, needsRehash) = AdminPasswords.Verify(password, account?.PasswordHash);
        var now = time.GetUtcNow();
        // An unknown or disabled name is counted and locked like a real account, so the answers do not tell which names exist.
        var failureKey = account?.DisabledAt is null ? account?.Id ?? UnknownAccountKey(normalized) : account.Id;
        var lockedUntil = await db.AdminSignInFailures.Where(f => f.AccountId == failureKey && f.Address == address && f.LockedUntil > now)
            .Select(f => f.LockedUntil).FirstOrDefaultAsync(cancellationToken);
        if (lockedUntil is not null)
        {
            return new SignInResult(SignInOutcome.LockedOut, LockedUntil: lockedUntil);
        }

        return matches && account is { DisabledAt: null }
            ? await SucceedAsync(account, needsRehash ? AdminPasswords.Hash(password) : account.PasswordHash, address, now, cancellationToken)
            : await CountFailureAsync(failureKey, address, now, cancellationToken);
    }

    /// <summary>
    /// Where failures for a name without an account are counted: no account id takes this form, and it is a digest
    /// because a mistyped name is often a password.
    /// </summary>
    private static string UnknownAccountKey(string normalizedName) =>
        "?" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedName)));

    private async Task<SignInResult> SucceedAsync(AdminAccountRecord account, string hash, string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await WriteAsync(async () =>
        {
            await db.AdminSignInFailures.Where(f => f.AccountId == account.Id && f.Address == address).ExecuteDeleteAsync(cancellationToken);
            return await db.AdminAccounts.Where(a => a.Id == account.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastLoginAt, now).SetProperty(a => a.PasswordHash, hash), cancellationToken);
        }, cancellationToken);
        return new SignInResult(SignInOutcome.Success, account.Id, account.UserName, SessionStamp: SessionStamp(hash));
    }

    private async Task<SignInResult> CountFailureAsync(string accountId, string address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var window = TimeSpan.FromMinutes(options.Value.Minutes);
        var forgotten = now - window;
        var lockedUntil = now + window;
        var max = options.Value.MaxFailedAttempts;
        var locked = await WriteAsync(async () =>
        {
            await db.AdminSignInFailures.Where(f => f.LastFailedAt < forgotten && (f.LockedUntil == null || f.LockedUntil < now))
                .ExecuteDeleteAsync(cancellationToken);
            // One statement that inserts or increments (SQLite and PostgreSQL alike), so concurrent guesses from several replicas all count.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "AdminSignInFailures" ("AccountId", "Address", "FailedAttempts", "LastFailedAt")
                VALUES ({accountId}, {address}, 1, {now.UtcTicks})
                ON CONFLICT ("AccountId", "Address") DO UPDATE
                SET "FailedAttempts" = "AdminSignInFailures"."FailedAttempts" + 1, "LastFailedAt" = excluded."LastFailedAt"
                """, cancellationToken);
            return await db.AdminSignInFailures.Where(f => f.AccountId == accountId && f.Address == address && f.FailedAttempts >= max)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.FailedAttempts, 0).SetProperty(f => f.LockedUntil, lockedUntil), cancellationToken);
        }, cancellationToken);
        return locked > 0 ? new SignInResult(SignInOutcome.LockedOut, LockedUntil: lockedUntil) : new SignInResult(SignInOutcome.Failed);
    }

    /// <summary>
    /// What a session remembers of the password it was opened with: a new password (a reset) changes it, so sessions
    /// opened before the reset end. A digest, so the cookie never carries the hash itself.
    /// </summary>
    public static string SessionStamp(string passwordHash) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)));

    /// <summary>Sets a new password and lifts every lockout of the account; false when there is no such account.</summary>
    public Task<bool> SetPasswordAsync(string userName, string password, CancellationToken cancellationToken) =>
        SetPasswordAsync(userName, password, CommandLine, cancellationToken);

    /// <summary>
    /// Sets a new password, lifts every lockout and ends the account's sessions (they were opened with the old password);
    /// false when there is no such account.
    /// </summary>
    public async Task<bool> SetPasswordAsync(string userName, string password, string by, CancellationToken cancellationToken)
    {
        ValidatePassword(password);
        var hash = AdminPasswords.Hash(password);
        return await ChangeAsync(userName, LogActions.Update, by, account => $"{by} reset the password of the admin account {account.UserName}; its sessions ended.",
            async account =>
            {
                await db.AdminSignInFailures.Where(f => f.AccountId == account.Id).ExecuteDeleteAsync(cancellationToken);
                await db.AdminSessions.Where(s => s.AccountId == account.Id).ExecuteDeleteAsync(cancellationToken);
                await db.AdminAccounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordHash, hash), cancellationToken);
            }, cancellationToken);
    }

    /// <summary>A new random password for the account, shown once to the admin who asked; null when there is no such account.</summary>
    public async Task<string?> ResetPasswordAsync(string userName, string by, CancellationToken cancellationToken)
    {
        var password = AdminPasswords.Generate();
        return await SetPasswordAsync(userName, password, by, cancellationToken) ? password : null;
    }

    /// <summary>Lifts the lockouts of every address and forgets the failures; false when there is no such account.</summary>
    public async Task<bool> UnlockAsync(string userName, CancellationToken cancellationToken)
    {
        var normalized = Normalize(userName.Trim());
        return await WriteAsync(async () =>
        {
            await ClearFailuresAsync(normalized, cancellationToken);
            return await db.AdminAccounts.CountAsync(a => a.UserNameNormalized == normalized, cancellationToken);
        }, cancellationToken) > 0;
    }

    /// <summary>Disables from the command line, the way back in when no admin can sign in: none of the console's guards.</summary>
    public Task<bool> DisableAsync(string userName, CancellationToken cancellationToken) =>
        DisableAsync(userName, CommandLine, cancellationToken);

    /// <summary>
    /// Disables an account and ends its sessions at once; false when there is no such account. An admin in the console
    /// cannot disable themselves or the last enabled account (<see cref="InvalidOperationException"/>): nobody could sign in to undo it.
    /// </summary>
    public async Task<bool> DisableAsync(string userName, string by, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var console = by != CommandLine;
        if (console && Normalize(userName.Trim()) == Normalize(by))
        {
            throw new InvalidOperationException("You cannot disable your own account: ask another admin, or use the command line.");
        }
        return await ChangeAsync(userName, LogActions.Disable, by, account => $"{by} disabled the admin account {account.UserName}; its sessions ended.",
            async account =>
            {
                if (console && account.DisabledAt is null && !await db.AdminAccounts.AnyAsync(a => a.Id != account.Id && a.DisabledAt == null, cancellationToken))
                {
                    throw new InvalidOperationException($"{account.UserName} is the last enabled admin account: nobody could sign in to the console.");
                }
                await db.AdminSessions.Where(s => s.AccountId == account.Id).ExecuteDeleteAsync(cancellationToken);
                await db.AdminAccounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.DisabledAt, now), cancellationToken);
            }, cancellationToken);
    }

    public Task<bool> EnableAsync(string userName, CancellationToken cancellationToken) => EnableAsync(userName, CommandLine, cancellationToken);

    /// <summary>Lets a disabled account sign in again (with its old password); false when there is no such account.</summary>
    public Task<bool> EnableAsync(string userName, string by, CancellationToken cancellationToken) =>
        ChangeAsync(userName, LogActions.Enable, by, account => $"{by} enabled the admin account {account.UserName}.",
            async account =>
            {
                await db.AdminSignInFailures.Where(f => f.AccountId == account.Id).ExecuteDeleteAsync(cancellationToken);
                await db.AdminAccounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.DisabledAt, (DateTimeOffset?)null), cancellationToken);
            }, cancellationToken);

    /// <summary>One change of an account and its log entry, in one transaction; false when there is no such account.</summary>
    private async Task<bool> ChangeAsync(
        string userName, string action, string by, Func<AdminAccountRecord, string> message, Func<AdminAccountRecord, Task> change, CancellationToken cancellationToken)
    {
        var normalized = Normalize(userName.Trim());
        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var account = await db.AdminAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.UserNameNormalized == normalized, cancellationToken);
            if (account is null)
            {
                return false;
            }
            await change(account);
            db.LogEntries.Add(Audit(account, action, by, message(account)));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await gate.WaitDurableAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// A change to an admin account in the provisioning log, where the console's other admin actions are (resource type
    /// <see cref="ResourceKind"/>, initiator the admin or <see cref="CommandLine"/>). Never the password.
    /// </summary>
    private LogEntryRecord Audit(AdminAccountRecord account, string action, string by, string message) => new()
    {
        At = time.GetUtcNow(),
        CycleId = $"admin-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}",
        InitiatorType = Initiators.Admin,
        Initiator = by,
        ResourceType = ResourceKind,
        SourceId = account.Id,
        SourceName = account.UserName,
        SourceNameNormalized = ScimText.Fold(account.UserName),
        Action = action,
        Status = LogStatuses.Success,
        Message = message,
        Steps = JsonSerializer.Serialize(new[] { new TraceStep("Admin account", LogStatuses.Success, message) }, JsonSerializerOptions.Web),
        ModifiedProperties = "[]",
        Attempt = 1,
        Instance = push?.Value.InstanceId ?? Environment.MachineName,
    };

    /// <summary>The resource type of the log entries about admin accounts.</summary>
    public const string ResourceKind = "AdminAccount";

    private Task<int> ClearFailuresAsync(string normalized, CancellationToken cancellationToken) =>
        db.AdminSignInFailures.Where(f => db.AdminAccounts.Any(a => a.Id == f.AccountId && a.UserNameNormalized == normalized)).ExecuteDeleteAsync(cancellationToken);

    /// <summary>Runs writes through the write gate and waits until they are durable; returns what <paramref name="write"/> returns.</summary>
    private async Task<int> WriteAsync(Func<Task<int>> write, CancellationToken cancellationToken)
    {
        int result;
        using (await gate.EnterAsync(cancellationToken))
        {
            result = await write();
        }

        await gate.WaitDurableAsync(cancellationToken);
        return result;
    }

    public static string Normalize(string userName) => userName.ToUpperInvariant();

    private static string ValidateUserName(string userName)
    {
        userName = userName.Trim();
        if (userName.Length is 0 or > 100 || userName.Any(char.IsControl))
        {
            throw new ArgumentException("An admin username must be 1 to 100 printable characters.", nameof(userName));
        }

        return userName;
    }

    private static void ValidatePassword(string password)
    {
        if (password.Length is < MinPasswordLength or > MaxPasswordLength)
        {
            throw new ArgumentException($"An admin password must be {MinPasswordLength} to {MaxPasswordLength} characters.", nameof(password));
        }
    }

    private static AdminAccountInfo Info(AdminAccountRecord a, IReadOnlyCollection<AdminSignInFailureRecord> failures) =>
        new(a.Id, a.UserName, a.CreatedAt, a.LastLoginAt, failures.Sum(f => f.FailedAttempts), failures.Max(f => f.LockedUntil), a.DisabledAt);
}

/// <summary>
/// PBKDF2 (HMAC-SHA512) password hashes stored as <c>pbkdf2-sha512$iterations$salt$hash</c> (Base64), so the
/// iteration count can be raised later: older hashes still verify and are rewritten at the next sign-in.
/// </summary>
public static class AdminPasswords
{
    public const int Iterations = 210_000;
    private const string Scheme = "pbkdf2-sha512";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private static readonly string DummyHash = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)));

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA512, HashBytes);
        return $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Always derives once (against a dummy hash when <paramref name="stored"/> is null or unreadable).</summary>
    public static (bool Matches, bool NeedsRehash) Verify(string password, string? stored)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected))
        {
            TryParse(DummyHash, out iterations, out salt, out expected);
            Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA512, expected.Length);
            return (false, false);
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA512, expected.Length);
        var matches = CryptographicOperations.FixedTimeEquals(actual, expected);
        return (matches, matches && iterations < Iterations);
    }

    private static bool TryParse(string? stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored?.Split('$');
        if (parts is not [Scheme, var count, var saltText, var hashText]
            || !int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out iterations)
            || iterations < 1)
        {
            return false;
        }

        try
        {
            salt = Convert.FromBase64String(saltText);
            hash = Convert.FromBase64String(hashText);
            return hash.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>A password for a new account when the admin gives none: 144 random bits, URL-safe.</summary>
    public static string Generate() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}

public static class AdminAccountsFeature
{
    /// <summary>The account store, for the server and for the <c>admin</c> CLI commands.</summary>
    public static IServiceCollection AddAdminAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AdminLockoutOptions>(configuration.GetSection(AdminLockoutOptions.Section));
        services.AddScoped<AdminAccounts>();
        services.AddScoped<AdminSessions>();
        return services;
    }
}

public sealed class AdminLockoutOptionsValidator : AbstractValidator<AdminLockoutOptions>
{
    public AdminLockoutOptionsValidator()
    {
        RuleFor(o => o.MaxFailedAttempts).InclusiveBetween(1, 1000).WithMessage("Admin:Lockout:MaxFailedAttempts must be between 1 and 1000.");
        RuleFor(o => o.Minutes).InclusiveBetween(1, 24 * 60).WithMessage("Admin:Lockout:Minutes must be between 1 and 1440.");
    }
}
