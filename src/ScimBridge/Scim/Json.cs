using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimBridge.Scim;

internal static class Json
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string? String(JsonObject? node, string key) =>
        node?[key] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static string Serialize(JsonNode node) => node.ToJsonString(Options);

    public static JsonObject ParseObject(string json) => (JsonObject)JsonNode.Parse(json)!;

    /// <summary>A copy without id and meta, which the server owns and stores in columns.</summary>
    public static JsonObject WithoutServerAttributes(JsonObject resource)
    {
        var copy = (JsonObject)resource.DeepClone();
        copy.Remove("id");
        copy.Remove("meta");
        copy.Remove("groups");
        copy.Remove("members");
        return copy;
    }
}
