using System.Text.Json;
using System.Text.Json.Nodes;

namespace ScimBridge.ScimProtocol.Resources;

/// <summary>
/// <see cref="JsonNode.DeepEquals"/> as an equality comparer, so values can be de-duplicated with a hash set. The
/// hash ignores property order and key case, and gives every number the same hash, so that nodes DeepEquals calls
/// equal always hash alike.
/// </summary>
internal sealed class JsonNodeEquality : IEqualityComparer<JsonNode>
{
    public static readonly JsonNodeEquality Instance = new();

    public bool Equals(JsonNode? x, JsonNode? y) => JsonNode.DeepEquals(x, y);

    public int GetHashCode(JsonNode node) => Hash(node);

    private static int Hash(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return 0;
            case JsonObject obj:
                var sum = 17;
                foreach (var (key, value) in obj)
                {
                    sum += HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key), Hash(value));
                }

                return sum;
            case JsonArray array:
                var combined = new HashCode();
                foreach (var item in array)
                {
                    combined.Add(Hash(item));
                }

                return combined.ToHashCode();
            default:
                var kind = node.GetValueKind();
                return kind == JsonValueKind.String
                    ? StringComparer.Ordinal.GetHashCode(node.GetValue<string>())
                    : (int)kind;
        }
    }
}
