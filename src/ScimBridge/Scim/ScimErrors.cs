using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.ScimProtocol;

namespace ScimBridge.Scim;

/// <summary>
/// The one place where failures on the SCIM surface become RFC 7644 Error responses; a store that refuses writes goes
/// on to <see cref="StoreUnavailable"/> (503), which authentication's failures reach too.
/// </summary>
public sealed class ScimErrorFilter(ILogger<ScimErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (ScimException ex)
        {
            return ScimHttp.Error(ex);
        }
        catch (BadHttpRequestException ex)
        {
            return ScimHttp.Error(new ScimException(ex.StatusCode, ex.Message, ex.StatusCode == 400 ? ScimErrorTypes.InvalidSyntax : null));
        }
        catch (DbUpdateConcurrencyException)
        {
            return ScimHttp.Error(new ScimException(StatusCodes.Status409Conflict,
                "The resource was changed by another request at the same time; retry the request."));
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception ex) when (!StoreFailures.IsUnavailable(ex))
        {
            logger.LogError(ex, "Unhandled error on {Method} {Path}", context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return ScimHttp.Error(new ScimException(StatusCodes.Status500InternalServerError,
                $"An unexpected error occurred; it has been logged (trace id {context.HttpContext.TraceIdentifier})."));
        }
    }
}

/// <summary>401 and 403 on the SCIM surface carry a SCIM Error body, as clients such as Entra expect.</summary>
public sealed class ScimAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (!ScimPaths.IsScim(context.Request.Path) || authorizeResult.Succeeded)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult);
            return;
        }

        if (authorizeResult.Challenged)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"ScimBridge\"";
            await ScimHttp.WriteErrorAsync(context, StatusCodes.Status401Unauthorized,
                "Authentication failed: send 'Authorization: Bearer <token>' with a valid, unrevoked SCIM token.");
            return;
        }

        await ScimHttp.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "This token may not access the SCIM endpoint.");
    }
}

public static class ScimPaths
{
    public static bool IsScim(PathString path) =>
        path.StartsWithSegments("/scim", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/ServiceProviderConfig", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/ResourceTypes", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/Schemas", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Status-code-only responses under the SCIM paths (no route, wrong method) get a SCIM Error body too; under the admin
    /// and HR APIs, a ProblemDetails body (a 401 on /hr with its bearer challenge).
    /// </summary>
    public static IApplicationBuilder UseScimStatusCodeErrors(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.Response.HasStarted)
            {
                return;
            }
            var hr = http.Request.Path.StartsWithSegments("/hr", StringComparison.OrdinalIgnoreCase);
            if (Admin.AdminAuthentication.IsApi(http.Request.Path) || hr)
            {
                var problem = new ProblemDetailsContext { HttpContext = http };
                if (hr && http.Response.StatusCode == StatusCodes.Status401Unauthorized)
                {
                    http.Response.Headers.WWWAuthenticate = "Bearer realm=\"ScimBridge\"";
                    problem.ProblemDetails.Detail = "Send 'Authorization: Bearer <token>' with a valid, unrevoked HR token (token create --name NAME --scope hr).";
                }
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(problem);
                return;
            }
            if (!IsScim(http.Request.Path))
            {
                return;
            }

            var status = http.Response.StatusCode;
            var detail = status switch
            {
                404 => $"No SCIM resource or endpoint at {http.Request.Path}.",
                405 => $"{http.Request.Method} is not supported on {http.Request.Path}.",
                413 => "The request body is too large.",
                415 => "The request content type is not supported; send application/scim+json.",
                _ => $"The request failed with status {status}.",
            };
            await ScimHttp.WriteErrorAsync(http, status, detail);
        });
}
