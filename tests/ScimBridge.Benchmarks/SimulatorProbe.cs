extern alias MondaySim;

using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MondaySim::ScimBridge.MondaySim;

namespace ScimBridge.Benchmarks;

/// <summary>
/// The monday.com simulator on Kestrel in the benchmark process, with a middleware appended to its pipeline that
/// timestamps (<see cref="Stopwatch"/>, the clock the load generator uses) every request that passed the simulator's
/// faults and every user write it applied, right after the endpoint ran.
/// </summary>
internal sealed class SimulatorProbe : IAsyncDisposable
{
    public const string ScimToken = "bench-sim-scim-token";

    private readonly WebApplication _app;

    private SimulatorProbe(WebApplication app)
    {
        _app = app;
        State = app.Services.GetRequiredService<MondaySimState>();
    }

    public MondaySimState State { get; }

    public string TenantUrl => _app.Urls.First() + "/scim/v2/";

    /// <summary>userName → when the simulator first applied a write to that user (its create).</summary>
    public ConcurrentDictionary<string, long> FirstWrite { get; } = new(StringComparer.Ordinal);

    /// <summary>(userName, title) → when the simulator first applied a write that left the user with that title.</summary>
    public ConcurrentDictionary<(string UserName, string? Title), long> TitleSeen { get; } = new();

    /// <summary>Every request that got past the simulator's faults (so not its 429s): when, and the status it got.</summary>
    public ConcurrentQueue<(long At, int Status)> Passed { get; } = new();

    public static async Task<SimulatorProbe> StartAsync(params string[] args)
    {
        var app = MondaySimulator.Build(
            ["--urls", "http://127.0.0.1:0", "--scim-token", ScimToken, "--api-token", "bench-sim-api-token",
                "--Logging:LogLevel:Default", "Warning", .. args],
            TimeProvider.System);
        var probe = new SimulatorProbe(app);
        // Appended after Build: WebApplication runs it after the simulator's own middleware, just before the endpoint.
        app.Use(probe.ObserveAsync);
        await app.StartAsync();
        return probe;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task ObserveAsync(HttpContext context, RequestDelegate next)
    {
        await next(context);
        var at = Stopwatch.GetTimestamp();
        var request = context.Request;
        var status = context.Response.StatusCode;
        Passed.Enqueue((at, status));
        if (status is < 200 or >= 300 || !request.Path.StartsWithSegments("/scim/v2/Users", out var rest)
            || !(HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsPut(request.Method)))
        {
            return;
        }

        var id = HttpMethods.IsPost(request.Method)
            ? context.Response.Headers.Location.ToString().Split('/')[^1]
            : rest.Value?.Trim('/');
        if (string.IsNullOrEmpty(id))
        {
            return;
        }

        string userName;
        string? title;
        lock (State.Sync)
        {
            if (!State.Users.TryGetValue(id, out var user))
            {
                return;
            }

            (userName, title) = (user.UserName, user.Title);
        }

        FirstWrite.TryAdd(userName, at);
        TitleSeen.TryAdd((userName, title), at);
    }
}
