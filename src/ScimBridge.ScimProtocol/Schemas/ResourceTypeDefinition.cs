namespace ScimBridge.ScimProtocol.Schemas;

/// <summary>A resource type (User, Group): its endpoint, core schema and extensions.</summary>
public sealed record ResourceTypeDefinition(string Name, string Endpoint, string Description, SchemaDefinition Schema, IReadOnlyList<SchemaExtension> Extensions)
{
    public IEnumerable<SchemaDefinition> AllSchemas => Extensions.Select(e => e.Schema).Prepend(Schema);

    public SchemaDefinition? FindSchema(string urn) =>
        AllSchemas.FirstOrDefault(s => string.Equals(s.Id, urn, StringComparison.OrdinalIgnoreCase));

    public SchemaExtension? FindExtension(string urn) =>
        Extensions.FirstOrDefault(e => string.Equals(e.Schema.Id, urn, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Resolves a path to its schema and attribute, or returns null when the resource type has no such attribute.
    /// A path without a URN is looked up in the core schema first, then in the extensions.
    /// A path that is exactly an extension URN resolves to the extension with a null attribute.
    /// </summary>
    public ResolvedAttribute? Resolve(AttributePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.SchemaUrn is not null)
        {
            var wholeUrn = path.SubAttribute is null ? $"{path.SchemaUrn}:{path.Name}" : null;
            if (wholeUrn is not null && FindExtension(wholeUrn) is { } whole)
            {
                return new ResolvedAttribute(whole.Schema, null, null, true);
            }

            var schema = FindSchema(path.SchemaUrn);
            if (schema is null)
            {
                return null;
            }

            var isExtension = !ReferenceEquals(schema, Schema);
            return isExtension ? ResolveIn(schema, path, true) : ResolveCommon(path) ?? ResolveIn(schema, path, false);
        }

        return ResolveCommon(path)
            ?? ResolveIn(Schema, path, false)
            ?? Extensions.Select(e => ResolveIn(e.Schema, path, true)).FirstOrDefault(r => r is not null);
    }

    private ResolvedAttribute? ResolveCommon(AttributePath path)
    {
        var common = ScimSchemas.FindCommonAttribute(path.Name);
        if (common is null)
        {
            return null;
        }

        if (path.SubAttribute is null)
        {
            return new ResolvedAttribute(Schema, common, null, false);
        }

        var sub = common.FindSubAttribute(path.SubAttribute);
        return sub is null ? null : new ResolvedAttribute(Schema, common, sub, false);
    }

    private static ResolvedAttribute? ResolveIn(SchemaDefinition schema, AttributePath path, bool isExtension)
    {
        var attribute = schema.FindAttribute(path.Name);
        if (attribute is null)
        {
            return null;
        }

        if (path.SubAttribute is null)
        {
            return new ResolvedAttribute(schema, attribute, null, isExtension);
        }

        var sub = attribute.FindSubAttribute(path.SubAttribute);
        return sub is null ? null : new ResolvedAttribute(schema, attribute, sub, isExtension);
    }
}
