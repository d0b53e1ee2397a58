using System.Text.Json;
using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Filters;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Patch;

/// <summary>
/// Applies RFC 7644 PATCH operations (section 3.5.2) to a canonical resource, with the leniency Microsoft Entra ID
/// needs (see shared/reference/entra-scim-client.md): add on an existing single value replaces it, a filtered
/// sub-attribute path creates the element when none matches, remove with a value array removes only those
/// values, dotted and URN-qualified keys in a path-less value object, and string booleans.
/// </summary>
public static class PatchEngine
{
    /// <summary>
    /// Applies all operations atomically to a deep copy and returns it in canonical form; the input is not modified.
    /// Throws <see cref="ScimException"/> (400) on any error, in which case nothing is applied, and
    /// <see cref="OperationCanceledException"/> once <paramref name="cancellationToken"/> is cancelled (the client left).
    /// </summary>
    public static JsonObject Apply(JsonObject resource, PatchRequest request, ResourceTypeDefinition type, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(type);

        var working = resource.DeepClone().AsObject();
        for (var i = 0; i < request.Operations.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var operation = request.Operations[i];
            try
            {
                Apply(working, operation, type);
            }
            catch (ScimException e)
            {
                var path = operation.Path is null ? "no path" : $"path '{operation.Path}'";
                throw new ScimException(e.Status, $"Operations[{i}] ({operation.Op.ToString().ToUpperInvariant()}, {path}): {e.Detail}", e.ScimType);
            }
        }

        var result = CanonicalForm.Finish(working, type);
        ResourceNormalizer.ValidateRequired(result, type);
        return result;
    }

    private static void Apply(JsonObject resource, PatchOperation operation, ResourceTypeDefinition type)
    {
        if (operation.Path is not null)
        {
            ApplyAt(resource, type, operation.Op, operation.Path, operation.Value);
            return;
        }

        // No path: the value holds attributes, each key a path of its own ("name.givenName", "urn:...:User:employeeNumber").
        if (operation.Value is not JsonObject attributes)
        {
            throw ScimException.InvalidValue($"Without a path, the value must be an object of attributes, not {ScimValues.Describe(operation.Value)}.");
        }

        foreach (var (key, value) in attributes.ToList())
        {
            ApplyAt(resource, type, operation.Op, key, value);
        }
    }

    private static void ApplyAt(JsonObject resource, ResourceTypeDefinition type, PatchOperationType op, string pathText, JsonNode? value)
    {
        var path = FilterParser.ParsePatchPath(AttributeNames.FixMalformedUrn(pathText));
        if (path.Attribute is { SchemaUrn: null, SubAttribute: null } schemasPath
            && string.Equals(schemasPath.Name, CanonicalForm.SchemasKey, StringComparison.OrdinalIgnoreCase))
        {
            return; // 'schemas' follows from the data: it is recomputed, so operations on it are ignored.
        }

        var resolved = type.Resolve(path.Attribute)
            ?? throw ScimException.InvalidPath($"'{path.Attribute}' is not an attribute of a {type.Name}.");

        if (resolved.Attribute is null)
        {
            ApplyToExtension(resource, type, resolved.Schema, op, path, value);
            return;
        }

        var attribute = resolved.Attribute;
        var sub = resolved.SubAttribute;
        if (path.ValueFilter is not null)
        {
            if (!attribute.MultiValued)
            {
                throw ScimException.InvalidPath($"'{attribute.Name}' is single-valued; a [filter] applies only to multi-valued attributes.");
            }

            if (path.SubAttribute is not null)
            {
                sub = attribute.FindSubAttribute(path.SubAttribute)
                    ?? throw ScimException.InvalidPath($"'{attribute.Name}' has no sub-attribute '{path.SubAttribute}'.");
            }
        }

        var container = resolved.IsExtension
            ? resource[resolved.Schema.Id] as JsonObject ?? (op == PatchOperationType.Remove ? null : ResourceNormalizer.ChildObject(resource, resolved.Schema.Id))
            : resource;

        if (CheckMutability(container, attribute, sub, op, path, value))
        {
            return;
        }

        if (value is null && op != PatchOperationType.Remove)
        {
            // Only nested inside a value object (Parse refuses a null top-level value): add nothing, or unassign.
            if (op == PatchOperationType.Add)
            {
                return;
            }

            op = PatchOperationType.Remove;
        }

        if (container is null)
        {
            if (path.ValueFilter is not null)
            {
                throw ScimException.NoTarget($"No value of '{attribute.Name}' matches the filter.");
            }

            return; // Removing from an absent extension: nothing to do.
        }

        var target = new Target(container, attribute, AttributeNames.Display(resolved, sub));
        if (path.ValueFilter is not null)
        {
            ApplyFiltered(target, path.ValueFilter, sub, op, value);
        }
        else if (sub is not null)
        {
            ApplySubAttribute(target, sub, op, value);
        }
        else
        {
            ApplyWhole(target, op, value);
        }
    }

