using Microsoft.Net.Http.Headers;
using ScimBridge.ScimProtocol;

namespace ScimBridge.Scim;

/// <summary>ETags are weak and derived from the row version: W/"7".</summary>
internal static class Preconditions
{
    public static string ETag(long version) => $"W/\"{version}\"";

    /// <summary>Throws 412 when If-Match is given and names neither "*" nor the current version.</summary>
    public static void CheckIfMatch(string? ifMatch, long currentVersion)
    {
        if (string.IsNullOrWhiteSpace(ifMatch) || Matches(ifMatch, currentVersion))
        {
            return;
        }

        throw new ScimException(StatusCodes.Status412PreconditionFailed,
            $"If-Match {ifMatch} does not match the current version {ETag(currentVersion)}; read the resource again and retry.");
    }

    /// <summary>304 with the ETag when If-None-Match names the current version; otherwise null.</summary>
    public static IResult? NotModified(HttpContext context, long currentVersion)
    {
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        if (string.IsNullOrEmpty(ifNoneMatch) || !Matches(ifNoneMatch, currentVersion))
        {
            return null;
        }

        context.Response.Headers.ETag = ETag(currentVersion);
        return Results.StatusCode(StatusCodes.Status304NotModified);
    }

    public static bool Matches(string header, long currentVersion)
    {
        if (!EntityTagHeaderValue.TryParseList(header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), out var tags))
        {
            // An unparseable tag is treated as a bare version string ("7"), as some clients send.
            return header.Split(',').Any(t => t.Trim().Trim('"') == currentVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var current = new EntityTagHeaderValue($"\"{currentVersion}\"", isWeak: true);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }
}

/// <summary>Who made a change: the token name or JWT client, and the request it came with; <see cref="Kind"/> is one of <see cref="Data.Initiators"/>.</summary>
public sealed record ChangeActor(string Name, string? RequestId, string Kind = Data.Initiators.Scim)
{
    public static ChangeActor From(HttpContext context) =>
        new(context.User.FindFirst(System.Security.Claims.ClaimTypes.Name)?.Value ?? "unknown", context.TraceIdentifier);
}
