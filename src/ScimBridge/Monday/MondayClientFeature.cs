using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ScimBridge.Operations;

namespace ScimBridge.Monday;

public static class MondayClientFeature
{
    public static IServiceCollection AddMondayClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<MondayOptions>(configuration.GetSection(MondayOptions.Section));
        // The connection saved on the Connection page fills what the configuration leaves empty, and reloads live.
        // Its tokens are protected with the app's key ring (kept in the database where the app configures it).
        services.AddDataProtection();
        services.AddSingleton<Push.ConnectionSettings>();
        services.AddSingleton<IPostConfigureOptions<MondayOptions>>(s => s.GetRequiredService<Push.ConnectionSettings>());
        services.AddSingleton<IOptionsChangeTokenSource<MondayOptions>>(s => s.GetRequiredService<Push.ConnectionSettings>());
        services.AddSingleton<IOptions<MondayOptions>, Push.LiveMondayOptions>();
        services.AddScoped<Push.ConnectionSettingsStore>();
        // Before the push worker, which looks for a target as it starts.
        services.AddHostedService<Push.ConnectionSettingsRefresher>();
        services.TryAddSingleton(TimeProvider.System);
        // One pipeline (rate limiter, circuit breaker) for every MondayScimClient instance.
        services.AddSingleton<MondayResilience>();
        services.AddHttpClient<MondayScimClient>();
        services.AddSingleton<MondayConnectionProbe>();
        return services;
    }
}
