using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Scim;

namespace ScimBridge.Data;

/// <summary>
/// The one place where a store failure (see <see cref="StoreFailures"/>) becomes 503 with Retry-After: a SCIM Error on
/// the SCIM paths, ProblemDetails on the admin API, plain text elsewhere. The endpoints' error filters let these
/// through to here, and so does authentication, which reads the store too.
/// </summary>
public static partial class StoreUnavailable
{
    public const string ScimDetail =
        "The bridge's store is unavailable (read-only, full, locked or unreachable); nothing was changed; retry later.";

    public static IApplicationBuilder UseStoreUnavailable(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && context.RequestServices.GetRequiredService<StoreHealth>().Record(ex))
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreUnavailable));
            LogUnavailable(logger, ex, context.Request.Method, context.Request.Path);
            await WriteAsync(context);
        }
    });

    private static async Task WriteAsync(HttpContext context)
    {
        var retryAfter = context.RequestServices.GetRequiredService<IOptions<DatabaseOptions>>().Value.RetryAfterSeconds;
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (ScimPaths.IsScim(context.Request.Path))
        {
            await ScimHttp.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, ScimDetail);
        }
        else if (AdminAuthentication.IsApi(context.Request.Path))
        {
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "Store unavailable", Detail = ScimDetail },
            });
        }
        else
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(ScimDetail);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The store refused {Method} {Path}; answered 503 with Retry-After.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string method, string path);
}
