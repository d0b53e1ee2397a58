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
        services.AddMondayScimHttpClient();
        services.AddSingleton<MondayConnectionProbe>();
        return services;
    }

    /// <summary>
    /// The typed client and its resilience pipeline. The reclaim's GraphQL calls take the same client by name
    /// (<see cref="MondayScimClient"/>), so that one pace and one circuit breaker stand for the account.
    /// </summary>
    public static IHttpClientBuilder AddMondayScimHttpClient(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MondayResilience>();
        var client = services.AddHttpClient<MondayScimClient>(c => c.Timeout = Timeout.InfiniteTimeSpan);
        client.AddResilienceHandler(MondayResilience.PipelineName, (pipeline, context) =>
            context.ServiceProvider.GetRequiredService<MondayResilience>().Build(pipeline));
        return client.AddHttpMessageHandler(() => new ReadAnswerHandler()).AddHttpMessageHandler(() => new Push.DryRunHandler());
    }
}
