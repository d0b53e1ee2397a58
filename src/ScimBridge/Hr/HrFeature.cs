using Microsoft.Extensions.Options;
using ScimBridge.Auth;
using ScimBridge.Data;

namespace ScimBridge.Hr;

/// <summary>
/// HR-driven lifecycle: the /hr/v1 API (its own token scope), the durable schedule of terminations, rehires and moves,
/// the leaver pipeline, asynchronous bulk uploads and roster imports.
/// </summary>
public static class HrFeature
{
    public const string Policy = "Hr";
    public const string TokenScheme = "HrToken";

    public static IServiceCollection AddHr(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HrOptions>().Bind(configuration.GetSection(HrOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HrOptions>, HrOptionsValidation>();
        services.AddAuthentication().AddScheme<SecretTokenOptions, SecretTokenHandler>(TokenScheme, o => o.Scope = TokenScopes.Hr);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(TokenScheme).RequireAuthenticatedUser());
        services.AddOpenApi("hr", options => options.ShouldInclude = description => description.RelativePath?.StartsWith("hr/v1", StringComparison.OrdinalIgnoreCase) == true);
        services.AddSingleton<HrSignal>();
        services.AddSingleton<WorkerDirectory>();
        services.AddSingleton<HrLifecycle>();
        services.AddSingleton<HrGuard>();
        services.AddSingleton<LeaverPipeline>();
        services.AddSingleton<HrScheduler>();
        services.AddHostedService<HrTicker>();
        services.AddSingleton<HrJobs>();
        services.AddHostedService<HrJobWorker>();
        services.AddSingleton<RosterImport>();
        return services;
    }

    public static void MapHr(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var hr = app.MapGroup("/hr/v1")
            .RequireAuthorization(Policy)
            .RequireRateLimiting(Operations.InboundRateLimiting.Policy)
            .AddEndpointFilter<HrErrorFilter>();
        hr.MapHrApi();
        hr.MapBulkUpload();
        hr.MapRosters();
        app.MapOpenApi("/hr/v1/openapi/{documentName}.json").RequireAuthorization(Policy);
    }
}

public sealed class HrOptionsValidation : IValidateOptions<HrOptions>
{
    private readonly HrOptionsValidator _validator = new();

    public ValidateOptionsResult Validate(string? name, HrOptions options)
    {
        var result = _validator.Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(e => e.ErrorMessage));
    }
}

/// <summary>The one place where failures on /hr/v1 become ProblemDetails (RFC 9457), the field at fault named in <c>errors</c>.</summary>
public sealed partial class HrErrorFilter(ILogger<HrErrorFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
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
