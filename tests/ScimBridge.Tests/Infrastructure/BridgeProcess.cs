using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace ScimBridge.Tests.Infrastructure;

/// <summary>
/// The real bridge as a separate process (<c>dotnet ScimBridge.dll --urls http://127.0.0.1:PORT</c>), for tests that
/// must kill it. The port and the environment stay fixed, so <see cref="StartAsync"/> after <see cref="Kill"/> brings
/// back the same bridge on the same database. Disposing kills it.
/// </summary>
public sealed class BridgeProcess : IAsyncDisposable
{
    private const int TailLines = 200;
    private readonly Dictionary<string, string> _environment;
    private readonly Queue<string> _tail = new();
    private readonly Lock _lock = new();
    private Process? _process;

    private BridgeProcess(Dictionary<string, string> environment, int port, string token)
    {
        _environment = environment;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Token = token;
    }

    public Uri BaseAddress { get; }

    /// <summary>An inbound SCIM token made by the bridge's own <c>token create</c>.</summary>
    public string Token { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Creates a token (which migrates the database) and starts the bridge, waiting for <c>/healthz</c>.</summary>
    public static async Task<BridgeProcess> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Database__Provider"] = database.Provider.ToString(),
            ["ConnectionStrings__ScimBridge"] = database.ConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var token = await CreateTokenAsync(environment);
        var bridge = new BridgeProcess(environment, FreePort(), token);
        try
        {
            await bridge.StartAsync();
            return bridge;
        }
        catch
        {
            await bridge.DisposeAsync();
            throw;
        }
    }

    /// <summary>(Re)starts the process on the same port and database and waits until it answers <c>/healthz</c>.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("The bridge is already running.");
        }

        _process?.Dispose();
        _process = Start(["--urls", BaseAddress.GetLeftPart(UriPartial.Authority)], _environment);
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitHealthyAsync(_process, TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly what a crash or an OOM kill does.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            OnLine("---- killed with SIGKILL by the test ----");
            process.Kill(entireProcessTree: false);
            if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                throw new InvalidOperationException($"The bridge (pid {process.Id}) did not exit after SIGKILL.");
            }
        }
    }

    public HttpClient CreateScimClient(int connections = 16)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = connections })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>The last lines the bridge wrote (both runs, if restarted), for failure messages.</summary>
    public string Tail()
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Nothing more to do: the process is gone or will not go; the test's result stands either way.
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    private async Task WaitHealthyAsync(Process process, TimeSpan limit)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.UntilAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The bridge exited with code {process.ExitCode} while starting:{Environment.NewLine}{Tail()}");
                }

                try
                {
                    using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative));
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            },
            "the bridge to answer /healthz",
            limit,
            TimeSpan.FromMilliseconds(50),
            explain: () => Task.FromResult<string?>(Environment.NewLine + Tail()));
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    private static async Task<string> CreateTokenAsync(IReadOnlyDictionary<string, string> environment)
    {
        using var process = Start(["token", "create", "--name", "bridge-process-test"], environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'token create' exited with code {process.ExitCode}:{Environment.NewLine}{output}{await stderr}");
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 ? lines[^1] : throw new InvalidOperationException("'token create' printed nothing.");
    }

    private static Process Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var dll = typeof(Program).Assembly.Location;
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
    }

    /// <summary>The dotnet host running this process (…/dotnet beside shared/Microsoft.NETCore.App/VERSION), else dotnet on PATH.</summary>
    internal static string DotnetHost()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        if (!string.IsNullOrEmpty(runtimeDirectory))
        {
            var host = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", "..", "dotnet"));
            if (File.Exists(host))
            {
                return host;
            }
        }

        return "dotnet";
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
