using System.Diagnostics;

namespace ScimBridge.Tests.Infrastructure;

/// <summary>The bridge's command line (token, admin …) as a real child process on a test database.</summary>
public static class BridgeCli
{
    public static Task<(int ExitCode, string[] Lines, string Error)> RunAsync(TestDatabase database, string? input, params string[] args) =>
        RunWithAsync(database, new Dictionary<string, string>(), input, args);

    /// <param name="environment">More settings, as environment variables (<c>Monday__ApiUrl</c> …).</param>
    public static async Task<(int ExitCode, string[] Lines, string Error)> RunWithAsync(
        TestDatabase database, IReadOnlyDictionary<string, string> environment, string? input, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Database__Provider"] = database.Provider.ToString();
        start.Environment["ConnectionStrings__ScimBridge"] = database.ConnectionString;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (process.ExitCode, lines, await error);
    }
}
