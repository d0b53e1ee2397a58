using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ScimBridge.Mirror.Monday;

public static class MondayMirrorFeature
{
    /// <summary>
    /// The monday.com <see cref="ISeatSource"/>. Needs <c>AddMondayClient</c> (Monday options, the SCIM client for the
    /// fallback) and an <see cref="IMondayApiCredentials"/> (the API token one unless another is registered).
    /// </summary>
    public static IServiceCollection AddMondaySeatSource(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMondayApiCredentials, MondayApiCredentials>();
        // monday times a call out after 60 s; a little more here so its own answer arrives first.
        services.AddHttpClient(MondayGraphQlClient.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(75));
        services.TryAddSingleton<MondayGraphQlClient>();
        services.TryAddSingleton<MondayScimSeatSource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISeatSource, MondaySeatSource>());
        return services;
    }
}
