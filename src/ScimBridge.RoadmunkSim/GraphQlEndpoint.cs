using System.Text;
using System.Text.Json.Nodes;
using ScimBridge.MondaySim.GraphQl;
using MondayGraphQl = ScimBridge.MondaySim.GraphQl.GraphQlEndpoint;

namespace ScimBridge.RoadmunkSim;

/// <summary>
/// Roadmunk's public GraphQL API at <c>POST /public/graphql</c> (<c>../shared/reference/monday-api.md</c> section 3):
/// <c>users</c>, <c>deactivateUser</c> and <c>inviteUser</c>. Errors come at HTTP 200 in <c>errors</c>, as GraphQL
/// servers answer; authentication and faults are in <see cref="Faults"/>.
/// </summary>
public static class GraphQlEndpoint
{
    public const string Path = "/public/graphql";
    public const string ValidationFailed = "GRAPHQL_VALIDATION_FAILED";
    public const string BadUserInput = "BAD_USER_INPUT";

    public static WebApplication MapRoadmunkGraphQl(this WebApplication app)
    {
        app.MapPost(Path, HandleAsync);
        return app;
    }

    public static JsonObject ErrorBody(string message, string code, int line = 0, int column = 0)
    {
        var error = new JsonObject { ["message"] = message };
        if (line > 0)
        {
            error["locations"] = new JsonArray(new JsonObject { ["line"] = line, ["column"] = column });
        }
        error["extensions"] = new JsonObject { ["code"] = code };
        return new JsonObject { ["errors"] = new JsonArray(error), ["data"] = null };
    }

    public static async Task WriteErrorAsync(HttpContext context, int status, string message, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(ErrorBody(message, code).ToJsonString());
    }

    private static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, status);

    private static async Task<IResult> HandleAsync(HttpRequest request, RoadmunkSimState state)
    {
        var (body, error) = await MondayGraphQl.ReadBodyAsync(request);
        if (body is null)
        {
            return Json(ErrorBody(error!, BadUserInput), StatusCodes.Status400BadRequest);
        }
        try
        {
            var query = body["query"] is JsonValue q && q.TryGetValue(out string? text) ? text
                : throw new GraphQlException("Must provide query string.", BadUserInput);
            var operation = GraphQlParser.Parse(query);
            var data = new RoadmunkExecution(state, body["variables"] as JsonObject).Run(operation);
            return Json(new JsonObject { ["data"] = data });
        }
        catch (GraphQlException e)
        {
            return Json(ErrorBody(e.Message, e.Code == "PARSING_ERROR" ? "GRAPHQL_PARSE_FAILED" : e.Code, e.Line, e.Column));
        }
    }
}
