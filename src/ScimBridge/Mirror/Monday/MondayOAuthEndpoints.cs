using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using ScimBridge.Admin;

namespace ScimBridge.Mirror.Monday;

/// <summary>
/// Where monday.com sends the admin back after "Connect monday.com" (the start is the connect page's form,
/// <c>POST /admin/subscriptions/connect</c>). Only a signed-in console admin completes a connection.
/// </summary>
public static class MondayOAuthEndpoints
{
    public const string ConnectPage = "/admin/subscriptions/connect";

    /// <summary>
    /// A signed-in console admin; or, only so that <see cref="ReloadSameSite"/> can answer, a browser arriving from monday
    /// on a cross-site redirect (which leaves the SameSite=Strict session cookie off). Anyone else is sent to sign in.
    /// </summary>
    public const string CallbackPolicy = "MondayOAuthCallback";

    public static void AddCallbackPolicy(AuthorizationBuilder authorization) =>
        authorization.AddPolicy(CallbackPolicy, policy => policy
            .AddAuthenticationSchemes(AdminAuthentication.CookieScheme)
            .RequireAssertion(context => IsAdmin(context.User) || (context.Resource is HttpContext http && CrossSite(http.Request))));

    public static void MapMondayOAuth(this IEndpointRouteBuilder app) =>
        app.MapGet(MondayOAuthOptions.CallbackPath, CallbackAsync).RequireAuthorization(CallbackPolicy).ExcludeFromDescription();

    private static async Task<IResult> CallbackAsync(HttpContext context, MondayOAuth oauth, CancellationToken cancellationToken)
    {
        if (!IsAdmin(context.User))
        {
            return ReloadSameSite(context.Request);
        }
        var outcome = await oauth.CompleteAsync(context, cancellationToken);
        return Results.Redirect($"{ConnectPage}?outcome={Uri.EscapeDataString(oauth.ProtectOutcome(outcome))}");
    }

    private static bool IsAdmin(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.FindFirst(AdminAuthentication.AccountIdClaim) is not null;

    private static bool CrossSite(HttpRequest request) =>
        string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The console's session cookie is SameSite=Strict, so the browser leaves it off monday's cross-site redirect to
    /// here. The page reloads the same URL from this site, which carries it; nothing is done with the code until then.
    /// </summary>
    private static IResult ReloadSameSite(HttpRequest request)
    {
        var url = WebUtility.HtmlEncode(request.PathBase + request.Path + request.QueryString);
        var headers = request.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        return Results.Content(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={url}"><title>Connecting monday.com</title></head>
            <body><p>Finishing the connection to monday.com… <a href="{url}">Continue</a></p></body></html>
            """,
            "text/html; charset=utf-8", Encoding.UTF8);
    }
}
