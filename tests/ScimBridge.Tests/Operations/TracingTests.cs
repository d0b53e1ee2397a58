using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace ScimBridge.Tests.Operations;

public sealed class TracingTests
{
    [Theory, AllDatabases]
    public async Task TracingOn_OneTraceRunsFromTheScimRequestThroughItsChangeToThePushAndItsCallsToMonday(DatabaseProvider provider)
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var sim = await SimulatorHost.StartAsync();
        await using var app = await ScimApp.StartAsync(provider, new()
        {
            ["Monday:TenantUrl"] = sim.TenantUrl,
            ["Monday:ScimToken"] = SimulatorHost.ScimToken,
            ["Monday:RequestsPerMinute"] = "1000000",
            ["Push:IdlePollMilliseconds"] = "50",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        var clientSpanId = ActivitySpanId.CreateRandom().ToHexString();

        var created = await app.SendAsync(HttpMethod.Post, "/scim/v2/Users", Bodies.User("traced@example.com").ToJsonString(),
            request => request.Headers.Add("traceparent", $"00-{traceId}-{clientSpanId}-01"));

        created.AssertStatus(HttpStatusCode.Created);
        var id = created.String("id");
        var change = await app.DbAsync(db => db.Changes.SingleAsync(c => c.ResourceId == id));
        Assert.StartsWith($"00-{traceId}-", change.TraceParent, StringComparison.Ordinal);
        Span? inbound = null, push = null, outbound = null;
        await Eventually.UntilAsync(() =>
        {
            var trace = collector.Spans.Where(s => s.TraceId == traceId).ToList();
            inbound = trace.FirstOrDefault(s => s.ParentSpanId == clientSpanId);
            push = trace.FirstOrDefault(s => s.ParentSpanId == inbound?.SpanId && s.Name == "push User");
            outbound = trace.FirstOrDefault(s => s.ParentSpanId == push?.SpanId && s.Scope == "System.Net.Http");
            return outbound is not null;
        }, "the inbound request, its push and the push's call to monday.com as one trace");
        Assert.Equal("Microsoft.AspNetCore", inbound!.Scope);
        Assert.Equal("ScimBridge", push!.Scope);
        Assert.Equal($"00-{traceId}-{inbound.SpanId}-01", change.TraceParent);
        Assert.Contains(sim.Users(), u => u.UserName == "traced@example.com");
    }

    [Fact]
    public async Task APushCarryingSeveralChanges_IsAChildOfTheFirstsRequest_AndLinksTheOthers()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var sim = await SimulatorHost.StartAsync();
        // No target yet: both changes wait, and the push that follows carries them together.
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, new()
        {
            ["Monday:RequestsPerMinute"] = "1000000",
            ["Push:IdlePollMilliseconds"] = "50",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
        });
        var (first, second) = (ActivityTraceId.CreateRandom().ToHexString(), ActivityTraceId.CreateRandom().ToHexString());
        var created = await app.SendAsync(HttpMethod.Post, "/scim/v2/Users", Bodies.User("twice@example.com").ToJsonString(),
            request => request.Headers.Add("traceparent", $"00-{first}-{ActivitySpanId.CreateRandom()}-01"));
        var id = created.String("id");
        (await app.SendAsync(HttpMethod.Patch, $"/scim/v2/Users/{id}", Bodies.Patch(Bodies.Op("replace", "displayName", "Twice")).ToJsonString(),
            request => request.Headers.Add("traceparent", $"00-{second}-{ActivitySpanId.CreateRandom()}-01"))).AssertStatus(HttpStatusCode.OK);
        var changes = await app.DbAsync(db => db.Changes.Where(c => c.ResourceId == id).OrderBy(c => c.Id).Select(c => c.TraceParent!).ToListAsync());

        var admin = await app.AdminAsync();
        (await admin.PutAsJsonAsync("/admin/api/connection/settings", new { tenantUrl = sim.TenantUrl, scimToken = SimulatorHost.ScimToken })).EnsureSuccessStatusCode();

