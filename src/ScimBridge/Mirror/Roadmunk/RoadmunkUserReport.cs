using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Mirror.Roadmunk;

/// <summary>One readable row of the report. <see cref="Row"/> counts the header as row 1.</summary>
public sealed record RoadmunkReportRow(int Row, string Email, string Status, string? Name, string? Role);

/// <summary>What is wrong with one row (row 1 is the header; 0 is the file as a whole).</summary>
public sealed record RoadmunkReportError(int Row, string Message);

/// <summary>A row that changed no seat: Reason is "no seat" (no Roadmunk seat has the email) or "gone" (its seat left Roadmunk).</summary>
public sealed record RoadmunkReportUnmatched(int Row, string Email, string? Name, string Reason);

/// <summary>
/// An imported report. Applied: rows that reached a seat; Changed: seats whose status changed (including
/// <see cref="Cleared"/> seats, absent from this report, that drop an older report's status).
/// </summary>
public sealed record RoadmunkReportResult(
    DateTimeOffset ReportedAt, int Rows, int Applied, int Changed, int Cleared,
    IReadOnlyList<RoadmunkReportUnmatched> Unmatched, IReadOnlyList<RoadmunkReportError> Errors)
{
    public string Summary() =>
        $"Roadmunk user report of {ReportedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC: {Rows} rows, "
        + $"{Applied} applied, {Changed} seats changed status, {Unmatched.Count} unmatched"
        + (Cleared > 0 ? $", {Cleared} seats not in the report reverted to the listing's status" : "") + ".";

    /// <summary>The summary and one line per unmatched row, for the command line.</summary>
    public string ToText()
    {
        var text = new StringBuilder(Summary()).AppendLine();
        foreach (var row in Unmatched)
        {
            text.Append(CultureInfo.InvariantCulture, $"  row {row.Row}: {row.Email}: {row.Reason}").AppendLine();
        }
        return text.ToString();
    }
}

/// <summary>The import was refused as a whole; nothing was applied. Status is the HTTP status it stands for (400, 409, 413).</summary>
public sealed class RoadmunkReportException(int status, string title, string detail, IReadOnlyList<RoadmunkReportError>? errors = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public IReadOnlyList<RoadmunkReportError> Errors { get; } = errors ?? [];

    /// <summary>The message and one line per error, for the command line.</summary>
    public string ToText() => string.Join(Environment.NewLine,
        [Message, .. Errors.Select(e => e.Row > 0 ? $"  row {e.Row}: {e.Message}" : $"  {e.Message}")]);
}

/// <summary>
/// Roadmunk's "User CSV" report (Account Settings &gt; Reports), the only source that tells active from inactive
/// users. Its columns are unpublished, so they are found by header name, case-insensitively, in either dialect
/// seen (Email/Status Active|Inactive, or EMAIL ADDRESS/ACTIVE Yes|No); an admin can name unusual ones.
/// </summary>
public static class RoadmunkUserReport
{
    public const long MaxBytes = 20 * 1024 * 1024;

    private static readonly string[] EmailHeaders = ["email", "emailaddress", "useremail", "mail"];
    private static readonly string[] StatusHeaders = ["status", "userstatus", "accountstatus", "active", "isactive", "activeuser", "enabled", "state"];
    private static readonly string[] NameHeaders = ["name", "fullname", "displayname", "username"];
    private static readonly string[] RoleHeaders = ["role", "accountrole", "userrole"];

    private static readonly string[] ActiveValues = ["active", "yes", "y", "true", "1", "enabled", "invited", "pending"];
    private static readonly string[] InactiveValues = ["inactive", "no", "n", "false", "0", "disabled", "deactivated", "suspended"];

