using ScimBridge.Mirror;

namespace ScimBridge.Tests.Mirror;

/// <summary>
/// A seat source whose listing the test writes: pages of seats, a failure after some pages, and a gate that holds the
/// listing open (to see a run in progress). For the runner's own rules; the real sources have their own tests against
/// the simulators.
/// </summary>
public sealed class ScriptedSeatSource(string app = MirrorApps.Roadmunk) : ISeatSource
{
    public string App { get; } = app;
    public List<List<AppSeat>> Pages { get; set; } = [];
    public AppAccount Account { get; set; } = new("acct-1", "Example", 100, null);
    /// <summary>Throw <see cref="Failure"/> after this many pages have been handed out.</summary>
    public int? FailAfterPages { get; set; }
    public Exception Failure { get; set; } = new MirrorSourceException("Unavailable", "HTTP 500 from the app, five times in a row.");
    /// <summary>When set, the listing waits for it before its first page.</summary>
    public TaskCompletionSource? Gate { get; set; }
    public MirrorSourceProblem? Problem { get; set; }
    public int Listings;

    public Task<MirrorSourceProblem?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(Problem);

    public Task<AppAccount> GetAccountAsync(CancellationToken cancellationToken) => Task.FromResult(Account);

    public async IAsyncEnumerable<IReadOnlyList<AppSeat>> ListSeatsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Listings);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        for (var i = 0; i < Pages.Count; i++)
        {
            if (FailAfterPages is { } after && i >= after)
            {
                throw Failure;
            }

            yield return Pages[i];
        }
    }

    public static AppSeat Seat(string id, string? email = null, string type = SeatTypes.Collaborator, string status = SeatStatuses.Active, DateTimeOffset? lastActivity = null, DateTimeOffset? created = null) =>
        new(id, email, email is null ? null : $"Name of {email}", type, status, created, lastActivity);
}
