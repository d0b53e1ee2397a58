namespace ScimBridge.ScimProtocol.Schemas;

/// <summary>
/// <c>[schemaUrn ":"] name ["." subAttribute]</c>, as in RFC 7644 section 3.10.
/// URNs contain dots and colons, so the URN is everything up to the last colon and
/// only the remainder is split on the dot.
/// </summary>
public sealed record AttributePath(string? SchemaUrn, string Name, string? SubAttribute = null)
{
    public static AttributePath Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw ScimException.InvalidPath("An attribute path is empty.");
        }

        string? urn = null;
        var local = trimmed;
        if (trimmed.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
        {
            var lastColon = trimmed.LastIndexOf(':');
            urn = trimmed[..lastColon];
            local = trimmed[(lastColon + 1)..];
        }

        var dot = local.IndexOf('.', StringComparison.Ordinal);
        var name = dot < 0 ? local : local[..dot];
        var sub = dot < 0 ? null : local[(dot + 1)..];
        if (!IsValidName(name) || (sub is not null && !IsValidName(sub)))
        {
            throw ScimException.InvalidPath($"'{text}' is not a valid attribute path.");
        }

        return new AttributePath(urn, name, sub);
    }

    /// <summary>ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; "$ref" is allowed too.</summary>
    public static bool IsValidName(string name)
    {
        if (string.Equals(name, "$ref", StringComparison.Ordinal))
        {
            return true;
        }

        if (name.Length == 0 || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString()
    {
        var local = SubAttribute is null ? Name : $"{Name}.{SubAttribute}";
        return SchemaUrn is null ? local : $"{SchemaUrn}:{local}";
    }
}

/// <summary>An attribute path resolved against a resource type.</summary>
/// <param name="Schema">The schema the attribute belongs to.</param>
/// <param name="Attribute">The top-level attribute; null when the path names a whole extension.</param>
/// <param name="SubAttribute">The sub-attribute, when the path has one.</param>
/// <param name="IsExtension">True when the schema is an extension, whose attributes live under the schema URN key.</param>
public sealed record ResolvedAttribute(SchemaDefinition Schema, AttributeDefinition? Attribute, AttributeDefinition? SubAttribute, bool IsExtension)
{
    /// <summary>The attribute that holds the value the path points at (the sub-attribute if any).</summary>
    public AttributeDefinition? Target => SubAttribute ?? Attribute;
}