    /// <summary>The object holding the attribute (the resource or an extension object), the attribute, and its name for messages.</summary>
    private sealed record Target(JsonObject Container, AttributeDefinition Attribute, string Display)
    {
        public JsonNode? Current => Container[Attribute.Name];

        public JsonArray GetOrCreateArray() => ResourceNormalizer.ChildArray(Container, Attribute.Name);

        public JsonObject GetOrCreateObject() => ResourceNormalizer.ChildObject(Container, Attribute.Name);
    }

    /// <summary>Throws on a read-only or immutable target; returns true when the operation is a harmless no-op.</summary>
    private static bool CheckMutability(JsonObject? container, AttributeDefinition attribute, AttributeDefinition? sub, PatchOperationType op, PatchPath path, JsonNode? value)
    {
        if (attribute.Mutability == Mutability.ReadOnly)
        {
            // Some clients send the id back unchanged; that changes nothing, so it is accepted.
            var sameId = attribute.Name == CanonicalForm.IdKey
                && op != PatchOperationType.Remove
                && sub is null
                && value is JsonValue v && v.GetValueKind() == JsonValueKind.String
                && container?[CanonicalForm.IdKey] is JsonValue current && current.GetValueKind() == JsonValueKind.String
                && string.Equals(v.GetValue<string>(), current.GetValue<string>(), StringComparison.Ordinal);
            if (sameId)
            {
                return true;
            }

            throw ScimException.Mutability($"Attribute '{attribute.Name}' is read-only.");
        }

        if (sub is not null && (path.ValueFilter is not null || path.Attribute.SubAttribute is not null))
        {
            if (sub.Mutability == Mutability.ReadOnly)
            {
                throw ScimException.Mutability($"Attribute '{attribute.Name}.{sub.Name}' is read-only.");
            }

            if (sub.Mutability == Mutability.Immutable)
            {
                throw ScimException.Mutability(
                    $"Attribute '{attribute.Name}.{sub.Name}' is immutable: add or remove whole '{attribute.Name}' values instead.");
            }
        }

        if (attribute.Mutability == Mutability.Immutable && container?[attribute.Name] is not null)
        {
            throw ScimException.Mutability($"Attribute '{attribute.Name}' is immutable and already has a value.");
        }

        return false;
    }

    private static void ApplyToExtension(JsonObject resource, ResourceTypeDefinition type, SchemaDefinition schema, PatchOperationType op, PatchPath path, JsonNode? value)
    {
        if (path.ValueFilter is not null)
        {
            throw ScimException.InvalidPath($"'{schema.Id}' is an extension, not a multi-valued attribute; it cannot take a [filter].");
        }

        if (op == PatchOperationType.Remove || value is null)
        {
            if (op != PatchOperationType.Add)
            {
                resource.Remove(schema.Id);
            }

            return;
        }

        if (value is not JsonObject attributes)
        {
            throw ScimException.InvalidValue($"The value for '{schema.Id}' must be an object of its attributes, not {ScimValues.Describe(value)}.");
        }

        foreach (var (key, inner) in attributes.ToList())
        {
            ApplyAt(resource, type, op, $"{schema.Id}:{key}", inner);
        }
    }

