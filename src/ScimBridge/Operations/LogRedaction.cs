using System.Collections;
using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ScimBridge.Operations;

/// <summary>
/// Masks secrets in log text: bearer tokens (ours are <c>scb_…</c>), JWTs, Authorization header values, tokens in
/// query strings and in answer-link or webhook paths, the values in a query string's SCIM filter, passwords in connection strings, and the configured secret values themselves (monday tokens, JWT
/// signing keys, connection-string passwords), whichever provider or formatter the log goes to.
/// </summary>
public sealed partial class LogRedactor : IDisposable
{
    public const string Mask = "***";
    private const int ShortestKnownSecret = 4;
    private static readonly string[] SecretKeySuffixes = ["Token", "Secret", "Password", "ApiKey", "ClientSecret"];

    private readonly IConfiguration _configuration;
    private readonly IDisposable? _reload;
    private string[] _known;

    public LogRedactor(IConfiguration configuration)
    {
        _configuration = configuration;
        _known = KnownSecrets(configuration);
        _reload = ChangeToken.OnChange(configuration.GetReloadToken, () => _known = KnownSecrets(_configuration));
    }

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in _known)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        text = ScimToken().Replace(text, "scb_" + Mask);
        text = Jwt().Replace(text, Mask);
        text = BearerOrAuthorization().Replace(text, m => m.Groups["prefix"].Value + Mask);
        text = QueryToken().Replace(text, m => m.Groups["prefix"].Value + Mask);
        text = SecretPath().Replace(text, m => m.Groups["prefix"].Value + Mask);
        text = QueryFilter().Replace(text, m => m.Groups["prefix"].Value + FilterLiteral().Replace(m.Groups["value"].Value, MaskLiteral));
        return PasswordAssignment().Replace(text, m => m.Groups["prefix"].Value + Mask);
    }

    /// <summary>Configured values that are secret wherever they appear, longest first so none is half-masked.</summary>
    private static string[] KnownSecrets(IConfiguration configuration)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            var name = key.Split(':')[^1];
            if (SecretKeySuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase))
                || key.StartsWith("Auth:Jwt:SigningKeys:", StringComparison.OrdinalIgnoreCase))
            {
                secrets.Add(value.Trim());
            }
            else if (key.StartsWith("ConnectionStrings:", StringComparison.OrdinalIgnoreCase))
            {
                secrets.UnionWith(ConnectionStringPasswords(value));
            }
        }

        return [.. secrets.Where(s => s.Length >= ShortestKnownSecret).OrderByDescending(s => s.Length)];
    }

    private static IEnumerable<string> ConnectionStringPasswords(string connectionString)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            yield break;
        }

        foreach (var key in new[] { "Password", "Pwd" })
        {
            if (builder.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } password)
            {
                yield return password;
            }
        }
    }

    public void Dispose() => _reload?.Dispose();

    [GeneratedRegex("scb_[A-Za-z0-9_-]+")]
    private static partial Regex ScimToken();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    // "Bearer x", "Basic x" and any Authorization header value, in header dumps, JSON or key=value form.
    [GeneratedRegex(@"(?<prefix>\b(?:Bearer|Basic)\s+)(?!\*\*\*)[^\s,;""']+|(?<prefix>\bAuthorization[""']?\s*[:=]\s*[""']?)(?!\*\*\*)[^""'\r\n,;]+", RegexOptions.IgnoreCase)]
    private static partial Regex BearerOrAuthorization();

    [GeneratedRegex(@"(?<prefix>[?&](?:access_token|refresh_token|token|api_key|apikey|key|secret|password|client_secret|code|code_verifier)=)[^&\s""'#]*", RegexOptions.IgnoreCase)]
    private static partial Regex QueryToken();

    // A SCIM filter in a URL: its string literals are userNames and e-mail addresses. Encoded (as ASP.NET Core and
    // HttpClient log it) or not; the attribute and operator stay, as in the provisioning log.
    // Reclamation's signed answer links, and incoming-webhook URLs (Slack, Teams), carry their secret in the path.
    [GeneratedRegex(@"(?<prefix>/reclaim/answer/|hooks\.slack\.com/(?:services|workflows|triggers)/|\.webhook\.office\.com/|/webhookb2/|/workflows/)[^\s""'<>?#]+", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPath();

    [GeneratedRegex(@"(?<prefix>[?&]filter=)(?<value>[^&#\r\n]*)", RegexOptions.IgnoreCase)]
    private static partial Regex QueryFilter();

    [GeneratedRegex(@"%22(?:%5C(?:%[0-9A-F]{2}|.)|(?!%22).)*(?:%22|$)|""(?:\\.|[^""\\])*(?:""|$)", RegexOptions.IgnoreCase)]
    private static partial Regex FilterLiteral();

    private static string MaskLiteral(Match literal) => literal.Value[0] == '%' ? "%22" + Mask + "%22" : "\"" + Mask + "\"";

    // Connection strings (Password=x;) and JSON ("password": "x").
    [GeneratedRegex(@"(?<prefix>\b(?:password|pwd|passwd)\s*=\s*)[^;'""\s]*|(?<prefix>""(?:password|pwd|secret|token|scimToken|apiToken)""\s*:\s*"")[^""]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordAssignment();
}

/// <summary>
/// Wraps the logger factory so every logger, whatever providers are added later, hands only redacted text on:
/// the message, each state value, scopes and exception text.
/// </summary>
internal sealed class RedactingLoggerFactory(ILoggerFactory inner, LogRedactor redactor) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<LogRedactor>();
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(
            new LoggerFactory(
                sp.GetServices<ILoggerProvider>(),
                sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                sp.GetService<IOptions<LoggerFactoryOptions>>(),
                sp.GetService<Microsoft.Extensions.Logging.IExternalScopeProvider>()),
            sp.GetRequiredService<LogRedactor>())));
    }
}

