using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ScimBridge.Admin;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Admin;

public sealed class AccountsTests
{
    private const string Address = "192.0.2.1";

    [Theory, AllDatabases]
    public async Task Create_StoresASaltedPbkdf2Hash_AndNamesAreUniqueIgnoringCase(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync("Alice");

        var stored = await app.DbAsync(db => db.AdminAccounts.SingleAsync());
        var parts = stored.PasswordHash.Split('$');
        Assert.Equal(["pbkdf2-sha512", "210000"], parts[..2]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.DoesNotContain(ConsoleHttp.Password, stored.PasswordHash, StringComparison.Ordinal);
        Assert.Equal("ALICE", stored.UserNameNormalized);

        await Assert.ThrowsAsync<InvalidOperationException>(() => app.CreateAdminAsync("alice"));
        await Assert.ThrowsAsync<ArgumentException>(() => app.CreateAdminAsync("bob", "short"));
        await Assert.ThrowsAsync<ArgumentException>(() => app.CreateAdminAsync("", ConsoleHttp.Password));
        await Assert.ThrowsAsync<ArgumentException>(() => app.CreateAdminAsync("bad\nname", ConsoleHttp.Password));
        Assert.Equal(1, await app.DbAsync(db => db.AdminAccounts.CountAsync()));
        // Same password, another salt.
        await app.CreateAdminAsync("carol");
        Assert.Equal(2, await app.DbAsync(async db => (await db.AdminAccounts.Select(a => a.PasswordHash).ToListAsync()).Distinct().Count()));
    }

    [Theory, AllDatabases]
    public async Task Lockout_EndsAfterTheConfiguredMinutes_AndASuccessResetsTheCount(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

        await app.WithScopeAsync(async s =>
        {
            var accounts = new AdminAccounts(
                s.GetRequiredService<ScimBridgeDbContext>(), s.GetRequiredService<IWriteGate>(),
                Options.Create(new AdminLockoutOptions { MaxFailedAttempts = 3, Minutes = 10 }), time);
            Assert.Equal(SignInOutcome.Failed, (await accounts.VerifyAsync("alice", "wrong password 1", Address, default)).Outcome);
            Assert.Equal(SignInOutcome.Success, (await accounts.VerifyAsync("alice", ConsoleHttp.Password, Address, default)).Outcome);
            Assert.Equal(SignInOutcome.Failed, (await accounts.VerifyAsync("alice", "wrong password 2", Address, default)).Outcome);
            Assert.Equal(SignInOutcome.Failed, (await accounts.VerifyAsync("alice", "wrong password 3", Address, default)).Outcome);
            var locked = await accounts.VerifyAsync("alice", "wrong password 4", Address, default);
            Assert.Equal(SignInOutcome.LockedOut, locked.Outcome);
            Assert.Equal(time.GetUtcNow().AddMinutes(10), locked.LockedUntil);

            time.Advance(TimeSpan.FromMinutes(9));
            Assert.Equal(SignInOutcome.LockedOut, (await accounts.VerifyAsync("alice", ConsoleHttp.Password, Address, default)).Outcome);
            time.Advance(TimeSpan.FromMinutes(1));
            var after = await accounts.VerifyAsync("alice", ConsoleHttp.Password, Address, default);
            Assert.Equal(SignInOutcome.Success, after.Outcome);
            return 0;
        });

        var stored = await app.DbAsync(db => db.AdminAccounts.SingleAsync());
        Assert.Empty(await app.DbAsync(db => db.AdminSignInFailures.ToListAsync()));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 12, 10, 0, TimeSpan.Zero), stored.LastLoginAt);
    }

    [Theory, AllDatabases]
    public async Task Verify_AnOlderIterationCount_StillSignsIn_AndIsRehashedAtTheCurrentOne(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.CreateAdminAsync();
        var salt = new byte[16];
        var old = System.Security.Cryptography.Rfc2898DeriveBytes.Pbkdf2(ConsoleHttp.Password, salt, 1000, System.Security.Cryptography.HashAlgorithmName.SHA512, 32);
        await app.DbAsync(db => db.AdminAccounts.ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordHash, $"pbkdf2-sha512$1000${Convert.ToBase64String(salt)}${Convert.ToBase64String(old)}")));

        var result = await app.WithScopeAsync(s => s.GetRequiredService<AdminAccounts>().VerifyAsync("alice", ConsoleHttp.Password, Address, default));

        Assert.Equal(SignInOutcome.Success, result.Outcome);
        Assert.StartsWith("pbkdf2-sha512$210000$", await app.DbAsync(db => db.AdminAccounts.Select(a => a.PasswordHash).SingleAsync()), StringComparison.Ordinal);
    }

    [Theory, AllDatabases]
    public async Task AdminCommands_CreateWithAGeneratedPassword_ListResetUnlockAndDisable(DatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var create = await BridgeCli.RunAsync(database, null, "admin", "create", "--name", "ops");
        Assert.Equal(0, create.ExitCode);
        var generated = create.Lines[^1];
        Assert.True(generated.Length >= 20, generated);

        await using var app = await ScimApp.StartAsync(provider, database: database);
        using (var browser = app.Browser())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("ops", generated)).StatusCode);
        }

        Assert.DoesNotContain(generated, await app.DbAsync(db => db.AdminAccounts.Select(a => a.PasswordHash).SingleAsync()), StringComparison.Ordinal);
        Assert.Equal(1, (await BridgeCli.RunAsync(database, null, "admin", "create", "--name", "OPS")).ExitCode);
        var tooShort = await BridgeCli.RunAsync(database, "short\n", "admin", "create", "--name", "dev", "--password-stdin");
        Assert.Equal(1, tooShort.ExitCode);
        Assert.Contains("12", tooShort.Error, StringComparison.Ordinal);

        var reset = await BridgeCli.RunAsync(database, "a brand new passphrase\n", "admin", "reset-password", "--name", "ops", "--password-stdin");
        Assert.Equal(0, reset.ExitCode);
        Assert.DoesNotContain(reset.Lines, l => l.Contains("brand new", StringComparison.Ordinal));
        await app.SeedSignInFailuresAsync("ops", 0, DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Contains((await BridgeCli.RunAsync(database, null, "admin", "list")).Lines, l => l.StartsWith("ops ", StringComparison.Ordinal) && l.Contains("locked until", StringComparison.Ordinal));
        Assert.Equal(0, (await BridgeCli.RunAsync(database, null, "admin", "unlock", "--name", "ops")).ExitCode);
        using (var browser = app.Browser())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await browser.SignInAsync("ops", "a brand new passphrase")).StatusCode);
        }

        Assert.Equal(0, (await BridgeCli.RunAsync(database, null, "admin", "disable", "--name", "ops")).ExitCode);
        Assert.Contains((await BridgeCli.RunAsync(database, null, "admin", "list")).Lines, l => l.StartsWith("ops ", StringComparison.Ordinal) && l.Contains("disabled", StringComparison.Ordinal));
        using (var browser = app.Browser())
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.SignInAsync("ops", "a brand new passphrase")).StatusCode);
        }

        Assert.Equal(1, (await BridgeCli.RunAsync(database, null, "admin", "unlock", "--name", "nobody")).ExitCode);
    }
}
