using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ScimBridge.Hr;

/// <summary>
/// What the generated HR document cannot infer: a request names its worker and leaves the rest optional (records'
/// constructor parameters would all read as required), and every call needs the HR bearer token.
/// </summary>
internal static class HrOpenApi
{
    private const string Bearer = "bearer";

    public static void Configure(OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var type = context.JsonTypeInfo.Type;
            if (type == typeof(WorkerKeyRequest) || type == typeof(RescissionRequest))
            {
                schema.Required?.Clear();
            }
            else if (type == typeof(TerminationRequest) || type == typeof(RehireRequest) || type == typeof(MoveRequest))
            {
                schema.Required = new HashSet<string> { "worker" };
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = Bearer,
                Description = "An HR token: token create --name NAME --scope hr. SCIM and admin tokens are refused (401).",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] });
            return Task.CompletedTask;
        });
    }
}
