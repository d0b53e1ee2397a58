using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using ScimBridge.Data;

namespace ScimBridge.Admin.Pages;

/// <summary>
/// What a console page shows when it fails (re-executed here by the status code and exception middleware, with the
/// request's own method, hence no antiforgery check and no handler methods): the status in words and a way back, never a
/// stack trace.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(StoreHealth health, IOptions<DatabaseOptions> database) : PageModel
{
    public const string Path = "/admin/error";

    public int Status
    {
        get
        {
            if (HttpContext.Features.Get<IExceptionHandlerPathFeature>() is { } failed)
            {
                return StoreFailures.IsUnavailable(failed.Error) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
            }
            if (HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is { } reExecuted)
            {
                return reExecuted.OriginalStatusCode;
            }
            return int.TryParse(Request.Query["status"], out var status) && status is >= 400 and <= 599 ? status : StatusCodes.Status404NotFound;
        }
    }

    /// <summary>The page that failed, when it can be loaded again with a GET (a form's page after a 400).</summary>
    public string? Again =>
        HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is { OriginalPath: { Length: > 0 } path } feature
        && path.StartsWith("/admin", StringComparison.OrdinalIgnoreCase) && !path.StartsWith(Path, StringComparison.OrdinalIgnoreCase)
        && Status is StatusCodes.Status400BadRequest
            ? path + feature.OriginalQueryString
            : null;

    public (string Title, string Explanation) Text => Status switch
    {
        StatusCodes.Status400BadRequest => ("Bad request",
            "The form was not sent from this console's page, or the page had expired. Load the page again and retry."),
        StatusCodes.Status403Forbidden => ("Forbidden", "You are not allowed to do this."),
        StatusCodes.Status404NotFound => ("Not found", "There is no such page or item: it may have been deleted, or the link is wrong."),
        StatusCodes.Status405MethodNotAllowed => ("Method not allowed", "This page cannot be used that way: use its links and buttons."),
        StatusCodes.Status503ServiceUnavailable => ("The database is unavailable",
            "The bridge cannot reach its database just now. Nothing was lost: try again in a little while."),
        >= 500 => ("Something went wrong", "The bridge could not show this page. Nothing you did caused it; the details are in the bridge's own log."),
        _ => ("The request failed", "The bridge could not answer this request."),
    };

    public Task<IActionResult> OnGetAsync() => AnswerAsync();

    public Task<IActionResult> OnPostAsync() => AnswerAsync();

    private async Task<IActionResult> AnswerAsync()
    {
        Response.StatusCode = Status;
        // A page that does not exist has no authorization policy to sign the admin in: do it here, for the layout's menu.
        if (User.Identity?.IsAuthenticated != true && await HttpContext.AuthenticateAsync(AdminAuthentication.CookieScheme) is { Succeeded: true } signedIn)
        {
            HttpContext.User = signedIn.Principal;
        }
        if (HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Error is { } error && health.Record(error))
        {
            // As the store's own 503 elsewhere: the health check sees the outage and clients are told when to retry.
            Response.Headers.RetryAfter = database.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        return Page();
    }
}
