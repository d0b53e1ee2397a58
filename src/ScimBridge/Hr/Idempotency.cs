using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Hr;

/// <summary>What an /hr/v1 command answers (the JSON body as sent), and what a replay of it sends again.</summary>
public sealed record HrAnswer(int Status, string Body, string? Location = null);

/// <summary>
/// Idempotency by client request id (<c>Idempotency-Key</c>, or Microsoft Graph's <c>client-request-id</c>): the first
/// request with an id claims it (the HrRequests primary key decides between racing requests), runs, and stores its
/// answer; the same id with the same request replays that answer (<c>Idempotent-Replayed: true</c>) without a second
/// effect; with a different request it is a 422. Only a successful answer is remembered: a refused request releases its
/// id, so the caller can retry it once the cause is fixed. Ids are per token and kept <c>Hr:RequestRetentionHours</c>.
/// </summary>
public static class Idempotency
{
    public const string Header = "Idempotency-Key";
    public const string GraphHeader = "client-request-id";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxLength = 255;

    /// <summary>A claim not answered after this long belongs to a request that died: a retry may take it over.</summary>
    private static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(2);

    private sealed record Stored(string? Location, string Body);

    /// <summary>The request's client id from either header (null when none); 400 naming the header when it is unusable.</summary>
    public static string? RequestId(string? idempotencyKey, string? clientRequestId)
    {
        var key = Check(Header, idempotencyKey);
        var graph = Check(GraphHeader, clientRequestId);
        if (key is not null && graph is not null && !string.Equals(key, graph, StringComparison.Ordinal))
        {
            throw HrException.Invalid(Header, $"{Header} and {GraphHeader} differ; send one of them (or the same id in both).");
        }
        return key ?? graph;
    }

    private static string? Check(string header, string? value)
    {
        if (value is null)
        {
            return null;
        }
        var id = value.Trim();
        if (id.Length == 0)
        {
            throw HrException.Invalid(header, $"{header} is empty; leave the header out or send an id.");
        }
        if (id.Length > MaxLength)
        {
            throw HrException.Invalid(header, $"{header} is {id.Length} characters long; at most {MaxLength} are accepted.");
        }
        if (id.Any(char.IsControl) || id.Contains(',', StringComparison.Ordinal))
        {
            throw HrException.Invalid(header, $"{header} must be one id of printable characters.");
        }
        return id;
    }

    /// <summary>Runs <paramref name="action"/> once per client request id, or replays its stored answer.</summary>
    public static async Task<IResult> RunAsync(HttpContext context, byte[] body, string? requestId, Func<Task<HrAnswer>> action)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(action);
        if (requestId is null)
        {
            return Send(context, await action(), replayed: false);
        }
        var services = context.RequestServices;
        var store = services.GetRequiredService<PushStore>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var retention = TimeSpan.FromHours(services.GetRequiredService<IOptions<HrOptions>>().Value.RequestRetentionHours);
        var key = $"{context.User.Identity?.Name}\n{requestId}";
        var hash = Hash(context.Request.Method, context.Request.Path.Value ?? "", body);
        var ct = context.RequestAborted;

        var earlier = await ClaimAsync(store, key, hash, now, retention, ct);
        if (earlier is not null)
        {
            if (!string.Equals(earlier.RequestHash, hash, StringComparison.Ordinal))
            {
                throw new HrException(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                    $"{Header} '{requestId}' was already used at {earlier.CreatedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} for a different request " +
                    "(another path or body); a retry must send the same request, a new request needs a new id.");
            }
            if (earlier.Status == 0)
            {
                throw HrException.Conflict($"A request with {Header} '{requestId}' is still being processed; retry it in a moment to get its answer.");
            }
            var stored = JsonSerializer.Deserialize<Stored>(earlier.Response, JsonSerializerOptions.Web)!;
            return Send(context, new HrAnswer(earlier.Status, stored.Body, stored.Location), replayed: true);
        }

        HrAnswer answer;
        try
        {
            answer = await action();
        }
        catch
        {
            await store.WriteAsync(db => db.HrRequests.Where(r => r.Key == key && r.Status == 0).ExecuteDeleteAsync(CancellationToken.None), CancellationToken.None);
            throw;
        }
        // The effect is done: remembering it must not depend on the caller still listening.
        var response = JsonSerializer.Serialize(new Stored(answer.Location, answer.Body), JsonSerializerOptions.Web);
        await store.WriteAsync(db => db.HrRequests.Where(r => r.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, answer.Status).SetProperty(r => r.Response, response), CancellationToken.None), CancellationToken.None);
        return Send(context, answer, replayed: false);
    }

    /// <summary>Null when this request claimed the id; else the row that holds it (answered, or still in progress).</summary>
    private static Task<HrRequestRecord?> ClaimAsync(PushStore store, string key, string hash, DateTimeOffset now, TimeSpan retention, CancellationToken ct) =>
        store.WriteAsync(async db =>
        {
            var cutoff = now - retention;
            await db.HrRequests.Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var existing = await db.HrRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, ct);
                if (existing is null)
                {
                    db.HrRequests.Add(new HrRequestRecord { Key = key, RequestHash = hash, Status = 0, Response = "", CreatedAt = now });
                    try
                    {
                        await db.SaveChangesAsync(ct);
                        return null;
                    }
                    catch (DbUpdateException ex) when (MondayLinks.IsUniqueViolation(ex))
                    {
                        // Another instance claimed it between the read and the insert: read its row.
                        db.ChangeTracker.Clear();
                        continue;
                    }
                }
                if (existing.Status == 0 && existing.CreatedAt < now - Abandoned && existing.RequestHash == hash)
                {
                    var taken = await db.HrRequests.Where(r => r.Key == key && r.Status == 0 && r.CreatedAt == existing.CreatedAt)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, now), ct);
                    if (taken == 1)
                    {
                        return null;
                    }
                    continue;
                }
                return existing;
            }
            throw HrException.Conflict($"The {Header} is being claimed by another request; retry it in a moment.");
        }, ct);

    /// <summary>SHA-256 of the method, the path and the body as received.</summary>
    public static string Hash(string method, string path, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()} {path}\n"));
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static IResult Send(HttpContext context, HrAnswer answer, bool replayed)
    {
        if (answer.Location is not null)
        {
            context.Response.Headers.Location = answer.Location;
        }
        if (replayed)
        {
            context.Response.Headers[ReplayedHeader] = "true";
        }
        return Results.Content(answer.Body, "application/json; charset=utf-8", Encoding.UTF8, answer.Status);
    }
}
