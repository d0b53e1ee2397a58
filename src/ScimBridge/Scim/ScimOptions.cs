using System.ComponentModel.DataAnnotations;

namespace ScimBridge.Scim;

public sealed class ScimOptions
{
    public const string Section = "Scim";

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413.</summary>
    [Range(1024, 100 * 1024 * 1024, ErrorMessage = "Scim:MaxRequestBytes must be between 1024 and 104857600.")]
    public int MaxRequestBytes { get; set; } = 2 * 1024 * 1024;

    [Range(1, 10_000, ErrorMessage = "Scim:DefaultPageSize must be between 1 and 10000.")]
    public int DefaultPageSize { get; set; } = 100;

    [Range(1, 10_000, ErrorMessage = "Scim:MaxPageSize must be between 1 and 10000.")]
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Absolute base URL used in meta.location, e.g. https://bridge.example.com/scim/v2, when behind a proxy.</summary>
    [Url(ErrorMessage = "Scim:PublicBaseUrl must be an absolute URL.")]
    public string? PublicBaseUrl { get; set; }
}
