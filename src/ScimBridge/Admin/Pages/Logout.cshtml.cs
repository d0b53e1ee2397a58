using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ScimBridge.Admin.Pages;

/// <summary>POST only (with the antiforgery token): a link or an image elsewhere cannot sign the admin out.</summary>
public sealed class LogoutModel : PageModel
{
    public IActionResult OnGet() => StatusCode(StatusCodes.Status405MethodNotAllowed);

    public async Task<IActionResult> OnPostAsync()
    {
        await AdminAuthentication.SignOutAsync(HttpContext);
        return LocalRedirect("/admin/login");
    }
}
