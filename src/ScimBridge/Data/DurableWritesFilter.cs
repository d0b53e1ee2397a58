namespace ScimBridge.Data;

/// <summary>Holds a response back until what the request wrote is durable (see <see cref="IWriteGate.WaitDurableAsync"/>).</summary>
public sealed class DurableWritesFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        await http.RequestServices.GetRequiredService<IWriteGate>().WaitDurableAsync(http.RequestAborted);
        return result;
    }
}
