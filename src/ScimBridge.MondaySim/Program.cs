using ScimBridge.MondaySim;

// dotnet run --project src/ScimBridge.MondaySim -- --urls http://127.0.0.1:5080 --scim-token <t> --api-token <t>
var app = MondaySimulator.Build(args);
app.Run();
