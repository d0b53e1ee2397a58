using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;

namespace ScimBridge.Reclamation;

/// <summary>What a signed link answers: the user's keep or give-up, the manager's approve-keep or reclaim.</summary>
public static class AnswerKinds
{
    public const string Keep = "keep";
    public const string GiveUp = "give-up";
    public const string ApproveKeep = "approve-keep";
    public const string Reclaim = "reclaim";
}

/// <summary>Whom a link was sent to; a link only works for the answers of its audience.</summary>
public static class AnswerAudiences
{
    public const string User = "user";
    public const string Manager = "manager";

    public static bool Allows(string audience, string answer) => audience switch
    {
        User => answer is AnswerKinds.Keep or AnswerKinds.GiveUp,
        Manager => answer is AnswerKinds.ApproveKeep or AnswerKinds.Reclaim,
        _ => false,
    };
}

/// <summary>A link's content once its signature and expiry were checked.</summary>
public sealed record AnswerToken(long CandidateId, string Answer, string Audience, string? ApproverUserId, DateTimeOffset ExpiresAt);

/// <summary>
/// The keep / give-up links in notices. The token is the capability: Data Protection (keys shared by every instance)
/// signs and encrypts the candidate, the answer, the audience and a nonce, valid <c>Reclamation:LinkValidityDays</c>.
/// The endpoints are anonymous and outside /admin; GET only shows what the link will do (chat unfurlers and mail
/// scanners open links), the page's one button POSTs the answer.
/// </summary>
public sealed class AnswerLinks(IDataProtectionProvider protection, IOptionsMonitor<ReclamationOptions> options, TimeProvider time)
{
    public const string Purpose = "ScimBridge.Reclamation.Answer.v1";
    public const string Path = "/reclaim/answer";

    private readonly ITimeLimitedDataProtector _protector = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <summary>A signed token; <paramref name="approverUserId"/> ties a manager's link to the approver it was sent to.</summary>
    public string Token(long candidateId, string answer, string audience, string? approverUserId = null)
    {
        var expires = time.GetUtcNow().AddDays(options.CurrentValue.LinkValidityDays);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var payload = string.Join('\n', candidateId.ToString(CultureInfo.InvariantCulture), answer, audience, approverUserId ?? "",
            expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), nonce);
        return _protector.Protect(payload, expires);
    }

    /// <summary>The link for a token, or null when <c>Reclamation:PublicUrl</c> is not set.</summary>
    public string? Url(string token) =>
        string.IsNullOrWhiteSpace(options.CurrentValue.PublicUrl) ? null : $"{options.CurrentValue.PublicUrl.TrimEnd('/')}{Path}/{token}";

    /// <summary>The token's content; null when it was tampered with, has expired (on this clock too) or makes no sense.</summary>
    public AnswerToken? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            return null;
        }
        string payload;
        try
        {
            payload = _protector.Unprotect(token, out _);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = payload.Split('\n');
        if (parts.Length != 6
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expiresSeconds)
            || !AnswerAudiences.Allows(parts[2], parts[1]))
        {
            return null;
        }
        var expires = DateTimeOffset.FromUnixTimeSeconds(expiresSeconds);
        if (expires <= time.GetUtcNow())
        {
            return null;
        }
        return new AnswerToken(id, parts[1], parts[2], parts[3].Length == 0 ? null : parts[3], expires);
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        var links = app.MapGroup(Path).AllowAnonymous().ExcludeFromDescription().DisableAntiforgery();
        links.MapGet("/{token}", ShowAsync);
        links.MapPost("/{token}", ApplyAsync);
    }

    private static async Task<IResult> ShowAsync(string token, HttpContext http, AnswerLinks links, ReclaimAnswers answers, AnswerThrottle throttle)
    {
        if (!throttle.TryEnter(http))
        {
            return Page(http, StatusCodes.Status429TooManyRequests, "Too many requests", "Too many requests from this address: wait a minute and try again.");
        }
        var read = links.Read(token);
        var outcome = read is null ? null : await answers.DescribeAsync(read, http.RequestAborted);
        if (outcome is null)
        {
            return Invalid(http);
        }
        return outcome.Status == AnswerStatus.Pending
            ? Page(http, StatusCodes.Status200OK, outcome.Title, outcome.Message, outcome.Button)
            : Page(http, StatusCodes.Status200OK, outcome.Title, outcome.Message);
    }

    private static async Task<IResult> ApplyAsync(string token, HttpContext http, AnswerLinks links, ReclaimAnswers answers, AnswerThrottle throttle)
    {
        if (!throttle.TryEnter(http))
        {
            return Page(http, StatusCodes.Status429TooManyRequests, "Too many requests", "Too many requests from this address: wait a minute and try again.");
        }
        var read = links.Read(token);
        var outcome = read is null ? null : await answers.ApplyAsync(read, http.RequestAborted);
        return outcome is null ? Invalid(http) : Page(http, StatusCodes.Status200OK, outcome.Title, outcome.Message);
    }

    private static IResult Invalid(HttpContext http) =>
        Page(http, StatusCodes.Status400BadRequest, "Link not valid",
            "This link is invalid or has expired. If you still need to answer, ask your administrator for a new notice.");

    /// <summary>A standalone page with the console's stylesheet and security headers; <paramref name="button"/> adds the one POST form.</summary>
    private static IResult Page(HttpContext http, int status, string title, string message, string? button = null)
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ConsoleSecurityHeaders.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-store";
        headers["X-Robots-Tag"] = "noindex";
        var form = button is null
            ? ""
            : $"""
                <form method="post">
                    <button type="submit" data-testid="answer-button">{WebUtility.HtmlEncode(button)}</button>
                </form>
            """;
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <meta name="robots" content="noindex">
                <title>{WebUtility.HtmlEncode(title)} · ScimBridge</title>
                <link rel="stylesheet" href="{ConsoleStylesheet.Path}">
            </head>
            <body>
            <main>
            <section class="signin">
                <h1>{WebUtility.HtmlEncode(title)}</h1>
                <p data-testid="answer-message">{WebUtility.HtmlEncode(message)}</p>
            {form}
            </section>
            </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}

/// <summary>Keeps the anonymous link endpoints cheap: 30 requests a minute per address.</summary>
public sealed class AnswerThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = 30,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public bool TryEnter(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(http.Connection.RemoteIpAddress?.ToString() ?? "");
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
