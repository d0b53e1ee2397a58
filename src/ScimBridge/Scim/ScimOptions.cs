using System.ComponentModel.DataAnnotations;

namespace ScimBridge.Scim;

public sealed class ScimOptions : IValidatableObject
{
    public const string Section = "Scim";

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413.</summary>
    [Range(1024, 100 * 1024 * 1024, ErrorMessage = "Scim:MaxRequestBytes must be between 1024 and 104857600.")]
    public int MaxRequestBytes { get; set; } = 2 * 1024 * 1024;

    [Range(1, 10_000, ErrorMessage = "Scim:DefaultPageSize must be between 1 and 10000.")]
    public int DefaultPageSize { get; set; } = 100;

    [Range(1, 10_000, ErrorMessage = "Scim:MaxPageSize must be between 1 and 10000.")]
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Most values one multi-valued attribute (emails, phoneNumbers, roles…) may hold; group members are not counted.</summary>
    [Range(1, 100_000, ErrorMessage = "Scim:MaxValuesPerAttribute must be between 1 and 100000.")]
    public int MaxValuesPerAttribute { get; set; } = 1000;

    /// <summary>Longest string accepted anywhere in a request body, in characters.</summary>
    [Range(256, 10 * 1024 * 1024, ErrorMessage = "Scim:MaxValueLength must be between 256 and 10485760.")]
    public int MaxValueLength { get; set; } = 16 * 1024;

    /// <summary>
    /// Rough budget, in bytes of stored resources, of one list response: a page stops early (itemsPerPage below count,
    /// the client pages on) once its resources add up to more, so that pages of large resources cannot exhaust memory.
    /// </summary>
    [Range(64 * 1024, 1024 * 1024 * 1024, ErrorMessage = "Scim:MaxResponseBytes must be between 65536 and 1073741824.")]
    public int MaxResponseBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Absolute base URL used in meta.location, e.g. https://bridge.example.com/scim/v2, when behind a proxy.</summary>
    [Url(ErrorMessage = "Scim:PublicBaseUrl must be an absolute URL.")]
    public string? PublicBaseUrl { get; set; }

    /// <summary>Section <c>Scim:Bulk</c>: the limits of POST /Bulk (and /hr/v1/bulkUpload), advertised in /ServiceProviderConfig.</summary>
    public BulkOptions Bulk { get; set; } = new();

    // Data annotations do not look inside nested sections by themselves.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(Bulk, new ValidationContext(Bulk), results, validateAllProperties: true);
        return results;
    }
}

/// <summary>
/// Limits of one bulk request. The defaults take a whole Entra inbound batch (50 users of a few KB) many times over, and
/// 1,000 small operations; the body limit applies instead of <c>Scim:MaxRequestBytes</c>.
/// </summary>
public sealed class BulkOptions
{
    [Range(1, 100_000, ErrorMessage = "Scim:Bulk:MaxOperations must be between 1 and 100000.")]
    public int MaxOperations { get; set; } = 1000;

    [Range(1024, 100 * 1024 * 1024, ErrorMessage = "Scim:Bulk:MaxPayloadBytes must be between 1024 and 104857600.")]
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;
}
