using Microsoft.AspNetCore.Http.HttpResults;
using ScimBridge.Data;
using ScimBridge.Hr;
using ScimBridge.Logs;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Roadmunk;
using ScimBridge.Push;
using ScimBridge.Reclamation;

namespace ScimBridge.Admin;

/// <summary>
/// The admin API under /admin/api: JSON, admin authentication on the whole group, and every failure as
/// ProblemDetails (RFC 9457). Each admin feature maps its endpoints on the group.
/// </summary>
public static class AdminApi
{
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddAdminAuthentication();
        services.AddProblemDetails();
        services.AddOpenApi("admin", options => options.ShouldInclude = description => description.RelativePath?.StartsWith("admin/api", StringComparison.OrdinalIgnoreCase) == true);
        return services;
    }

    public static void MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/admin/api")
            .RequireAuthorization(AdminAuthentication.Policy)
            .AddEndpointFilter<AdminErrorFilter>()
            .AddEndpointFilter<AdminAntiforgeryFilter>();
        api.MapGet("/whoami", WhoAmI);
        api.MapPushAdmin();
        api.MapAdminAccountsApi();
        api.MapLogs();
        api.MapMirrorApi();
        api.MapRoadmunkReport();
        api.MapReclamationRules();
        api.MapCandidatesApi();
        api.MapSavingsApi();
        api.MapHrAdmin();

        app.MapOpenApi("/admin/api/openapi/{documentName}.json").RequireAuthorization(AdminAuthentication.Policy);
    }

    private static Ok<WhoAmIResponse> WhoAmI(HttpContext context) =>
        TypedResults.Ok(new WhoAmIResponse(context.User.Identity?.Name ?? "", context.User.Identity?.AuthenticationType ?? ""));

    /// <summary>Who an admin action is recorded as: the console account or the admin token's name.</summary>
    public static string ActorName(HttpContext context) =>
        context.User.Identity?.Name is { Length: > 0 } name ? name : "admin";
}

public sealed record WhoAmIResponse(string Name, string AuthenticatedBy);

/// <summary>A request the admin API refuses, with the status and a message for the admin.</summary>
public sealed class AdminException(int status, string title, string? detail = null, IDictionary<string, string[]>? errors = null) : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IDictionary<string, string[]>? Errors { get; } = errors;

    public static AdminException NotFound(string what) => new(StatusCodes.Status404NotFound, "Not found", what);

    public static AdminException Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", message, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// The one place where failures on the admin API and the HR API become ProblemDetails (RFC 9457), the field at fault
/// named in <c>errors</c> (store failures: <see cref="StoreUnavailable"/>).
/// </summary>
public sealed partial class AdminErrorFilter(ILogger<AdminErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (AdminException ex)
        {
            return ex.Errors is { } errors
                ? TypedResults.ValidationProblem(errors, ex.Detail, title: ex.Title)
                : TypedResults.Problem(ex.Detail, statusCode: ex.Status, title: ex.Title);
        }
        catch (HrException ex)
        {
            return ex.Field is { } field && ex.Status == StatusCodes.Status400BadRequest
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [ex.Detail] }, ex.Detail, title: ex.Title)
                : TypedResults.Problem(ex.Detail, statusCode: ex.Status, title: ex.Title);
        }
        catch (BadHttpRequestException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: ex.StatusCode, title: "Invalid request");
        }
        catch (OperationCanceledException) when (context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
        catch (Exception ex) when (!StoreFailures.IsUnavailable(ex))
        {
            LogUnhandled(logger, ex, context.HttpContext.Request.Method, context.HttpContext.Request.Path);
            return TypedResults.Problem($"An unexpected error occurred; it has been logged (trace id {context.HttpContext.TraceIdentifier}).",
                statusCode: StatusCodes.Status500InternalServerError, title: "Internal error");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
