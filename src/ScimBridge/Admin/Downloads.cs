using Microsoft.Net.Http.Headers;

namespace ScimBridge.Admin;

/// <summary>The headers of every file the admin API streams (log exports, seat and candidate CSVs, savings).</summary>
public static class Downloads
{
    /// <summary>A download named <paramref name="fileName"/>, never kept in a cache (exports hold personal data).</summary>
    public static void StartAttachment(this HttpResponse response, string contentType, string fileName)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.ContentType = contentType;
        response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
        response.Headers.CacheControl = "no-store";
    }
}
