using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using ScimBridge.Admin.Pages;
using ScimBridge.Operations;

namespace ScimBridge.Admin;

/// <summary>
/// The web console at /admin: server-rendered Razor Pages (Admin/Pages), signed in with an admin account (cookie
/// session), antiforgery on every form, no script but the progress page's polling. Only /admin/login, the error page and the stylesheet are anonymous.
/// </summary>
public static class AdminConsole
{
    public static IServiceCollection AddAdminConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAdminAccounts(configuration);
        services.AddValidatedOptions<AdminSignInOptions>().BindConfiguration(AdminSignInOptions.Section);
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
                options.Conventions.AllowAnonymousToPage("/Error");
            })
            .AddMvcOptions(options => options.Filters.Add<ConsoleSecurityHeaders>());
        return services;
    }

    public static void MapAdminConsole(this WebApplication app)
    {
        // Errors of console pages show in the console's layout with a way back, not as the browser's own page or a stack trace.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase) && !AdminAuthentication.IsApi(context.Request.Path),
            console =>
            {
                console.UseExceptionHandler(ErrorModel.Path);
                console.UseStatusCodePagesWithReExecute(ErrorModel.Path, "?status={0}");
                console.Use(MatchErrorPage);
            });
        ConsoleStylesheet.Map(app);
        ConsoleFavicon.Map(app);
        ProgressScript.Map(app);
        app.MapRazorPages();
        ScimBridge.Mirror.Monday.MondayOAuthEndpoints.MapMondayOAuth(app);
    }

    /// <summary>
    /// Routing ran before this branch, so a request re-executed to the error page (its endpoint cleared) would find no
    /// endpoint: give it the error page's.
    /// </summary>
    private static async Task MatchErrorPage(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is null && context.Request.Path.Equals(ErrorModel.Path, StringComparison.OrdinalIgnoreCase))
        {
            var endpoint = context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .First(e => e.Metadata.GetMetadata<PageActionDescriptor>() is { ViewEnginePath: "/Error" });
            // What routing's page loader does for a matched page: compile it (once) and take the compiled page's endpoint.
            var compiled = await context.RequestServices.GetRequiredService<PageLoader>()
                .LoadAsync(endpoint.Metadata.GetRequiredMetadata<PageActionDescriptor>(), endpoint.Metadata);
            // Without its authorization metadata: the page is anonymous, and for a request that had no endpoint of its
            // own (a 404) the authorization middleware never ran, which the endpoint middleware would take for a misconfiguration.
            var page = compiled.Endpoint ?? endpoint;
            context.SetEndpoint(new Endpoint(page.RequestDelegate,
                new EndpointMetadataCollection(page.Metadata.Where(m => m is not (IAuthorizeData or IAllowAnonymous))), page.DisplayName));
            foreach (var (name, value) in endpoint.RoutePattern.RequiredValues)
            {
                context.Request.RouteValues[name] = value;
            }
        }
        await next(context);
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
