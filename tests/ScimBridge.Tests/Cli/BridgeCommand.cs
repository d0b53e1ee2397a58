namespace ScimBridge.Tests.Cli;

public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit code {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{Output}{Environment.NewLine}stderr:{Environment.NewLine}{Error}";
}

/// <summary>
/// The bridge binary run exactly as given: the arguments, and only the environment passed (no database set for it,
/// unlike <see cref="BridgeCli"/>), in a working directory; killed after <paramref name="limit"/>.
/// </summary>
public static class BridgeCommand
{
    public static Task<CommandResult> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string>? environment, string? input, TimeSpan limit, params string[] args) =>
        RunAssemblyAsync(typeof(Program).Assembly.Location, workingDirectory, environment, input, limit, args);

    /// <summary>Another host of the bridge, e.g. the demo's (ScimBridge.Demo.dll).</summary>
    public static async Task<CommandResult> RunAssemblyAsync(
        string assembly, string workingDirectory, IReadOnlyDictionary<string, string>? environment, string? input, TimeSpan limit, params string[] args)
    {
        var info = DotnetProcess.Info(assembly, args, environment, workingDirectory);
        info.RedirectStandardInput = true;
        using var process = DotnetProcess.Start(info);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"'{string.Join(' ', args)}' still ran after {limit.TotalSeconds:0} s:{Environment.NewLine}{await output}{await error}");
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }

    public static Task<CommandResult> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, null, null, TimeSpan.FromSeconds(60), args);
}