    /// <summary><c>title</c>, <c>name</c>, <c>emails</c>, <c>members</c>: the whole attribute.</summary>
    private static void ApplyWhole(Target target, PatchOperationType op, JsonNode? value)
    {
        var attribute = target.Attribute;
        if (op == PatchOperationType.Remove)
        {
            if (value is not null && attribute.MultiValued)
            {
                RemoveValues(target, value);
            }
            else
            {
                target.Container.Remove(attribute.Name);
            }

            return;
        }

        if (attribute.IsComplex && !attribute.MultiValued)
        {
            // RFC 7644 3.5.2.1/3.5.2.3: the sub-attributes given are set; the others are left as they are.
            MergeInto(target.GetOrCreateObject(), attribute, value!, target.Display);
            return;
        }

        var coerced = ScimValues.Coerce(attribute, value, target.Display);
        if (coerced is null)
        {
            if (op == PatchOperationType.Replace)
            {
                target.Container.Remove(attribute.Name);
            }

            return;
        }

        if (attribute.MultiValued && op == PatchOperationType.Add)
        {
            var array = target.GetOrCreateArray();
            var added = ScimValues.AppendDistinct(attribute, array, (JsonArray)coerced);
            ScimValues.EnforceSinglePrimary(array, added.OfType<JsonObject>().LastOrDefault(ScimValues.IsPrimary));
            return;
        }

        target.Container[attribute.Name] = coerced;
    }

    /// <summary>
    /// Remove with a value (<c>{"op":"remove","path":"members","value":[{"value":"id"}]}</c>): only the values given go.
    /// Elements with a <c>value</c> are matched by it; others by their sub-attributes. Values not present are no-ops.
    /// </summary>
    private static void RemoveValues(Target target, JsonNode value)
    {
        var attribute = target.Attribute;
        if (target.Current is not JsonArray array || ScimValues.Coerce(attribute, value, target.Display) is not JsonArray toRemove)
        {
            return;
        }

        var values = new HashSet<string>(toRemove.Select(ScimValues.ValueOf).OfType<string>(), ScimValues.ValueComparer(attribute));
        var others = toRemove.Where(e => ScimValues.ValueOf(e) is null).ToList();
        array.RemoveAll(element =>
            (ScimValues.ValueOf(element) is { } v && values.Contains(v))
            || others.Any(o => ContainsAll(element, o)));
    }

    private static bool ContainsAll(JsonNode? element, JsonNode? pattern)
    {
        if (element is JsonObject obj && pattern is JsonObject wanted)
        {
            return wanted.All(p => JsonNode.DeepEquals(obj[p.Key], p.Value));
        }

        return JsonNode.DeepEquals(element, pattern);
    }

