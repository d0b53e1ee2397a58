using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

/// <summary>/ServiceProviderConfig, /ResourceTypes and /Schemas: read-only and truthful about what this server does.</summary>
public static class DiscoveryEndpoints
{
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];

    public static void MapDiscovery(this RouteGroupBuilder scim)
    {
        scim.MapGet("/ServiceProviderConfig", ServiceProviderConfig);
        scim.MapGet("/ResourceTypes", ResourceTypes);
        scim.MapGet("/ResourceTypes/{name}", ResourceType);
        scim.MapGet("/Schemas", Schemas);
        scim.MapGet("/Schemas/{id}", Schema);
        foreach (var path in new[] { "/ServiceProviderConfig", "/ResourceTypes", "/ResourceTypes/{name}", "/Schemas", "/Schemas/{id}" })
        {
            scim.MapMethods(path, WriteMethods, () => NotImplemented($"{path.Split('/')[1]} is read-only."));
        }
    }

    public static IResult NotImplemented(string detail) => ScimHttp.Error(new ScimException(StatusCodes.Status501NotImplemented, detail));

    private static IResult ServiceProviderConfig(HttpContext context, IOptions<ScimOptions> options)
    {
        var baseUrl = ResourceLocations.BaseUrl(context);
        return ScimHttp.Json(new JsonObject
        {
            ["schemas"] = new JsonArray(SchemaUrns.ServiceProviderConfig),
            ["documentationUri"] = "https://www.rfc-editor.org/rfc/rfc7644",
            ["patch"] = new JsonObject { ["supported"] = true },
            ["bulk"] = new JsonObject
            {
                ["supported"] = true,
                ["maxOperations"] = options.Value.Bulk.MaxOperations,
                ["maxPayloadSize"] = options.Value.Bulk.MaxPayloadBytes,
            },
            ["filter"] = new JsonObject { ["supported"] = true, ["maxResults"] = options.Value.MaxPageSize },
            ["changePassword"] = new JsonObject { ["supported"] = false },
            ["sort"] = new JsonObject { ["supported"] = true },
            ["etag"] = new JsonObject { ["supported"] = true },
            ["authenticationSchemes"] = new JsonArray(new JsonObject
            {
                ["type"] = "oauthbearertoken",
                ["name"] = "OAuth Bearer Token",
                ["description"] = "A secret token created with 'token create', or a JWT from the configured issuer, sent as 'Authorization: Bearer <token>'.",
                ["specUri"] = "https://www.rfc-editor.org/rfc/rfc6750",
                ["primary"] = true,
            }),
            ["meta"] = new JsonObject
            {
                ["resourceType"] = "ServiceProviderConfig",
                ["location"] = $"{baseUrl}/ServiceProviderConfig",
            },
        });
    }

    private static IResult ResourceTypes(HttpContext context)
    {
        RejectFilter(context);
        var baseUrl = ResourceLocations.BaseUrl(context);
        var all = ScimSchemas.ResourceTypes.Select(t => RenderResourceType(t, baseUrl)).ToList();
        return ScimHttp.Json(ScimRenderer.ListResponse(all, all.Count, 1));
    }

    private static IResult ResourceType(string name, HttpContext context)
    {
        var type = ScimSchemas.ResourceTypes.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimException.NotFound($"Resource type {name} not found.");
        return ScimHttp.Json(RenderResourceType(type, ResourceLocations.BaseUrl(context)));
    }

    private static IResult Schemas(HttpContext context)
    {
        RejectFilter(context);
        var baseUrl = ResourceLocations.BaseUrl(context);
        var all = ScimSchemas.All.Select(s => RenderSchema(s, baseUrl)).ToList();
        return ScimHttp.Json(ScimRenderer.ListResponse(all, all.Count, 1));
    }

    private static IResult Schema(string id, HttpContext context)
    {
        var schema = ScimSchemas.All.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase))
            ?? throw ScimException.NotFound($"Schema {id} not found.");
        return ScimHttp.Json(RenderSchema(schema, ResourceLocations.BaseUrl(context)));
    }

    /// <summary>RFC 7644 section 4: discovery endpoints do not filter, and say so with 403.</summary>
    private static void RejectFilter(HttpContext context)
    {
        if (context.Request.Query.ContainsKey("filter"))
        {
            throw new ScimException(StatusCodes.Status403Forbidden, "Filtering is not supported on discovery endpoints.");
        }
    }

    private static JsonObject RenderResourceType(ResourceTypeDefinition type, string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(SchemaUrns.ResourceType),
        ["id"] = type.Name,
        ["name"] = type.Name,
        ["endpoint"] = type.Endpoint,
        ["description"] = type.Description,
        ["schema"] = type.Schema.Id,
        ["schemaExtensions"] = new JsonArray(type.Extensions
            .Select(e => (JsonNode)new JsonObject { ["schema"] = e.Schema.Id, ["required"] = e.Required }).ToArray()),
        ["meta"] = new JsonObject { ["resourceType"] = "ResourceType", ["location"] = $"{baseUrl}/ResourceTypes/{type.Name}" },
    };

    private static JsonObject RenderSchema(SchemaDefinition schema, string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(SchemaUrns.Schema),
        ["id"] = schema.Id,
        ["name"] = schema.Name,
        ["description"] = schema.Description,
        ["attributes"] = new JsonArray(schema.Attributes.Select(a => (JsonNode)RenderAttribute(a)).ToArray()),
        ["meta"] = new JsonObject { ["resourceType"] = "Schema", ["location"] = $"{baseUrl}/Schemas/{schema.Id}" },
    };

    private static JsonObject RenderAttribute(AttributeDefinition attribute)
    {
        var json = new JsonObject
        {
            ["name"] = attribute.Name,
            ["type"] = attribute.Type switch
            {
                AttributeType.DateTime => "dateTime",
                var t => t.ToString().ToLowerInvariant(),
            },
            ["multiValued"] = attribute.MultiValued,
            ["description"] = attribute.Description.Length > 0 ? attribute.Description : attribute.Name,
            ["required"] = attribute.Required,
            ["caseExact"] = attribute.CaseExact,
            ["mutability"] = Camel(attribute.Mutability.ToString()),
            ["returned"] = Camel(attribute.Returned.ToString()),
            ["uniqueness"] = Camel(attribute.Uniqueness.ToString()),
        };
        if (attribute.CanonicalValues.Count > 0)
        {
            json["canonicalValues"] = new JsonArray(attribute.CanonicalValues.Select(v => (JsonNode)v).ToArray());
        }

        if (attribute.Type == AttributeType.Reference)
        {
            json["referenceTypes"] = new JsonArray(attribute.ReferenceTypes.Select(v => (JsonNode)v).ToArray());
        }

        if (attribute.SubAttributes.Count > 0)
        {
            json["subAttributes"] = new JsonArray(attribute.SubAttributes.Select(a => (JsonNode)RenderAttribute(a)).ToArray());
        }

        return json;
    }

    private static string Camel(string value) => char.ToLowerInvariant(value[0]) + value[1..];
}
