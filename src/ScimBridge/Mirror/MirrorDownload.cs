using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Operations;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Mirror;

/// <summary>
/// One run's work: page by page, each seat is compared with its row and only what changed is written (with a log entry
/// per changed seat). Only when the listing ended do seats not seen become gone; a failure part-way leaves them alone.
/// Rows are read a page at a time, so memory stays flat whatever the account's size; only the ids are kept for the run.
/// </summary>
internal sealed class MirrorDownload(IServiceProvider services, MirrorRunRecord run, TimeProvider time, string instance)
{
    private const int GoneBatch = 500;
    /// <summary>Seats written per transaction: short enough that an inbound write never waits long for the store.</summary>
    private const int WriteBatch = 250;
    /// <summary>While identity providers send, the run waits this many times as long as each batch took: it keeps a ninth of the store.</summary>
    private const int YieldFactor = 8;
    private static readonly TimeSpan MaxYield = TimeSpan.FromSeconds(2);

    private readonly ScimBridgeDbContext _db = services.GetRequiredService<ScimBridgeDbContext>();
    private readonly ForegroundActivity _foreground = services.GetRequiredService<ForegroundActivity>();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private Dictionary<string, MirrorSeatRecord> _page = [];
    private HashSet<string> _live = [];
    private SeatLinker _links = null!;

