using System.Text.Json;
using System.Text.Json.Nodes;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.ScimProtocol.Tests.Resources;

/// <summary>Realistic canonical resources, JSON helpers and assertions shared by the Resources and Patch tests.</summary>
internal static class TestResources
{
    public const string Enterprise = SchemaUrns.EnterpriseUser;

    public static ResourceTypeDefinition UserType => ScimSchemas.UserResourceType;

    public static ResourceTypeDefinition GroupType => ScimSchemas.GroupResourceType;

    /// <summary>A provisioned user as the server stores it (canonical form, with id and meta).</summary>
    public static JsonObject User() => Obj($$"""
        {
          "schemas": ["{{SchemaUrns.User}}", "{{Enterprise}}"],
          "id": "2819c223-7f76-453a-919d-413861904646",
          "externalId": "jyoung",
          "userName": "jyoung@testuser.com",
          "name": { "formatted": "Joy Young", "familyName": "Young", "givenName": "Joy" },
          "displayName": "Joy Young",
          "title": "Engineer",
          "active": true,
          "emails": [
            { "value": "jyoung@contoso.com", "type": "work", "primary": true },
            { "value": "joy@home.example", "type": "home" }
          ],
          "{{Enterprise}}": { "employeeNumber": "701984", "department": "Sales" },
          "meta": {
            "resourceType": "User",
            "created": "2024-01-01T00:00:00Z",
            "lastModified": "2024-01-01T00:00:00Z",
            "location": "https://bridge.example/scim/v2/Users/2819c223-7f76-453a-919d-413861904646",
            "version": "W/\"1\""
          }
        }
        """);

    /// <summary>A provisioned group with four members.</summary>
    public static JsonObject Group(params string[] extraMembers)
    {
        var group = Obj($$"""
            {
              "schemas": ["{{SchemaUrns.Group}}"],
              "id": "e9e30dba-f08f-4109-8486-d5c6a331660a",
              "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
              "displayName": "Sales",
              "members": [
                { "value": "u1091", "display": "Babs Jensen", "type": "User" },
                { "value": "u2000" },
                { "value": "7f4bc1a3-285e-48ae-8202-5accb43efb0e" },
                { "value": "aaebb169-b91d-481c-9957-097faeaf649a" }
              ],
              "meta": { "resourceType": "Group", "version": "W/\"1\"" }
            }
            """);
        foreach (var member in extraMembers)
        {
            group["members"]!.AsArray().Add(new JsonObject { ["value"] = member });
        }

        return group;
    }

    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    public static JsonNode? Node(string json) => JsonNode.Parse(json);

    /// <summary>A copy of <paramref name="resource"/> with the JSON merge patch <paramref name="changes"/> applied (null removes).</summary>
    public static JsonObject With(JsonObject resource, string changes)
    {
        var copy = resource.DeepClone().AsObject();
        Merge(copy, Obj(changes));
        return copy;
    }

    public static void Merge(JsonObject target, JsonObject changes)
    {
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject nested && target[key] is JsonObject existing)
            {
                Merge(existing, nested);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }

    public static string Pretty(JsonNode? node) =>
        node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";

    /// <summary>Deep JSON equality (object key order ignored, array order significant) with both sides printed on failure.</summary>
    public static void AssertJson(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Fail($"JSON differs.\nExpected:\n{Pretty(expected)}\nActual:\n{Pretty(actual)}");
        }
    }

    public static void AssertJson(string expected, JsonNode? actual) => AssertJson(JsonNode.Parse(expected), actual);

    public static ScimException AssertScimError(string scimType, Action action, string? detailContains = null)
    {
        var error = Assert.Throws<ScimException>(action);
        Assert.Equal(400, error.Status);
        Assert.Equal(scimType, error.ScimType);
        if (detailContains is not null)
        {
            Assert.Contains(detailContains, error.Detail, StringComparison.OrdinalIgnoreCase);
        }

        return error;
    }
}
