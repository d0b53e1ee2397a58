using System.ComponentModel;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Monday;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Mirror;

/// <summary>How the mirror and the inbound users disagree.</summary>
public static class DriftKinds
{
    /// <summary>A seat in the app linked to no inbound user.</summary>
    public const string ShadowSeat = "shadowSeat";
    /// <summary>An active inbound user with no active or pending seat in monday.com (the app the bridge provisions).</summary>
    public const string NoSeat = "noSeat";
    /// <summary>A linked monday.com seat whose type is not what the mapping gives for its user.</summary>
    public const string SeatTypeMismatch = "seatTypeMismatch";
    /// <summary>A seat still active in the app whose user is deactivated (or deleted) inbound.</summary>
    public const string DeactivatedStillActive = "deactivatedStillActive";

    public static readonly IReadOnlyList<string> All = [ShadowSeat, NoSeat, SeatTypeMismatch, DeactivatedStillActive];

    public static string Describe(string kind) => kind switch
    {
        ShadowSeat => "Shadow seats",
        NoSeat => "Active users without a seat",
        SeatTypeMismatch => "Seat type differs from the mapping",
        DeactivatedStillActive => "Deactivated inbound, still active in the app",
        _ => kind,
    };
}

public static class DriftActions
{
    /// <summary>Adopt the seat for an inbound user (POST /admin/api/mirror/drift/link).</summary>
    public const string Link = "link";
    /// <summary>Push the inbound user again (POST /admin/api/mirror/drift/repush).</summary>
    public const string Repush = "repush";
}

public sealed record DriftRow(
    string Kind,
    string App,
    long? SeatId,
    string? AccountId,
    string? Email,
    string? Name,
    string? SeatType,
    [property: Description("seatTypeMismatch: the seat type the mapping gives for the linked user.")] string? ExpectedSeatType,
    string? SeatStatus,
    DateTimeOffset? LastActivity,
    string? UserId,
    string? UserName,
    [property: Description("The inbound user's active flag; null when the seat's user no longer exists inbound.")] bool? UserActive,
    decimal? MonthlyCost,
    [property: Description("What the row offers: link and/or repush.")] IReadOnlyList<string> Actions);

public sealed record DriftPage(
    [property: Description("Rows per kind (for the app filter, whatever the kind filter).")] IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<DriftRow> Items, int Page, int PageSize, int Total);

public sealed record DriftFilter(string? Kind, string? App, int Page, int PageSize)
{
    public const int MaxPageSize = 500;

