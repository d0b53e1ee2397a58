using System.Globalization;
using ScimBridge.Data;
using ScimBridge.Hr;

namespace ScimBridge.Admin.Pages.Hr;

/// <summary>Every HR event in any state, newest recorded first, with the admin API's filters.</summary>
public sealed class HistoryModel(ScimBridgeDbContext db) : HrPageModel
{
    public static readonly string[] FilterFields = ["kind", "state", "source", "q", "userId", "from", "to"];

    public HrAdminEventPage? Events { get; private set; }

    /// <summary>The current filter as the export link's query string.</summary>
    public string FilterQuery() =>
        string.Join('&', Route(FilterFields).Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}").Append("format=csv"));
    public ConsolePaging Paging { get; private set; } = ConsolePaging.For(1, 0);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var requested = HrEventFilter.Parse(new HrEventListQuery(Query("kind"), Query("state"), Query("source"), Query("q"), Query("userId"),
                Query("from"), Query("to"), Query("page"), ConsolePaging.DefaultPageSize.ToString(CultureInfo.InvariantCulture)));
            Events = await HrQueries.HistoryAsync(db, requested, cancellationToken);
            Paging = ConsolePaging.For(requested.Page, Events.Total, requested.PageSize);
            if (Paging.Page != requested.Page)
            {
                Events = await HrQueries.HistoryAsync(db, requested with { Page = Paging.Page }, cancellationToken);
            }
        }
        catch (AdminException ex)
        {
            Fail(ex.Status, ex.Detail ?? ex.Title);
        }
    }
}