    /// <summary><c>name.givenName</c>, <c>manager.value</c>, or <c>emails.type</c> (every element).</summary>
    private static void ApplySubAttribute(Target target, AttributeDefinition sub, PatchOperationType op, JsonNode? value)
    {
        var attribute = target.Attribute;
        if (!attribute.MultiValued)
        {
            if (op == PatchOperationType.Remove)
            {
                (target.Current as JsonObject)?.Remove(sub.Name);
                return;
            }

            Set(target.GetOrCreateObject(), sub, ScimValues.Coerce(sub, value, target.Display), op);
            return;
        }

        if (op == PatchOperationType.Remove)
        {
            foreach (var element in (target.Current as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                element.Remove(sub.Name);
            }

            return;
        }

        var coerced = ScimValues.Coerce(sub, value, target.Display);
        var array = target.GetOrCreateArray();
        if (array.Count == 0)
        {
            array.Add(new JsonObject());
        }

        foreach (var element in array.OfType<JsonObject>())
        {
            Set(element, sub, coerced?.DeepClone(), op);
        }

        ScimValues.EnforceSinglePrimary(array, preferred: null);
    }

    /// <summary><c>emails[type eq "work"]</c> and <c>emails[type eq "work"].value</c>.</summary>
    private static void ApplyFiltered(Target target, Filter filter, AttributeDefinition? sub, PatchOperationType op, JsonNode? value)
    {
        var attribute = target.Attribute;
        var existing = target.Current as JsonArray;
        var matched = existing?.OfType<JsonObject>().Where(e => FilterEvaluator.MatchesElement(filter, e, attribute)).ToList() ?? [];

        if (op == PatchOperationType.Remove)
        {
            if (matched.Count == 0)
            {
                throw ScimException.NoTarget($"No value of '{attribute.Name}' matches the filter.");
            }

            if (sub is null)
            {
                var doomed = new HashSet<JsonNode>(matched, ReferenceEqualityComparer.Instance);
                existing!.RemoveAll(e => e is not null && doomed.Contains(e));
            }
            else
            {
                matched.ForEach(m => m.Remove(sub.Name));
            }

            return;
        }

        if (matched.Count == 0)
        {
            // Entra's documented behaviour: a filtered path that matches nothing creates the element it describes.
            // Without a sub-attribute, replace follows RFC 7644 (noTarget); add creates it too.
            if (sub is null && op == PatchOperationType.Replace)
            {
                throw ScimException.NoTarget($"No value of '{attribute.Name}' matches the filter.");
            }

            var created = ElementFromFilter(filter, attribute)
                ?? throw ScimException.NoTarget(
                    $"No value of '{attribute.Name}' matches the filter, and it is not a plain 'eq' filter that could describe a new one.");
            target.GetOrCreateArray().Add(created);
            matched.Add(created);
        }

        if (sub is not null)
        {
            var coerced = ScimValues.Coerce(sub, value, target.Display);
            foreach (var element in matched)
            {
                Set(element, sub, coerced?.DeepClone(), op);
            }
        }
        else
        {
            if (value is not JsonObject)
            {
                throw ScimException.InvalidValue($"The value for a filtered '{attribute.Name}' path must be an object of sub-attributes, not {ScimValues.Describe(value)}.");
            }

            foreach (var element in matched)
            {
                MergeInto(element, attribute, value!, target.Display);
            }
        }

        ScimValues.EnforceSinglePrimary(target.GetOrCreateArray(), matched.FirstOrDefault(ScimValues.IsPrimary));
    }

    /// <summary>The element <c>type eq "work" and primary eq true</c> describes; null when the filter is anything else.</summary>
    private static JsonObject? ElementFromFilter(Filter filter, AttributeDefinition attribute)
    {
        var element = new JsonObject();
        return Collect(filter) && element.Count > 0 ? element : null;

        bool Collect(Filter f)
        {
            switch (f)
            {
                case AndFilter and:
                    return Collect(and.Left) && Collect(and.Right);
                case ComparisonFilter { Operator: ComparisonOperator.Eq, Path: { SchemaUrn: null, SubAttribute: null } path } comparison:
                    var sub = attribute.FindSubAttribute(path.Name);
                    JsonNode? raw = comparison.Value.Kind switch
                    {
                        FilterValueKind.String => JsonValue.Create(comparison.Value.String),
                        FilterValueKind.Boolean => JsonValue.Create(comparison.Value.Boolean),
                        FilterValueKind.Number => JsonValue.Create(comparison.Value.Number),
                        _ => null,
                    };
                    if (sub is null || raw is null || ScimValues.Coerce(sub, raw, $"{attribute.Name}.{sub.Name}") is not { } coerced)
                    {
                        return false;
                    }

                    element[sub.Name] = coerced;
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// Sets the sub-attributes given in <paramref name="value"/> on <paramref name="target"/>; a null or empty one
    /// unassigns it. A non-object value goes through the attribute's shorthand (a manager id string or array).
    /// </summary>
    private static void MergeInto(JsonObject target, AttributeDefinition attribute, JsonNode value, string display)
    {
        if (value is JsonObject given)
        {
            foreach (var (key, raw) in given)
            {
                var sub = attribute.FindSubAttribute(key);
                if (sub is not null)
                {
                    Set(target, sub, ScimValues.Coerce(sub, raw, $"{display}.{sub.Name}"), PatchOperationType.Replace);
                }
            }

            return;
        }

        var coerced = ScimValues.CoerceComplex(attribute, value, display);
        foreach (var (key, subValue) in coerced?.ToList() ?? [])
        {
            target[key] = subValue?.DeepClone();
        }
    }

    private static void Set(JsonObject target, AttributeDefinition sub, JsonNode? coerced, PatchOperationType op)
    {
        if (coerced is not null)
        {
            target[sub.Name] = coerced;
        }
        else if (op == PatchOperationType.Replace)
        {
            target.Remove(sub.Name);
        }
    }
}
