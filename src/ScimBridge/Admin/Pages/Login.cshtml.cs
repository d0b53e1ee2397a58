using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ScimBridge.Admin.Pages;

public sealed class LoginModel(AdminAccounts accounts, SignInThrottle throttle) : PageModel
{
    public const string FailedMessage = "Wrong username or password.";
    public const string TooManyMessage = "Too many sign-in attempts from this address or in total. Wait a minute and try again.";
    public const string BusyMessage = "The server is busy checking other sign-ins. Try again in a moment.";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var address = SignInThrottle.ClientAddress(HttpContext);
        var (acquired, retryAfter) = throttle.TryAcquire(address);
        if (!acquired)
        {
            return Refused(StatusCodes.Status429TooManyRequests, retryAfter, TooManyMessage);
        }

        SignInResult result;
        using (var turn = await throttle.WaitForCheckAsync(cancellationToken))
        {
            if (turn is null)
            {
                return Refused(StatusCodes.Status503ServiceUnavailable, TimeSpan.FromSeconds(1), BusyMessage);
            }

            result = await accounts.VerifyAsync(Username ?? "", Password ?? "", address, cancellationToken);
        }

        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                await AdminAuthentication.SignInAsync(HttpContext, result);
                // Only a path on this site: a link to /admin/login?returnUrl=https://elsewhere must not send the admin away.
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/admin");
            case SignInOutcome.LockedOut:
                Error = $"This account is locked for your address after too many failed sign-ins, until {ConsoleFormat.Time(result.LockedUntil)}. Another admin can unlock it sooner (admin unlock --name {Username?.Trim()}).";
                break;
            default:
                Error = FailedMessage;
                break;
        }

        return Page();
    }

    private PageResult Refused(int status, TimeSpan retryAfter, string message)
    {
        Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Error = message;
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
