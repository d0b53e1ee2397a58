using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScimBridge.Auth;
using ScimBridge.Data;
using ScimBridge.Operations;
using ScimBridge.Provisioning;
using ScimBridge.ScimProtocol;

namespace ScimBridge.Scim;

/// <summary>The inbound SCIM 2.0 service provider.</summary>
public static class ScimFeature
{
    public static IServiceCollection AddScim(this IServiceCollection services)
    {
        services.AddValidatedOptions<ScimOptions>().BindConfiguration(ScimOptions.Section);
        services.AddScoped<UserService>();
        services.AddScoped<GroupService>();
        services.AddScoped<ChangeLog>();
        services.AddSingleton<BulkProcessor>();
        services.AddSingleton<ResourceLocks>();
        services.TryAddSingleton<ForegroundActivity>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScimAuthorizationResultHandler>();
        return services;
    }

    /// <summary>
    /// The full surface under /scim/v2 and /scim (whichever Tenant URL an admin typed), and discovery at the root too.
    /// </summary>
    public static void MapScim(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in new[] { "/scim/v2", "/scim" })
        {
            var scim = app.MapGroup(prefix)
                .RequireAuthorization(ScimAuthentication.Policy)
                .RequireRateLimiting(Operations.InboundRateLimiting.Policy)
                .AddEndpointFilter<ForegroundActivityFilter>()
                .AddEndpointFilter<ScimErrorFilter>()
                .AddEndpointFilter<DurableWritesFilter>();
            scim.MapDiscovery();
            scim.MapUsers();
            scim.MapGroups();
            scim.MapPost("/.search", RootSearch);
            scim.MapBulk();
            scim.MapMethods("/Me", ["GET", "POST", "PUT", "PATCH", "DELETE"], () => DiscoveryEndpoints.NotImplemented("/Me is not supported."));
        }

        app.MapGroup("")
            .RequireAuthorization(ScimAuthentication.Policy)
            .RequireRateLimiting(Operations.InboundRateLimiting.Policy)
            .AddEndpointFilter<ScimErrorFilter>()
            .MapDiscovery();
    }

    /// <summary>POST /.search over every resource type: users first, then groups, paged as one list.</summary>
    private static async Task<IResult> RootSearch(HttpContext context, UserService users, GroupService groups, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var query = ListQuery.FromSearchRequest(body, options.Value);
        // A filter naming an attribute only one resource type has (userName) matches nothing of the other type.
        var (userCount, userError) = await CountAsync(() => users.ListAsync(query with { Count = 0 }, false, ct));
        var (groupCount, groupError) = await CountAsync(() => groups.ListAsync(query with { Count = 0 }, false, ct));
        if (userError is not null && groupError is not null)
        {
            throw userError;
        }

        var baseUrl = ResourceLocations.BaseUrl(context);
        var resources = new List<System.Text.Json.Nodes.JsonObject>();
        var usersTruncated = false;
        if (query.StartIndex <= userCount && query.Count > 0 && userError is null)
        {
            var page = await users.ListAsync(query, ScimRenderer.Wants("groups", query.Attributes, query.ExcludedAttributes), ct);
            usersTruncated = page.Truncated;
            resources.AddRange(ResourceEndpoints<UserService, UserResource>.Project(page.Resources, baseUrl, query));
        }

        var remaining = query.Count - resources.Count;
        if (remaining > 0 && groupError is null && !usersTruncated)
        {
            var groupStart = Math.Max(1, query.StartIndex - userCount);
            var page = await groups.ListAsync(query with { StartIndex = groupStart, Count = remaining },
                ScimRenderer.Wants("members", query.Attributes, query.ExcludedAttributes), ct);
            resources.AddRange(ResourceEndpoints<GroupService, GroupResource>.Project(page.Resources, baseUrl, query));
        }

        return ScimHttp.Json(ScimRenderer.ListResponse(resources, userCount + groupCount, query.StartIndex));
    }

    private static async Task<(int Count, ScimException? Error)> CountAsync<T>(Func<Task<ListPage<T>>> count)
    {
        try
        {
            return ((await count()).TotalResults, null);
        }
        catch (ScimException ex) when (ex.ScimType == ScimErrorTypes.InvalidFilter)
        {
            return (0, ex);
        }
    }
}
