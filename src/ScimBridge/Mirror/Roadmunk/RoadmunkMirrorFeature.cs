using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ScimBridge.Mirror.Roadmunk;

public static class RoadmunkMirrorFeature
{
    /// <summary>
    /// Roadmunk as a mirror source: options (validated at start), the GraphQL client and the seat source. The User
    /// CSV import (<see cref="RoadmunkUserReport.ImportAsync"/>) needs only the database and a TimeProvider.
    /// </summary>
    public static IServiceCollection AddRoadmunkSeatSource(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RoadmunkOptions>()
            .Bind(configuration.GetSection(RoadmunkOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RoadmunkOptions>, RoadmunkOptionsValidation>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<RoadmunkClient>();
        services.AddTransient<ISeatSource, RoadmunkSeatSource>();
        return services;
    }
}
