using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using ScimBridge.Data;
using ScimBridge.Logs;
using ScimBridge.Push;

namespace ScimBridge.Admin.Pages.Logs;

/// <summary>The provisioning log: the admin API's filters as a form, a page of entries, older pages by cursor, export links.</summary>
public sealed class LogsModel(ScimBridgeDbContext db, ChangeReplay push, TimeProvider time) : PageModel
{
    public static readonly string[] FilterFields = ["identity", "status", "action", "errorCode", "initiator", "cycle", "resourceType", "from", "to", "includeSkipped"];

    public LogFilter? Filter { get; private set; }
    public LogPage? Entries { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Filter = LogFilter.Parse(QueryOf(Request.Query));
            Entries = await LogsApi.PageAsync(Filter, db, cancellationToken);
        }
        catch (AdminException ex)
        {
            Error = ex.Detail;
            Response.StatusCode = ex.Status;
        }
    }

    /// <summary>Queues every failed change of the filter's resource type and time range again, then shows the progress.</summary>
    public async Task<IActionResult> OnPostRetryFailedAsync(string? resourceType, string? from, string? to, CancellationToken cancellationToken)
    {
        try
        {
            var (start, end) = LogFilter.ParseRange(Blank(from), Blank(to));
            var since = time.GetUtcNow();
            var result = await push.RetryFailedAsync(new RetryFailedRequest(Blank(resourceType), start, end, null), AdminApi.ActorName(HttpContext), cancellationToken);
            return ProgressModel.Redirect(this, since, $"Retry of {ConsoleFormat.Count(result.Changes, "failed change")} for {ConsoleFormat.Count(result.Resources, "object")}");
        }
        catch (AdminException ex)
        {
            Error = ex.Detail;
            Response.StatusCode = ex.Status;
            return Page();
        }
    }

    /// <summary>The filter fields as they were sent; an empty form field means "any", as the admin API's absent parameter does.</summary>
    public static LogQuery QueryOf(IQueryCollection query)
    {
        string? One(string name) => query.TryGetValue(name, out var values) ? Blank(values.FirstOrDefault()) : null;
        string[]? Many(string name) => query.TryGetValue(name, out var values) ? values.Select(Blank).OfType<string>().ToArray() : null;
        return new LogQuery(One("from"), One("to"), One("identity"), Many("action"), Many("status"), One("errorCode"), One("initiator"),
            One("cycle"), One("resourceType"), One("includeSkipped"), One("pageSize"), One("cursor"));
    }

    /// <summary>The current filter as a query string (no cursor), for the export links and the pager.</summary>
    public string FilterQuery(params (string Name, string Value)[] extra)
    {
        var pairs = FilterFields
            .SelectMany(name => Request.Query.TryGetValue(name, out var values) ? values.Select(v => (Name: name, Value: v)) : [])
            .Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .Select(p => (p.Name, Value: p.Value!))
            .Concat(extra);
        return string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));
    }

    public string Value(string name) => Request.Query.TryGetValue(name, out var values) ? values.FirstOrDefault() ?? "" : "";

    /// <summary>A time of the filter as a datetime-local input shows it (UTC).</summary>
    public static string LocalInput(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture) ?? "";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
