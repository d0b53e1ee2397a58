using System.Diagnostics;
using System.Net.Http.Headers;

namespace ScimBridge.Tests.Infrastructure;

/// <summary>
/// The real bridge as a separate process (<c>dotnet ScimBridge.dll --urls http://127.0.0.1:PORT</c>), for tests that
/// must kill it. The port and the environment stay fixed, so <see cref="StartAsync"/> after <see cref="Kill"/> brings
/// back the same bridge on the same database. Disposing kills it.
/// </summary>
public sealed class BridgeProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly OutputTail _tail = new();
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

        var token = await DotnetProcess.CreateTokenAsync(Dll, environment, ["--name", "bridge-process-test"]);
        var bridge = new BridgeProcess(environment, DotnetProcess.FreePort(), token);
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
        _process = DotnetProcess.StartReading(DotnetProcess.Info(Dll, ["--urls", BaseAddress.GetLeftPart(UriPartial.Authority)], _environment), _tail.Add);
        await DotnetProcess.WaitHealthyAsync(_process, BaseAddress, TimeSpan.FromSeconds(60), Tail);
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly what a crash or an OOM kill does.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            _tail.Add("---- killed with SIGKILL by the test ----");
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
    public string Tail() => _tail.ToString();

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        // Whether it stopped or not, the test's result stands.
        _ = await DotnetProcess.StopAsync(_process, entireProcessTree: false);
        _process.Dispose();
        _process = null;
    }

    private static string Dll => typeof(Program).Assembly.Location;
}