    /// <summary>Every row, or every error: a file with one unreadable row yields errors only. Rows are numbered by line, the header being 1.</summary>
    public static (IReadOnlyList<RoadmunkReportRow> Rows, IReadOnlyList<RoadmunkReportError> Errors) Parse(
        TextReader text, string? emailColumn = null, string? statusColumn = null)
    {
        var errors = new List<RoadmunkReportError>();
        var rows = new List<RoadmunkReportRow>();
        var options = CsvReaderOptions.Default with
        {
            TrackLineNumbers = true,
            // One stray quote must not swallow the rest of the file: each line is a record.
            AllowLineBreaksInQuotes = false,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = record => errors.Add(new RoadmunkReportError((int)record.LineNumber, Malformed(record))),
        };
        try
        {
            using var csv = CsvReader.Create(text, options, leaveOpen: true);
            var header = csv.Headers.Select(h => h.Trim()).ToArray();
            if (header.Length == 0 || header.All(h => h.Length == 0))
            {
                return ([], [new RoadmunkReportError(0, "The file is empty: expected a header row with an email and a status or active column.")]);
            }
            var columns = Columns(header, emailColumn, statusColumn, errors);
            if (columns is null)
            {
                return ([], errors);
            }
            var firstRowOf = new Dictionary<string, (int Row, string Status)>(StringComparer.Ordinal);
            while (csv.Read())
            {
                var row = (int)csv.LineNumber;
                var email = csv.GetString(columns.Email).Trim();
                var rawStatus = csv.GetString(columns.Status).Trim();
                if (email.Length == 0)
                {
                    errors.Add(new RoadmunkReportError(row, $"the email (column '{Excerpt(header[columns.Email])}') is empty"));
                    continue;
                }
                if (Status(rawStatus) is not { } status)
                {
                    errors.Add(new RoadmunkReportError(row,
                        $"'{Excerpt(rawStatus)}' in column '{Excerpt(header[columns.Status])}' is not a status (expected Active/Inactive, Yes/No or true/false)"));
                    continue;
                }
                var key = ScimText.Fold(email);
                if (firstRowOf.TryGetValue(key, out var first))
                {
                    if (first.Status != status)
                    {
                        errors.Add(new RoadmunkReportError(row, $"{email} is {status} here but {first.Status} on row {first.Row}"));
                    }
                    continue;
                }
                firstRowOf[key] = (row, status);
                rows.Add(new RoadmunkReportRow(row, email, status, Optional(csv, columns.Name), Optional(csv, columns.Role)));
            }
        }
        catch (CsvFormatException e)
        {
            errors.Add(new RoadmunkReportError((int)e.LineNumber, $"the file cannot be read as CSV: {FirstLine(e.Message)}"));
        }
        return errors.Count > 0 ? ([], errors.OrderBy(e => e.Row).ToList()) : (rows, errors);
    }

