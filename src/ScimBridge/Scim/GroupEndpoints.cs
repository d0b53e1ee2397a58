using Microsoft.Extensions.Options;
using ScimBridge.ScimProtocol.Patch;
using Groups = ScimBridge.Scim.ResourceEndpoints<ScimBridge.Scim.GroupService, ScimBridge.Scim.GroupResource>;

namespace ScimBridge.Scim;

public static class GroupEndpoints
{
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

    private static Task<IResult> List(HttpContext context, GroupService groups, IOptions<ScimOptions> options, CancellationToken ct) =>
        Groups.ListAsync(context, groups, ListQuery.FromQueryString(context.Request.Query, options.Value), ct);

    private static Task<IResult> Search(HttpContext context, GroupService groups, IOptions<ScimOptions> options, CancellationToken ct) =>
        Groups.SearchAsync(context, groups, options.Value, ct);

    private static Task<IResult> Get(string id, HttpContext context, GroupService groups, CancellationToken ct) =>
        Groups.GetAsync(id, context, groups, ct);

    private static Task<IResult> Create(HttpContext context, GroupService groups, CancellationToken ct) =>
        Groups.CreateAsync(context, groups, ct);

    /// <summary>A group's write returns its row, not its members: the answer reads them back if it shows them.</summary>
    private static async Task<IResult> Replace(string id, HttpContext context, GroupService groups, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        await groups.ReplaceAsync(id, body, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        return Groups.Render(context, await Groups.ReloadAsync(id, context, groups, ct), StatusCodes.Status200OK);
    }

    /// <summary>204 like Entra's documentation shows, unless the client asked for attributes back.</summary>
    private static async Task<IResult> Patch(string id, HttpContext context, GroupService groups, CancellationToken ct)
    {
        var patch = PatchRequest.Parse(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var record = await groups.PatchAsync(id, patch, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        if (Groups.Projection(context) is (null, null))
        {
            context.Response.Headers.ETag = Preconditions.ETag(record.Version);
            return Results.NoContent();
        }

        return Groups.Render(context, await Groups.ReloadAsync(id, context, groups, ct), StatusCodes.Status200OK);
    }

    private static Task<IResult> Delete(string id, HttpContext context, GroupService groups, CancellationToken ct) =>
        Groups.DeleteAsync(id, context, groups, ct);
}
