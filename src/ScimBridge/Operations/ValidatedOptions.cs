using FluentValidation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ScimBridge.Operations;

/// <summary>
/// Options are validated in one style: each options class has a FluentValidation validator in this assembly, registered
/// by the DI extensions, and one adapter runs them at start (<c>ValidateOnStart</c>) and on every reload. Every message
/// starts with the configuration key at fault, which is what a failed start prints.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to its section; its validator runs at start.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration section)
        where TOptions : class =>
        services.AddValidatedOptions<TOptions>().Bind(section);

    /// <summary>For options that are configured by code as well as bound; the caller configures them.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services)
        where TOptions : class
    {
        if (!services.Any(d => d.ServiceType == typeof(ValidatorsMarker)))
        {
            services.AddSingleton<ValidatorsMarker>();
            services.AddValidatorsFromAssemblyContaining(typeof(ValidatedOptions), ServiceLifetime.Singleton, includeInternalTypes: true);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, FluentValidationOptions<TOptions>>());
        return services.AddOptions<TOptions>().ValidateOnStart();
    }

    /// <summary>The assembly is scanned once, however many options are added.</summary>
    private sealed class ValidatorsMarker;
}

/// <summary>Runs the registered validators of <typeparamref name="TOptions"/>; there must be at least one.</summary>
public sealed class FluentValidationOptions<TOptions>(IEnumerable<IValidator<TOptions>> validators) : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly IValidator<TOptions>[] _validators = validators.ToArray() is { Length: > 0 } found
        ? found
        : throw new InvalidOperationException($"{typeof(TOptions).Name} is validated at start but has no validator.");

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var errors = _validators.SelectMany(v => v.Validate(options).Errors).Select(e => e.ErrorMessage).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
