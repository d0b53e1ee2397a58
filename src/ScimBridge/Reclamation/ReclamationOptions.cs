using FluentValidation;
using FluentValidation.Results;

namespace ScimBridge.Reclamation;

/// <summary>Section <c>Reclamation</c>: the background work, the links in notices, and how monday.com seats are reclaimed.</summary>
public sealed class ReclamationOptions
{
    public const string Section = "Reclamation";

    /// <summary>False stops the background work (notices, reminders, auto-reclaim, the revoker, snapshots); the API still works.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>How often the background work looks for due notices, reminders, evaluations and snapshots.</summary>
    public int TickSeconds { get; set; } = 30;
    /// <summary>The bridge's public base URL (https://bridge.example.com), for the keep / give-up links in notices.</summary>
    public string? PublicUrl { get; set; }
    /// <summary>How long a keep / give-up link stays valid.</summary>
    public int LinkValidityDays { get; set; } = 30;
    /// <summary>auto (GraphQL when an API token or OAuth connection exists, else SCIM), graphql or scim.</summary>
    public string MondayVia { get; set; } = "auto";
    /// <summary>User ids per batch mutation (monday.com allows at most 200).</summary>
    public int BatchSize { get; set; } = 200;
    /// <summary>How long the revoker holds the candidates it acts on without renewing.</summary>
    public int LeaseSeconds { get; set; } = 120;
}

/// <summary>Every message starts with the configuration key at fault.</summary>
public sealed class ReclamationOptionsValidator : AbstractValidator<ReclamationOptions>
{
    public static readonly IReadOnlyList<string> Vias = ["auto", "graphql", "scim"];

    public ReclamationOptionsValidator()
    {
        RuleFor(o => o).Custom((o, context) =>
        {
            void Fail(string key, string message) =>
                context.AddFailure(new ValidationFailure($"Reclamation:{key}", $"Reclamation:{key} {message}"));

            if (o.TickSeconds is < 1 or > 3600)
            {
                Fail("TickSeconds", "must be between 1 and 3600");
            }
            if (!string.IsNullOrWhiteSpace(o.PublicUrl)
                && (!Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
            {
                Fail("PublicUrl", $"'{o.PublicUrl}' is not an absolute http(s) URL such as https://bridge.example.com");
            }
            if (o.LinkValidityDays is < 1 or > 365)
            {
                Fail("LinkValidityDays", "must be between 1 and 365");
            }
            if (!Vias.Contains(o.MondayVia, StringComparer.OrdinalIgnoreCase))
            {
                Fail("MondayVia", $"must be one of {string.Join(", ", Vias)}");
            }
            if (o.BatchSize is < 1 or > 200)
            {
                Fail("BatchSize", "must be between 1 and 200 (monday.com's batch limit)");
            }
            if (o.LeaseSeconds is < 10 or > 3600)
            {
                Fail("LeaseSeconds", "must be between 10 and 3600");
            }
        });
    }
}
