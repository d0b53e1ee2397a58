using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ScimBridge.Tests.Operations;

/// <summary>On a terminal the log is readable lines (the simple formatter), the timestamp apart from the level.</summary>
public sealed partial class ConsoleLogFormatTests
{
    public const string Script = "/usr/bin/script";

    [TerminalFact]
    public async Task OnATerminal_TheLogIsSimpleLines()
    {
        var directory = Directory.CreateTempSubdirectory("scimbridge-tty-").FullName;
        var command = $"'{DotnetProcess.Host()}' '{typeof(Program).Assembly.Location}' --urls http://127.0.0.1:{DotnetProcess.FreePort()}";
        var info = new ProcessStartInfo(Script) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardInput = true, WorkingDirectory = directory };
        foreach (var argument in new[] { "-qec", command, "/dev/null" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var lines = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lines.Add(Escapes().Replace(line, ""));
                if (line.Contains("Now listening", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
        }

        Assert.Contains(lines, l => SimpleLine().IsMatch(l));
        Assert.DoesNotContain(lines, l => l.Contains("{\"Timestamp\"", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]")]
    private static partial Regex Escapes();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (info|warn): ")]
    private static partial Regex SimpleLine();
}

/// <summary>Skipped where <c>script</c> (util-linux), which gives the bridge a terminal, is missing.</summary>
public sealed class TerminalFactAttribute : FactAttribute
{
    public TerminalFactAttribute()
    {
        if (!File.Exists(ConsoleLogFormatTests.Script))
        {
            Skip = $"{ConsoleLogFormatTests.Script} (util-linux) is missing.";
        }
    }
}
