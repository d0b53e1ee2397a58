using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ScimBridge.Admin.Pages;

public sealed class LoginModel(AdminAccounts accounts) : PageModel
{
    public const string FailedMessage = "Wrong username or password.";

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
        var result = await accounts.VerifyAsync(Username ?? "", Password ?? "", cancellationToken);
        switch (result.Outcome)
        {
            case SignInOutcome.Success:
                var identity = new ClaimsIdentity(
                    [
                        new Claim(ClaimTypes.Name, result.UserName!),
                        new Claim(AdminAuthentication.AccountIdClaim, result.AccountId!),
                        new Claim(AdminAuthentication.SessionStampClaim, result.SessionStamp!),
                    ],
                    AdminAuthentication.CookieScheme);
                await HttpContext.SignInAsync(AdminAuthentication.CookieScheme, new ClaimsPrincipal(identity));
                // Only a path on this site: a link to /admin/login?returnUrl=https://elsewhere must not send the admin away.
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/admin");
            case SignInOutcome.LockedOut:
                Error = $"This account is locked after too many failed sign-ins, until {ConsoleFormat.Time(result.LockedUntil)}. Another admin can unlock it sooner (admin unlock --name {Username?.Trim()}).";
                break;
            default:
                Error = FailedMessage;
                break;
        }

        return Page();
    }
}
