using FluentValidation;

namespace ScimBridge.Scim;

public sealed class ScimOptions
{
    public const string Section = "Scim";

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413.</summary>
    public int MaxRequestBytes { get; set; } = 2 * 1024 * 1024;

    public int DefaultPageSize { get; set; } = 100;

    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Most values one multi-valued attribute (emails, phoneNumbers, roles…) may hold; group members are not counted.</summary>
    public int MaxValuesPerAttribute { get; set; } = 1000;

    /// <summary>Longest string accepted anywhere in a request body, in characters.</summary>
    public int MaxValueLength { get; set; } = 16 * 1024;

    /// <summary>
    /// Rough budget, in bytes of stored resources, of one list response: a page stops early (itemsPerPage below count,
    /// the client pages on) once its resources add up to more, so that pages of large resources cannot exhaust memory.
    /// </summary>
    public int MaxResponseBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Absolute base URL used in meta.location, e.g. https://bridge.example.com/scim/v2, when behind a proxy.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Rounds of create, read, match and PATCH the server runs, rolled back, before it listens (see InboundWarmUp), so that
    /// an identity provider's first cycle against a fresh process is not the slow one; 0 = none.
    /// </summary>
    public int WarmUpRounds { get; set; } = 50;

    /// <summary>Section <c>Scim:Bulk</c>: the limits of POST /Bulk (and /hr/v1/bulkUpload), advertised in /ServiceProviderConfig.</summary>
    public BulkOptions Bulk { get; set; } = new();
}

/// <summary>
/// Limits of one bulk request. The defaults take a whole Entra inbound batch (50 users of a few KB) many times over, and
/// 1,000 small operations; the body limit applies instead of <c>Scim:MaxRequestBytes</c>.
/// </summary>
public sealed class BulkOptions
{
    public int MaxOperations { get; set; } = 1000;

    public int MaxPayloadBytes { get; set; } = 1024 * 1024;
}

public sealed class ScimOptionsValidator : AbstractValidator<ScimOptions>
{
    public ScimOptionsValidator()
    {
        RuleFor(o => o.MaxRequestBytes).InclusiveBetween(1024, 100 * 1024 * 1024).WithMessage("Scim:MaxRequestBytes must be between 1024 and 104857600.");
        RuleFor(o => o.DefaultPageSize).InclusiveBetween(1, 10_000).WithMessage("Scim:DefaultPageSize must be between 1 and 10000.");
        RuleFor(o => o.MaxPageSize).InclusiveBetween(1, 10_000).WithMessage("Scim:MaxPageSize must be between 1 and 10000.");
        RuleFor(o => o.MaxValuesPerAttribute).InclusiveBetween(1, 100_000).WithMessage("Scim:MaxValuesPerAttribute must be between 1 and 100000.");
        RuleFor(o => o.MaxValueLength).InclusiveBetween(256, 10 * 1024 * 1024).WithMessage("Scim:MaxValueLength must be between 256 and 10485760.");
        RuleFor(o => o.MaxResponseBytes).InclusiveBetween(64 * 1024, 1024 * 1024 * 1024).WithMessage("Scim:MaxResponseBytes must be between 65536 and 1073741824.");
        RuleFor(o => o.PublicBaseUrl)
            .Must(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            .When(o => !string.IsNullOrEmpty(o.PublicBaseUrl))
            .WithMessage("Scim:PublicBaseUrl must be an absolute URL.");
        RuleFor(o => o.WarmUpRounds).InclusiveBetween(0, 10_000).WithMessage("Scim:WarmUpRounds must be between 0 and 10000.");
        RuleFor(o => o.Bulk.MaxOperations).InclusiveBetween(1, 100_000).WithMessage("Scim:Bulk:MaxOperations must be between 1 and 100000.");
        RuleFor(o => o.Bulk.MaxPayloadBytes).InclusiveBetween(1024, 100 * 1024 * 1024).WithMessage("Scim:Bulk:MaxPayloadBytes must be between 1024 and 104857600.");
    }
}
