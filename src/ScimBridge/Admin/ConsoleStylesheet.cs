using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace ScimBridge.Admin;

/// <summary>
/// The console's one stylesheet, embedded in the assembly and served from memory with an ETag. Static web assets
/// would also work, but run from build output their development fallback route checks the disk on every request,
/// SCIM requests included.
/// </summary>
public static class ConsoleStylesheet
{
    public const string Path = "/admin/console.css";
    private const string ResourceName = "ScimBridge.Admin.console.css";

    private static readonly byte[] Content = Load();
    private static readonly EntityTagHeaderValue ETag = new($"\"{Convert.ToHexStringLower(SHA256.HashData(Content))[..32]}\"");

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], Serve).AllowAnonymous().ExcludeFromDescription();

    private static async Task Serve(HttpContext context)
    {
        var response = context.Response;
        response.GetTypedHeaders().ETag = ETag;
        // Small enough to revalidate on every page: a new build's style shows at once, and a match costs a 304.
        response.Headers.CacheControl = "no-cache";
        response.Headers.XContentTypeOptions = "nosniff";
        // If-None-Match compares weakly (RFC 9110, 13.1.2): W/"x" matches "x".
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(ETag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = "text/css; charset=utf-8";
        response.ContentLength = Content.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(Content, context.RequestAborted);
        }
    }

    private static byte[] Load()
    {
        using var stream = typeof(ConsoleStylesheet).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
