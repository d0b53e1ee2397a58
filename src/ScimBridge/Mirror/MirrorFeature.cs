using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScimBridge.Operations;
using ScimBridge.Mirror.Monday;
using ScimBridge.Mirror.Roadmunk;

namespace ScimBridge.Mirror;

/// <summary>The subscription mirror: seat sources per app, runs (on a schedule and on demand), and the drift view.</summary>
public static class MirrorFeature
{
    public static IServiceCollection AddMirror(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MirrorOptions>()
            .Bind(configuration.GetSection(MirrorOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MirrorOptions>, MirrorOptionsValidation>();
        services.AddMondayOAuth(configuration);
        services.AddMondaySeatSource();
        services.AddRoadmunkSeatSource(configuration);
        services.TryAddSingleton<ForegroundActivity>();
        services.AddSingleton<MirrorRunner>();
        services.AddHostedService<MirrorScheduler>();
        return services;
    }
}

public sealed class MirrorOptionsValidation : IValidateOptions<MirrorOptions>
{
    private readonly MirrorOptionsValidator _validator = new();

    public ValidateOptionsResult Validate(string? name, MirrorOptions options)
    {
        var result = _validator.Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(e => e.ErrorMessage));
    }
}
