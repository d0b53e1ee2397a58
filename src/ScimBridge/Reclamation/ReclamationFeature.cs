using ScimBridge.Operations;

namespace ScimBridge.Reclamation;

/// <summary>Licence reclamation: rules, evaluation, the candidate workflow, notices, the revoker, undo and savings.</summary>
public static class ReclamationFeature
{
    public static IServiceCollection AddReclamation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<ReclamationOptions>(configuration.GetSection(ReclamationOptions.Section));
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
