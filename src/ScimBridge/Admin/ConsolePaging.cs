namespace ScimBridge.Admin;

/// <summary>One page of a console table: which rows to show and what the pager links to.</summary>
public sealed record ConsolePaging(int Page, int PageSize, int Total)
{
    public const int DefaultPageSize = 25;

    public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public int Skip => (Page - 1) * PageSize;
    public bool HasPrevious => Page > 1;
    public bool HasNext => Page < Pages;

    /// <summary>Clamps a requested page (from the query string) into range.</summary>
    public static ConsolePaging For(int? page, int total, int pageSize = DefaultPageSize)
    {
        var pages = Math.Max(1, (total + pageSize - 1) / pageSize);
        return new ConsolePaging(Math.Clamp(page ?? 1, 1, pages), pageSize, total);
    }

    public IEnumerable<T> Apply<T>(IEnumerable<T> rows) => rows.Skip(Skip).Take(PageSize);
}
