using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ScimBridge.Mirror;

namespace ScimBridge.Admin.Pages.Subscriptions;

/// <summary>The drift view: rows of one kind (or all) and per row its action, link to an inbound user or push again.</summary>
public sealed class DriftModel(TimeProvider time) : PageModel
{
    public DriftPage? Drift { get; private set; }
    public DriftFilter? Filter { get; private set; }
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);
    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Read from the query: "page" is also the route value naming this Razor page.
            await LoadAsync(Query("kind"), Query("app"), Query("page"), cancellationToken);
        }
        catch (AdminException ex)
        {
            Error = ex.Detail ?? ex.Title;
            Response.StatusCode = ex.Status;
        }
    }

    public async Task<IActionResult> OnPostLinkAsync(string? app, string? accountId, string? userName, CancellationToken cancellationToken) =>
        await ActAsync(async () =>
        {
            var result = await MirrorApi.DriftOf(HttpContext).LinkAsync(new LinkRequest(app, accountId, null, userName), AdminApi.ActorName(HttpContext), cancellationToken);
            return RedirectToPage(new
            {
                kind = Query("kind"),
                app = Query("app"),
                done = $"Linked {MirrorApps.DisplayName(result.Seat.App)} seat {result.Seat.Email ?? result.Seat.AccountId} to {result.Seat.UserName}"
                    + (result.Requeued is null ? "." : "; its push is queued."),
            });
        }, cancellationToken);

    public async Task<IActionResult> OnPostRepushAsync(string? userId, CancellationToken cancellationToken)
    {
        var since = time.GetUtcNow();
        return await ActAsync(async () =>
        {
            await MirrorApi.DriftOf(HttpContext).RepushAsync(new RepushRequest(userId), AdminApi.ActorName(HttpContext), cancellationToken);
            return ProgressModel.Redirect(this, since, $"Re-push of user {userId}");
        }, cancellationToken);
    }

    private async Task<IActionResult> ActAsync(Func<Task<IActionResult>> act, CancellationToken cancellationToken)
    {
        try
        {
            return await act();
        }
        catch (AdminException ex)
        {
            Error = ex.Detail ?? ex.Title;
            Response.StatusCode = ex.Status;
            try
            {
                await LoadAsync(Query("kind"), Query("app"), null, cancellationToken);
            }
            catch (AdminException)
            {
                await LoadAsync(null, null, null, cancellationToken);
            }
            return Page();
        }
    }

    private async Task LoadAsync(string? kind, string? app, string? page, CancellationToken cancellationToken)
    {
        var requested = DriftFilter.Parse(kind, app, page, ConsolePaging.DefaultPageSize.ToString(CultureInfo.InvariantCulture));
        var drift = MirrorApi.DriftOf(HttpContext);
        Filter = requested;
        Drift = await drift.PageAsync(requested, cancellationToken);
        Paging = ConsolePaging.For(requested.Page, Drift.Total, requested.PageSize);
        if (Paging.Page != requested.Page)
        {
            Filter = requested with { Page = Paging.Page };
            Drift = await drift.PageAsync(Filter, cancellationToken);
        }
    }

    private string? Query(string name) => Request.Query.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values.FirstOrDefault()) ? values.FirstOrDefault() : null;

    /// <summary>A link to this page showing one kind (null: all) for the current app filter.</summary>
    public string KindLink(string? kind)
    {
        var pairs = new[] { ("kind", kind), ("app", Filter?.App) }.Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}");
        var query = string.Join('&', pairs);
        return query.Length == 0 ? "/admin/subscriptions/drift" : $"/admin/subscriptions/drift?{query}";
    }
}
