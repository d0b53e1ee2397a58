using Microsoft.Extensions.Options;

namespace ScimBridge.Monday;

public static class MondayMappingFeature
{
    public static IServiceCollection AddMondayMapping(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MondayMappingOptions>()
            .Configure(o => Bind(configuration.GetSection(MondayMappingOptions.Section), o))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MondayMappingOptions>, MondayMappingOptionsValidation>();
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

/// <summary>Runs <see cref="MondayMappingValidator"/> as options validation.</summary>
public sealed class MondayMappingOptionsValidation : IValidateOptions<MondayMappingOptions>
{
    private readonly MondayMappingValidator _validator = new();

    public ValidateOptionsResult Validate(string? name, MondayMappingOptions options)
    {
        var result = _validator.Validate(options);
        return result.IsValid ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(result.Errors.Select(e => e.ErrorMessage));
    }
}
