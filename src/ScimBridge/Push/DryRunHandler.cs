using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimBridge.Push;

/// <summary>A request a dry run would have sent to monday.com, exactly as built.</summary>
public sealed record CapturedRequest(string Method, string Path, string? Body);

/// <summary>One dry run: the writes it would have sent.</summary>
public sealed class DryRun
{
    public static readonly HttpRequestOptionsKey<DryRun> Key = new(nameof(DryRun));

    private int _created;

    public List<CapturedRequest> Captured { get; } = [];

    internal string NextId() => $"dry-run-{Interlocked.Increment(ref _created)}";
}

/// <summary>
/// Innermost on the monday.com client, for a request that carries a <see cref="DryRun"/>: lets reads through (matching
/// needs the real answers) and answers every write itself, keeping the request: a dry run shows exactly what a push
/// would send, paced and recorded as a push's, and changes nothing.
/// </summary>
public sealed class DryRunHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Get || !request.Options.TryGetValue(DryRun.Key, out var run))
        {
            return await base.SendAsync(request, cancellationToken);
        }
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (run.Captured)
        {
            run.Captured.Add(new CapturedRequest(request.Method.Method, request.RequestUri?.AbsolutePath ?? "", body));
        }
        if (request.Method != HttpMethod.Post)
        {
            return new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request };
        }
        var created = (body is null ? null : JsonNode.Parse(body) as JsonObject) ?? [];
        created["id"] = run.NextId();
        return new HttpResponseMessage(HttpStatusCode.Created)
        {
            RequestMessage = request,
            Content = new StringContent(created.ToJsonString(), Encoding.UTF8, "application/scim+json"),
        };
    }
}
