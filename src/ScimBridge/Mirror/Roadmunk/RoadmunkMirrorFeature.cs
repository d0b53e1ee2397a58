using Microsoft.Extensions.DependencyInjection.Extensions;
using ScimBridge.Operations;

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
        services.AddValidatedOptions<RoadmunkOptions>(configuration.GetSection(RoadmunkOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<RoadmunkClient>();
        services.AddTransient<ISeatSource, RoadmunkSeatSource>();
        return services;
    }
}
