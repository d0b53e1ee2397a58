using System.Diagnostics;

namespace ScimBridge.Testing;

/// <summary>
/// Waits for background work by polling a condition until a deadline, never by sleeping a fixed time.
/// The deadline is on the real, monotonic clock: it bounds how long a broken build can hang, whatever a fake clock says.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
    /// <param name="what">What is awaited, for the failure message ("the push to settle").</param>
    /// <param name="betweenRounds">Runs after each failed round, e.g. to move a fake clock on.</param>
    /// <param name="explain">Adds state to the failure message (e.g. the last push error).</param>
    public static async Task UntilAsync(
        Func<Task<bool>> condition,
        string what,
        TimeSpan? timeout = null,
        TimeSpan? interval = null,
        Action? betweenRounds = null,
        Func<Task<string?>>? explain = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = timeout ?? DefaultTimeout;
        var watch = Stopwatch.StartNew();
        while (!await condition().ConfigureAwait(false))
        {
            if (watch.Elapsed > limit)
            {
                var detail = explain is null ? null : await explain().ConfigureAwait(false);
                throw new TimeoutException(
                    $"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}." + (string.IsNullOrEmpty(detail) ? "" : " " + detail));
            }
            betweenRounds?.Invoke();
            await Task.Delay(interval ?? DefaultInterval).ConfigureAwait(false);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?, TimeSpan?, Action?, Func{Task{string?}}?)"/>
    public static Task UntilAsync(
        Func<bool> condition,
        string what,
        TimeSpan? timeout = null,
        TimeSpan? interval = null,
        Action? betweenRounds = null,
        Func<Task<string?>>? explain = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), what, timeout, interval, betweenRounds, explain);
    }

    /// <summary>Polls <paramref name="read"/> until it gives a value that <paramref name="accept"/> takes (by default: any non-null one), and returns it.</summary>
    public static async Task<T> ValueAsync<T>(
        Func<Task<T>> read,
        string what,
        Func<T, bool>? accept = null,
        TimeSpan? timeout = null,
        TimeSpan? interval = null,
        Action? betweenRounds = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        var last = default(T)!;
        await UntilAsync(
            async () =>
            {
                last = await read().ConfigureAwait(false);
                return accept is null ? last is not null : accept(last);
            },
            what,
            timeout,
            interval,
            betweenRounds,
            () => Task.FromResult<string?>($"Last value: {last?.ToString() ?? "null"}.")).ConfigureAwait(false);
        return last;
    }
}
