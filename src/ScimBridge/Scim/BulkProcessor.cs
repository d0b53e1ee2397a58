using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.ScimProtocol;
using ScimBridge.ScimProtocol.Patch;
using ScimBridge.ScimProtocol.Schemas;

namespace ScimBridge.Scim;

/// <summary>What one bulk operation did: its HTTP status, the resource it created or changed, or the SCIM error.</summary>
public sealed record BulkResult(
    int Index, string Method, string? BulkId, int Status, string? ResourceType, string? Id, long? Version, string? ScimType = null, string? Detail = null)
{
    public bool Succeeded => Status < 400;
}

/// <summary>
/// Extra rules for user writes of Entra's API-driven inbound (/hr/v1/bulkUpload): a POST whose externalId names an
/// existing user updates it, and a change of <c>active</c> is an HR event.
/// </summary>
public interface IBulkUserRules
{
    /// <summary>The existing user a POST /Users updates instead of creating one; null creates.</summary>
    Task<string?> UpsertTargetAsync(JsonObject data, CancellationToken cancellationToken);

    /// <summary>
    /// Called for every write of an existing user, with <c>active</c> before and after (before the write for POST and PUT,
    /// after it for PATCH). Throws a <see cref="ScimException"/> to fail the operation.
    /// </summary>
    Task OnUserWriteAsync(string userId, bool activeBefore, bool activeAfter, CancellationToken cancellationToken);
}

/// <summary>How a bulk request runs: who writes, the base URL of locations, and what an earlier run already did.</summary>
public sealed class BulkRun
{
    public required ChangeActor Actor { get; init; }
    public required string BaseUrl { get; init; }

    /// <summary>Results an interrupted earlier run recorded: not run again; the ids they created still resolve bulkIds.</summary>
    public IReadOnlyList<BulkResult> Done { get; init; } = [];

    /// <summary>Called after each operation ran, before the next: a job records its progress here.</summary>
    public Func<BulkResult, CancellationToken, Task>? OnResult { get; init; }

    public IBulkUserRules? UserRules { get; init; }
}

/// <summary>
/// Runs a bulk request (RFC 7644 §3.7). Each operation goes through <see cref="UserService"/> or <see cref="GroupService"/>
/// in its own scope and transaction, as the single endpoints do; the request as a whole is not atomic. Operations run in
/// request order, except that one naming "bulkId:xyz" runs after the POST that declares xyz, wherever that POST is.
/// A reference that cannot be resolved fails only the operation that makes it, before anything of it is written.
/// </summary>
public sealed partial class BulkProcessor(IServiceScopeFactory scopes, ILogger<BulkProcessor> logger)
{
    public async Task<IReadOnlyList<BulkResult>> RunAsync(BulkRequest request, BulkRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(run);
        var job = new Job(this, request, run, cancellationToken);
        foreach (var done in run.Done)
        {
            job.Record(done);
        }

        foreach (var operation in request.Operations)
        {
            if (job.Stopped)
            {
                break;
            }

            await job.EnsureAsync(operation, []);
        }

        return job.Results.Values.OrderBy(r => r.Index).ToList();
    }

    /// <summary>The BulkResponse body: one entry per operation that ran, in request order.</summary>
    public static JsonObject Render(IReadOnlyList<BulkResult> results, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(results);
        var operations = new JsonArray();
        foreach (var result in results)
        {
            var entry = new JsonObject();
            if (Location(result, baseUrl) is { } location)
            {
                entry["location"] = location;
            }

            entry["method"] = result.Method;
            if (result.BulkId is not null)
            {
                entry["bulkId"] = result.BulkId;
            }

            if (result.Succeeded && result.Version is { } version)
            {
                entry["version"] = Preconditions.ETag(version);
            }

            entry["status"] = result.Status.ToString(CultureInfo.InvariantCulture);
            if (!result.Succeeded)
            {
                entry["response"] = ScimHttp.ErrorBody(result.Status, result.Detail ?? "The operation failed.", result.ScimType);
            }

            operations.Add(entry);
        }

        return new JsonObject { ["schemas"] = new JsonArray(BulkRequest.ResponseSchema), ["Operations"] = operations };
    }

    public static string? Location(BulkResult result, string baseUrl) =>
        result.Id is null || result.ResourceType is null
            ? null
            : result.ResourceType == "Groups" ? ResourceLocations.Group(baseUrl, result.Id) : ResourceLocations.User(baseUrl, result.Id);

