using System.Linq.Expressions;
using ScimBridge.ScimProtocol;

namespace ScimBridge.Scim;

internal static class Sorting
{
    /// <summary>Orders by sortBy (400 if the attribute cannot be sorted on), then by id so pages are stable.</summary>
    public static IQueryable<T> Apply<T>(IQueryable<T> source, FilterTranslator<T> translator, ListQuery query, Expression<Func<T, string>> id)
    {
        if (query.SortBy is null)
        {
            return source.OrderBy(id);
        }

        var selector = translator.SortSelector(query.SortBy)
            ?? throw ScimException.InvalidValue($"Sorting by '{query.SortBy}' is not supported.");
        var method = query.Descending ? nameof(Queryable.OrderByDescending) : nameof(Queryable.OrderBy);
        var ordered = (IOrderedQueryable<T>)source.Provider.CreateQuery<T>(Expression.Call(
            typeof(Queryable), method, [typeof(T), selector.ReturnType], source.Expression, Expression.Quote(selector)));
        return query.Descending ? ordered.ThenByDescending(id) : ordered.ThenBy(id);
    }
}
