using Microsoft.AspNetCore.Http.HttpResults;

namespace ScimBridge.Admin;

/// <summary>/admin/api/accounts: list and unlock (create, disable, enable and password resets are on the Admins page and the CLI).</summary>
public static class AdminAccountsApi
{
    public static void MapAdminAccountsApi(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/accounts");
        accounts.MapGet("/", List);
        accounts.MapPost("/{name}/unlock", Unlock);
    }

    private static async Task<Ok<IReadOnlyList<AdminAccountInfo>>> List(AdminAccounts accounts, CancellationToken cancellationToken) =>
        TypedResults.Ok(await accounts.ListAsync(cancellationToken));

    private static async Task<NoContent> Unlock(string name, AdminAccounts accounts, CancellationToken cancellationToken) =>
        await accounts.UnlockAsync(name, cancellationToken) ? TypedResults.NoContent() : throw AdminException.NotFound($"No admin account named '{name}'.");
}