        Span? push = null;
        await Eventually.UntilAsync(() =>
        {
            push = collector.Spans.FirstOrDefault(s => s.Name == "push User" && s.TraceId == first);
            return push is not null;
        }, "the push span in the first change's trace");
        Assert.Equal(changes[0].Split('-')[2], push!.ParentSpanId);
        Assert.Equal([(second, changes[1].Split('-')[2])], push.Links);
    }

    [Theory, AllDatabases]
    public async Task TracingOff_RegistersNoTracer_AndChangesCarryNoTraceContext(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);

        var created = await app.SendAsync(HttpMethod.Post, "/scim/v2/Users", Bodies.User("untraced@example.com").ToJsonString(),
            request => request.Headers.Add("traceparent", $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01"));

        created.AssertStatus(HttpStatusCode.Created);
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<ScimBridge.Operations.Tracing>());
        var change = await app.DbAsync(db => db.Changes.SingleAsync(c => c.ResourceId == created.String("id")));
        Assert.Null(change.TraceParent);
        Assert.Null(change.TraceState);
    }

    private sealed record Span(string TraceId, string SpanId, string ParentSpanId, string Name, string Scope, List<(string TraceId, string SpanId)> Links);

    /// <summary>An OTLP collector (HTTP, protobuf) in the test process: keeps the spans of every POST /v1/traces.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Span> _spans = new();

        private OtlpReceiver(WebApplication app) => _app = app;

        public IEnumerable<Span> Spans => _spans;
        public string Endpoint => _app.Urls.First();

        public static async Task<OtlpReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var receiver = new OtlpReceiver(builder.Build());
            receiver._app.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                foreach (var span in Read(body.ToArray()))
                {
                    receiver._spans.Enqueue(span);
                }
                return Results.Ok();
            });
            await receiver._app.StartAsync();
            return receiver;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();

        /// <summary>ExportTraceServiceRequest: resource_spans(1) → scope_spans(2) → scope(1).name(1), spans(2) (links: 13).</summary>
        private static IEnumerable<Span> Read(byte[] request) =>
            from resourceSpans in Fields(request, 1)
            from scopeSpans in Fields(resourceSpans, 2)
            let scope = Fields(scopeSpans, 1).Select(s => Text(Fields(s, 1))).FirstOrDefault() ?? ""
            from span in Fields(scopeSpans, 2)
            select new Span(Hex(Fields(span, 1)), Hex(Fields(span, 2)), Hex(Fields(span, 4)), Text(Fields(span, 5)), scope,
                [.. Fields(span, 13).Select(link => (Hex(Fields(link, 1)), Hex(Fields(link, 2))))]);

        private static string Hex(IEnumerable<byte[]> value) => Convert.ToHexStringLower(value.FirstOrDefault() ?? []);

        private static string Text(IEnumerable<byte[]> value) => System.Text.Encoding.UTF8.GetString(value.FirstOrDefault() ?? []);

        /// <summary>The length-delimited fields numbered <paramref name="number"/> of a protobuf message.</summary>
        private static List<byte[]> Fields(byte[] message, int number)
        {
            var found = new List<byte[]>();
            var i = 0;
            while (i < message.Length)
            {
                var key = Varint(message, ref i);
                switch (key & 7)
                {
                    case 0:
                        Varint(message, ref i);
                        break;
                    case 1:
                        i += 8;
                        break;
                    case 5:
                        i += 4;
                        break;
                    case 2:
                        var length = (int)Varint(message, ref i);
                        if ((int)(key >> 3) == number)
                        {
                            found.Add(message[i..(i + length)]);
                        }
                        i += length;
                        break;
                    default:
                        throw new InvalidDataException($"Protobuf wire type {key & 7}");
                }
            }
            return found;
        }

        private static ulong Varint(byte[] bytes, ref int i)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = bytes[i++];
                value |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }
    }
}