    public static DriftFilter Parse(string? kind, string? app, string? page, string? pageSize)
    {
        string? k = null;
        if (!string.IsNullOrWhiteSpace(kind))
        {
            k = DriftKinds.All.FirstOrDefault(x => x.Equals(kind.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw AdminException.Invalid("kind", $"kind must be one of {string.Join(", ", DriftKinds.All)}.");
        }
        var size = string.IsNullOrWhiteSpace(pageSize) ? 100 : MirrorQuery.Number("pageSize", pageSize.Trim(), 1, MaxPageSize);
        var number = string.IsNullOrWhiteSpace(page) ? 1 : MirrorQuery.Number("page", page.Trim(), 1, SeatFilter.MaxOffset / size + 1);
        return new DriftFilter(k, MirrorQuery.App(app), number, size);
    }
}

public sealed record LinkRequest(
    [property: Description("monday or roadmunk.")] string? App,
    [property: Description("The seat's account id in the app.")] string? AccountId,
    [property: Description("The inbound user's id (or give userName).")] string? UserId,
    [property: Description("The inbound user's userName (case-insensitive), when userId is not given.")] string? UserName);

public sealed record LinkResult(SeatRow Seat, [property: Description("monday.com: the user's push, queued again so monday.com gets the inbound values.")] RequeueResult? Requeued);

public sealed record RepushRequest([property: Description("The inbound user's id.")] string? UserId);

/// <summary>
/// The drift view and its actions. Kinds are listed in <see cref="DriftKinds"/> order, each in a stable order, and paged
/// across as one list. <see cref="DriftKinds.SeatTypeMismatch"/> runs the monday.com mapping over every linked seat's
/// user (it cannot be asked of SQL); the others are single queries.
/// </summary>
public sealed class Drift(
    ScimBridgeDbContext db,
    IWriteGate gate,
    PushStore store,
    MondayLinks links,
    PushSignal signal,
    MondayUserMapper mapper,
    IOptions<MirrorOptions> options,
    TimeProvider time)
{
    private const int Chunk = 2_000;

    public async Task<DriftPage> PageAsync(DriftFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var mismatches = Includes(filter.App, MirrorApps.Monday) ? await MismatchesAsync(ct) : [];
        var counts = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [DriftKinds.ShadowSeat] = await Shadow(filter.App).CountAsync(ct),
            [DriftKinds.NoSeat] = await NoSeatAsync(filter.App, ct) is { } noSeat ? await noSeat.CountAsync(ct) : 0,
            [DriftKinds.SeatTypeMismatch] = mismatches.Count,
            [DriftKinds.DeactivatedStillActive] = await StillActive(filter.App).CountAsync(ct),
        };
        var kinds = filter.Kind is { } only ? [only] : DriftKinds.All;
        var skip = (filter.Page - 1) * filter.PageSize;
        var items = new List<DriftRow>();
        foreach (var kind in kinds)
        {
            var count = counts[kind];
            if (skip >= count)
            {
                skip -= count;
                continue;
            }
            var take = filter.PageSize - items.Count;
            items.AddRange(kind switch
            {
                DriftKinds.ShadowSeat => await SeatRowsAsync(kind, await Shadow(filter.App).OrderBy(s => s.App).ThenBy(s => s.Id).Skip(skip).Take(take).ToListAsync(ct), null, ct),
                DriftKinds.NoSeat => await NoSeatRowsAsync(filter.App, skip, take, ct),
                DriftKinds.SeatTypeMismatch => await MismatchRowsAsync(mismatches.Skip(skip).Take(take).ToList(), ct),
                _ => await SeatRowsAsync(kind, await StillActive(filter.App).OrderBy(s => s.App).ThenBy(s => s.Id).Skip(skip).Take(take).ToListAsync(ct), null, ct),
            });
            skip = 0;
            if (items.Count >= filter.PageSize)
            {
                break;
            }
        }
        return new DriftPage(counts, items, filter.Page, filter.PageSize, kinds.Sum(k => counts[k]));
    }

    private static bool Includes(string? filter, string app) => filter is null || filter == app;

    private IQueryable<MirrorSeatRecord> Shadow(string? app) =>
        db.MirrorSeats.AsNoTracking().Where(s => s.GoneAt == null && s.UserId == null && (app == null || s.App == app));

    /// <summary>Seats still active in the app whose user is inactive inbound, or no longer exists there.</summary>
    private IQueryable<MirrorSeatRecord> StillActive(string? app) =>
        db.MirrorSeats.AsNoTracking().Where(s => s.GoneAt == null && s.UserId != null && s.Status == SeatStatuses.Active
            && (app == null || s.App == app)
            && !db.Users.Any(u => u.Id == s.UserId && u.Active));

    /// <summary>
    /// Active inbound users with no active or pending monday.com seat; only once a complete run has listed monday.com
    /// (before that every user would be drift). All active users count, scope filter or not: the push decides scope.
    /// </summary>
    private async Task<IQueryable<UserRecord>?> NoSeatAsync(string? app, CancellationToken ct)
    {
        if (!Includes(app, MirrorApps.Monday)
            || !await db.MirrorApps.AnyAsync(a => a.App == MirrorApps.Monday && a.LastCompleteRunId != null, ct))
        {
            return null;
        }
        return db.Users.AsNoTracking().Where(u => u.Active && !db.MirrorSeats.Any(s =>
            s.App == MirrorApps.Monday && s.UserId == u.Id && s.GoneAt == null && s.Status != SeatStatuses.Inactive));
    }

    private async Task<List<DriftRow>> NoSeatRowsAsync(string? app, int skip, int take, CancellationToken ct)
    {
        if (await NoSeatAsync(app, ct) is not { } users)
        {
            return [];
        }
        var page = await users.OrderBy(u => u.UserNameNormalized).Skip(skip).Take(take)
            .Select(u => new { u.Id, u.UserName, u.DisplayName }).ToListAsync(ct);
        var ids = page.Select(u => u.Id).ToList();
        // Their inactive or gone seat, if the mirror knows one, says what is in monday.com.
        var seats = await db.MirrorSeats.AsNoTracking().Where(s => s.App == MirrorApps.Monday && s.UserId != null && ids.Contains(s.UserId))
            .OrderByDescending(s => s.LastSeen).ToListAsync(ct);
        return page.Select(u =>
        {
            var seat = seats.FirstOrDefault(s => s.UserId == u.Id);
            return new DriftRow(DriftKinds.NoSeat, MirrorApps.Monday, seat?.Id, seat?.AccountId, seat?.Email, seat?.Name ?? u.DisplayName, seat?.SeatType, null,
                seat is null ? null : seat.GoneAt is null ? seat.Status : "gone", seat?.LastActivity, u.Id, u.UserName, true,
                null, [DriftActions.Repush]);
        }).ToList();
    }

    /// <summary>Every linked, live monday.com seat of an active, in-scope user whose type the mapping would set otherwise.</summary>
    private async Task<List<(long SeatId, string Expected)>> MismatchesAsync(CancellationToken ct)
    {
        var found = new List<(long, string)>();
        long after = 0;
        while (true)
        {
            var batch = await db.MirrorSeats.AsNoTracking()
                .Where(s => s.App == MirrorApps.Monday && s.GoneAt == null && s.UserId != null && s.Id > after)
                .OrderBy(s => s.Id)
                .Join(db.Users.Where(u => u.Active), s => s.UserId, u => u.Id, (s, u) => new { s.Id, s.SeatType, u.Data })
                .Take(Chunk)
                .ToListAsync(ct);
            foreach (var row in batch)
            {
                if (JsonNode.Parse(row.Data) is JsonObject user && mapper.Map(user) is { InScope: true } mapped
                    && !string.Equals(mapped.UserType, row.SeatType, StringComparison.OrdinalIgnoreCase))
                {
                    found.Add((row.Id, mapped.UserType));
                }
            }
            if (batch.Count < Chunk)
            {
                return found;
            }
            after = batch[^1].Id;
        }
    }

    private async Task<List<DriftRow>> MismatchRowsAsync(List<(long SeatId, string Expected)> page, CancellationToken ct)
    {
        var ids = page.Select(p => p.SeatId).ToList();
        var seats = await db.MirrorSeats.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(ct);
        var ordered = page.Select(p => seats.FirstOrDefault(s => s.Id == p.SeatId)).OfType<MirrorSeatRecord>().ToList();
        return await SeatRowsAsync(DriftKinds.SeatTypeMismatch, ordered, page.ToDictionary(p => p.SeatId, p => p.Expected), ct);
    }

    private async Task<List<DriftRow>> SeatRowsAsync(string kind, List<MirrorSeatRecord> seats, Dictionary<long, string>? expected, CancellationToken ct)
    {
        var userIds = seats.Select(s => s.UserId).OfType<string>().Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, u.UserName, u.Active }).ToDictionaryAsync(u => u.Id, ct);
        var mirror = options.Value;
        return seats.Select(s =>
        {
            var user = s.UserId is { } id ? users.GetValueOrDefault(id) : null;
            IReadOnlyList<string> actions = kind switch
            {
                DriftKinds.ShadowSeat => [DriftActions.Link],
                // Only monday.com is pushed to; a Roadmunk seat waits for reclamation.
                _ when s.App == MirrorApps.Monday && user is not null => [DriftActions.Repush],
                _ => [],
            };
            return new DriftRow(kind, s.App, s.Id, s.AccountId, s.Email, s.Name, s.SeatType, expected?.GetValueOrDefault(s.Id), s.Status, s.LastActivity,
                s.UserId, user?.UserName, user?.Active, mirror.MonthlyCost(s.App, s.SeatType), actions);
        }).ToList();
    }

    /// <summary>
    /// Adopts a seat for an inbound user. monday.com: through <see cref="MondayLinks"/>, so a monday.com user linked to
    /// another live user is refused, then the user's push is queued so monday.com gets the inbound values. Either app: a
    /// user holds at most one live seat per app.
    /// </summary>
    public async Task<LinkResult> LinkAsync(LinkRequest request, string admin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var app = MirrorQuery.App(request.App) ?? throw AdminException.Invalid("app", "Say which app the seat is in: monday or roadmunk.");
        if (string.IsNullOrWhiteSpace(request.AccountId))
        {
            throw AdminException.Invalid("accountId", "Say which seat: its account id in the app.");
        }
        var seat = await db.MirrorSeats.AsNoTracking().FirstOrDefaultAsync(s => s.App == app && s.AccountId == request.AccountId, ct)
            ?? throw AdminException.NotFound($"There is no {MirrorApps.DisplayName(app)} seat '{MirrorQuery.Shorten(request.AccountId)}' in the mirror.");
        if (seat.GoneAt is not null)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "Seat gone", $"{MirrorApps.DisplayName(app)} seat {seat.AccountId} is gone from the app since {ConsoleFormat.Time(seat.GoneAt)}; there is nothing to link.");
        }
        var user = await FindUserAsync(request, ct);
        if (seat.UserId == user.Id)
        {
            return new LinkResult((await SeatQuery.RowsAsync(db, [seat], options.Value, ct))[0], null);
        }
        if (seat.UserId is { } holder && await db.Users.Where(u => u.Id == holder).Select(u => u.UserName).FirstOrDefaultAsync(ct) is { } name)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "Seat already linked",
                $"{MirrorApps.DisplayName(app)} seat {seat.AccountId} is already linked to user {holder} ('{name}'). A seat belongs to one user.");
        }
        var other = await db.MirrorSeats.AsNoTracking()
            .Where(s => s.App == app && s.UserId == user.Id && s.GoneAt == null && s.Id != seat.Id)
            .Select(s => new { s.AccountId, s.Email }).FirstOrDefaultAsync(ct);
        if (other is not null)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "User already has a seat",
                $"User {user.Id} ('{user.UserName}') already holds {MirrorApps.DisplayName(app)} seat {other.AccountId} ({other.Email}); a user holds one seat per app.");
        }

        if (app == MirrorApps.Monday)
        {
            await LinkMondayAsync(seat, user.Id, user.UserName, admin, ct);
        }

        using (await gate.EnterAsync(ct))
        {
            try
            {
                var updated = await db.MirrorSeats.Where(s => s.Id == seat.Id && s.GoneAt == null && (s.UserId == null || s.UserId == seat.UserId))
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.UserId, user.Id).SetProperty(x => x.LinkedBy, SeatLinks.Admin), ct);
                if (updated == 0)
                {
                    throw new AdminException(StatusCodes.Status409Conflict, "Seat changed", "The seat changed while it was being linked (a mirror run?); look again and retry.");
                }
            }
            catch (Exception e) when (MondayLinks.IsUniqueViolation(e))
            {
                throw new AdminException(StatusCodes.Status409Conflict, "User already has a seat",
                    $"User {user.Id} ('{user.UserName}') was just linked to another {MirrorApps.DisplayName(app)} seat; a user holds one seat per app.");
            }
        }
        RequeueResult? requeued = app == MirrorApps.Monday ? await RequeueAsync(user.Id, admin, null, ct) : null;
        var linked = await db.MirrorSeats.AsNoTracking().FirstAsync(s => s.Id == seat.Id, ct);
        return new LinkResult((await SeatQuery.RowsAsync(db, [linked], options.Value, ct))[0], requeued);
    }

    private async Task<UserRecord> FindUserAsync(LinkRequest request, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(request.UserId))
        {
            return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == request.UserId, ct)
                ?? throw AdminException.NotFound($"There is no inbound user '{MirrorQuery.Shorten(request.UserId)}'.");
        }
        if (!string.IsNullOrWhiteSpace(request.UserName))
        {
            var folded = ScimText.Fold(request.UserName.Trim());
            return await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserNameNormalized == folded, ct)
                ?? throw AdminException.NotFound($"There is no inbound user with userName '{MirrorQuery.Shorten(request.UserName.Trim())}'.");
        }
        throw AdminException.Invalid("userId", "Say which inbound user: userId or userName.");
    }

    private async Task LinkMondayAsync(MirrorSeatRecord seat, string userId, string userName, string admin, CancellationToken ct)
    {
        var state = await db.PushStates.AsNoTracking().FirstOrDefaultAsync(p => p.ResourceType == ResourceKinds.User && p.ResourceId == userId, ct)
            ?? throw new AdminException(StatusCodes.Status409Conflict, "No push state", $"User {userId} has no push state yet; wait for its first push, then link.");
        if (state.MondayId is { } current && current != seat.AccountId
            && !await db.MirrorSeats.AnyAsync(s => s.App == MirrorApps.Monday && s.AccountId == current && s.GoneAt != null, ct))
        {
            throw new AdminException(StatusCodes.Status409Conflict, "User already has a seat",
                $"User {userId} ('{userName}') is already linked to monday.com user {current} by the push; a user holds one seat per app.");
        }
        var claimed = await store.ClaimOneAsync(ResourceKinds.User, userId, admin, ct)
            ?? throw new AdminException(StatusCodes.Status409Conflict, "Busy", "The user is being pushed right now; try again in a few seconds.");
        try
        {
            var held = new PushedUser(seat.Email is { } email ? ScimText.Fold(email) : "", seat.Name ?? "", seat.SeatType, null, null, null, [],
                seat.Status != SeatStatuses.Inactive);
            if (await links.LinkAsync(state, seat.AccountId, held.ToJson(), dryRun: false, ct) is { } conflict)
            {
                throw new AdminException(StatusCodes.Status409Conflict, "Seat already linked", conflict.Error("user", seat.AccountId));
            }
        }
        finally
        {
            await store.ReleaseAsync(claimed, CancellationToken.None);
        }
    }

    /// <summary>
    /// Queues the user's push again. What the push believes monday.com holds is first corrected from the mirror (seat
    /// type, active), so a seat changed in monday.com behind the bridge's back is set back.
    /// </summary>
    public async Task<RequeueResult> RepushAsync(RepushRequest request, string admin, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.UserId))
        {
            throw AdminException.Invalid("userId", "Say which inbound user to push again: userId.");
        }
        var userId = request.UserId;
        var exists = await db.Users.AnyAsync(u => u.Id == userId, ct);
        var state = await db.PushStates.AsNoTracking().FirstOrDefaultAsync(p => p.ResourceType == ResourceKinds.User && p.ResourceId == userId, ct);
        if (!exists && state is null)
        {
            throw AdminException.NotFound($"There is no inbound user '{MirrorQuery.Shorten(userId)}'.");
        }
        if (state is null)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "No push state", $"User {userId} has no push state yet; its first push is still to come.");
        }
        string? observed = null;
        if (state.MondayId is { } mondayId && PushedUser.Parse(state.Pushed) is { } pushed
            && await db.MirrorSeats.AsNoTracking().FirstOrDefaultAsync(s => s.App == MirrorApps.Monday && s.AccountId == mondayId && s.GoneAt == null, ct) is { } seat)
        {
            var corrected = pushed with { UserType = seat.SeatType, Active = seat.Status != SeatStatuses.Inactive };
            observed = corrected == pushed ? null : corrected.ToJson();
        }
        return await RequeueAsync(userId, admin, observed is null ? null : (state.Pushed, observed), ct);
    }

    private async Task<RequeueResult> RequeueAsync(string userId, string admin, (string? Before, string After)? pushed, CancellationToken ct)
    {
        RequeueResult result;
        var now = time.GetUtcNow();
        using (await gate.EnterAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var states = db.PushStates.Where(p => p.ResourceType == ResourceKinds.User && p.ResourceId == userId);
            if (pushed is { } change)
            {
                var corrected = await states.Where(p => p.Pushed == change.Before && (p.LeaseUntil == null || p.LeaseUntil < now))
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.Pushed, change.After), ct);
                if (corrected == 0)
                {
                    throw new AdminException(StatusCodes.Status409Conflict, "Busy", "The user is being pushed right now; try again in a few seconds.");
                }
            }
            var failed = db.Changes.Where(c => c.ResourceType == ResourceKinds.User && c.ResourceId == userId && c.PushStatus == PushStatuses.Failed);
            result = await PushStore.RequeueAsync(db, states, failed, now, (Initiators.Admin, admin), ct);
            await transaction.CommitAsync(ct);
        }
        signal.Pulse();
        return result;
    }
}
