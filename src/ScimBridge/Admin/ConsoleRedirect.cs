using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ScimBridge.Admin;

/// <summary>
/// Post/Redirect/Get for the console's forms: after a change succeeds the answer is a redirect, so reloading the page
/// that follows never sends the form again (a second approval, replay or token). The outcome travels in TempData.
/// </summary>
public static class ConsoleRedirect
{
    /// <summary>Back to the page the form was posted from, its query kept and the handler dropped.</summary>
    public static LocalRedirectResult Back(PageModel page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var request = page.Request;
        var query = QueryString.Create(request.Query.Where(q => !q.Key.Equals("handler", StringComparison.OrdinalIgnoreCase)));
        return page.LocalRedirect($"{request.PathBase}{request.Path}{query}");
    }

    /// <summary>Lines kept in one TempData string (TempData holds strings, not lists).</summary>
    public static string? Join(IReadOnlyList<string> lines) => lines.Count == 0 ? null : string.Join('\n', lines);

    public static IReadOnlyList<string> Split(string? lines) => lines is null ? [] : lines.Split('\n');
}
