using Microsoft.AspNetCore.Http.HttpResults;

namespace ScimBridge.Admin;

/// <summary>/admin/api/accounts: the console's admin accounts (creating them and setting passwords stays with the CLI).</summary>
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
