using ScimBridge;

// A command (Cli/), the help, or the server (BridgeServer.cs), made of the features that ScimBridgeComposition.cs
// lists: AddScimBridge (the server and every command) and UseScimBridge (the pipeline and endpoints).
return await BridgeServer.RunAsync(args);

public partial class Program;
