using Microsoft.Extensions.Options;

namespace ScimBridge.Scim;

/// <summary>Absolute resource URLs for meta.location and the Location header.</summary>
internal static class ResourceLocations
{
    public static string BaseUrl(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<IOptions<ScimOptions>>().Value.PublicBaseUrl;
        if (!string.IsNullOrEmpty(configured))
        {
            return configured.TrimEnd('/');
        }

        var request = context.Request;
        // The prefix the client used (/scim/v2 or /scim), so links work with whichever Tenant URL was configured.
        var path = request.Path.Value ?? string.Empty;
        var prefix = path.StartsWith("/scim/v2", StringComparison.OrdinalIgnoreCase) ? "/scim/v2" : "/scim";
        return $"{request.Scheme}://{request.Host}{request.PathBase}{prefix}";
    }

    public static string User(string baseUrl, string id) => $"{baseUrl}/Users/{id}";

    public static string Group(string baseUrl, string id) => $"{baseUrl}/Groups/{id}";
}
