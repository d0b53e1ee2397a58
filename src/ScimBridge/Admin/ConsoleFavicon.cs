using System.Text;

namespace ScimBridge.Admin;

/// <summary>
/// The bridge's icon, a small SVG, anonymous at /favicon.svg (linked from the console) and at /favicon.ico, where
/// browsers look without a link; and / leads to the console.
/// </summary>
public static class ConsoleFavicon
{
    public const string Path = "/favicon.svg";

    private static readonly byte[] Svg = Encoding.UTF8.GetBytes(
        """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f4e79"/><path d="M9 11h10l-3-3M23 21H13l3 3" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/></svg>""");

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], Serve).AllowAnonymous().ExcludeFromDescription();
        app.MapMethods("/favicon.ico", [HttpMethods.Get, HttpMethods.Head], Serve).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/", () => Results.Redirect("/admin")).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task Serve(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "image/svg+xml";
        response.ContentLength = Svg.Length;
        response.Headers.CacheControl = "public, max-age=86400";
        response.Headers.XContentTypeOptions = "nosniff";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(Svg, context.RequestAborted);
        }
    }
}
