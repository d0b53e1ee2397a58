using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using ScimBridge.Auth;
using ScimBridge.Data;

namespace ScimBridge.Admin;

/// <summary>
/// Admin access is separate from SCIM access: people sign in to the console (cookie session), scripts call the
/// admin API with an admin-scope bearer token (<c>token create --name N --scope admin</c>). A SCIM token opens neither.
/// </summary>
public static class AdminAuthentication
{
    public const string Policy = "Admin";
    /// <summary>Console pages: the cookie session only (a bearer token is for scripts, and must not be challenged with a redirect).</summary>
    public const string ConsolePolicy = "AdminConsole";
    public const string AccountIdClaim = "scimbridge:admin-account";
    public const string SessionStampClaim = "scimbridge:session-stamp";
    public const string CookieScheme = "AdminCookie";
    public const string TokenScheme = "AdminToken";

    public static IServiceCollection AddAdminAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddCookie(CookieScheme, options =>
            {
                options.Cookie.Name = "scimbridge-admin";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.Cookie.Path = "/";
                options.LoginPath = "/admin/login";
                options.LogoutPath = "/admin/logout";
                options.AccessDeniedPath = "/admin/login";
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
                options.Events = new CookieAuthenticationEvents
                {
                    // The API answers 401/403 (as ProblemDetails); only console pages redirect to the login form.
                    OnRedirectToLogin = context => ApiOrRedirect(context, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = context => ApiOrRedirect(context, StatusCodes.Status403Forbidden),
                    OnValidatePrincipal = EndStaleSessionAsync,
                };
            })
            .AddScheme<SecretTokenOptions, SecretTokenHandler>(TokenScheme, o => o.Scope = TokenScopes.Admin);

        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(CookieScheme, TokenScheme).RequireAuthenticatedUser())
            .AddPolicy(ConsolePolicy, policy => policy.AddAuthenticationSchemes(CookieScheme).RequireAuthenticatedUser().RequireClaim(AccountIdClaim));
        return services;
    }

    /// <summary>The open sessions of a disabled account, or of one whose password was reset, end at their next request, on every replica.</summary>
    private static async Task EndStaleSessionAsync(CookieValidatePrincipalContext context)
    {
        var accountId = context.Principal?.FindFirst(AccountIdClaim)?.Value;
        var stamp = context.Principal?.FindFirst(SessionStampClaim)?.Value;
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AdminAccounts>();
        if (accountId is null || !await accounts.IsActiveAsync(accountId, stamp, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    public static bool IsApi(PathString path) => path.StartsWithSegments("/admin/api", StringComparison.OrdinalIgnoreCase);

    private static Task ApiOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsApi(context.Request.Path) || context.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
