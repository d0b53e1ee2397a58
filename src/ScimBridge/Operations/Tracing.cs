using System.Diagnostics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ScimBridge.Operations;

/// <summary>
/// OpenTelemetry tracing to an OTLP collector, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter
/// reads the other <c>OTEL_*</c> settings itself). One trace runs from an inbound request through the change row,
/// which keeps the request's W3C context, to the push and its calls to monday.com. This service is registered only
/// when tracing is on: those who carry a trace across the queue take it as an optional dependency, so with tracing off
/// nothing is captured or started.
/// </summary>
public sealed class Tracing
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private static readonly ActivitySource Source = new(BridgeMetrics.MeterName);

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[EndpointKey]))
        {
            return;
        }

        services.AddSingleton<Tracing>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("scimbridge"))
            .WithTracing(tracing => tracing
                .AddSource(Source.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
    }

    /// <summary>The current W3C trace context, to be stored with a change.</summary>
    public static (string? Parent, string? State) Current() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? (activity.Id, activity.TraceStateString) : (null, null);

    /// <summary>
    /// Starts the push of one resource as a child of the first change it carries (a push settles every pending change
    /// of the resource); the later changes' traces are links.
    /// </summary>
    public Activity? StartPush(string resourceType, string resourceId, IReadOnlyList<(string Parent, string? State)> changes)
    {
        var contexts = changes
            .Select(c => ActivityContext.TryParse(c.Parent, c.State, isRemote: true, out var context) ? context : (ActivityContext?)null)
            .OfType<ActivityContext>()
            .ToList();
        var activity = Source.StartActivity(
            $"push {resourceType}",
            ActivityKind.Internal,
            contexts.FirstOrDefault(),
            links: contexts.Skip(1).Select(c => new ActivityLink(c)));
        activity?.SetTag("scimbridge.resource_type", resourceType);
        activity?.SetTag("scimbridge.resource_id", resourceId);
        return activity;
    }
}
