using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace ScimBridge.Push;

public static class PushFeature
{
    public static IServiceCollection AddPush(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PushOptions>()
            .Configure(o =>
            {
                var section = configuration.GetSection(PushOptions.Section);
                section.Bind(o);
                if (!section.GetSection(nameof(PushOptions.QuarantineSchedule)).Exists())
                {
                    o.QuarantineSchedule = PushOptions.DefaultQuarantineSchedule();
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PushOptions>, PushOptionsValidation>();
        services.AddSingleton<PushSignal>();
        services.AddSingleton<SaveChangesInterceptor, ChangeCommittedInterceptor>();
        services.AddSingleton<PushStore>();
        services.AddSingleton<Quarantine>();
        services.AddSingleton<DeletionGuard>();
        services.AddSingleton<MondayLinks>();
        services.AddScoped<MondayPusher>();
        services.AddScoped<PushAdmin>();
        services.AddHostedService<PushWorker>();
        return services;
    }
}

public sealed class PushOptionsValidation : IValidateOptions<PushOptions>
{
    private readonly PushOptionsValidator _validator = new();

    public ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        var result = _validator.Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(e => e.ErrorMessage));
    }
}
