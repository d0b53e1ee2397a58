using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using ScimBridge.Admin;

namespace ScimBridge.Mirror.Monday;

/// <summary>
/// Where monday.com sends the admin back after "Connect monday.com" (the start is the connect page's form,
/// <c>POST /admin/subscriptions/connect</c>). Only a signed-in console admin completes a connection.
/// </summary>
public static class MondayOAuthEndpoints
{
    public const string ConnectPage = "/admin/subscriptions/connect";

    public static void MapMondayOAuth(this IEndpointRouteBuilder app) =>
        // Authenticated by hand rather than with RequireAuthorization: see ReloadSameSite.
        app.MapGet(MondayOAuthOptions.CallbackPath, CallbackAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> CallbackAsync(HttpContext context, MondayOAuth oauth, CancellationToken cancellationToken)
    {
        var signedIn = await context.AuthenticateAsync(AdminAuthentication.CookieScheme);
        if (signedIn.Principal?.FindFirst(AdminAuthentication.AccountIdClaim) is null)
        {
            if (string.Equals(context.Request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase))
            {
                return ReloadSameSite(context.Request);
            }
            var returnUrl = context.Request.Path + context.Request.QueryString;
            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [AdminAuthentication.CookieScheme]);
        }

        context.User = signedIn.Principal;
        var outcome = await oauth.CompleteAsync(context, cancellationToken);
        return Results.Redirect($"{ConnectPage}?outcome={Uri.EscapeDataString(oauth.ProtectOutcome(outcome))}");
    }

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
