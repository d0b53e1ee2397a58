using System.Diagnostics;
using System.Text.RegularExpressions;
using ScimBridge.Demo;

namespace ScimBridge.Tests.Demo;

/// <summary>
/// <c>dotnet ScimBridge.Demo.dll --urls http://127.0.0.1:PORT</c> (the demo host) in a fresh temporary working directory, with what
/// its banner printed. Disposing kills it and removes the directory.
/// </summary>
public sealed class DemoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly OutputTail _tail = new();
    private readonly List<string> _banner = [];
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource _bannerPrinted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private bool _inBanner;

    private DemoProcess(Process process, string directory, Uri listeningUrl)
    {
        _process = process;
        _directory = directory;
        ListeningUrl = listeningUrl;
    }

    /// <summary>What <c>--urls</c> was given.</summary>
    public Uri ListeningUrl { get; }

    public string WorkingDirectory => _directory;

    public Uri TenantUrl { get; private set; } = null!;

    public string Token { get; private set; } = "";

    public Uri SimulatorUrl { get; private set; } = null!;

    public string SimulatorToken { get; private set; } = "";

    /// <summary>The console and the demo admin the banner printed.</summary>
    public Uri ConsoleUrl { get; private set; } = null!;

    public string AdminUserName { get; private set; } = "";

    public string AdminPassword { get; private set; } = "";

    /// <summary>Everything the process wrote so far, both streams.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_lock)
            {
                return [.. _output];
            }
        }
    }

    public string Banner
    {
        get
        {
            lock (_lock)
            {
                return string.Join(Environment.NewLine, _banner);
            }
        }
    }

    /// <param name="directory">The working directory (removed on dispose); a fresh one when null.</param>
    /// <param name="args">More arguments, e.g. settings.</param>
    public static async Task<DemoProcess> StartAsync(string? directory = null, params string[] args)
    {
        directory ??= Directory.CreateTempSubdirectory("scimbridge-demo-").FullName;
        var url = new Uri($"http://127.0.0.1:{DotnetProcess.FreePort()}");
        var process = DotnetProcess.Start(
            DotnetProcess.Info(typeof(DemoMode).Assembly.Location, ["--urls", url.ToString().TrimEnd('/'), .. args], workingDirectory: directory));
        var demo = new DemoProcess(process, directory, url);
        process.OutputDataReceived += (_, e) => demo.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => demo.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await demo.WaitForBannerAsync(TimeSpan.FromSeconds(60));
            return demo;
        }
        catch
        {
            await demo.DisposeAsync();
            throw;
        }
    }

    public string Tail() => _tail.ToString();

    public async ValueTask DisposeAsync()
    {
        _ = await DotnetProcess.StopAsync(_process, entireProcessTree: true);
        _process.Dispose();

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private async Task WaitForBannerAsync(TimeSpan limit)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_bannerPrinted.Task, exited, Task.Delay(limit));
        if (first == exited)
        {
            // Let the output readers drain before reporting what the process said.
            await Task.WhenAny(_bannerPrinted.Task, Task.Delay(500));
            throw new InvalidOperationException($"The demo exited with code {_process.ExitCode} before its banner:{Environment.NewLine}{Tail()}");
        }

        if (first != _bannerPrinted.Task)
        {
            throw new TimeoutException($"The demo printed no banner within {limit.TotalSeconds:0} s:{Environment.NewLine}{Tail()}");
        }

        var banner = Banner;
        TenantUrl = new Uri(Value(banner, DemoBanner.TenantUrlLabel));
        Token = Value(banner, DemoBanner.SecretTokenLabel);
        SimulatorUrl = new Uri(Value(banner, DemoBanner.SimulatorUrlLabel));
        SimulatorToken = Value(banner, DemoBanner.SimulatorTokenLabel);
        ConsoleUrl = new Uri(Value(banner, DemoBanner.ConsoleUrlLabel));
        AdminUserName = Value(banner, DemoBanner.AdminUserLabel);
        AdminPassword = Value(banner, DemoBanner.AdminPasswordLabel);
    }

    private static string Value(string banner, string label)
    {
        var match = Regex.Match(banner, "^\\s*" + Regex.Escape(label) + "\\s+(\\S+)\\s*$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : throw new InvalidOperationException($"No '{label}' line in the banner:{Environment.NewLine}{banner}");
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _output.Add(line);
            _tail.Add(line);

            if (line.Contains("ScimBridge demo", StringComparison.Ordinal))
            {
                _inBanner = true;
            }

            if (_inBanner)
            {
                _banner.Add(line);
                if (line == DemoBanner.EndLine)
                {
                    _inBanner = false;
                    _bannerPrinted.TrySetResult();
                }
            }
        }
    }
}