    private sealed class Job(BulkProcessor processor, BulkRequest request, BulkRun run, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, BulkOperation> _posts = request.Operations
            .Where(o => o.Error is null && o.Method == "POST" && o.BulkId is not null)
            .GroupBy(o => o.BulkId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);
        private readonly HashSet<int> _cyclic = [];
        private int _errors;

        public Dictionary<int, BulkResult> Results { get; } = [];

        public bool Stopped => request.FailOnErrors is { } limit && _errors >= limit;

        public void Record(BulkResult result)
        {
            Results[result.Index] = result;
            if (!result.Succeeded)
            {
                _errors++;
            }
            else if (result is { Method: "POST", BulkId: { } bulkId, Id: { } id })
            {
                _ids[bulkId] = id;
            }
        }

        /// <summary>Runs the operation once its references are resolved (running the POSTs they name first); null when stopped.</summary>
        public async Task<BulkResult?> EnsureAsync(BulkOperation operation, List<int> path)
        {
            if (Results.TryGetValue(operation.Index, out var known))
            {
                return known;
            }

            if (Stopped)
            {
                return null;
            }

            if (operation.Error is { } invalid)
            {
                return await FinishAsync(Failure(operation, invalid.Status, invalid.ScimType, invalid.Detail));
            }

            path.Add(operation.Index);
            try
            {
                foreach (var reference in operation.References.Order(StringComparer.Ordinal))
                {
                    if (!_posts.TryGetValue(reference, out var declaring))
                    {
                        return await FinishAsync(Failure(operation, StatusCodes.Status400BadRequest, ScimErrorTypes.InvalidValue,
                            $"bulkId:{reference} names no POST operation of this request; nothing of this operation was applied."));
                    }

                    var at = path.IndexOf(declaring.Index);
                    if (at >= 0)
                    {
                        _cyclic.UnionWith(path.Skip(at));
                        return await FinishAsync(Cycle(operation, reference));
                    }

                    var dependency = await EnsureAsync(declaring, path);
                    if (dependency is null)
                    {
                        return null;
                    }

                    if (Results.ContainsKey(operation.Index))
                    {
                        // Failed already as part of a cycle found further down.
                        return Results[operation.Index];
                    }

                    if (!dependency.Succeeded)
                    {
                        return await FinishAsync(_cyclic.Contains(operation.Index)
                            ? Cycle(operation, reference)
                            : Failure(operation, StatusCodes.Status409Conflict, ScimErrorTypes.InvalidValue,
                                $"bulkId:{reference} cannot be resolved: its POST (operation {declaring.Index + 1}) failed with status {dependency.Status}; nothing of this operation was applied."));
                    }
                }
            }
            finally
            {
                path.RemoveAt(path.Count - 1);
            }

            if (Stopped)
            {
                return null;
            }

            return await FinishAsync(await processor.ExecuteAsync(operation, _ids, run, cancellationToken));
        }

        private async Task<BulkResult> FinishAsync(BulkResult result)
        {
            Record(result);
            if (run.OnResult is not null)
            {
                await run.OnResult(result, cancellationToken);
            }

            return result;
        }

        // RFC 7644 §3.7.2 lets a service provider answer 409 for a circular reference it does not resolve.
        private static BulkResult Cycle(BulkOperation operation, string reference) =>
            Failure(operation, StatusCodes.Status409Conflict, ScimErrorTypes.InvalidValue,
                $"bulkId:{reference} is part of a circular reference between operations of this request (each needs the other's id first); "
                + "nothing of this operation was applied. Create the resources first, then link them in later operations or requests.");
    }

    private static BulkResult Failure(BulkOperation operation, int status, string? scimType, string detail) =>
        new(operation.Index, operation.Method, operation.BulkId, status, operation.ResourceType, Target(operation), null, scimType, detail);

    private static string? Target(BulkOperation operation) =>
        operation.TargetId?.StartsWith(BulkOperation.BulkIdPrefix, StringComparison.Ordinal) == true ? null : operation.TargetId;

