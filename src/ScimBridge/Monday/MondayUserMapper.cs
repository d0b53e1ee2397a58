using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ScimBridge.ScimProtocol.Filters;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Monday;

/// <summary>A SCIM user as monday.com sees it.</summary>
public sealed record MappedUser(
    string UserName,
    string DisplayName,
    string UserType,
    string? Title,
    string? Locale,
    string? Timezone,
    IReadOnlyList<string> Roles,
    bool Active,
    bool InScope,
    IReadOnlyList<string> Warnings);

/// <summary>Maps canonical SCIM user JSON to <see cref="MappedUser"/> per <see cref="MondayMappingOptions"/>. Pure apart from logging.</summary>
public sealed partial class MondayUserMapper
{
    private readonly MondayMappingOptions _options;
    private readonly ILogger _logger;
    private readonly Filter? _scope;
    private readonly Dictionary<string, PatchPath> _paths = new(StringComparer.Ordinal);

    public MondayUserMapper(IOptions<MondayMappingOptions> options, ILogger<MondayUserMapper>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _scope = _options.ScopeFilter is null ? null : FilterParser.Parse(_options.ScopeFilter);
        foreach (var rule in _options.Attributes)
        {
            foreach (var path in (rule.Sources ?? []).Append(rule.Source))
            {
                if (!string.IsNullOrWhiteSpace(path) && !_paths.ContainsKey(path))
                {
                    _paths[path] = FilterParser.ParsePatchPath(path);
                }
            }
        }
    }

    public bool HasScopeFilter => _scope is not null;

    public MappedUser Map(JsonObject scimUser)
    {
        ArgumentNullException.ThrowIfNull(scimUser);
        var warnings = new List<string>();
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in _options.Attributes)
        {
            values[rule.Target!] = Apply(rule, scimUser);
        }

        var roles = ReadRoles(scimUser);
        var userType = DecideUserType(scimUser, roles, warnings);
        var active = scimUser.TryGetPropertyValue("active", out var a) && a is JsonValue av && av.TryGetValue<bool>(out var b) ? b : true;
        var inScope = _scope is null || FilterEvaluator.Matches(_scope, scimUser, ScimSchemas.UserResourceType);
        // Folded whatever the rule: userName uniqueness compares folded names, so no two users can reach monday as one.
        var userName = ScimText.Fold(values.GetValueOrDefault("userName") ?? "");
        if (userName.Length == 0)
        {
            warnings.Add("The user has no userName for monday.");
        }

        return new MappedUser(
            userName,
            values.GetValueOrDefault("displayName") ?? userName,
            userType,
            values.GetValueOrDefault("title"),
            values.GetValueOrDefault("locale"),
            values.GetValueOrDefault("timezone"),
            roles,
            active,
            inScope,
            warnings);
    }

    private string DecideUserType(JsonObject user, IReadOnlyList<string> roles, List<string> warnings)
    {
        if (_options.RolesDecideUserType)
        {
            foreach (var type in MondayMappingOptions.RolePrecedence)
            {
                if (roles.Contains(type, StringComparer.OrdinalIgnoreCase))
                {
                    return type;
                }
            }
        }

        var source = AsString(user["userType"]);
        if (string.IsNullOrEmpty(source))
        {
            return _options.DefaultUserType;
        }

        if (_options.UserTypes.TryGetValue(source, out var mapped))
        {
            return mapped;
        }

        warnings.Add($"Unknown userType '{source}'; using '{_options.DefaultUserType}'.");
        LogUnknownUserType(_logger, source, _options.DefaultUserType);
        return _options.DefaultUserType;
    }

    /// <summary>Each role's value and display (non-empty, distinct, case-insensitive).</summary>
    private static List<string> ReadRoles(JsonObject user)
    {
        var result = new List<string>();
        if (user["roles"] is not JsonArray array)
        {
            return result;
        }

        foreach (var element in array)
        {
            var candidates = element is JsonObject o ? new[] { AsString(o["value"]), AsString(o["display"]) } : [AsString(element)];
            foreach (var c in candidates)
            {
                if (!string.IsNullOrEmpty(c) && !result.Contains(c, StringComparer.OrdinalIgnoreCase))
                {
                    result.Add(c);
                }
            }
        }

        return result;
    }

    private string? Apply(MondayAttributeRule rule, JsonObject user)
    {
        switch (rule.Transform)
        {
            case MondayTransform.Constant:
                return rule.Value;
            case MondayTransform.Lowercase:
                return Read(user, rule.Source) is { } text ? ScimText.Fold(text) : null;
            case MondayTransform.Lookup:
                {
                    var value = Read(user, rule.Source);
                    if (value is not null && rule.Table is not null)
                    {
                        foreach (var (from, to) in rule.Table)
                        {
                            if (string.Equals(from, value, StringComparison.OrdinalIgnoreCase))
                            {
                                return to;
                            }
                        }
                    }

                    return rule.Value;
                }

            case MondayTransform.FirstNonEmpty:
                return (rule.Sources ?? []).Select(p => Read(user, p)).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
            default:
                return Read(user, rule.Source);
        }
    }

    /// <summary>The string at a SCIM path in canonical JSON, or null when absent or empty.</summary>
    private string? Read(JsonObject user, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (!_paths.TryGetValue(text, out var path))
        {
            path = FilterParser.ParsePatchPath(text);
        }

        var type = ScimSchemas.UserResourceType;
        var resolved = type.Resolve(path.Attribute);
        if (resolved?.Attribute is null)
        {
            return null;
        }

        var container = resolved.IsExtension ? Property(user, resolved.Schema.Id) as JsonObject : user;
        var node = container is null ? null : Property(container, resolved.Attribute.Name);
        if (path.ValueFilter is not null)
        {
            var match = (node as JsonArray)?.FirstOrDefault(e => FilterEvaluator.MatchesElement(path.ValueFilter, e, resolved.Attribute));
            node = match is JsonObject mo ? Property(mo, path.SubAttribute ?? "value") : match;
        }
        else if (resolved.SubAttribute is not null)
        {
            node = node is JsonObject o ? Property(o, resolved.SubAttribute.Name) : null;
        }
        else if (node is JsonArray array)
        {
            // A multi-valued attribute without a filter: the primary element's value, else the first.
            var element = array.FirstOrDefault(e => e is JsonObject eo && AsString(eo["primary"]) == "true") ?? array.FirstOrDefault();
            node = element is JsonObject eo2 ? Property(eo2, "value") : element;
        }

        var result = AsString(node);
        return string.IsNullOrEmpty(result) ? null : result;
    }

    private static JsonNode? Property(JsonObject o, string name)
    {
        if (o.TryGetPropertyValue(name, out var exact))
        {
            return exact;
        }

        foreach (var (key, value) in o)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    private static string? AsString(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True => "true",
        JsonValue v when v.GetValueKind() is JsonValueKind.False => "false",
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unknown SCIM userType '{UserType}'; mapped to monday userType '{DefaultUserType}'.")]
    private static partial void LogUnknownUserType(ILogger logger, string userType, string defaultUserType);
}
