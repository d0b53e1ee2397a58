using Microsoft.Extensions.Options;

namespace ScimBridge.Reclamation;

/// <summary>Licence reclamation: rules, evaluation, the candidate workflow, notices, the revoker, undo and savings.</summary>
public static class ReclamationFeature
{
    public static IServiceCollection AddReclamation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ReclamationOptions>()
            .Bind(configuration.GetSection(ReclamationOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReclamationOptions>, ReclamationOptionsValidation>();
        services.AddSingleton<ReclaimSignal>();
        services.AddSingleton<ReclaimWorkflow>();
        services.AddSingleton<ReclaimRevoker>();
        services.AddSingleton<Apps.MondayGraphQlReclaim>();
        services.AddSingleton<Apps.MondayScimReclaim>();
        services.AddSingleton<Apps.RoadmunkReclaim>();
        services.AddHostedService<RevokerWorker>();
        services.AddSingleton<WorkLeases>();
        services.AddSingleton<ReclaimEvaluator>();
        services.AddSingleton<ReclaimSavings>();
        services.AddSingleton<ReclaimRules>();
        services.AddSingleton<ReclaimVips>();
        services.AddSingleton<AnswerLinks>();
        services.AddSingleton<AnswerThrottle>();
        services.AddSingleton<ReclaimAnswers>();
        services.AddHttpClient(ReclaimNotices.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            // Its requests' URLs are webhook secrets: no request logging.
            .RemoveAllLoggers();
        services.AddSingleton<ReclaimNotices>();
        services.AddSingleton<ReclaimScheduler>();
        services.AddHostedService<ReclaimTicker>();
        return services;
    }

    public static void MapReclamation(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        AnswerLinks.Map(app);
    }
}

public sealed class ReclamationOptionsValidation : IValidateOptions<ReclamationOptions>
{
    private readonly ReclamationOptionsValidator _validator = new();

    public ValidateOptionsResult Validate(string? name, ReclamationOptions options)
    {
        var result = _validator.Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(e => e.ErrorMessage));
    }
}
