namespace ScimBridge.Tests.Infrastructure;

public static class Exceptions
{
    /// <summary>An exception, its inner ones and the members of any aggregate, depth first: start-up failures come wrapped.</summary>
    public static IEnumerable<Exception> Flatten(Exception? e)
    {
        while (e is not null)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }

            e = e.InnerException;
        }
    }
}
