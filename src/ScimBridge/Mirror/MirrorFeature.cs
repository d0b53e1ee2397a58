using Microsoft.Extensions.DependencyInjection.Extensions;
using ScimBridge.Mirror.Monday;
using ScimBridge.Mirror.Roadmunk;
using ScimBridge.Operations;

namespace ScimBridge.Mirror;

/// <summary>The subscription mirror: seat sources per app, runs (on a schedule and on demand), and the drift view.</summary>
public static class MirrorFeature
{
    public static IServiceCollection AddMirror(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<MirrorOptions>(configuration.GetSection(MirrorOptions.Section));
        services.AddMondayOAuth(configuration);
        services.AddMondaySeatSource();
        services.AddRoadmunkSeatSource(configuration);
        services.TryAddSingleton<ForegroundActivity>();
        services.AddSingleton<MirrorRunner>();
        services.AddHostedService<MirrorScheduler>();
        return services;
    }
}
