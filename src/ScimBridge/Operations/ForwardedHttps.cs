using System.Net;
using FluentValidation;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Options;

namespace ScimBridge.Operations;

/// <summary>
/// The reverse proxies whose <c>X-Forwarded-For</c>/<c>-Proto</c>/<c>-Host</c> are believed (section
/// <c>ForwardedHeaders</c>). With none configured, forwarded headers are ignored: anyone could send them.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of the proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

/// <summary>HTTPS as the client sees it (section <c>Https</c>).</summary>
public sealed class HttpsOptions
{
    public const string Section = "Https";

    /// <summary>Treat every request as HTTPS (Secure cookies, HSTS, https links), for a proxy that terminates TLS but sends no X-Forwarded-Proto.</summary>
    public bool AssumeHttps { get; set; }

    /// <summary>Strict-Transport-Security max-age on HTTPS responses; 0 sends no header.</summary>
    public int HstsMaxAgeDays { get; set; } = 365;
}

/// <summary>
/// Behind a TLS-terminating proxy: the client's address and scheme come from the trusted proxy's forwarded headers,
/// so cookies are Secure (they follow the request's scheme), HSTS is sent, links are https, and the sign-in limits
/// count the real client. Runs first, before anything reads the address or scheme.
/// </summary>
public static class ForwardedHttps
{
    public static IServiceCollection AddForwardedHttps(this IServiceCollection services)
    {
        services.AddValidatedOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section);
        services.AddValidatedOptions<HttpsOptions>().BindConfiguration(HttpsOptions.Section);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((options, trusted) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Every hop from the right that is a trusted proxy is unwrapped; the first untrusted one is the client.
            options.ForwardLimit = null;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in trusted.Value.KnownProxies)
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in trusted.Value.KnownNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpsOptions>>((options, https) => options.MaxAge = TimeSpan.FromDays(https.Value.HstsMaxAgeDays));
        return services;
    }

    public static IApplicationBuilder UseForwardedHttps(this IApplicationBuilder app)
    {
        // With no trusted proxy the middleware would trust every sender, so it is left out.
        if (app.ApplicationServices.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.Any)
        {
            app.UseForwardedHeaders();
        }

        var https = app.ApplicationServices.GetRequiredService<IOptions<HttpsOptions>>().Value;
        if (https.AssumeHttps)
        {
            app.Use((context, next) =>
            {
                context.Request.Scheme = Uri.UriSchemeHttps;
                return next(context);
            });
        }

        if (https.HstsMaxAgeDays > 0)
        {
            app.UseHsts();
        }

        return app;
    }
}

public sealed class HttpsOptionsValidator : AbstractValidator<HttpsOptions>
{
    public HttpsOptionsValidator() =>
        RuleFor(o => o.HstsMaxAgeDays).InclusiveBetween(0, 730).WithMessage("Https:HstsMaxAgeDays must be between 0 (no HSTS) and 730.");
}

public sealed class TrustedProxyOptionsValidator : AbstractValidator<TrustedProxyOptions>
{
    public TrustedProxyOptionsValidator()
    {
        RuleForEach(o => o.KnownProxies).Must(address => IPAddress.TryParse(address, out _))
            .WithMessage((_, address) => $"{TrustedProxyOptions.Section}:KnownProxies:{{CollectionIndex}} ('{address}') is not an IP address.");
        RuleForEach(o => o.KnownNetworks).Must(network => System.Net.IPNetwork.TryParse(network, out _))
            .WithMessage((_, network) => $"{TrustedProxyOptions.Section}:KnownNetworks:{{CollectionIndex}} ('{network}') is not a network in CIDR notation (such as 10.0.0.0/8).");
    }
}
