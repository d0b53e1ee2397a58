using Prometheus;
using ScimBridge.Admin;

namespace ScimBridge.Operations;

/// <summary>
/// Running the bridge in production: redacted structured logs, metrics (<c>GET /metrics</c>, Prometheus text, admin
/// authentication), per-token inbound rate limiting, Data Protection keys shared through the database, and secrets
/// read from files (Kubernetes and Docker secrets). Health and readiness are in <see cref="Health"/>.
/// </summary>
public static class OperationsFeature
{
    /// <summary>A directory of files named like configuration keys (<c>Monday__ScimToken</c>), each holding the value.</summary>
    public const string SecretsDirectoryVariable = "SCIMBRIDGE_SECRETS_DIR";

    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        RedactingLoggerFactory.Register(services);
        services.AddMetrics();
        services.AddSingleton<BridgeMetrics>();
        services.AddSingleton<MetricsRegistry>();
        Tracing.Add(services, configuration);
        services.AddInboundRateLimiting();
        DatabaseXmlRepository.AddSharedDataProtection(services, configuration);
        return services;
    }

    public static void MapOperations(this IEndpointRouteBuilder app) =>
        app.MapMetrics("/metrics", app.ServiceProvider.GetRequiredService<MetricsRegistry>().Registry)
            .RequireAuthorization(AdminAuthentication.Policy).ExcludeFromDescription();

    /// <summary>
    /// Adds the files in <paramref name="directory"/> (when given and present) as configuration, above every other
    /// source: a mounted secret is the deliberate choice for that key.
    /// </summary>
    public static IConfigurationBuilder AddSecretFiles(this IConfigurationBuilder configuration, string? directory)
    {
        if (!string.IsNullOrWhiteSpace(directory))
        {
            // A mistyped path would otherwise fall back to the default database without a word.
            var path = Path.GetFullPath(directory);
            if (!Directory.Exists(path))
            {
                throw new InvalidOperationException($"{SecretsDirectoryVariable} names '{path}', which is not a directory.");
            }

            configuration.AddKeyPerFile(path, optional: false, reloadOnChange: false);
        }

        return configuration;
    }
}
