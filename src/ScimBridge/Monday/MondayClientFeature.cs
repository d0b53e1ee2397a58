using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ScimBridge.Monday;

public static class MondayClientFeature
{
    public static IServiceCollection AddMondayClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MondayOptions>()
            .Bind(configuration.GetSection(MondayOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MondayOptions>, MondayOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        // One pipeline (rate limiter, circuit breaker) for every MondayScimClient instance.
        services.AddSingleton<MondayResilience>();
        services.AddHttpClient<MondayScimClient>();
        return services;
    }
}

public sealed class MondayOptionsValidation : IValidateOptions<MondayOptions>
{
    private readonly MondayOptionsValidator _validator = new();

    public ValidateOptionsResult Validate(string? name, MondayOptions options)
    {
        var result = _validator.Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(e => e.ErrorMessage));
    }
}
