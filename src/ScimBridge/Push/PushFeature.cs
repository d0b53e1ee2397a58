using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ScimBridge.Operations;

namespace ScimBridge.Push;

public static class PushFeature
{
    public static IServiceCollection AddPush(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<PushOptions>()
            .Configure(o =>
            {
                var section = configuration.GetSection(PushOptions.Section);
                section.Bind(o);
                if (!section.GetSection(nameof(PushOptions.QuarantineSchedule)).Exists())
                {
                    o.QuarantineSchedule = PushOptions.DefaultQuarantineSchedule();
                }
            });
        services.TryAddSingleton<ForegroundActivity>();
        services.AddSingleton<PushSignal>();
        services.AddSingleton<SaveChangesInterceptor, ChangeCommittedInterceptor>();
        services.AddSingleton<PushStore>();
        services.AddSingleton<Quarantine>();
        services.AddSingleton<DeletionGuard>();
        services.AddSingleton<MondayLinks>();
        services.AddScoped<MondayPusher>();
        services.AddScoped<PushConnection>();
        services.AddScoped<StagedDeletes>();
        services.AddScoped<ChangeReplay>();
        services.AddScoped<ProvisionOnDemand>();
        services.AddHostedService<PushWorker>();
        return services;
    }
}
