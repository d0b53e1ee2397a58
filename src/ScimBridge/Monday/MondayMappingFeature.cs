using ScimBridge.Operations;

namespace ScimBridge.Monday;

public static class MondayMappingFeature
{
    public static IServiceCollection AddMondayMapping(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<MondayMappingOptions>()
            .Configure(o => Bind(configuration.GetSection(MondayMappingOptions.Section), o));
        services.AddSingleton<MondayUserMapper>();
        return services;
    }

    /// <summary>Binds the section; UserTypes and Attributes fall back to their defaults when not configured (never merged).</summary>
    public static void Bind(IConfigurationSection section, MondayMappingOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        section.Bind(options);
        options.UserTypes = section.GetSection(nameof(MondayMappingOptions.UserTypes)).Exists()
            ? new Dictionary<string, string>(options.UserTypes, StringComparer.OrdinalIgnoreCase)
            : MondayMappingOptions.DefaultUserTypes();
        if (!section.GetSection(nameof(MondayMappingOptions.Attributes)).Exists())
        {
            options.Attributes = MondayMappingOptions.DefaultAttributes();
        }
    }
}
