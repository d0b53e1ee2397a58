using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace ScimBridge.Push;

/// <summary>A request a dry run would have sent to monday.com, exactly as built.</summary>
public sealed record CapturedRequest(string Method, string Path, string? Body);

/// <summary>
/// Lets reads through to monday.com (matching needs the real answers) and answers every write itself, keeping the
/// request: a dry run shows exactly what a push would send, and changes nothing.
/// </summary>
public sealed class DryRunHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _created;

    public List<CapturedRequest> Captured { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Get)
        {
            return await base.SendAsync(request, cancellationToken);
        }
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Captured)
        {
            Captured.Add(new CapturedRequest(request.Method.Method, request.RequestUri?.AbsolutePath ?? "", body));
        }
        if (request.Method != HttpMethod.Post)
        {
            return new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request };
        }
        var created = (body is null ? null : JsonNode.Parse(body) as JsonObject) ?? [];
        created["id"] = $"dry-run-{Interlocked.Increment(ref _created)}";
        return new HttpResponseMessage(HttpStatusCode.Created)
        {
            RequestMessage = request,
            Content = new StringContent(created.ToJsonString(), Encoding.UTF8, "application/scim+json"),
        };
    }
}
