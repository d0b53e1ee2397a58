using Microsoft.Extensions.Options;
using ScimBridge.ScimProtocol.Patch;
using Users = ScimBridge.Scim.ResourceEndpoints<ScimBridge.Scim.UserService, ScimBridge.Scim.UserResource>;

namespace ScimBridge.Scim;

public static class UserEndpoints
{
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

    private static Task<IResult> List(HttpContext context, UserService users, IOptions<ScimOptions> options, CancellationToken ct) =>
        Users.ListAsync(context, users, ListQuery.FromQueryString(context.Request.Query, options.Value), ct);

    private static Task<IResult> Search(HttpContext context, UserService users, IOptions<ScimOptions> options, CancellationToken ct) =>
        Users.SearchAsync(context, users, options.Value, ct);

    private static Task<IResult> Get(string id, HttpContext context, UserService users, CancellationToken ct) =>
        Users.GetAsync(id, context, users, ct);

    private static Task<IResult> Create(HttpContext context, UserService users, CancellationToken ct) =>
        Users.CreateAsync(context, users, ct);

    private static async Task<IResult> Replace(string id, HttpContext context, UserService users, CancellationToken ct)
    {
        var body = ScimHttp.ReadObject(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var user = await users.ReplaceAsync(id, body, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        return Users.Render(context, user, StatusCodes.Status200OK);
    }

    private static async Task<IResult> Patch(string id, HttpContext context, UserService users, CancellationToken ct)
    {
        var patch = PatchRequest.Parse(await ScimHttp.ReadJsonAsync(context.Request, ct));
        var user = await users.PatchAsync(id, patch, context.Request.Headers.IfMatch.ToString(), ChangeActor.From(context), ct);
        return Users.Render(context, user, StatusCodes.Status200OK);
    }

    private static Task<IResult> Delete(string id, HttpContext context, UserService users, CancellationToken ct) =>
        Users.DeleteAsync(id, context, users, ct);
}
