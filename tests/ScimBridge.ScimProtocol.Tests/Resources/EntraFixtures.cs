using System.Text.Json.Nodes;

namespace ScimBridge.ScimProtocol.Tests.Resources;

/// <summary>One request from tests/TestData/entra: <see cref="Id"/> is its "name", or its "source" URL when it has none.</summary>
internal sealed record FixtureRequest(string File, string Id, string Method, string Path, JsonObject? Body, JsonNode? Expect, string? Note);

/// <summary>
/// Loads the Entra request fixtures from <c>tests/TestData/entra</c> (the project's own copy of the request shapes from
/// Microsoft's documentation and public issue threads), found by walking up from the test binaries to ScimBridge.sln.
/// </summary>
internal static class EntraFixtures
{
    private static readonly Lazy<IReadOnlyList<FixtureRequest>> Loaded = new(Load);

    public static IReadOnlyList<FixtureRequest> All => Loaded.Value;

    public static FixtureRequest Get(string id) =>
        All.SingleOrDefault(r => r.Id == id) ?? throw new InvalidOperationException($"No Entra fixture request is named '{id}'.");

    /// <summary>xunit member data: the ids of the requests with this method and a body.</summary>
    public static TheoryData<string> IdsWithBody(string method)
    {
        var data = new TheoryData<string>();
        foreach (var request in All.Where(r => r.Method == method && r.Body is not null))
        {
            data.Add(request.Id);
        }

        return data;
    }

    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ScimBridge.sln")))
                {
                    return Path.Combine(dir.FullName, "tests", "TestData", "entra");
                }
            }

            throw new InvalidOperationException($"Could not find ScimBridge.sln in '{AppContext.BaseDirectory}' or any parent.");
        }
    }

    private static List<FixtureRequest> Load()
    {
        var files = System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new InvalidOperationException($"No *.json fixture files in '{Directory}'.");
        }

        var requests = new List<FixtureRequest>();
        foreach (var file in files)
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            foreach (var item in root["requests"]!.AsArray())
            {
                var request = item!.AsObject();
                var id = (string?)request["name"] ?? (string)request["source"]!;
                requests.Add(new FixtureRequest(
                    Path.GetFileName(file),
                    id,
                    (string)request["method"]!,
                    (string)request["path"]!,
                    request["body"]?.DeepClone().AsObject(),
                    request["expect"]?.DeepClone(),
                    (string?)request["note"]));
            }
        }

        var duplicate = requests.GroupBy(r => r.Id).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? requests : throw new InvalidOperationException($"Two fixture requests share the id '{duplicate.Key}'.");
    }
}