    private static string Malformed(CsvMalformedRecord record) => record.Reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "has more or fewer fields than the header (an unquoted comma in a value?)",
        CsvMalformedReason.UnterminatedQuote => "a quoted field is never closed",
        CsvMalformedReason.StrayQuote or CsvMalformedReason.TextAfterClosingQuote =>
            "bad quoting (a quote inside a value must be doubled, and the value quoted as a whole)",
        _ => $"cannot be read ({record.Reason})",
    } + $": {Excerpt(record.RawRecord)}";

    /// <summary>
    /// Reads the report and applies it in one transaction, or throws <see cref="RoadmunkReportException"/> with
    /// nothing applied: 400 for a malformed file, 409 for a report older than the one applied.
    /// </summary>
    /// <param name="reportedAt">When the report was downloaded; now when null. The newest report wins.</param>
    public static async Task<RoadmunkReportResult> ImportAsync(ScimBridgeDbContext db, TextReader csv, TimeProvider time,
        string? emailColumn = null, string? statusColumn = null, DateTimeOffset? reportedAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        if (reportedAt > now.AddMinutes(5))
        {
            throw new RoadmunkReportException(StatusCodes.Status400BadRequest, "Invalid request",
                $"reportedAt {reportedAt:O} is in the future; a future report would refuse every later one.");
        }
        var (rows, errors) = Parse(csv, emailColumn, statusColumn);
        if (errors.Count > 0)
        {
            throw new RoadmunkReportException(StatusCodes.Status400BadRequest, "Malformed user report",
                $"The report has {ConsoleFormat.Count(errors.Count, "unreadable row")}; nothing was applied.", errors);
        }
        var at = reportedAt ?? now;
        var strategy = db.Database.CreateExecutionStrategy();
        // The first import ever creates the app's row; when two race to do it, the loser starts over against the winner's row.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await strategy.ExecuteAsync(ct => ApplyAsync(db, rows, at, ct), cancellationToken);
            }
            catch (Exception e) when (MondayLinks.IsUniqueViolation(e) && attempt < 3)
            {
            }
            catch (Exception e) when (MondayLinks.IsUniqueViolation(e))
            {
                throw new RoadmunkReportException(StatusCodes.Status409Conflict, "Concurrent import",
                    "Another Roadmunk user report was being imported at the same moment; nothing was applied. Try again.");
            }
        }
    }

    private static async Task<RoadmunkReportResult> ApplyAsync(ScimBridgeDbContext db, IReadOnlyList<RoadmunkReportRow> rows, DateTimeOffset at, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await ClaimNewestAsync(db, at, cancellationToken);

        var seats = await db.MirrorSeats.Where(s => s.App == MirrorApps.Roadmunk).ToListAsync(cancellationToken);
        var byEmail = seats.Where(s => s.EmailNormalized is not null).ToLookup(s => s.EmailNormalized!, StringComparer.Ordinal);
        var reported = new HashSet<long>();
        var unmatched = new List<RoadmunkReportUnmatched>();
        int applied = 0, changed = 0, cleared = 0;
        foreach (var row in rows)
        {
            var matches = byEmail[ScimText.Fold(row.Email)].ToList();
            var live = matches.Where(s => s.GoneAt is null).ToList();
            if (live.Count == 0)
            {
                unmatched.Add(new RoadmunkReportUnmatched(row.Row, row.Email, row.Name, matches.Count > 0 ? "gone" : "no seat"));
                continue;
            }
            applied++;
            foreach (var seat in live)
            {
                reported.Add(seat.Id);
                seat.ReportStatus = row.Status;
                seat.ReportAt = at;
                changed += SetStatus(seat, seat.Status == SeatStatuses.Pending ? SeatStatuses.Pending : row.Status);
            }
        }
        // The newest report wins: a seat it does not list keeps no status from an older one.
        foreach (var seat in seats.Where(s => s.ReportStatus is not null && !reported.Contains(s.Id)))
        {
            seat.ReportStatus = null;
            seat.ReportAt = null;
            cleared++;
            changed += SetStatus(seat, seat.Status == SeatStatuses.Pending ? SeatStatuses.Pending : seat.ListedStatus ?? seat.Status);
        }
        var result = new RoadmunkReportResult(at, rows.Count, applied, changed, cleared, unmatched, []);
        var app = await db.MirrorApps.SingleAsync(a => a.App == MirrorApps.Roadmunk, cancellationToken);
        app.ReportSummary = result.Summary();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Moves the app's report time to <paramref name="at"/> unless a newer report is applied. The conditional update
    /// locks the row, so of two imports at once the second waits, then sees the first's time.
    /// </summary>
    private static async Task ClaimNewestAsync(ScimBridgeDbContext db, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var claimed = await db.MirrorApps.Where(a => a.App == MirrorApps.Roadmunk && (a.ReportAt == null || a.ReportAt <= at))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ReportAt, at), cancellationToken);
        if (claimed > 0)
        {
            return;
        }
        var existing = await db.MirrorApps.AsNoTracking().SingleOrDefaultAsync(a => a.App == MirrorApps.Roadmunk, cancellationToken);
        if (existing is not null)
        {
            throw new RoadmunkReportException(StatusCodes.Status409Conflict, "Older report",
                $"A newer Roadmunk user report (of {existing.ReportAt:O}) is already applied; this one (of {at:O}) was refused and nothing was applied. "
                + "Download the report again, or give reportedAt when importing an older file on purpose is not what you want.");
        }
        db.MirrorApps.Add(new MirrorAppRecord { App = MirrorApps.Roadmunk, ReportAt = at });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static int SetStatus(MirrorSeatRecord seat, string status)
    {
        if (seat.Status == status)
        {
            return 0;
        }
        seat.Status = status;
        return 1;
    }

    private sealed record ReportColumns(int Email, int Status, int? Name, int? Role);

    private static ReportColumns? Columns(string[] header, string? emailColumn, string? statusColumn, List<RoadmunkReportError> errors)
    {
        var email = Find(header, emailColumn, EmailHeaders, "email", "emailColumn", errors);
        var status = Find(header, statusColumn, StatusHeaders, "status or active", "statusColumn", errors);
        return email is { } e && status is { } s
            ? new ReportColumns(e, s, Find(header, null, NameHeaders, null, null, errors), Find(header, null, RoleHeaders, null, null, errors))
            : null;
    }

    /// <summary>The column named <paramref name="named"/>, else the first whose header is a known name; an error when a required one is missing.</summary>
    private static int? Find(string[] header, string? named, string[] known, string? required, string? parameter, List<RoadmunkReportError> errors)
    {
        var keys = header.Select(Key).ToList();
        var index = !string.IsNullOrWhiteSpace(named)
            ? keys.IndexOf(Key(named))
            : known.Select(k => keys.IndexOf(k)).Where(i => i >= 0).DefaultIfEmpty(-1).First();
        if (index >= 0)
        {
            return index;
        }
        if (required is not null)
        {
            var columns = Excerpt(string.Join(", ", header.Take(20).Select(h => $"'{Excerpt(h)}'")) + (header.Length > 20 ? ", …" : ""), 400);
            errors.Add(new RoadmunkReportError(1, !string.IsNullOrWhiteSpace(named)
                ? $"no column is named '{Excerpt(named)}' ({parameter}); the header has {columns}"
                : $"no {required} column in the header ({columns}); name it with the {parameter} parameter"));
        }
        return null;
    }

    /// <summary>Header names compare case-insensitively, ignoring spaces, dashes and underscores ("E-mail Address" is "emailaddress").</summary>
    private static string Key(string header) =>
        new([.. header.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant)]);

    private static string? Status(string value)
    {
        var key = value.ToLowerInvariant();
        return ActiveValues.Contains(key) ? SeatStatuses.Active : InactiveValues.Contains(key) ? SeatStatuses.Inactive : null;
    }

    private static string? Optional(CsvReader csv, int? column) =>
        column is { } i && csv.GetString(i).Trim() is { Length: > 0 } value ? value : null;

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static string Excerpt(string text, int length = 80) => text.Length <= length ? text : text[..length] + "…";
}
