using Microsoft.Extensions.Options;
using ScimBridge.Scim.Patch;
using ScimBridge.Scim.Resources;
using ScimBridge.Scim.Schemas;

namespace ScimBridge.Scim;

public static class UserEndpoints
{
    private static readonly ResourceTypeDefinition Type = ScimSchemas.UserResourceType;

    public static void MapUsers(this RouteGroupBuilder scim)
    {
        var users = scim.MapGroup("/Users");
        users.MapGet("", List);
        users.MapPost("", Create);
        users.MapPost("/.search", Search);
        users.MapGet("/{id}", Get);
        users.MapPut("/{id}", Replace);
        users.MapPatch("/{id}", Patch);
        users.MapDelete("/{id}", Delete);
    }

    private static async Task<IResult> List(HttpContext context, UserService users, IOptions<ScimOptions> options, CancellationToken ct) =>
        await ListResult(context, users, ListQuery.FromQueryString(context.Request.Query, options.Value), ct);

    private static async Task<IResult> Search(HttpContext context, UserService users, IOptions<ScimOptions> options, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        return await ListResult(context, users, ListQuery.FromSearchRequest(body, options.Value), ct);
    }

    internal static async Task<IResult> ListResult(HttpContext context, UserService users, ListQuery query, CancellationToken ct)
    {
        var page = await users.ListAsync(query, ScimRenderer.Wants("groups", query.Attributes, query.ExcludedAttributes), ct);
        var baseUrl = ResourceLocations.BaseUrl(context);
        var resources = page.Resources.Select(u =>
            ResourceProjection.Apply(ScimRenderer.User(u.Record, u.Groups, baseUrl), Type, query.Attributes, query.ExcludedAttributes));
        return ScimHttp.Json(ScimRenderer.ListResponse(resources, page.TotalResults, page.StartIndex));
    }

    private static async Task<IResult> Get(string id, HttpContext context, UserService users, CancellationToken ct)
    {
        var (attributes, excluded) = Projection(context);
        var user = await users.GetAsync(id, ScimRenderer.Wants("groups", attributes, excluded), ct);
        return Preconditions.NotModified(context, user.Record.Version) ?? Render(context, user, StatusCodes.Status200OK);
    }

    private static async Task<IResult> Create(HttpContext context, UserService users, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var user = await users.CreateAsync(body, ChangeActor.From(context), ct);
        return Render(context, user, StatusCodes.Status201Created);
    }

    private static async Task<IResult> Replace(string id, HttpContext context, UserService users, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var user = await users.ReplaceAsync(id, body, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        return Render(context, user, StatusCodes.Status200OK);
    }

    private static async Task<IResult> Patch(string id, HttpContext context, UserService users, CancellationToken ct)
    {
        var patch = PatchRequest.Parse(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var user = await users.PatchAsync(id, patch, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        return Render(context, user, StatusCodes.Status200OK);
    }

    private static async Task<IResult> Delete(string id, HttpContext context, UserService users, CancellationToken ct)
    {
        await users.DeleteAsync(id, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        return Results.NoContent();
    }

    private static IResult Render(HttpContext context, UserResource user, int status)
    {
        var (attributes, excluded) = Projection(context);
        var baseUrl = ResourceLocations.BaseUrl(context);
        var resource = ResourceProjection.Apply(ScimRenderer.User(user.Record, user.Groups, baseUrl), Type, attributes, excluded);
        var location = ResourceLocations.User(baseUrl, user.Record.Id);
        return ScimHttp.Json(resource, status, Preconditions.ETag(user.Record.Version), status == StatusCodes.Status201Created ? location : null);
    }

    internal static (string? Attributes, string? Excluded) Projection(HttpContext context)
    {
        var query = context.Request.Query;
        var attributes = query["attributes"].ToString();
        var excluded = query["excludedAttributes"].ToString();
        return (string.IsNullOrWhiteSpace(attributes) ? null : attributes, string.IsNullOrWhiteSpace(excluded) ? null : excluded);
    }
}
