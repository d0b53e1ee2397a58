using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.Scim;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Admin.Pages;

/// <summary>
/// The monday.com connection: its settings (Tenant URL, Secret Token, API token), status, Test connection, Resume from
/// quarantine, and provision on demand. Every action redirects to a GET that shows its result (Post/Redirect/Get), so
/// a reload never runs it again.
/// </summary>
public sealed class ConnectionModel(PushConnection push, ProvisionOnDemand provision, ConnectionSettingsStore settings, ScimBridgeDbContext db) : PageModel
{
    public const int MaxNameLength = 256;
    private const string TestKey = "connection.test";
    private const string ResumedKey = "connection.resumed";
    private const string SavedKey = "connection.saved";
    private const string ProvisionedKey = "connection.provisioned";

    public ConnectionStatus Status { get; private set; } = null!;
    public IReadOnlyList<ConnectionFieldState> Fields { get; private set; } = [];
    public ConnectionTest? Test { get; private set; }
    public string? Resumed { get; private set; }
    public string? Saved { get; private set; }
    public ProvisionResult? Provisioned { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The Tenant URL typed in a save that failed, shown again (tokens never are).</summary>
    public string? TenantUrlInput { get; private set; }

    /// <summary>The provisioned object's userName or displayName (null once it is deleted).</summary>
    public string? Subject { get; private set; }

    /// <summary>userName by id, for the members a group push sent first.</summary>
    public IReadOnlyDictionary<string, string> MemberNames { get; private set; } = new Dictionary<string, string>();

    /// <summary>What the provision form shows again after a post.</summary>
    public string ResourceType { get; private set; } = "user";
    public string Name { get; private set; } = "";

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Test = Read<ConnectionTest>(TestKey);
        Resumed = TempData[ResumedKey] as string;
        Saved = TempData[SavedKey] as string;
        if (Read<ProvisionedView>(ProvisionedKey) is { } shown)
        {
            (Provisioned, Subject, MemberNames, ResourceType, Name) = (shown.Result, shown.Subject, shown.MemberNames, shown.ResourceType, shown.Name);
        }
        await LoadAsync(cancellationToken);
    }

    /// <summary>A post without a known handler would otherwise render the page with no status loaded.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Error = "Unknown action: use one of the buttons on this page.";
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await PageAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostSaveAsync(string? tenantUrl, string? scimToken, string? apiToken, string? clearApiToken, CancellationToken cancellationToken)
    {
        TenantUrlInput = tenantUrl;
        return await RunAsync(async () =>
        {
            await settings.SaveAsync(new ConnectionSettingsUpdate(tenantUrl, scimToken, apiToken, clearApiToken is "true" or "on"), AdminApi.ActorName(HttpContext), cancellationToken);
            TempData[SavedKey] = "Saved. Every instance uses the new values within a few seconds, without a restart; use Test connection to check them.";
        }, cancellationToken);
    }

    public async Task<IActionResult> OnPostTestAsync(CancellationToken cancellationToken) =>
        await RunAsync(async () => Write(TestKey, await push.TestAsync(cancellationToken)), cancellationToken);

    public async Task<IActionResult> OnPostResumeAsync(CancellationToken cancellationToken) =>
        await RunAsync(async () => TempData[ResumedKey] = await push.ResumeAsync(cancellationToken)
            ? "Resumed: the push continues now. If monday.com still refuses the token, the connection goes back into quarantine."
            : "The connection was not in quarantine; nothing to resume.", cancellationToken);

