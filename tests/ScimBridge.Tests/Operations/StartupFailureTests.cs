using System.Net.Sockets;
using ScimBridge.Demo;
using ScimBridge.Operations;
using ScimBridge.Tests.Cli;

namespace ScimBridge.Tests.Operations;

/// <summary>
/// Bad configuration ends the bridge (or a command) with one line on standard error naming the key or the cause and
/// a non-zero exit code: no stack trace, unless logging is at Debug.
/// </summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scimbridge-startup-").FullName;

    public static TheoryData<string, string[]> BadSettings() => new()
    {
        { "Database:Provider", ["--Database:Provider", "Oracle"] },
        { "ConnectionStrings:ScimBridge", ["--ConnectionStrings:ScimBridge", "not a connection string"] },
        { "Monday:TenantUrl", ["--Monday:TenantUrl", "monday dot com", "--Monday:ScimToken", "x"] },
        { "Connection refused", ["--Database:Provider", "Postgres", "--ConnectionStrings:ScimBridge", $"Host=127.0.0.1;Port={ClosedPort()};Username=x;Database=x;Timeout=3"] },
    };

    [Theory, MemberData(nameof(BadSettings))]
    public async Task BadSetting_EndsTheServer_WithOneLineNamingIt(string named, string[] settings)
    {
        var result = await RunAsync(["--urls", $"http://127.0.0.1:{DotnetProcess.FreePort()}", .. settings]);

        AssertOneLine(result, named);
    }

    [Fact]
    public async Task PortInUse_EndsTheServer_WithOneLineNamingTheAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await RunAsync(["--urls", $"http://127.0.0.1:{port}"]);

        AssertOneLine(result, $"127.0.0.1:{port}");
        Assert.Contains("in use", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoSimulatorPortInUse_EndsTheDemo_WithOneLineNamingTheAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var result = await BridgeCommand.RunAssemblyAsync(typeof(DemoMode).Assembly.Location, _directory, Information, null, TimeSpan.FromSeconds(90),
            "--urls", $"http://127.0.0.1:{DotnetProcess.FreePort()}", "--demo-monday-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        AssertOneLine(result, $"127.0.0.1:{port}");
    }

    [Fact]
    public async Task Demo_OnTheServer_SaysInOneLineHowToStartTheDemoHost()
    {
        var result = await RunAsync(["--demo", "--urls", $"http://127.0.0.1:{DotnetProcess.FreePort()}"]);

        AssertOneLine(result, BridgeServer.DemoCommand);
        Assert.Equal(StartupFailure.ExitCode, result.ExitCode);
    }

    [Fact]
    public async Task BadSetting_EndsACommand_WithOneLineNamingIt()
    {
        var result = await RunAsync(["token", "list", "--Database:Provider", "Oracle"]);

        AssertOneLine(result, "Database:Provider");
    }

    [Fact]
    public async Task AtDebug_TheStackTraceFollows()
    {
        var result = await RunAsync(["--Database:Provider", "Oracle", "--Logging:LogLevel:Default", "Debug"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.StartsWith("ScimBridge could not start: Database:Provider", result.Error, StringComparison.Ordinal);
        Assert.Contains("   at ", result.Error, StringComparison.Ordinal);
    }

    private static readonly Dictionary<string, string> Information = new() { ["Logging__LogLevel__Default"] = "Information" };

    private Task<CommandResult> RunAsync(string[] args) =>
        BridgeCommand.RunAsync(_directory, Information, null, TimeSpan.FromSeconds(90), args);

    private static void AssertOneLine(CommandResult result, string named)
    {
        Assert.True(result.ExitCode is not 0 and not 134, result.ToString());
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("ScimBridge could not start: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(named, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Output + result.Error, StringComparison.Ordinal);
    }

    private static int ClosedPort() => DotnetProcess.FreePort();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
