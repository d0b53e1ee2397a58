namespace ScimBridge.Tests.Infrastructure;

/// <summary>Files of this repository, found from the test binaries by walking up to ScimBridge.sln.</summary>
public static class RepositoryFiles
{
    /// <summary>A file under <c>tests/TestData</c>, the project's own test data (e.g. the Entra request fixtures).</summary>
    public static string TestData(params string[] parts)
    {
        var path = System.IO.Path.Combine([RepositoryRoot(), "tests", "TestData", .. parts]);
        return File.Exists(path) || Directory.Exists(path) ? path : throw new FileNotFoundException($"Test data not found: {path}.");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ScimBridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("ScimBridge.sln not found above " + AppContext.BaseDirectory);
    }
}
