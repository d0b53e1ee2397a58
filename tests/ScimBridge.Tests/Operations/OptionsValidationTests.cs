using FluentValidation;
using Microsoft.Extensions.Options;
using ScimBridge.Logs;
using ScimBridge.Operations;

namespace ScimBridge.Tests.Operations;

/// <summary>Options are validated in one style: a FluentValidation validator per options class, run at start by one adapter.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Scim:MaxPageSize", "0")]
    [InlineData("Scim:WarmUpRounds", "-1")]
    [InlineData("Scim:PublicBaseUrl", "bridge.example.com/scim/v2")]
    [InlineData("Scim:RateLimit:Burst", "0")]
    [InlineData("Https:HstsMaxAgeDays", "-1")]
    [InlineData("ForwardedHeaders:KnownNetworks:1", "10.0.0.0/40")]
    [InlineData("Auth:Tokens:CacheSeconds", "-1")]
    [InlineData("Admin:SignIn:QueueSeconds", "0")]
    [InlineData("Admin:Lockout:Minutes", "0")]
    [InlineData("Logs:RetentionDays", "0")]
    [InlineData("Push:BatchSize", "0")]
    [InlineData("Push:ForegroundConcurrency", "0")]
    [InlineData("Monday:UsersPageSize", "0")]
    [InlineData("Mirror:LeaseSeconds", "1")]
    [InlineData("Roadmunk:PageSize", "0")]
    [InlineData("Reclamation:TickSeconds", "0")]
    [InlineData("Hr:DefaultTimeZone", "Mars/Olympus")]
    [InlineData("Monday:OAuth:TimeoutSeconds", "0")]
    [InlineData("Database:SqliteBusyTimeoutMs", "-1")]
    [InlineData("Database:SqliteSynchronous", "SOMETIMES")]
    public async Task ABadValueInAnySection_StopsTheStart_WithAMessageStartingWithTheKey(string key, string value)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key.StartsWith("ForwardedHeaders:KnownNetworks", StringComparison.Ordinal))
        {
            settings["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8";
        }

        var error = await Record.ExceptionAsync(async () =>
        {
            await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, settings);
        });

        var validation = Exceptions.Flatten(error).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.NotNull(validation);
        Assert.Contains(validation.Failures, f => f.StartsWith(key + " ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryOptionsClass_IsValidatedByItsFluentValidator_ThroughTheOneAdapter()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        var assembly = typeof(ValidatedOptions).Assembly;

        var handWritten = assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidateOptions<>)))
            .Where(t => t != typeof(FluentValidationOptions<>))
            .Select(t => t.FullName);
        Assert.Empty(handWritten);

        var validated = assembly.GetTypes()
            .Select(t => t.BaseType)
            .Where(b => b is { IsGenericType: true } && b.GetGenericTypeDefinition() == typeof(AbstractValidator<>))
            .Select(b => b!.GetGenericArguments()[0])
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal))
            .ToList();
        Assert.True(validated.Count >= 15, $"only {validated.Count} options validators found");
        foreach (var options in validated)
        {
            var adapters = (IEnumerable<object>)app.Services.GetServices(typeof(IValidateOptions<>).MakeGenericType(options));
            Assert.Single(adapters, a => a.GetType() == typeof(FluentValidationOptions<>).MakeGenericType(options));
        }
    }

    [Fact]
    public void AValidatorFailure_IsTheAdaptersFailure_AndAValidValueSucceeds()
    {
        var adapter = new FluentValidationOptions<LogsOptions>([new LogsOptionsValidator()]);

        var bad = adapter.Validate(null, new LogsOptions { RetentionDays = 0 });
        var good = adapter.Validate(null, new LogsOptions());

        Assert.True(bad.Failed);
        Assert.Equal(["Logs:RetentionDays must be between 1 and 3650 (days), not 0."], bad.Failures);
        Assert.True(good.Succeeded);
    }
}
