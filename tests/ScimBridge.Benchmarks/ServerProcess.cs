using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ScimBridge.Data;

namespace ScimBridge.Benchmarks;

/// <summary>
/// The real server, run as <c>dotnet ScimBridge.dll --urls http://127.0.0.1:PORT</c> with a token made by
/// <c>ScimBridge.dll token create</c> against the same database. Disposing kills it.
/// </summary>
internal sealed class ScimServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly OutputTail _tail = new();
    private readonly Dictionary<string, LogEntry> _log = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private string? _pendingHeader;

    private ScimServer(string dll, IReadOnlyDictionary<string, string> environment, int port, string token)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Token = token;
        _process = DotnetProcess.StartReading(DotnetProcess.Info(dll, ["--urls", $"http://127.0.0.1:{port}"], environment), OnLine);
    }

    public Uri BaseAddress { get; }

    public string Token { get; }

    public int ProcessId => _process.Id;

    public static async Task<ScimServer> StartAsync(string dll, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        // The token command migrates the database first, so the server starts on a ready schema.
        var token = await CreateTokenAsync(dll, environment, ct);
        var server = new ScimServer(dll, environment, DotnetProcess.FreePort(), token);
        try
        {
            await DotnetProcess.WaitHealthyAsync(server._process, server.BaseAddress, TimeSpan.FromSeconds(60), server.Tail, ct);
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

    public string Tail() => _tail.ToString();

    public async ValueTask DisposeAsync()
    {
        if (await DotnetProcess.StopAsync(_process, entireProcessTree: true) is { } error)
        {
            await Console.Error.WriteLineAsync($"warning: could not stop the server process {_process.Id}: {error}");
        }

        _process.Dispose();
    }

    private void OnLine(string line)
    {
        _tail.Add(line);
        lock (_lock)
        {

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
    public static Task<string> CreateTokenAsync(string dll, IReadOnlyDictionary<string, string> environment, CancellationToken ct, string scope = "scim") =>
        DotnetProcess.CreateTokenAsync(dll, environment, ["--name", $"bench-{Guid.NewGuid():N}", "--scope", scope], ct);
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

    /// <summary>The bridge's store as the server in <paramref name="environment"/> sees it, reached directly to seed and watch.</summary>
    public static ServiceProvider Store(IReadOnlyDictionary<string, string> environment)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddScimBridgeDatabase(configuration);
        return services.BuildServiceProvider();
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