    private async Task<BulkResult> ExecuteAsync(BulkOperation operation, IReadOnlyDictionary<string, string> ids, BulkRun run, CancellationToken cancellationToken)
    {
        var id = operation.TargetId is { } target && target.StartsWith(BulkOperation.BulkIdPrefix, StringComparison.Ordinal)
            ? ids[target[BulkOperation.BulkIdPrefix.Length..]]
            : operation.TargetId;
        var done = (int status, string resourceId, long? version) =>
            new BulkResult(operation.Index, operation.Method, operation.BulkId, status, operation.ResourceType, resourceId, version);
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        try
        {
            var data = operation.Data is null ? null : BulkRequest.Resolve(operation.Data, ids);
            if (operation.ResourceType == "Groups")
            {
                var groups = services.GetRequiredService<GroupService>();
                switch (operation.Method)
                {
                    case "POST":
                        var created = await groups.CreateAsync(data!, run.Actor, cancellationToken);
                        return done(StatusCodes.Status201Created, created.Record.Id, created.Record.Version);
                    case "PUT":
                        return done(StatusCodes.Status200OK, id!, (await groups.ReplaceAsync(id!, data!, operation.Version, run.Actor, cancellationToken)).Version);
                    case "PATCH":
                        return done(StatusCodes.Status200OK, id!,
                            (await groups.PatchAsync(id!, PatchRequest.Parse(data), operation.Version, run.Actor, cancellationToken)).Version);
                    default:
                        await groups.DeleteAsync(id!, operation.Version, run.Actor, cancellationToken);
                        return done(StatusCodes.Status204NoContent, id!, null);
                }
            }

            var users = services.GetRequiredService<UserService>();
            var rules = run.UserRules;
            switch (operation.Method)
            {
                case "POST":
                    if (rules is not null && await rules.UpsertTargetAsync(data!, cancellationToken) is { } existing)
                    {
                        await BeforeUserWriteAsync(services, rules, existing, data!, cancellationToken);
                        var updated = await users.ReplaceAsync(existing, data!, null, run.Actor, cancellationToken);
                        return done(StatusCodes.Status200OK, existing, updated.Record.Version);
                    }

                    var created = await users.CreateAsync(data!, run.Actor, cancellationToken);
                    return done(StatusCodes.Status201Created, created.Record.Id, created.Record.Version);
                case "PUT":
                    if (rules is not null)
                    {
                        await BeforeUserWriteAsync(services, rules, id!, data!, cancellationToken);
                    }

                    return done(StatusCodes.Status200OK, id!, (await users.ReplaceAsync(id!, data!, operation.Version, run.Actor, cancellationToken)).Record.Version);
                case "PATCH":
                    var before = rules is null ? null : await ActiveAsync(services, id!, cancellationToken);
                    var patched = await users.PatchAsync(id!, PatchRequest.Parse(data), operation.Version, run.Actor, cancellationToken);
                    if (rules is not null && before is { } wasActive)
                    {
                        await rules.OnUserWriteAsync(id!, wasActive, ActiveOf(Json.ParseObject(patched.Record.Data)), cancellationToken);
                    }

                    return done(StatusCodes.Status200OK, id!, patched.Record.Version);
                default:
                    await users.DeleteAsync(id!, operation.Version, run.Actor, cancellationToken);
                    return done(StatusCodes.Status204NoContent, id!, null);
            }
        }
        catch (ScimException ex)
        {
            return Failure(operation, ex.Status, ex.ScimType, ex.Detail) with { Id = id };
        }
        catch (DbUpdateConcurrencyException)
        {
            return Failure(operation, StatusCodes.Status409Conflict, null, "The resource was changed by another request at the same time; retry the operation.") with { Id = id };
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !StoreFailures.IsUnavailable(ex))
        {
            LogFailed(logger, ex, operation.Index + 1, operation.Method, operation.Path);
            return Failure(operation, StatusCodes.Status500InternalServerError, null,
                "An unexpected error occurred in this operation; it has been logged.") with
            { Id = id };
        }
    }

    private static async Task BeforeUserWriteAsync(IServiceProvider services, IBulkUserRules rules, string userId, JsonObject data, CancellationToken cancellationToken)
    {
        if (await ActiveAsync(services, userId, cancellationToken) is { } before)
        {
            await rules.OnUserWriteAsync(userId, before, ActiveOf(data), cancellationToken);
        }
    }

    private static async Task<bool?> ActiveAsync(IServiceProvider services, string userId, CancellationToken cancellationToken) =>
        await services.GetRequiredService<ScimBridgeDbContext>().Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => (bool?)u.Active).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The <c>active</c> a user body asks for; absent is true, as a stored user without it is active.</summary>
    public static bool ActiveOf(JsonObject data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var value = data.FirstOrDefault(p => string.Equals(p.Key, "active", StringComparison.OrdinalIgnoreCase)).Value;
        return value?.GetValueKind() switch
        {
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetValue<string>(), out var parsed) => parsed,
            _ => true,
        };
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Bulk operation {Number} ({Method} {Path}) failed unexpectedly")]
    private static partial void LogFailed(ILogger logger, Exception exception, int number, string method, string path);
}

/// <summary>POST {prefix}/Bulk.</summary>
public static class BulkEndpoint
{
    public static void MapBulk(this RouteGroupBuilder scim) => scim.MapPost("/Bulk", HandleAsync);

    private static async Task<IResult> HandleAsync(
        HttpContext context, BulkProcessor processor, Microsoft.Extensions.Options.IOptions<ScimOptions> options, IWriteGate gate, CancellationToken ct)
    {
        var limits = options.Value.Bulk;
        var body = await ScimHttp.ReadJsonAsync(context.Request, limits.MaxPayloadBytes, "maxPayloadSize in /ServiceProviderConfig, setting Scim:Bulk:MaxPayloadBytes", ct);
        var request = BulkRequest.Parse(body, limits);
        var baseUrl = ResourceLocations.BaseUrl(context);
        var results = await processor.RunAsync(request, new BulkRun { Actor = ChangeActor.From(context), BaseUrl = baseUrl }, ct);
        if (results.Any(r => r.Succeeded))
        {
            // The operations wrote in scopes of their own: this makes DurableWritesFilter wait until their commits are on disk.
            using (await gate.EnterAsync(ct))
            {
            }
        }

        return ScimHttp.Json(BulkProcessor.Render(results, baseUrl));
    }
}
