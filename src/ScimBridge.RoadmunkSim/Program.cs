namespace ScimBridge.RoadmunkSim;

// Not top-level statements: the referenced monday simulator already has a global Program.
internal static class Program
{
    // dotnet run --project src/ScimBridge.RoadmunkSim -- --urls http://127.0.0.1:5090 --api-token <t>
    private static void Main(string[] args) => RoadmunkSimulator.Build(args).Run();
}
