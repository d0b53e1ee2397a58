using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace ScimBridge.Testing;

/// <summary>
/// One simulator per test, on a fake clock, driven over real HTTP: the base of each simulator test project's SimTest,
/// which adds <c>IAsyncLifetime</c> (this project does not reference xunit).
/// </summary>
public abstract class SimulatorTest<TState> where TState : notnull
{
    private SimHost<TState>? _host;

    /// <summary>Time that moves only when a test says so.</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    protected TState State => _host!.State;

    protected HttpClient Http { get; private set; } = null!;

    protected virtual string[] ExtraArgs => [];

    /// <summary>The simulator's Build on <see cref="Time"/>, and the arguments it needs before <see cref="ExtraArgs"/>.</summary>
    protected abstract (Func<string[], WebApplication> Build, string[] Args) Simulator { get; }

    public async Task InitializeAsync()
    {
        var (build, args) = Simulator;
        _host = await SimHost<TState>.StartAsync(build, [.. args, .. ExtraArgs]).ConfigureAwait(false);
        Http = new HttpClient { BaseAddress = new Uri(_host.BaseUrl) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="json"/> as <paramref name="mediaType"/>, with a bearer <paramref name="token"/> unless null, and reads the answer.</summary>
    protected async Task<TReply> Exchange<TReply>(
        HttpMethod method, string path, string? json, string? token, string mediaType, Func<HttpResponseMessage, string, TReply> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, mediaType);
        }
        using var response = await Http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return read(response, text);
    }
}
