using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ScimBridge.Testing;

/// <summary>One of the repository's apps as a child process, <c>dotnet App.dll ...</c>, as an operator runs it.</summary>
public static class DotnetProcess
{
    /// <summary>The dotnet host running this process (…/dotnet beside shared/Microsoft.NETCore.App/VERSION), else dotnet on PATH.</summary>
    public static string Host()
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

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary><c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c> with both output streams redirected.</summary>
    /// <param name="workingDirectory">By default the dll's directory, so that it finds its appsettings.json.</param>
    public static ProcessStartInfo Info(
        string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(Host())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public static Process Start(ProcessStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
    }

    /// <summary>Feeds every line the process writes, on both streams, to <paramref name="onLine"/>.</summary>
    public static Process StartReading(ProcessStartInfo info, Action<string> onLine)
    {
        var process = Start(info);
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Read(string? line)
        {
            if (line is not null)
            {
                onLine(line);
            }
        }
    }

    /// <summary>
    /// A new bearer token from the bridge's <c>token create</c> command (which migrates the database first), the last
    /// line it prints.
    /// </summary>
    public static async Task<string> CreateTokenAsync(
        string dll, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments, CancellationToken ct = default)
    {
        using var process = Start(Info(dll, ["token", "create", .. arguments], environment));
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'token create' exited with code {process.ExitCode}:{Environment.NewLine}{output}{await stderr.ConfigureAwait(false)}");
        }

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 0 ? lines[^1] : throw new InvalidOperationException("'token create' printed nothing.");
    }

    /// <summary>Polls <c>/healthz</c> until it answers 200; fails at once, with the process's last lines, if it exits.</summary>
    public static async Task WaitHealthyAsync(Process process, Uri baseAddress, TimeSpan limit, Func<string> tail, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(tail);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.UntilAsync(
            async () =>
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"The process exited with code {process.ExitCode} while starting:{Environment.NewLine}{tail()}");
                }

                try
                {
                    using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative), ct).ConfigureAwait(false);
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
                {
                    return false;
                }
            },
            $"{baseAddress}healthz to answer",
            limit,
            TimeSpan.FromMilliseconds(50),
            explain: () => Task.FromResult<string?>(Environment.NewLine + tail())).ConfigureAwait(false);
    }

    /// <summary>Kills the process (if it still runs) and waits for it; what went wrong, or null.</summary>
    public static async Task<string?> StopAsync(Process process, bool entireProcessTree)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            return ex.Message;
        }
    }
}

/// <summary>The last lines a process wrote, for failure messages; safe to add to from the output readers.</summary>
public sealed class OutputTail(int lines = 200)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            while (_lines.Count > lines)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }
}
