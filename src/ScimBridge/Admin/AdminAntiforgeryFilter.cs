using Microsoft.AspNetCore.Antiforgery;

namespace ScimBridge.Admin;

/// <summary>
/// A browser sends the console's session cookie with any request, including one a hostile page makes it send; so an
/// admin API call that changes something and rides on that cookie must also carry the antiforgery token (header
/// <c>RequestVerificationToken</c>). Calls made with a bearer token cannot be forged that way and need none.
/// </summary>
public sealed class AdminAntiforgeryFilter(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var safe = HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            || HttpMethods.IsOptions(http.Request.Method) || HttpMethods.IsTrace(http.Request.Method);
        var byCookie = http.User.Identities.Any(i => i.IsAuthenticated && i.AuthenticationType == AdminAuthentication.CookieScheme);
        if (!safe && byCookie && !await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.Problem(
                "This request used the console's session cookie but carried no valid antiforgery token (header RequestVerificationToken).",
                statusCode: StatusCodes.Status400BadRequest, title: "Antiforgery token missing or invalid");
        }

        return await next(context);
    }
}
