using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ScimBridge.Testing;

/// <summary>
/// A simulator on Kestrel in the test process, on a port the OS picks: driven over real HTTP at <see cref="BaseUrl"/>,
/// its state read directly.
/// </summary>
public sealed class SimHost<TState> : IAsyncDisposable where TState : notnull
{
    private readonly WebApplication _app;

    private SimHost(WebApplication app)
    {
        _app = app;
        State = app.Services.GetRequiredService<TState>();
        BaseUrl = app.Urls.First();
    }

    public TState State { get; }

    public string BaseUrl { get; }

    /// <param name="build">The simulator's Build, given its arguments: a free port and warnings-only logging, then <paramref name="args"/>.</param>
    public static async Task<SimHost<TState>> StartAsync(Func<string[], WebApplication> build, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(build);
        var app = build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default", "Warning", .. args]);
        await app.StartAsync().ConfigureAwait(false);
        return new SimHost<TState>(app);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