    public async Task RunAsync(ISeatSource source, CancellationToken cancellationToken)
    {
        var account = await source.GetAccountAsync(cancellationToken);
        await _db.MirrorApps.Where(a => a.App == run.App).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.AccountId, a => account.AccountId ?? a.AccountId)
            .SetProperty(a => a.AccountName, a => account.Name ?? a.AccountName)
            .SetProperty(a => a.SeatsBought, a => account.SeatsBought ?? a.SeatsBought)
            .SetProperty(a => a.ActiveMembers, a => account.ActiveMembers ?? a.ActiveMembers), cancellationToken);

        _live = new HashSet<string>(
            await _db.MirrorSeats.AsNoTracking().Where(s => s.App == run.App && s.GoneAt == null).Select(s => s.AccountId).ToListAsync(cancellationToken),
            StringComparer.Ordinal);
        _links = await SeatLinker.LoadAsync(_db, run.App, cancellationToken);

        await foreach (var page in source.ListSeatsAsync(cancellationToken))
        {
            var ids = page.Select(s => s.AccountId).Where(id => !string.IsNullOrEmpty(id)).Distinct().ToList();
            _page = await _db.MirrorSeats.AsNoTracking()
                .Where(s => s.App == run.App && ids.Contains(s.AccountId))
                .ToDictionaryAsync(s => s.AccountId, StringComparer.Ordinal, cancellationToken);
            foreach (var slice in page.Chunk(WriteBatch))
            {
                var started = time.GetTimestamp();
                var now = time.GetUtcNow();
                foreach (var seat in slice)
                {
                    if (!string.IsNullOrEmpty(seat.AccountId) && _seen.Add(seat.AccountId))
                    {
                        Apply(seat, now);
                    }
                }

                run.Seen = _seen.Count;
                await SaveRunAsync(cancellationToken);
                await YieldToInboundAsync(time.GetElapsedTime(started), cancellationToken);
            }

            run.Pages++;
            await SaveRunAsync(cancellationToken);
        }

        await MarkGoneAsync(cancellationToken);

        var end = time.GetUtcNow();
        await _db.MirrorSeats.Where(s => s.App == run.App && s.GoneAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeen, end), cancellationToken);
        run.Status = MirrorRunStatuses.Succeeded;
        run.EndedAt = end;
        run.Unchanged = _seen.Count - run.Added - run.Changed;
        _db.LogEntries.Add(MirrorLog.RunEntry(run, end, instance));
        await SaveRunAsync(cancellationToken);
        await _db.MirrorApps.Where(a => a.App == run.App).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.LastCompleteRunId, run.Id)
            .SetProperty(a => a.LastCompleteAt, end), cancellationToken);
    }

    private void Apply(AppSeat seat, DateTimeOffset now)
    {
        var email = string.IsNullOrWhiteSpace(seat.Email) ? null : seat.Email.Trim();
        var normalized = email is null ? null : ScimText.Fold(email);
        _page.TryGetValue(seat.AccountId, out var row);
        var isNew = row is null;
        row ??= new MirrorSeatRecord
        {
            App = run.App,
            AccountId = seat.AccountId,
            SeatType = seat.SeatType,
            Status = seat.Status,
            FirstSeen = now,
            LastSeen = now,
        };

        var changes = new SeatChanges(isNew);
        changes.Set(row.Email, email, v => { row.Email = v; row.EmailNormalized = normalized; }, "email", nameof(row.Email), nameof(row.EmailNormalized));
        changes.Set(row.Name, seat.Name, v => row.Name = v, "name", nameof(row.Name));
        changes.Set(row.SeatType, seat.SeatType, v => row.SeatType = v!, "seatType", nameof(row.SeatType));
        changes.Set(row.ListedStatus, seat.Status, v => row.ListedStatus = v, null, nameof(row.ListedStatus));
        changes.Set(row.CreatedInApp, seat.CreatedInApp, v => row.CreatedInApp = v, "createdInApp", nameof(row.CreatedInApp));
        if (seat.LastActivity is { } activity && (row.LastActivity is null || activity > row.LastActivity))
        {
            changes.Set(row.LastActivity, activity, v => row.LastActivity = v, "lastActivity", nameof(row.LastActivity));
        }

        changes.Set(row.Status, EffectiveStatus(row, seat.Status), v => row.Status = v!, "status", nameof(row.Status));
        if (row.GoneAt is not null)
        {
            changes.Set(row.GoneAt, null, v => row.GoneAt = v, "goneAt", nameof(row.GoneAt));
        }

        var (userId, linkedBy) = _links.Resolve(row, normalized);
        changes.Set(row.UserId, userId, v => row.UserId = v, "userId", nameof(row.UserId));
        changes.Set(row.LinkedBy, linkedBy, v => row.LinkedBy = v, null, nameof(row.LinkedBy));
        changes.Set(row.ProvisionedByBridge, linkedBy == SeatLinks.Push, v => row.ProvisionedByBridge = v, "provisionedByBridge", nameof(row.ProvisionedByBridge));

        if (!changes.Any)
        {
            return;
        }

        row.LastRunId = run.Id;
        row.LastSeen = now;
        if (isNew)
        {
            _db.MirrorSeats.Add(row);
            run.Added++;
        }
        else
        {
            // Only the columns that changed: a daily run mostly moves last activity, and rewriting every indexed column
            // of every such row is most of the run's I/O.
            var entry = _db.MirrorSeats.Attach(row);
            foreach (var column in changes.Columns.Append(nameof(row.LastRunId)).Append(nameof(row.LastSeen)))
            {
                entry.Property(column).IsModified = true;
            }
            run.Changed++;
        }

        _db.LogEntries.Add(MirrorLog.SeatEntry(run, row, isNew ? LogActions.SeatAdded : LogActions.SeatChanged, changes.Logged, now, instance, _links.Conflict));
    }

    /// <summary>
    /// Invited stays pending; otherwise an imported report (Roadmunk's User CSV) decides until activity newer than it shows
    /// the user back; otherwise what the app lists.
    /// </summary>
    private static string EffectiveStatus(MirrorSeatRecord row, string listed) =>
        listed == SeatStatuses.Pending ? listed
        : row.ReportStatus is { } reported && row.ReportAt is { } reportAt && (row.LastActivity is null || row.LastActivity <= reportAt) ? reported
        : listed;

    private async Task MarkGoneAsync(CancellationToken cancellationToken)
    {
        foreach (var batch in _live.Where(id => !_seen.Contains(id)).Chunk(GoneBatch))
        {
            var ids = batch.ToList();
            var rows = await _db.MirrorSeats.AsNoTracking().Where(s => s.App == run.App && ids.Contains(s.AccountId) && s.GoneAt == null).ToListAsync(cancellationToken);
            var now = time.GetUtcNow();
            foreach (var row in rows)
            {
                var was = row.Status;
                row.GoneAt = now;
                row.LastRunId = run.Id;
                var entry = _db.MirrorSeats.Attach(row);
                entry.Property(s => s.GoneAt).IsModified = true;
                entry.Property(s => s.LastRunId).IsModified = true;
                _db.LogEntries.Add(MirrorLog.SeatEntry(run, row, LogActions.SeatGone, [new PropertyChange("status", was, "gone")], now, instance, null));
                run.Gone++;
            }

            await SaveRunAsync(cancellationToken);
        }
    }

    /// <summary>
    /// While an identity provider is sending, the run steps back after each batch (SQLite has one writer, and both share
    /// the CPU), so inbound provisioning keeps its pace; when nobody is sending it runs flat out.
    /// </summary>
    private Task YieldToInboundAsync(TimeSpan lastBatch, CancellationToken cancellationToken)
    {
        if (!_foreground.BusyWithin(TimeSpan.FromSeconds(1)))
        {
            return Task.CompletedTask;
        }

        var wait = lastBatch * YieldFactor;
        return Task.Delay(wait < MaxYield ? wait : MaxYield, time, cancellationToken);
    }

    private async Task SaveRunAsync(CancellationToken cancellationToken)
    {
        _db.MirrorRuns.Attach(run).State = EntityState.Modified;
        await _db.SaveChangesAsync(cancellationToken);
        _db.ChangeTracker.Clear();
    }

    /// <summary>What one seat's comparison found: the columns to write, and what its log entry lists.</summary>
    private sealed class SeatChanges(bool isNew)
    {
        private readonly bool _isNew = isNew;

        public List<PropertyChange> Logged { get; } = [];
        public List<string> Columns { get; } = [];
        public bool Any { get; private set; } = isNew;

        /// <param name="logged">The name in the log entry; null for bookkeeping columns that are not logged.</param>
        public void Set<T>(T current, T next, Action<T> assign, string? logged, params string[] columns)
        {
            if (EqualityComparer<T>.Default.Equals(current, next))
            {
                return;
            }

            assign(next);
            Any = true;
            Columns.AddRange(columns);
            if (logged is not null)
            {
                Logged.Add(new PropertyChange(logged, _isNew ? null : Text(current), Text(next)));
            }
        }

        private static string? Text<T>(T value) => value switch
        {
            null => null,
            DateTimeOffset at => at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            bool flag => flag ? "true" : "false",
            _ => value.ToString(),
        };
    }
}
