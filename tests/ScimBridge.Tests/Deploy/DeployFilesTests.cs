using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ScimBridge.Tests.Deploy;

/// <summary>
/// What can be checked of deploy/ without Docker or a cluster: the files agree with the app and with each other.
/// No YAML library is available, so the files are read as lines; the manifests are kept simple enough for that.
/// (deploy/smoke.sh goes further: it replays the Dockerfile's build and runs its ENTRYPOINT.)
/// </summary>
public sealed partial class DeployFilesTests
{
    private const string ServerProject = "src/ScimBridge/ScimBridge.csproj";
    private static readonly string Root = RepositoryFiles.RepositoryRoot();

    [Fact]
    public void Dockerfile_Entrypoint_RunsTheServerAssemblyTheTestsRun()
    {
        var project = XDocument.Load(Path.Combine(Root, ServerProject));
        var assemblyName = project.Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(ServerProject);

        var entrypoint = JsonSerializer.Deserialize<string[]>(Dockerfile.Last("ENTRYPOINT"))!;

        Assert.Equal(["dotnet", $"{assemblyName}.dll"], entrypoint);
        Assert.Equal(typeof(Program).Assembly.GetName().Name, assemblyName);
    }

    [Fact]
    public void Dockerfile_FinalStage_RunsAsTheImagesNonRootUser()
    {
        var finalStage = Dockerfile.FinalStage();
        var users = finalStage.Where(i => i.Keyword == "USER").Select(i => i.Arguments).ToList();

        // The aspnet image's "app" user is UID 1654, also in $APP_UID.
        Assert.NotEmpty(users);
        Assert.Contains(users[^1], new[] { "$APP_UID", "${APP_UID}", "app", "1654" });
        Assert.DoesNotContain(finalStage, i => i.Keyword is "RUN" or "CMD");
    }

