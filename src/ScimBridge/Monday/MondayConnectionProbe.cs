using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json.Nodes;

namespace ScimBridge.Monday;

/// <summary>Why a Test connection failed, in words an admin can act on.</summary>
public static class ConnectionCauses
{
    public const string Ok = "Ok";
    public const string ConnectionRefused = "ConnectionRefused";
    public const string NameNotResolved = "NameNotResolved";
    public const string Tls = "Tls";
    public const string Timeout = "Timeout";
    public const string TokenRefused = "TokenRefused";
    public const string NotFound = "NotFound";
    public const string RateLimited = "RateLimited";
    public const string ServerError = "ServerError";
    public const string NotScim = "NotScim";
    public const string Refused = "Refused";
    public const string Network = "Network";

    /// <summary>What kept an HTTP exchange from happening: the Test connection and the push's log say it alike.</summary>
    public static string Of(HttpRequestException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var socket = Find<SocketException>(e);
        return e.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => NameNotResolved,
            HttpRequestError.SecureConnectionError => Tls,
            _ when socket?.SocketErrorCode == SocketError.ConnectionRefused => ConnectionRefused,
            _ when socket?.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData => NameNotResolved,
            _ when Find<AuthenticationException>(e) is not null => Tls,
            _ => Network,
        };
    }

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }
        return null;
    }
}

/// <summary>One Test connection attempt: what was tried, what came back, and why it failed if it did.</summary>
public sealed record ConnectionProbeResult(bool Success, int Status, string Cause, string Message, string Url, double DurationMs, string? BodyExcerpt);

/// <summary>
/// Test connection's own request: one authenticated read of the Tenant URL, sent straight (no retries, no circuit
/// breaker, no pace, no quarantine), so it tells the real cause of a failure instead of "the circuit is open".
/// </summary>
public sealed class MondayConnectionProbe(IHttpMessageHandlerFactory handlers)
{
    /// <summary>Not the typed client's name: that one's handlers are the push's pipeline.</summary>
    public const string HttpClientName = nameof(MondayConnectionProbe);

    public async Task<ConnectionProbeResult> ProbeAsync(MondayOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tenant = options.TenantUrl ?? throw new InvalidOperationException("Monday:TenantUrl is not configured.");
        var url = new Uri(new Uri(tenant.EndsWith('/') ? tenant : tenant + "/"), "Users?startIndex=1&count=1");
        var shown = url.GetLeftPart(UriPartial.Path) + url.Query;
        var timeout = TimeSpan.FromSeconds(Math.Max(1, options.AttemptTimeoutSeconds));
        using var http = new HttpClient(handlers.CreateHandler(HttpClientName), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ScimToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/scim+json"));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        double Elapsed() => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            var status = (int)response.StatusCode;
            var excerpt = MondayScimClient.Excerpt(body);
            var (success, cause, message) = status switch
            {
                >= 200 and < 300 when IsScimList(body) => (true, ConnectionCauses.Ok, $"monday.com accepted the token and answered at {shown}."),
                >= 200 and < 300 => (false, ConnectionCauses.NotScim,
                    $"{shown} answered {status}, but not with a SCIM list of users: the Tenant URL does not point at monday.com's SCIM API. It must be https://<account>.monday.com/scim/v2/."),
                401 or 403 => (false, ConnectionCauses.TokenRefused,
                    $"Token refused: monday.com answered {status} at {shown}. The Secret Token is wrong, expired or revoked: generate a new one in monday.com ({MondayOptions.ScimTokenMenuPath} > Generate) and save it here."),
                404 => (false, ConnectionCauses.NotFound,
                    $"Not found: {shown} answered 404, so the Tenant URL's path is wrong. It must be https://<account>.monday.com/scim/v2/ (your account's address, ending in /scim/v2/)."),
                429 => (false, ConnectionCauses.RateLimited, $"monday.com answered 429 (too many requests) at {shown}: it is rate limiting this account. Try again in a minute."),
                >= 500 => (false, ConnectionCauses.ServerError, $"monday.com answered {status} (a server error) at {shown}: try again later; check monday.com's status page if it persists."),
                _ => (false, ConnectionCauses.Refused, $"monday.com answered {status} at {shown}: {Detail(body) ?? response.ReasonPhrase}"),
            };
            return new ConnectionProbeResult(success, status, cause, message, shown, Elapsed(), excerpt);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(ConnectionCauses.Timeout, $"Timeout: {url.Host} did not answer within {timeout.TotalSeconds:0} seconds (Monday:AttemptTimeoutSeconds) at {shown}. A firewall may be dropping the connection, or the host is down.");
        }
        catch (HttpRequestException e)
        {
            return ConnectionCauses.Of(e) switch
            {
                ConnectionCauses.NameNotResolved => Failed(ConnectionCauses.NameNotResolved,
                    $"Name not resolved: the host name {url.Host} could not be found in DNS (tried {shown}). Check the account name in the Tenant URL."),
                ConnectionCauses.Tls => Failed(ConnectionCauses.Tls,
                    $"TLS failure: the secure connection to {url.Host}:{url.Port} could not be set up (tried {shown}): {Innermost(e)}. Check that the address serves https, and that its certificate is valid and trusted."),
                ConnectionCauses.ConnectionRefused => Failed(ConnectionCauses.ConnectionRefused,
                    $"Connection refused: nothing accepts connections at {url.Host}:{url.Port} (tried {shown}). Check the host and port in the Tenant URL."),
                _ => Failed(ConnectionCauses.Network, $"monday.com could not be reached at {shown}: {Innermost(e)}"),
            };
        }

        ConnectionProbeResult Failed(string cause, string message) => new(false, 0, cause, message, shown, Elapsed(), null);
    }

    private static bool IsScimList(string body) =>
        MondayScimClient.ParseObject(body) is { } json && (json["Resources"] is JsonArray || json["totalResults"] is JsonValue);

    private static string? Detail(string body) => MondayScimClient.ParseObject(body)?["detail"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e.Message;
    }
}
