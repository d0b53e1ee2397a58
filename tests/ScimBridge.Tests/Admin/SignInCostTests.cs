using System.Diagnostics;
using ScimBridge.Admin;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Admin;

/// <summary>Tests that compare the CPU a piece of work costs: they run alone, so the process's CPU time is theirs.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuCostCollection
{
    public const string Name = "CPU cost";
}

[Collection(CpuCostCollection.Name)]
public sealed class SignInCostTests
{
    private const string Address = "192.0.2.1";

    /// <summary>
    /// Measured in CPU time of this process, not wall time: other processes on busy cores slow both sides alike
    /// without changing the work each does. Without the dummy derivation an unknown name costs ~0 against ~100 ms.
    /// </summary>
    [Theory, AllDatabases]
    public async Task Verify_AnUnknownUserCostsAboutAsMuchCpuAsAWrongPassword(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, new() { ["Admin:Lockout:MaxFailedAttempts"] = "1000" });
        await app.CreateAdminAsync();

        var (unknown, known) = await app.WithScopeAsync(async s =>
        {
            var accounts = s.GetRequiredService<AdminAccounts>();
            await accounts.VerifyAsync("warm-up", "x", Address, default);
            await accounts.VerifyAsync("alice", "x", Address, default);
            var unknownCpu = TimeSpan.Zero;
            var knownCpu = TimeSpan.Zero;
            for (var i = 0; i < 5; i++)
            {
                unknownCpu += await CpuAsync(() => accounts.VerifyAsync($"nobody{i}", "wrong password", Address, default));
                knownCpu += await CpuAsync(() => accounts.VerifyAsync("alice", "wrong password", Address, default));
            }

            return (unknownCpu.TotalMilliseconds, knownCpu.TotalMilliseconds);
        });

        Assert.InRange(unknown / known, 0.5, 2.0);
    }

    private static async Task<TimeSpan> CpuAsync(Func<Task> work)
    {
        using var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        await work();
        process.Refresh();
        return process.TotalProcessorTime - before;
    }
}
