using ScimBridge.Operations;

namespace ScimBridge.Logs;

public static class LogsFeature
{
    public static IServiceCollection AddLogs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LogsOptions>(configuration.GetSection(LogsOptions.Section));
        services.AddSingleton<LogPruner>();
        services.AddHostedService<LogRetentionService>();
        return services;
    }
}
