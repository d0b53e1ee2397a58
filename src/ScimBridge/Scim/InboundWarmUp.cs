using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ScimBridge.Data;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

/// <summary>
/// Before the server listens, runs what an identity provider's first cycle runs (create, read, match by userName,
/// PATCH, the renderer) <see cref="ScimOptions.WarmUpRounds"/> times, each inside a transaction that is rolled back:
/// the first real requests then find that code compiled and EF's queries cached instead of paying for both. Nothing it
/// writes is committed, so no change row, push or log entry comes of it.
/// </summary>
internal static partial class InboundWarmUp
{
    private static readonly ChangeActor Actor = new("warm-up", null);

    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<ScimOptions>>().Value;
        if (options.WarmUpRounds == 0)
        {
            return;
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InboundWarmUp).FullName!);
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var round = 0; round < options.WarmUpRounds; round++)
            {
                await RoundAsync(services, options, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Only speed is at stake: the server starts all the same, and a store that is really away fails its health check.
            LogFailed(logger, e);
            return;
        }

        var ran = Stopwatch.GetElapsedTime(started);
        var settled = await JitSettledAsync(cancellationToken);
        LogDone(logger, options.WarmUpRounds, (long)ran.TotalMilliseconds, (long)(Stopwatch.GetElapsedTime(started) - ran).TotalMilliseconds, settled);
    }

    /// <summary>
    /// Waits for the runtime to finish optimising what the rounds made hot (tiered compilation recompiles it in the
    /// background): served before then, the first requests share the two cores with the compiler and run the slower
    /// first-tier code. Done when no method has been compiled for half a second, or after 15 s whatever happens.
    /// </summary>
    private static async Task<bool> JitSettledAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (15 * Stopwatch.Frequency);
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quietPolls = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            quietPolls = now == compiled ? quietPolls + 1 : 0;
            compiled = now;
            if (quietPolls == 5)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task RoundAsync(IServiceProvider services, ScimOptions options, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserService>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var userName = $"warm-up-{Guid.NewGuid():N}@scimbridge.invalid";
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(SchemaUrns.User, SchemaUrns.EnterpriseUser),
            ["userName"] = userName,
            ["externalId"] = "warm-up",
            ["displayName"] = "Warm Up",
            ["name"] = new JsonObject { ["givenName"] = "Warm", ["familyName"] = "Up" },
            ["title"] = "Warm-up",
            ["emails"] = new JsonArray(new JsonObject { ["value"] = userName, ["type"] = "work", ["primary"] = true }),
            [SchemaUrns.EnterpriseUser] = new JsonObject { ["department"] = "Warm-up" },
        };
        var created = await users.CreateAsync(body, Actor, cancellationToken);
        var id = created.Record.Id;

        var patch = PatchRequest.Parse(JsonNode.Parse("""
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"title","value":"Warmed up"}]}
            """));
        var patched = await users.PatchAsync(id, patch, null, Actor, cancellationToken);
        var read = await users.GetAsync(id, includeGroups: true, cancellationToken);
        var query = ListQuery.FromQueryString(
            new QueryCollection(new Dictionary<string, StringValues> { ["filter"] = $"userName eq \"{userName}\"" }), options);
        var page = await users.ListAsync(query, includeGroups: true, cancellationToken);

        const string BaseUrl = "http://warm-up/scim/v2/";
        foreach (var user in page.Resources.Append(created).Append(patched).Append(read))
        {
            _ = ResourceProjection.Apply(ScimRenderer.User(user.Record, user.Groups, BaseUrl), ScimSchemas.UserResourceType, null, null).ToJsonString();
        }

        _ = ScimRenderer.ListResponse(page.Resources.Select(u => ScimRenderer.User(u.Record, u.Groups, BaseUrl)), page.TotalResults, page.StartIndex).ToJsonString();
        await transaction.RollbackAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Inbound SCIM warmed up: {Rounds} rounds, rolled back, in {Milliseconds} ms, then {SettleMilliseconds} ms for the JIT to settle (settled: {Settled})")]
    private static partial void LogDone(ILogger logger, int rounds, long milliseconds, long settleMilliseconds, bool settled);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Inbound SCIM warm-up failed; the server starts without it")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
