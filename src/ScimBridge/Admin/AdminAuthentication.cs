using System.Security.Claims;
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
    public const string SessionIdClaim = "scimbridge:session";
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
                options.ExpireTimeSpan = AdminSessions.IdleLifetime;
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

    /// <summary>
    /// A session signed out (on any replica), expired, of a disabled account or of one whose password was reset ends at
    /// its next request, wherever it comes.
    /// </summary>
    private static async Task EndStaleSessionAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var sessionId = principal?.FindFirst(SessionIdClaim)?.Value;
        var accountId = principal?.FindFirst(AccountIdClaim)?.Value;
        var stamp = principal?.FindFirst(SessionStampClaim)?.Value;
        var sessions = context.HttpContext.RequestServices.GetRequiredService<AdminSessions>();
        var aborted = context.HttpContext.RequestAborted;
        if (sessionId is null || accountId is null || stamp is null || !await sessions.IsOpenAsync(sessionId, accountId, stamp, aborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }

        if (context.ShouldRenew)
        {
            await sessions.RenewAsync(sessionId, aborted);
        }
    }

    /// <summary>Signs in with a new server-side session (see <see cref="AdminSessions"/>).</summary>
    public static async Task SignInAsync(HttpContext context, SignInResult result)
    {
        var sessionId = await context.RequestServices.GetRequiredService<AdminSessions>().OpenAsync(result.AccountId!, context.RequestAborted);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, result.UserName!),
                new Claim(AccountIdClaim, result.AccountId!),
                new Claim(SessionStampClaim, result.SessionStamp!),
                new Claim(SessionIdClaim, sessionId),
            ],
            CookieScheme);
        await context.SignInAsync(CookieScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>Ends the session server-side first, so a saved copy of the cookie is refused everywhere, then drops the cookie.</summary>
    public static async Task SignOutAsync(HttpContext context)
    {
        if (context.User.FindFirst(SessionIdClaim)?.Value is { } sessionId)
        {
            await context.RequestServices.GetRequiredService<AdminSessions>().EndAsync(sessionId, context.RequestAborted);
        }

        await context.SignOutAsync(CookieScheme);
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
