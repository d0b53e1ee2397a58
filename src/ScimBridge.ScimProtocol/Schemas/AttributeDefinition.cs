namespace ScimBridge.ScimProtocol.Schemas;

public enum AttributeType { String, Boolean, Decimal, Integer, DateTime, Binary, Reference, Complex }

public enum Mutability { ReadWrite, ReadOnly, Immutable, WriteOnly }

public enum Returned { Default, Always, Never, Request }

public enum Uniqueness { None, Server, Global }

/// <summary>One attribute of a schema, as RFC 7643 section 7 describes it.</summary>
public sealed record AttributeDefinition(
    string Name,
    AttributeType Type,
    bool MultiValued = false,
    bool Required = false,
    bool CaseExact = false,
    Mutability Mutability = Mutability.ReadWrite,
    Returned Returned = Returned.Default,
    Uniqueness Uniqueness = Uniqueness.None,
    string Description = "")
{
    public IReadOnlyList<AttributeDefinition> SubAttributes { get; init; } = [];
    public IReadOnlyList<string> CanonicalValues { get; init; } = [];
    public IReadOnlyList<string> ReferenceTypes { get; init; } = [];

    public bool IsComplex => Type == AttributeType.Complex;

    public AttributeDefinition? FindSubAttribute(string name) =>
        SubAttributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A schema: the core User or Group schema, or an extension.</summary>
public sealed record SchemaDefinition(string Id, string Name, string Description, IReadOnlyList<AttributeDefinition> Attributes)
{
    public AttributeDefinition? FindAttribute(string name) =>
        Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}

public sealed record SchemaExtension(SchemaDefinition Schema, bool Required);
