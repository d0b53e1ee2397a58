namespace ScimBridge.Tests.Infrastructure;

/// <summary>Finds ../shared next to the repository (fixtures and references shared with the whole team).</summary>
public static class SharedFiles
{
    public static string Path(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ScimBridge.sln")))
            {
                var candidate = System.IO.Path.Combine([dir.FullName, "..", "shared", .. parts]);
                return File.Exists(candidate) || Directory.Exists(candidate)
                    ? candidate
                    : throw new FileNotFoundException($"Shared file not found: {candidate}. The shared/ folder must sit beside the repository.");
            }
        }

        throw new DirectoryNotFoundException("ScimBridge.sln not found above " + AppContext.BaseDirectory);
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
