using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace ScimBridge.Mirror.Roadmunk;

/// <summary>
/// Roadmunk's seats from the <c>users</c> listing, paged by offset. The listing has no reliable active flag: a listed
/// user is active unless invited (pending); the imported User CSV report (<see cref="RoadmunkUserReport"/>) marks
/// the inactive ones. Roadmunk has no plan API, so seats bought come from <c>Mirror:Apps:roadmunk:SeatsBought</c>.
/// </summary>
public sealed partial class RoadmunkSeatSource(RoadmunkClient client, IOptions<RoadmunkOptions> options, ILogger<RoadmunkSeatSource> logger) : ISeatSource
{
    public string App => MirrorApps.Roadmunk;

    public Task<MirrorSourceProblem?> CheckAsync(CancellationToken cancellationToken) =>
        Task.FromResult(client.Configured ? null
            : new MirrorSourceProblem("NotConfigured", "Roadmunk:ApiToken is not set (Account Settings > Integrations > API Tokens, as an account admin)."));

    public Task<AppAccount> GetAccountAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AppAccount(null, null, null, null));

    public async IAsyncEnumerable<IReadOnlyList<AppSeat>> ListSeatsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pageSize = options.Value.PageSize;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var offset = 0;
        while (true)
        {
            var page = await client.UsersAsync(pageSize, offset, cancellationToken);
            var seats = new List<AppSeat>(page.Page.Count);
            foreach (var user in page.Page)
            {
                // Offset paging shifts when users are added mid-listing: a user seen twice is one seat.
                if (!seen.Add(user.Id))
                {
                    continue;
                }
                if (ToSeat(user) is { } seat)
                {
                    seats.Add(seat);
                }
                else
                {
                    LogSkipped(logger, user.Id, user.AccountRole ?? "(none)");
                }
            }
            yield return seats;
            if (!page.HasMore)
            {
                yield break;
            }
            if (page.Page.Count == 0)
            {
                throw new MirrorSourceException("BadResponse", $"Roadmunk said more users follow offset {offset} but sent an empty page.");
            }
            offset += page.Page.Count;
        }
    }

    /// <summary>
    /// Null for a role that is not a paid seat: Roadmunk lists its internal support roles beside account admins,
    /// collaborators and reviewers; they cannot be deactivated and cost nothing, so counting them would only inflate
    /// the seats in use and hand reclamation users it can never reclaim.
    /// </summary>
    public static AppSeat? ToSeat(RoadmunkUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var role = user.AccountRole?.Trim().ToLowerInvariant();
        if (role is null || !SeatTypes.For(MirrorApps.Roadmunk).Contains(role))
        {
            return null;
        }
        var name = !string.IsNullOrWhiteSpace(user.DisplayName) ? user.DisplayName.Trim()
            : $"{user.FirstName} {user.LastName}".Trim() is { Length: > 0 } full ? full : null;
        return new AppSeat(user.Id, string.IsNullOrWhiteSpace(user.Email) ? null : user.Email.Trim(), name, role,
            user.IsInvited ? SeatStatuses.Pending : SeatStatuses.Active, CreatedInApp: null, LastActivity: user.LastLogin);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Roadmunk user {Id} with role {Role} is not a seat; skipped")]
    private static partial void LogSkipped(ILogger logger, string id, string role);
}
