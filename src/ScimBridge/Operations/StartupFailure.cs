using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;

namespace ScimBridge.Operations;

/// <summary>
/// A bridge or command that cannot start (bad setting, unreachable database, port in use) ends with one line on
/// standard error naming the key or the cause, and exit code 1; the stack trace follows only when logging is at Debug.
/// </summary>
public static partial class StartupFailure
{
    public const int ExitCode = 1;
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";
    private const string ConnectionCategory = "Microsoft.EntityFrameworkCore.Database.Connection";
    private static volatile bool _starting = true;
    private static IConfiguration? _configuration;

    /// <summary>
    /// True for a failure before the bridge listens, in its own process (the server's, or a host's that composes it
    /// such as the demo's): under a test host the exception must reach the test.
    /// </summary>
    public static bool Handles(Exception exception) =>
        _starting && exception is not HostAbortedException && Assembly.GetEntryAssembly() is { } entry
        && (entry == Bridge || entry.GetReferencedAssemblies().Any(a => a.Name == Bridge.GetName().Name));

    private static Assembly Bridge => typeof(StartupFailure).Assembly;

    /// <summary>
    /// Stops what had started before the failure (the background workers) and only then disposes the app: disposed
    /// under a running worker, the services would fail it with errors that bury the one line.
    /// </summary>
    public static async Task StopAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The start failed part-way: what cannot stop cleanly is disposed below all the same.
        }
        await app.DisposeAsync();
    }

    /// <summary>From here on a failure is the running bridge's, logged as usual.</summary>
    public static void Started() => _starting = false;

    /// <summary>While starting, the host's and EF's error logs would repeat the failure with its stack trace.</summary>
    public static void AddLogFilter(WebApplicationBuilder builder)
    {
        _configuration = builder.Configuration;
        var debug = IsDebug(builder.Configuration);
        var efLevel = Level(builder.Configuration, "Microsoft.EntityFrameworkCore") ?? LogLevel.Warning;
        builder.Logging.AddFilter(HostCategory, level => (debug || level >= LogLevel.Information) && (debug || !_starting || level < LogLevel.Error));
        builder.Logging.AddFilter(ConnectionCategory, level => level >= efLevel && (debug || !_starting || level < LogLevel.Error));
    }

    public static async Task<int> ReportAsync(Exception exception)
    {
        var configuration = _configuration;
        await Console.Error.WriteLineAsync("ScimBridge could not start: " + Describe(exception, configuration));
        if (configuration is not null && IsDebug(configuration))
        {
            await Console.Error.WriteLineAsync(exception.ToString());
        }

        return ExitCode;
    }

    /// <summary>One line: the key or the cause, never a connection string (it may hold a password).</summary>
    public static string Describe(Exception exception, IConfiguration? configuration)
    {
        if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count > 0)
        {
            return string.Join("; ", aggregate.InnerExceptions.Select(e => Describe(e, configuration)));
        }

        if (ConversionFailure().Match(exception.Message) is { Success: true } conversion)
        {
            var type = typeof(StartupFailure).Assembly.GetType(conversion.Groups["type"].Value);
            var allowed = type is { IsEnum: true } ? $"; use {string.Join(" or ", Enum.GetNames(type))}" : "";
            return $"{conversion.Groups["key"].Value} '{conversion.Groups["value"].Value}' is not valid{allowed}.";
        }

        if (Chain(exception).OfType<DbException>().FirstOrDefault() is { } database)
        {
            var provider = configuration?["Database:Provider"] ?? "Sqlite";
            return $"cannot open the database (Database:Provider {provider}, ConnectionStrings:ScimBridge): {Messages(database)}";
        }

        if (exception is ArgumentException && exception.StackTrace?.Contains("ConnectionString", StringComparison.Ordinal) == true)
        {
            return $"ConnectionStrings:ScimBridge is not a valid connection string: {Messages(exception)}";
        }

        return Messages(exception);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>The messages of the exception and its causes, each once (a cause often repeats its wrapper's words).</summary>
    private static string Messages(Exception exception)
    {
        var parts = new List<string>();
        foreach (var e in Chain(exception))
        {
            var message = e.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');
            var wrapper = e is InvalidOperationException && e.InnerException is not null && message.Contains("transient failure", StringComparison.Ordinal);
            if (!wrapper && message.Length > 0 && !parts.Any(p => p.Contains(message, StringComparison.OrdinalIgnoreCase)))
            {
                parts.Add(message);
            }
        }

        return string.Join(": ", parts) + ".";
    }

    private static bool IsDebug(IConfiguration configuration) => Level(configuration, "Default") is <= LogLevel.Debug;

    private static LogLevel? Level(IConfiguration configuration, string category) =>
        Enum.TryParse<LogLevel>(configuration[$"Logging:LogLevel:{category}"], ignoreCase: true, out var level) ? level : null;

    [GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}