internal sealed class RedactingLogger(ILogger inner, LogRedactor redactor) : ILogger
{
    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
        state switch
        {
            string text => inner.BeginScope(redactor.Redact(text)),
            IReadOnlyList<KeyValuePair<string, object?>> values => inner.BeginScope(new RedactedState(values, redactor)),
            IEnumerable<KeyValuePair<string, object?>> values => inner.BeginScope(new RedactedState([.. values], redactor)),
            _ => inner.BeginScope(new RedactedObject(state, redactor)),
        };

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var message = redactor.Redact(formatter(state, exception));
        var redactedException = Redact(exception);
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            inner.Log(logLevel, eventId, new RedactedState(values, redactor, message), redactedException, static (s, _) => s.ToString());
        }
        else
        {
            inner.Log(logLevel, eventId, message, redactedException, static (s, _) => s);
        }
    }

    private Exception? Redact(Exception? exception)
    {
        if (exception is null)
        {
            return null;
        }

        var text = exception.ToString();
        var redacted = redactor.Redact(text);
        return ReferenceEquals(text, redacted) || text == redacted ? exception : new RedactedException(exception, redactor.Redact(exception.Message), redacted);
    }
}

/// <summary>Structured log state with every value redacted, computed when a formatter reads it.</summary>
internal sealed class RedactedState(IReadOnlyList<KeyValuePair<string, object?>> inner, LogRedactor redactor, string? message = null)
    : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => inner.Count;

    public KeyValuePair<string, object?> this[int index]
    {
        get
        {
            var (key, value) = inner[index];
            return new(key, RedactValue(value, redactor));
        }
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < inner.Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => message ?? redactor.Redact(inner.ToString() ?? "");

    internal static object? RedactValue(object? value, LogRedactor redactor) => value switch
    {
        null => null,
        string text => redactor.Redact(text),
        bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal
            or DateTime or DateTimeOffset or TimeSpan or Guid or Enum => value,
        IEnumerable<KeyValuePair<string, object?>> => value,
        _ => RedactedText(value, redactor),
    };

    private static object? RedactedText(object value, LogRedactor redactor)
    {
        var text = value.ToString();
        if (text is null)
        {
            return value;
        }

        var redacted = redactor.Redact(text);
        return text == redacted ? value : redacted;
    }
}

internal sealed class RedactedObject(object inner, LogRedactor redactor)
{
    public override string ToString() => redactor.Redact(inner.ToString() ?? "");
}

/// <summary>Stands in for an exception whose text held a secret (a connection string in a message, say).</summary>
internal sealed class RedactedException(Exception inner, string message, string text) : Exception(message)
{
    public Type OriginalType { get; } = inner.GetType();

    public override string? StackTrace => null;

    public override string ToString() => text;
}
