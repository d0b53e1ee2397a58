using Microsoft.Extensions.Options;

namespace ScimBridge.Logs;

public static class LogsFeature
{
    public static IServiceCollection AddLogs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LogsOptions>().Bind(configuration.GetSection(LogsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LogsOptions>, LogsOptionsValidation>();
        services.AddSingleton<LogPruner>();
        services.AddHostedService<LogRetentionService>();
        return services;
    }
}
