using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ScimBridge.Hr;

namespace ScimBridge.Admin.Pages.Hr;

/// <summary>What the HR console pages share: the query string as typed, the outcome of an action, and the admin as HR actor.</summary>
public abstract class HrPageModel : PageModel
{
    public string? Error { get; protected set; }
    [TempData] public string? Done { get; set; }

    /// <summary>The admin acting from the console (Source Console).</summary>
    protected HrActor Actor => new(AdminApi.ActorName(HttpContext), HrSources.Console);

    // Read from the query: "page" is also the route value naming the Razor page.
    protected string? Query(string name) =>
        Request.Query.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.FirstOrDefault()) ? values.FirstOrDefault()!.Trim() : null;

    public string Value(string name) => Query(name) ?? "";

    /// <summary>The given query fields as route values, so an action comes back to the same list.</summary>
    public Dictionary<string, string> Route(params string[] fields) =>
        fields.Select(f => (f, Value: Query(f))).Where(p => p.Value is not null).ToDictionary(p => p.f, p => p.Value!);

    /// <summary>Runs an HR command; a refusal becomes <see cref="Error"/> and the response status, never a 500.</summary>
    protected async Task<bool> RunAsync(Func<Task<string>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            Done = await action();
            return true;
        }
        catch (HrException ex)
        {
            Fail(ex.Status, ex.Detail);
        }
        catch (AdminException ex)
        {
            Fail(ex.Status, ex.Detail ?? ex.Title);
        }
        catch (NotImplementedException)
        {
            Fail(StatusCodes.Status501NotImplemented, "This HR action is not available in this build yet.");
        }
        return false;
    }

    protected void Fail(int status, string message)
    {
        Error = message;
        Response.StatusCode = status;
    }
}
