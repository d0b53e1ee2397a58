namespace ScimBridge.Monday;

/// <summary>How a SCIM user becomes a monday.com user (configuration section <c>Monday:Mapping</c>).</summary>
public sealed class MondayMappingOptions
{
    public const string Section = "Monday:Mapping";

    /// <summary>The seat types monday accepts.</summary>
    public static readonly IReadOnlyList<string> MondayUserTypes = ["admin", "guest", "member", "viewer"];

    /// <summary>The roles that decide the seat type (<see cref="RolesDecideUserType"/>), most privileged first: a role list decides by the first of these it contains.</summary>
    public static readonly IReadOnlyList<string> RolePrecedence = ["admin", "member", "viewer", "guest"];

    /// <summary>The monday user attributes a rule may target (besides userType, roles and active).</summary>
    public static readonly IReadOnlyList<string> Targets = ["userName", "displayName", "title", "locale", "timezone"];

    /// <summary>Source <c>userType</c> value (case-insensitive) to monday userType; <see cref="DefaultUserTypes"/> when not configured.</summary>
    public Dictionary<string, string> UserTypes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Used for a missing or unknown source userType (with a warning); the raw value is never sent.</summary>
    public string DefaultUserType { get; set; } = "member";

    /// <summary>
    /// When true, a SCIM role (its <c>value</c> or <c>display</c>, case-insensitive) equal to admin, member, viewer or guest
    /// decides the seat type, overriding <c>userType</c>. With several, the most privileged wins:
    /// admin &gt; member &gt; viewer &gt; guest.
    /// </summary>
    public bool RolesDecideUserType { get; set; } = true;

    /// <summary>Attribute rules; <see cref="DefaultAttributes"/> when not configured.</summary>
    public List<MondayAttributeRule> Attributes { get; set; } = [];

    /// <summary>Optional SCIM filter; only users matching it are pushed.</summary>
    public string? ScopeFilter { get; set; }

    public static Dictionary<string, string> DefaultUserTypes() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Member"] = "member",
        ["Employee"] = "member",
        ["User"] = "member",
        ["Contractor"] = "member",
        ["Guest"] = "guest",
        ["External"] = "guest",
        ["Admin"] = "admin",
        ["Viewer"] = "viewer",
    };

    /// <summary>The rules of Entra's monday.com gallery app.</summary>
    public static List<MondayAttributeRule> DefaultAttributes() =>
    [
        new() { Target = "userName", Source = "userName", Transform = MondayTransform.Lowercase },
        new() { Target = "displayName", Transform = MondayTransform.FirstNonEmpty, Sources = ["displayName", "name.formatted", "userName"] },
        new() { Target = "title", Source = "title" },
        new() { Target = "locale", Source = "locale" },
        new() { Target = "timezone", Source = "timezone" },
    ];
}

public enum MondayTransform
{
    None,
    Constant,
    Lowercase,
    Lookup,
    FirstNonEmpty,
}

/// <summary>One monday attribute and where its value comes from.</summary>
public sealed class MondayAttributeRule
{
    public string? Target { get; set; }

    /// <summary>A SCIM attribute path (not used by Constant and FirstNonEmpty).</summary>
    public string? Source { get; set; }

    public MondayTransform Transform { get; set; } = MondayTransform.None;

    /// <summary>The constant (Constant), or the fallback when the Lookup table has no entry.</summary>
    public string? Value { get; set; }

    /// <summary>Lookup table, source value (case-insensitive) to monday value.</summary>
    public Dictionary<string, string>? Table { get; set; }

    /// <summary>Paths tried in order by FirstNonEmpty.</summary>
    public List<string>? Sources { get; set; }
}
