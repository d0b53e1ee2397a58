using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ScimBridge.Benchmarks;

/// <summary>
/// The real server, run as <c>dotnet ScimBridge.dll --urls http://127.0.0.1:PORT</c> with a token made by
/// <c>ScimBridge.dll token create</c> against the same database. Disposing kills it.
/// </summary>
internal sealed class ScimServer : IAsyncDisposable
{
    private const int TailLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Dictionary<string, LogEntry> _log = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private string? _pendingHeader;

    private ScimServer(Process process, Uri baseAddress, string token)
    {
        _process = process;
        BaseAddress = baseAddress;
        Token = token;
    }

    public Uri BaseAddress { get; }

    public string Token { get; }

    public int ProcessId => _process.Id;

    public static async Task<ScimServer> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        // The token command migrates the database first, so the server starts on a ready schema.
        var token = await CreateTokenAsync(dll, environment, ct);
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var process = Start(dll, ["--urls", $"http://127.0.0.1:{port}"], environment);
        var server = new ScimServer(process, baseAddress, token);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthyAsync(TimeSpan.FromSeconds(60), ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>CPU time the server process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Peak resident set size of the server process (VmHWM), in MiB; null when /proc cannot tell.</summary>
    public double? PeakRssMiB()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kib = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kib / 1024.0;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>Warning and error lines the server logged, by header (e.g. <c>fail: Category[id]</c>), with the first message.</summary>
    public IReadOnlyList<LogEntry> LogEntries()
    {
        lock (_lock)
        {
            return _log.Values.OrderByDescending(e => e.Count).ToList();
        }
    }

    public string Tail()
    {
        lock (_lock)
        {
            return string.Join(Environment.NewLine, _tail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            await Console.Error.WriteLineAsync($"warning: could not stop the server process {_process.Id}: {ex.Message}");
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitHealthyAsync(TimeSpan limit, CancellationToken ct)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} while starting:{Environment.NewLine}{Tail()}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("healthz", UriKind.Relative), ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"The server did not answer /healthz within {limit.TotalSeconds:0} s:{Environment.NewLine}{Tail()}");
            }

            await Task.Delay(100, ct);
        }
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

            // The console logger writes "warn: Category[id]" and then the message, indented, on the next line.
            if (line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal)
                || line.StartsWith("crit:", StringComparison.Ordinal))
            {
                if (_log.TryGetValue(line, out var entry))
                {
                    entry.Count++;
                    _pendingHeader = null;
                }
                else
                {
                    _log[line] = new LogEntry { Header = line, Count = 1 };
                    _pendingHeader = line;
                }
            }
            else if (_pendingHeader is not null)
            {
                _log[_pendingHeader].FirstMessage = line.Trim();
                _pendingHeader = null;
            }
        }
    }

    /// <summary>A new bearer token from the <c>token create</c> command (scope scim or admin), with a name of its own.</summary>
    public static async Task<string> CreateTokenAsync(string dll, IReadOnlyDictionary<string, string> environment, CancellationToken ct, string scope = "scim")
    {
        using var process = Start(dll, ["token", "create", "--name", $"bench-{Guid.NewGuid():N}", "--scope", scope], environment);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
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

    private static Process Start(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
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

    /// <summary>The dotnet host that runs this process (…/dotnet beside shared/Microsoft.NETCore.App/VERSION), else dotnet on PATH.</summary>
    private static string DotnetHost()
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

internal sealed class LogEntry
{
    public required string Header { get; init; }

    public int Count { get; set; }

    public string? FirstMessage { get; set; }
}

/// <summary>A fresh database for one run: a temporary SQLite file, or a new database on the PostgreSQL server.</summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly Func<Task> _cleanup;

    private BenchDatabase(string provider, string connectionString, string description, Func<Task> cleanup)
    {
        Provider = provider;
        Description = description;
        _cleanup = cleanup;
        ServerEnvironment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Database__Provider"] = provider,
            ["ConnectionStrings__ScimBridge"] = connectionString,
            ["Logging__LogLevel__Default"] = "Warning",
            // The warning count below reads the simple console format; the load is one client, not one to throttle.
            ["Logging__Console__FormatterName"] = "simple",
            ["Scim__RateLimit__RequestsPerSecond"] = "0",
        };
    }

    public string Provider { get; }

    public string Description { get; }

    public IReadOnlyDictionary<string, string> ServerEnvironment { get; }

    public static BenchDatabase Sqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), $"scimbridge-bench-{Guid.NewGuid():N}.db");
        return new BenchDatabase("Sqlite", $"Data Source={path}", path, () =>
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            {
                File.Delete(file);
            }

            return Task.CompletedTask;
        });
    }

    public static async Task<BenchDatabase> PostgresAsync(string serverConnectionString, CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false };
        var name = string.Create(CultureInfo.InvariantCulture, $"scimbridge_bench_{DateTime.UtcNow:yyyyMMddHHmmss}_{Random.Shared.Next(0x10000):x4}");
        await ExecuteAsync(admin.ConnectionString, $"CREATE DATABASE \"{name}\"", ct);
        var database = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name };
        return new BenchDatabase("Postgres", database.ConnectionString, $"{name} on {admin.Host}:{admin.Port}",
            () => ExecuteAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _cleanup();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NpgsqlException)
        {
            await Console.Error.WriteLineAsync($"warning: could not remove the benchmark database {Description}: {ex.Message}");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
