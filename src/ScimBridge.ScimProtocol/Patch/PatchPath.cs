using ScimBridge.ScimProtocol.Filters;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Patch;

/// <summary>
/// A PATCH path (RFC 7644 section 3.5.2): <c>attrPath</c>, or <c>valuePath [subAttr]</c> such as
/// <c>emails[type eq "work"].value</c> or <c>members[value eq "id"]</c>.
/// </summary>
/// <param name="Attribute">The attribute, possibly URN-qualified; it has a sub-attribute only when there is no filter.</param>
/// <param name="ValueFilter">The filter selecting elements of a multi-valued attribute, relative to the element.</param>
/// <param name="SubAttribute">The sub-attribute after a filter (<c>.value</c> in <c>emails[...].value</c>).</param>
public sealed record PatchPath(AttributePath Attribute, Filter? ValueFilter = null, string? SubAttribute = null);
