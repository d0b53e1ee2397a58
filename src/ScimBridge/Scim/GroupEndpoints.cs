using Microsoft.Extensions.Options;
using ScimBridge.Scim.Patch;
using ScimBridge.Scim.Resources;
using ScimBridge.Scim.Schemas;

namespace ScimBridge.Scim;

public static class GroupEndpoints
{
    private static readonly ResourceTypeDefinition Type = ScimSchemas.GroupResourceType;

    public static void MapGroups(this RouteGroupBuilder scim)
    {
        var groups = scim.MapGroup("/Groups");
        groups.MapGet("", List);
        groups.MapPost("", Create);
        groups.MapPost("/.search", Search);
        groups.MapGet("/{id}", Get);
        groups.MapPut("/{id}", Replace);
        groups.MapPatch("/{id}", Patch);
        groups.MapDelete("/{id}", Delete);
    }

    private static async Task<IResult> List(HttpContext context, GroupService groups, IOptions<ScimOptions> options, CancellationToken ct) =>
        await ListResult(context, groups, ListQuery.FromQueryString(context.Request.Query, options.Value), ct);

    private static async Task<IResult> Search(HttpContext context, GroupService groups, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        return await ListResult(context, groups, ListQuery.FromSearchRequest(body, options.Value), ct);
    }

    internal static async Task<IResult> ListResult(HttpContext context, GroupService groups, ListQuery query, CancellationToken ct)
    {
        var page = await groups.ListAsync(query, ScimRenderer.Wants("members", query.Attributes, query.ExcludedAttributes), ct);
        var baseUrl = ResourceLocations.BaseUrl(context);
        var resources = page.Resources.Select(g =>
            ResourceProjection.Apply(ScimRenderer.Group(g.Record, g.Members, baseUrl), Type, query.Attributes, query.ExcludedAttributes));
        return ScimHttp.Json(ScimRenderer.ListResponse(resources, page.TotalResults, page.StartIndex));
    }

    private static async Task<IResult> Get(string id, HttpContext context, GroupService groups, CancellationToken ct)
    {
        var (attributes, excluded) = UserEndpoints.Projection(context);
        var group = await groups.GetAsync(id, ScimRenderer.Wants("members", attributes, excluded), ct);
        return Preconditions.NotModified(context, group.Record.Version) ?? Render(context, group, StatusCodes.Status200OK);
    }

    private static async Task<IResult> Create(HttpContext context, GroupService groups, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var group = await groups.CreateAsync(body, ChangeActor.From(context), ct);
        return Render(context, group, StatusCodes.Status201Created);
    }

    private static async Task<IResult> Replace(string id, HttpContext context, GroupService groups, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        await groups.ReplaceAsync(id, body, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        return await Reload(id, context, groups, ct);
    }

    /// <summary>204 like Entra's documentation shows, unless the client asked for attributes back.</summary>
    private static async Task<IResult> Patch(string id, HttpContext context, GroupService groups, CancellationToken ct)
    {
        var patch = PatchRequest.Parse(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var record = await groups.PatchAsync(id, patch, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        var (attributes, excluded) = UserEndpoints.Projection(context);
        if (attributes is null && excluded is null)
        {
            context.Response.Headers.ETag = Preconditions.ETag(record.Version);
            return Results.NoContent();
        }

        return await Reload(id, context, groups, ct);
    }

    private static async Task<IResult> Delete(string id, HttpContext context, GroupService groups, CancellationToken ct)
    {
        await groups.DeleteAsync(id, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        return Results.NoContent();
    }

    private static async Task<IResult> Reload(string id, HttpContext context, GroupService groups, CancellationToken ct)
    {
        var (attributes, excluded) = UserEndpoints.Projection(context);
        var group = await groups.GetAsync(id, ScimRenderer.Wants("members", attributes, excluded), ct);
        return Render(context, group, StatusCodes.Status200OK);
    }

    private static IResult Render(HttpContext context, GroupResource group, int status)
    {
        var (attributes, excluded) = UserEndpoints.Projection(context);
        var baseUrl = ResourceLocations.BaseUrl(context);
        var resource = ResourceProjection.Apply(ScimRenderer.Group(group.Record, group.Members, baseUrl), Type, attributes, excluded);
        var location = ResourceLocations.Group(baseUrl, group.Record.Id);
        return ScimHttp.Json(resource, status, Preconditions.ETag(group.Record.Version), status == StatusCodes.Status201Created ? location : null);
    }
}