    [Fact]
    public void Dockerfile_BaseImages_MatchTheSdkAndFrameworkTheRepositoryPins()
    {
        var sdk = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "global.json"))).RootElement.GetProperty("sdk").GetProperty("version").GetString()!;
        var channel = string.Join('.', sdk.Split('.').Take(2));
        var framework = XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("TargetFramework").Single().Value;
        var froms = Dockerfile.Instructions.Where(i => i.Keyword == "FROM").Select(i => i.Arguments.Split(' ')[0]).ToList();

        Assert.Equal([$"mcr.microsoft.com/dotnet/sdk:{channel}", $"mcr.microsoft.com/dotnet/aspnet:{channel}"], froms);
        Assert.Equal($"net{channel}", framework);
    }

    [Fact]
    public void Dockerfile_Publish_BuildsTheServerProjectReadyToRunForLinux()
    {
        var restore = Dockerfile.Run("dotnet restore");
        var publish = Dockerfile.Run("dotnet publish");

        Assert.Equal(ServerProject, restore[2]);
        Assert.Equal(ServerProject, publish[2]);
        // ReadyToRun needs the crossgen pack, which only a restore told about it fetches (NETSDK1094).
        Assert.Contains("-p:PublishReadyToRun=true", restore);
        Assert.Contains("-p:PublishReadyToRun=true", publish);
        // The runtime identifier restored must be the one published, or the --no-restore publish fails (NETSDK1047).
        Assert.Equal("linux-x64", ValueAfter(restore, "-r"));
        Assert.Equal("linux-x64", ValueAfter(publish, "-r"));
        Assert.Equal("Release", ValueAfter(publish, "-c"));
        Assert.Contains("--no-restore", publish);
        // The runtime stage copies what the build stage published.
        var output = ValueAfter(publish, "-o");
        var copy = Dockerfile.FinalStage().Single(i => i.Keyword == "COPY").Arguments;
        Assert.Equal($"--from=build {Dockerfile.WorkdirBefore(publish)}/{output} .", copy);
    }

    [Fact]
    public void Dockerfile_RestoreLayer_CopiesEveryProjectAndBuildFileItNeeds()
    {
        var instructions = Dockerfile.Instructions;
        var restoreIndex = instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.StartsWith("dotnet restore", StringComparison.Ordinal));
        var copied = instructions.Take(restoreIndex).Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
            .ToHashSet(StringComparer.Ordinal);

        var needed = new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" }.Concat(ProjectClosure(ServerProject)).ToList();

        Assert.Contains("src/ScimBridge.ScimProtocol/ScimBridge.ScimProtocol.csproj", needed);
        Assert.All(needed, file => Assert.Contains(file, copied));
    }

    [Fact]
    public void TheServer_ReferencesNoSimulator_AndTheImageBuildsNone()
    {
        Assert.DoesNotContain(ProjectClosure(ServerProject), p => p.EndsWith("Sim.csproj", StringComparison.Ordinal));
        Assert.DoesNotContain(Dockerfile.Instructions, i => i.Arguments.Contains("Sim", StringComparison.Ordinal));
        var copied = Dockerfile.Instructions.Where(i => i.Keyword == "COPY").Select(i => i.Arguments).ToList();
        Assert.All(ProjectClosure(ServerProject), project =>
        {
            var directory = Path.GetDirectoryName(project)!.Replace('\\', '/') + "/";
            Assert.Contains($"{directory} {directory}", copied);
        });
    }

    [Fact]
    public void TheServersBuildOutput_CarriesNoSimulator()
    {
        // The server's own dependency manifest, copied beside the tests from its build output.
        var deps = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ScimBridge.deps.json"));

        Assert.Contains("ScimBridge.ScimProtocol", deps, StringComparison.Ordinal);
        Assert.DoesNotContain("ScimBridge.MondaySim", deps, StringComparison.Ordinal);
        Assert.DoesNotContain("ScimBridge.RoadmunkSim", deps, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerIgnore_LeavesOutBuildOutputLocalDatabasesAndSecrets()
    {
        var patterns = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.All(new[] { "**/bin/", "**/obj/", "**/*.db", ".git/", "**/.env", ".pgtest/" }, p => Assert.Contains(p, patterns));
        Assert.DoesNotContain(patterns, p => p.StartsWith('!'));
    }

    [Fact]
    public void Ports_AgreeAcrossDockerfileComposeDeploymentAndService()
    {
        var dockerfilePort = Dockerfile.Instructions.Single(i => i.Keyword == "ENV" && i.Arguments.StartsWith("ASPNETCORE_HTTP_PORTS=", StringComparison.Ordinal)).Arguments.Split('=')[1];
        var exposed = Dockerfile.FinalStage().Single(i => i.Keyword == "EXPOSE").Arguments;

        var compose = Lines("deploy/docker-compose.yml");
        var composePort = Unquote(Value(compose, "ASPNETCORE_HTTP_PORTS:"));
        var published = Unquote(Block(compose, "ports:").Single().TrimStart(' ', '-')).Split(':')[^1];

        var deployment = Lines("deploy/kubernetes/deployment.yaml");
        var containerPort = Value(deployment, "containerPort:");
        var deploymentPort = Unquote(EnvValue(deployment, "ASPNETCORE_HTTP_PORTS"));
        var targetPort = Value(Lines("deploy/kubernetes/service.yaml"), "targetPort:");

        Assert.Equal("8080", dockerfilePort);
        Assert.All(new[] { exposed, composePort, published, containerPort, deploymentPort, targetPort }, port => Assert.Equal(dockerfilePort, port));
    }

    [Fact]
    public void DeployFiles_SetOnlyConfigurationKeysTheAppBinds()
    {
        var files = new[] { "deploy/docker-compose.yml", "deploy/.env.example" }
            .Concat(Directory.GetFiles(Path.Combine(Root, "deploy", "kubernetes"), "*.yaml").Select(f => Path.GetRelativePath(Root, f)));
        var keys = files.SelectMany(f => Lines(f).SelectMany(l => ConfigurationKeyName().Matches(l)).Select(m => (File: f, Key: m.Value))).ToList();

        Assert.Contains(keys, k => k.File.EndsWith("deployment.yaml", StringComparison.Ordinal) && k.Key == "Push__InstanceId");
        Assert.Contains(keys, k => k.File.EndsWith("docker-compose.yml", StringComparison.Ordinal) && k.Key == "ConnectionStrings__ScimBridge");
        Assert.Contains(keys, k => k.File.EndsWith(".env.example", StringComparison.Ordinal) && k.Key == "Monday__ScimToken");
        Assert.All(keys, k => Assert.True(IsBound(k.Key.Replace("__", ":", StringComparison.Ordinal)), $"{k.File}: {k.Key} is not a setting the app binds"));
    }

    [Fact]
    public void ConfigurationKeyCheck_RejectsKeysTheAppDoesNotBind()
    {
        Assert.True(IsBound("Monday:ScimToken"));
        Assert.True(IsBound("push:instanceid"));
        Assert.True(IsBound("Push:QuarantineSchedule:0"));
        Assert.True(IsBound("Auth:Jwt:Authority"));
        Assert.False(IsBound("Monday:ScimTokn"));
        Assert.False(IsBound("Monday"));
        Assert.False(IsBound("ConnectionStrings:Default"));
        Assert.False(IsBound("Database:Password"));
    }

    [Fact]
    public void Deployment_ProbesAskHealthForLivenessAndTheDatabaseForReadiness()
    {
        var deployment = Lines("deploy/kubernetes/deployment.yaml");

        Assert.Equal("/healthz", Value(Block(deployment, "startupProbe:"), "path:"));
        Assert.Equal("/healthz", Value(Block(deployment, "livenessProbe:"), "path:"));
        Assert.Equal("/readyz", Value(Block(deployment, "readinessProbe:"), "path:"));
    }

    [Fact]
    public void Deployment_RunsTwoReplicasThatUpgradeWithoutDowntime()
    {
        var deployment = Lines("deploy/kubernetes/deployment.yaml");

        Assert.Equal("2", Value(deployment, "replicas:"));
        Assert.Equal("0", Value(Block(deployment, "rollingUpdate:"), "maxUnavailable:"));
        Assert.Equal("1", Value(Lines("deploy/kubernetes/pdb.yaml"), "minAvailable:"));
        Assert.Equal("Postgres", EnvValue(deployment, "Database__Provider"));
        Assert.Equal("metadata.name", Value(Block(deployment, "- name: Push__InstanceId"), "fieldPath:"));
    }

    [Fact]
    public void Deployment_RunsNonRootOnAReadOnlyFilesystemWithAWritableTmp()
    {
        var deployment = Lines("deploy/kubernetes/deployment.yaml");

        Assert.Equal("true", Value(deployment, "runAsNonRoot:"));
        Assert.Equal("1654", Value(deployment, "runAsUser:"));
        Assert.Equal("false", Value(deployment, "allowPrivilegeEscalation:"));
        Assert.Equal("true", Value(deployment, "readOnlyRootFilesystem:"));
        Assert.Equal("/tmp", Value(Block(deployment, "volumeMounts:"), "mountPath:"));
        Assert.Contains(Block(deployment, "volumes:"), l => l.Trim() == "emptyDir:");
    }

    [Fact]
    public void Deployment_SecretReferences_AreAllInTheExampleSecret()
    {
        var deployment = Lines("deploy/kubernetes/deployment.yaml");
        var secret = Lines("deploy/kubernetes/secret.example.yaml");
        var secretName = Value(Block(secret, "metadata:"), "name:");
        var secretKeys = Block(secret, "stringData:").Select(l => l.Trim().Split(':')[0]).ToHashSet(StringComparer.Ordinal);

        var references = deployment.Select((line, index) => (line, index)).Where(x => x.line.Trim() == "secretKeyRef:")
            .Select(x => Block(deployment, x.index)).Select(b => (Name: Value(b, "name:"), Key: Value(b, "key:"))).ToList();

        Assert.Contains(references, r => r.Key == "connection-string");
        Assert.All(references, r =>
        {
            Assert.Equal(secretName, r.Name);
            Assert.Contains(r.Key, secretKeys);
        });
        Assert.All(Block(secret, "stringData:"), l => Assert.Contains("<", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Service_SelectsThePodsTheDeploymentLabels()
    {
        var podLabels = Block(Lines("deploy/kubernetes/deployment.yaml"), "matchLabels:").Select(l => l.Trim()).ToList();
        var serviceSelector = Block(Lines("deploy/kubernetes/service.yaml"), "selector:").Select(l => l.Trim()).ToList();
        var budgetSelector = Block(Lines("deploy/kubernetes/pdb.yaml"), "matchLabels:").Select(l => l.Trim()).ToList();

        Assert.NotEmpty(podLabels);
        Assert.Equal(podLabels, serviceSelector);
        Assert.Equal(podLabels, budgetSelector);
    }

    [Fact]
    public void Kustomization_ListsEveryManifestButTheExampleSecret()
    {
        var listed = Block(Lines("deploy/kubernetes/kustomization.yaml"), "resources:").Select(l => l.Trim().TrimStart('-').Trim()).Order().ToList();
        var manifests = Directory.GetFiles(Path.Combine(Root, "deploy", "kubernetes"), "*.yaml").Select(f => Path.GetFileName(f))
            .Where(f => f is not "kustomization.yaml" and not "secret.example.yaml").Order().ToList();

        Assert.Equal(manifests, listed);
        Assert.Contains("deployment.yaml", listed);
    }

    [Fact]
    public void Compose_StartsTheBridgeFromThisDockerfileOnceItsPostgresIsHealthy()
    {
        var compose = Lines("deploy/docker-compose.yml");
        var bridge = Block(compose, "bridge:");
        var postgres = Block(compose, "postgres:");

        Assert.Equal("deploy/Dockerfile", Value(Block(bridge, "build:"), "dockerfile:"));
        Assert.Equal("..", Value(Block(bridge, "build:"), "context:"));
        Assert.Equal("service_healthy", Value(Block(bridge, "depends_on:"), "condition:"));
        Assert.Contains("pg_isready", Value(Block(postgres, "healthcheck:"), "test:"), StringComparison.Ordinal);
        Assert.Equal("Postgres", Value(bridge, "Database__Provider:"));
        Assert.Contains("Host=postgres;", Value(bridge, "ConnectionStrings__ScimBridge:"), StringComparison.Ordinal);
        Assert.Equal(".env", Value(bridge, "env_file:"));
        Assert.Equal("unless-stopped", Value(bridge, "restart:"));
    }

    [Fact]
    public void EnvExample_HoldsPlaceholdersNeverValues()
    {
        var settings = Lines("deploy/.env.example").Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToList();

        Assert.Contains(settings, s => s[0] == "POSTGRES_PASSWORD");
        Assert.All(settings, s => Assert.Matches("<[^>]+>", s[1]));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Root, "deploy", ".gitignore")));
    }

    // ---- Configuration keys: a key is bound when an options class's Section is its prefix and the next part is
    // one of that class's properties, or it is the connection string or a setting ASP.NET Core itself reads.

    private static readonly ILookup<string, Type> OptionsBySection = typeof(Program).Assembly.GetTypes()
        .Select(t => (Type: t, Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)))
        .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
        .ToLookup(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type, StringComparer.OrdinalIgnoreCase);

    private static readonly string[] FrameworkSections = ["Logging", "Kestrel"];

    private static bool IsBound(string key)
    {
        if (key.Equals($"ConnectionStrings:{DatabaseSetup.ConnectionStringName}", StringComparison.OrdinalIgnoreCase)
            || FrameworkSections.Any(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }

        return OptionsBySection.Any(section => key.StartsWith(section.Key + ":", StringComparison.OrdinalIgnoreCase)
            && section.Any(type => type.GetProperty(key[(section.Key.Length + 1)..].Split(':')[0],
                BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true }));
    }

    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9]*(?:__[A-Za-z0-9]+)+\b")]
    private static partial Regex ConfigurationKeyName();

    // ---- Small, honest readers for the files.

    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Path.Combine(Root, current))!;
            foreach (var reference in XDocument.Load(Path.Combine(Root, current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Root, full).Replace('\\', '/'));
            }
        }

        return seen;
    }

    private static string ValueAfter(IReadOnlyList<string> words, string option)
    {
        var index = words.ToList().IndexOf(option);
        Assert.True(index >= 0 && index + 1 < words.Count, $"'{option} <value>' is missing from: {string.Join(' ', words)}");
        return words[index + 1];
    }

    private static List<string> Lines(string relativePath) =>
        File.ReadAllLines(Path.Combine(Root, relativePath)).Where(l => !l.TrimStart().StartsWith('#')).ToList();

    private static int Indent(string line) => line.Length - line.TrimStart().Length;

    /// <summary>The lines nested under the first line that is (after indentation) <paramref name="header"/>.</summary>
    private static List<string> Block(List<string> lines, string header)
    {
        var index = lines.FindIndex(l => l.Trim() == header);
        Assert.True(index >= 0, $"'{header}' not found");
        return Block(lines, index);
    }

    /// <summary>
    /// The lines nested under line <paramref name="index"/>. A list item ("- name: x") opens a block that also holds its
    /// sibling keys, which sit two columns further in.
    /// </summary>
    private static List<string> Block(List<string> lines, int index)
    {
        var header = lines[index];
        var indent = Indent(header) + (header.TrimStart().StartsWith("- ", StringComparison.Ordinal) ? 1 : 0);
        return lines.Skip(index + 1).Where(l => l.Trim().Length > 0).TakeWhile(l => Indent(l) > indent).ToList();
    }

    /// <summary>The value of the first "key: value" line (inline comments are not used in these files).</summary>
    private static string Value(List<string> lines, string key)
    {
        var line = lines.Select(l => l.Trim().TrimStart('-').Trim()).FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"'{key}' not found");
        return line[key.Length..].Trim();
    }

    private static string EnvValue(List<string> deployment, string name) => Value(Block(deployment, $"- name: {name}"), "value:");

    private static string Unquote(string value) => value.Trim('"', '\'');

    /// <summary>deploy/Dockerfile as instructions: continuations joined, comments and blank lines dropped.</summary>
    private static class Dockerfile
    {
        public static readonly List<Instruction> Instructions = Read();

        public static string Last(string keyword) => Instructions.Last(i => i.Keyword == keyword).Arguments;

        public static List<Instruction> FinalStage() => Instructions.Skip(Instructions.FindLastIndex(i => i.Keyword == "FROM")).ToList();

        public static List<string> Run(string command)
        {
            var run = Instructions.Single(i => i.Keyword == "RUN" && i.Arguments.StartsWith(command, StringComparison.Ordinal));
            return [.. run.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }

        public static string WorkdirBefore(List<string> run)
        {
            var index = Instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments == string.Join(' ', run));
            return Instructions.Take(index).Last(i => i.Keyword == "WORKDIR").Arguments;
        }

        private static List<Instruction> Read()
        {
            var instructions = new List<Instruction>();
            var pending = "";
            foreach (var line in File.ReadAllLines(Path.Combine(Root, "deploy", "Dockerfile")))
            {
                if (pending.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
                {
                    continue;
                }

                if (line.TrimEnd().EndsWith('\\'))
                {
                    pending += line.TrimEnd()[..^1] + " ";
                    continue;
                }

                var text = (pending + line).Trim();
                pending = "";
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add(new Instruction(text[..space].ToUpperInvariant(), MultipleSpaces().Replace(text[(space + 1)..].Trim(), " ")));
            }

            return instructions;
        }
    }

    private sealed record Instruction(string Keyword, string Arguments);

    [GeneratedRegex(" {2,}")]
    private static partial Regex MultipleSpaces();
}