    public async Task<IActionResult> OnPostProvisionAsync(string? resourceType, string? name, string? dryRun, CancellationToken cancellationToken)
    {
        ResourceType = resourceType ?? "";
        Name = name ?? "";
        return await RunAsync(async () =>
        {
            // Parsed by hand: a bound bool would turn a garbled value into false, which is a real push.
            var dry = dryRun switch
            {
                null or "false" => false,
                "true" or "on" => true,
                _ => throw AdminException.Invalid("dryRun", "Dry run is on or off."),
            };
            var kind = ResourceRoute.Kind(resourceType ?? "");
            var id = await ResolveAsync(kind, name?.Trim() ?? "", cancellationToken);
            var result = await provision.ProvisionAsync(kind, id, dry, AdminApi.ActorName(HttpContext), cancellationToken);
            var subject = kind == ResourceKinds.User
                ? await db.Users.Where(u => u.Id == id).Select(u => u.UserName).FirstOrDefaultAsync(cancellationToken)
                : await db.Groups.Where(g => g.Id == id).Select(g => g.DisplayName).FirstOrDefaultAsync(cancellationToken);
            var memberIds = result.Members.Select(m => m.ResourceId).ToList();
            var memberNames = memberIds.Count == 0
                ? new Dictionary<string, string>()
                : await db.Users.Where(u => memberIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName, cancellationToken);
            // The members' own steps and calls stay in their log entries: the result travels in a cookie.
            var members = result.Members.Select(m => m with { Steps = [], Calls = [], ModifiedProperties = [] }).ToList();
            Write(ProvisionedKey, new ProvisionedView(result with { Members = members }, subject, memberNames, kind == ResourceKinds.Group ? "group" : "user", name?.Trim() ?? ""));
        }, cancellationToken);
    }

    /// <summary>A userName or displayName to an id: exact first, then ignoring case, then the value as an id.</summary>
    private async Task<string> ResolveAsync(string kind, string name, CancellationToken cancellationToken)
    {
        var what = kind == ResourceKinds.User ? "user" : "group";
        if (name.Length == 0)
        {
            throw AdminException.Invalid("name", $"Enter the {what}'s {(kind == ResourceKinds.User ? "userName" : "displayName")} or id.");
        }
        // The database would refuse a NUL (PostgreSQL) and no name or id has control characters.
        if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw AdminException.Invalid("name", $"A name or id is at most {MaxNameLength} characters, without control characters.");
        }

        var normalized = ScimText.Fold(name);
        var ids = kind == ResourceKinds.User
            ? await db.Users.Where(u => u.UserName == name).OrderBy(u => u.Id).Select(u => u.Id).Take(2).ToListAsync(cancellationToken) is { Count: > 0 } exact
                ? exact
                : await db.Users.Where(u => u.UserNameNormalized == normalized).OrderBy(u => u.Id).Select(u => u.Id).Take(2).ToListAsync(cancellationToken)
            : await db.Groups.Where(g => g.DisplayName == name).OrderBy(g => g.Id).Select(g => g.Id).Take(2).ToListAsync(cancellationToken) is { Count: > 0 } exactGroup
                ? exactGroup
                : await db.Groups.Where(g => g.DisplayNameNormalized == normalized).OrderBy(g => g.Id).Select(g => g.Id).Take(2).ToListAsync(cancellationToken);
        return ids switch
        {
            [var one] => one,
            // displayName is not unique; userName is, ignoring case.
            [_, _, ..] => throw new AdminException(StatusCodes.Status409Conflict, "Ambiguous",
                $"More than one {what} is called “{name}”; enter the id instead."),
            _ => await IdExistsAsync(kind, name, cancellationToken)
                ? name
                : throw AdminException.NotFound($"There is no {what} with the {(kind == ResourceKinds.User ? "userName" : "displayName")} or id “{name}”."),
        };
    }

    private async Task<bool> IdExistsAsync(string kind, string id, CancellationToken cancellationToken) =>
        (kind == ResourceKinds.User
            ? await db.Users.AnyAsync(u => u.Id == id, cancellationToken)
            : await db.Groups.AnyAsync(g => g.Id == id, cancellationToken))
        // A deleted object can still have a deprovisioning push to send.
        || await db.PushStates.AnyAsync(p => p.ResourceType == kind && p.ResourceId == id, cancellationToken);

    /// <summary>Runs the action, then redirects to the page (its result waits in TempData); an error is shown on the page itself.</summary>
    private async Task<IActionResult> RunAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
            return RedirectToPage();
        }
        catch (AdminException ex)
        {
            Error = ex.Detail ?? ex.Title;
            Response.StatusCode = ex.Status;
            return await PageAsync(cancellationToken);
        }
    }

    private async Task<IActionResult> PageAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Status = await push.StatusAsync(cancellationToken);
        Fields = settings.Describe();
    }

    private T? Read<T>(string key) where T : class =>
        TempData[key] is string json ? JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web) : null;

    private void Write<T>(string key, T value) => TempData[key] = JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    private sealed record ProvisionedView(ProvisionResult Result, string? Subject, Dictionary<string, string> MemberNames, string ResourceType, string Name);
}
