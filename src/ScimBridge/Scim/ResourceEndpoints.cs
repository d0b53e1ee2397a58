using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

/// <summary>
/// What a resource kind's service offers the endpoints /Users and /Groups have in common. <see cref="Joined"/> is the
/// attribute read from other rows (a user's groups, a group's members), loaded only when the response shows it.
/// </summary>
public interface IScimResources<TResource>
{
    static abstract ResourceTypeDefinition Type { get; }
    static abstract string Joined { get; }
    static abstract StoredResource Record(TResource resource);
    static abstract JsonObject Render(TResource resource, string baseUrl);

    Task<TResource> GetAsync(string id, bool includeJoined, CancellationToken cancellationToken);
    Task<ListPage<TResource>> ListAsync(ListQuery query, bool includeJoined, CancellationToken cancellationToken);
    Task<TResource> CreateAsync(JsonObject body, ChangeActor actor, CancellationToken cancellationToken);
    Task DeleteAsync(string id, string? ifMatch, ChangeActor actor, CancellationToken cancellationToken);
}

/// <summary>The shape /Users and /Groups share: list and search, read, create, delete, and how a resource is answered.</summary>
public static class ResourceEndpoints<TService, TResource>
    where TService : IScimResources<TResource>
{
    public static async Task<IResult> SearchAsync(HttpContext context, TService service, ScimOptions options, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        return await ListAsync(context, service, ListQuery.FromSearchRequest(body, options), ct);
    }

    public static async Task<IResult> ListAsync(HttpContext context, TService service, ListQuery query, CancellationToken ct)
    {
        var page = await service.ListAsync(query, ScimRenderer.Wants(TService.Joined, query.Attributes, query.ExcludedAttributes), ct);
        return ScimHttp.Json(ScimRenderer.ListResponse(Project(page.Resources, ResourceLocations.BaseUrl(context), query), page.TotalResults, page.StartIndex));
    }

    /// <summary>A list page's resources as answered, with the query's attributes; also for searches at the root.</summary>
    public static IEnumerable<JsonObject> Project(IEnumerable<TResource> resources, string baseUrl, ListQuery query) =>
        resources.Select(r => ResourceProjection.Apply(TService.Render(r, baseUrl), TService.Type, query.Attributes, query.ExcludedAttributes));

    public static async Task<IResult> GetAsync(string id, HttpContext context, TService service, CancellationToken ct)
    {
        var resource = await ReloadAsync(id, context, service, ct);
        return Preconditions.NotModified(context, TService.Record(resource).Version) ?? Render(context, resource, StatusCodes.Status200OK);
    }

    /// <summary>The resource as stored now, with its joined attribute if the response shows it.</summary>
    public static Task<TResource> ReloadAsync(string id, HttpContext context, TService service, CancellationToken ct)
    {
        var (attributes, excluded) = Projection(context);
        return service.GetAsync(id, ScimRenderer.Wants(TService.Joined, attributes, excluded), ct);
    }

    public static async Task<IResult> CreateAsync(HttpContext context, TService service, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var resource = await service.CreateAsync(body, ChangeActor.From(context), ct);
        return Render(context, resource, StatusCodes.Status201Created);
    }

    public static async Task<IResult> DeleteAsync(string id, HttpContext context, TService service, CancellationToken ct)
    {
        await service.DeleteAsync(id, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        return Results.NoContent();
    }

    public static IResult Render(HttpContext context, TResource resource, int status)
    {
        var (attributes, excluded) = Projection(context);
        var baseUrl = ResourceLocations.BaseUrl(context);
        var record = TService.Record(resource);
        var body = ResourceProjection.Apply(TService.Render(resource, baseUrl), TService.Type, attributes, excluded);
        var location = status == StatusCodes.Status201Created ? $"{baseUrl}{TService.Type.Endpoint}/{record.Id}" : null;
        return ScimHttp.Json(body, status, Preconditions.ETag(record.Version), location);
    }

    public static (string? Attributes, string? Excluded) Projection(HttpContext context)
    {
        var query = context.Request.Query;
        var attributes = query["attributes"].ToString();
        var excluded = query["excludedAttributes"].ToString();
        return (string.IsNullOrWhiteSpace(attributes) ? null : attributes, string.IsNullOrWhiteSpace(excluded) ? null : excluded);
    }
}
