using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.Filters;

namespace ScimBridge.Admin;

/// <summary>
/// The web console at /admin: server-rendered Razor Pages (Admin/Pages), signed in with an admin account (cookie
/// session), antiforgery on every form, no script. Only /admin/login and the stylesheet are anonymous.
/// </summary>
public static class AdminConsole
{
    public static IServiceCollection AddAdminConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAdminAccounts(configuration);
        services.AddOptions<AdminSignInOptions>().BindConfiguration(AdminSignInOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<DashboardQuery>();
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "scimbridge-csrf";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRazorPages(options =>
            {
                options.RootDirectory = "/Admin/Pages";
                options.Conventions.AuthorizeFolder("/", AdminAuthentication.ConsolePolicy);
                options.Conventions.AllowAnonymousToPage("/Login");
            })
            .AddMvcOptions(options => options.Filters.Add<ConsoleSecurityHeaders>());
        return services;
    }

    public static void MapAdminConsole(this WebApplication app)
    {
        // A bare 400 (a form without its antiforgery token) or 404 would show the browser's own error page.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase) && !AdminAuthentication.IsApi(context.Request.Path),
            console => console.UseStatusCodePages(WriteStatusPageAsync));
        ConsoleStylesheet.Map(app);
        ConsoleFavicon.Map(app);
        app.MapRazorPages();
        ScimBridge.Mirror.Monday.MondayOAuthEndpoints.MapMondayOAuth(app);
    }

    private static Task WriteStatusPageAsync(StatusCodeContext context)
    {
        var response = context.HttpContext.Response;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers.XContentTypeOptions = "nosniff";
        return response.WriteAsync(response.StatusCode switch
        {
            StatusCodes.Status400BadRequest =>
                "400 Bad Request: the form was not sent from this console's page, or the page had expired. Go back, reload it and try again.",
            StatusCodes.Status404NotFound => "404 Not Found: there is no such page or item.",
            StatusCodes.Status405MethodNotAllowed => "405 Method Not Allowed.",
            var status => $"{status}: the request failed.",
        });
    }
}

/// <summary>
/// Headers on every console page, error results included: no framing, no sniffing, no referrer, no script
/// or style from anywhere but the bridge itself, and nothing kept in caches (the token page shows a secret once).
/// </summary>
public sealed class ConsoleSecurityHeaders : IAlwaysRunResultFilter
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public void OnResultExecuting(ResultExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        // What antiforgery sets on every page with a form; anything else it overrides, with a warning per page.
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
