using System.Globalization;
using System.Text;
using CsvHelper;

namespace ScimBridge.Hr;

/// <summary>The roster's columns, by their canonical name (as errors name them).</summary>
public static class RosterColumns
{
    public const string EmployeeId = "employeeId";
    public const string Email = "email";
    public const string Status = "status";
    public const string LastDayOfWork = "lastDayOfWork";
    public const string TimeZone = "timeZone";
    public const string Department = "department";
    public const string Manager = "manager";

    /// <summary>Header names accepted for each column, compared lower-case without spaces, dashes or underscores.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Aliases = new Dictionary<string, string[]>
    {
        [EmployeeId] = ["employeeid", "employeenumber", "employeeno", "empid", "workerid", "personnelnumber"],
        [Email] = ["email", "emailaddress", "workemail", "mail"],
        [Status] = ["status", "employmentstatus", "workerstatus"],
        [LastDayOfWork] = ["lastdayofwork", "lastday", "lastworkingday", "terminationdate", "enddate", "leavingdate"],
        [TimeZone] = ["timezone", "tz", "zone"],
        [Department] = ["department", "dept"],
        [Manager] = ["manager", "managerid", "manageremployeeid", "manageremail"],
    };

    public static readonly IReadOnlyList<string> Required = [EmployeeId, Status];

    public static string Key(string header) =>
        new(header.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}

/// <summary>One readable data row: its number in the file (the header is row 1) and its cells by canonical column.</summary>
public sealed record RosterRow(int Row, IReadOnlyDictionary<string, string> Cells)
{
    /// <summary>The trimmed cell, or null when the column is absent or the cell empty.</summary>
    public string? Get(string column) => Cells.TryGetValue(column, out var value) && value.Trim() is { Length: > 0 } v ? v : null;
}

/// <summary>What is wrong: a row (0: the file as a whole) and the column (null: the row as a whole).</summary>
public sealed record RosterError(int Row, string? Column, string Message);

public sealed record RosterFile(IReadOnlyList<RosterRow> Rows, IReadOnlyList<RosterError> Errors, IReadOnlyList<string> IgnoredColumns, char Separator);

/// <summary>
/// Reads a roster CSV: UTF-8 (a BOM is fine), comma or semicolon separated (decided by the header), one record per line.
/// A file that cannot be read as a whole (not UTF-8, no header, a required column missing, too big) is refused with
/// an <see cref="HrException"/>; a row that cannot be read is a row error and the others are still read.
/// </summary>
public static class RosterCsv
{
    public const int MaxBytes = 10 * 1024 * 1024;
    public const int MaxRows = 50_000;
    public const int MaxCellLength = 1024;

    public static RosterFile Parse(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            throw TooLarge();
        }
        var span = bytes.Span;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        CheckUtf8(bytes.Span);
        var text = Encoding.UTF8.GetString(bytes.Span);
        var headerLine = text.AsSpan(0, text.IndexOfAny('\r', '\n') is var end and >= 0 ? end : text.Length);
        if (headerLine.Trim().IsEmpty)
        {
            throw HrException.Invalid("file", "The file is empty: expected a header row (employee id, email, status, last day of work, time zone, department, manager).");
        }
        var separator = Separator(headerLine);
        var errors = new List<RosterError>();
        var options = CsvReaderOptions.Default with
        {
            Separator = separator,
            TrackLineNumbers = true,
            // One stray quote must not swallow the rest of the file: each line is a record.
            AllowLineBreaksInQuotes = false,
            DetectSeparatorHint = false,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = record => errors.Add(new RosterError((int)record.LineNumber, null, Malformed(record))),
        };
        var rows = new List<RosterRow>();
        string[] header;
        var ignored = new List<string>();
        try
        {
            using var csv = CsvReader.FromText(text, options);
            header = csv.Headers.Select(h => h.Trim()).ToArray();
            var columns = Columns(header, ignored);
            while (csv.Read())
            {
                var row = (int)csv.LineNumber;
                if (Blank(csv))
                {
                    // Spreadsheets save trailing rows of empty cells (",,,,"): nothing asked there.
                    continue;
                }
                if (rows.Count >= MaxRows)
                {
                    throw new HrException(StatusCodes.Status413PayloadTooLarge, "Roster too large",
                        $"The roster has more than {MaxRows.ToString("N0", CultureInfo.InvariantCulture)} rows (row {row}); split it into several files.", "file");
                }
                var cells = new Dictionary<string, string>(StringComparer.Ordinal);
                var bad = false;
                foreach (var (column, index) in columns)
                {
                    var value = csv.GetString(index);
                    if (value.Length > MaxCellLength)
                    {
                        errors.Add(new RosterError(row, column, $"the cell is {value.Length} characters long; at most {MaxCellLength} are read."));
                        bad = true;
                        continue;
                    }
                    cells[column] = value;
                }
                if (!bad)
                {
                    rows.Add(new RosterRow(row, cells));
                }
            }
        }
        catch (CsvFormatException e)
        {
            errors.Add(new RosterError((int)e.LineNumber, null, $"the file cannot be read as CSV: {e.Message.Split('\n')[0]}"));
        }
        return new RosterFile(rows, errors.OrderBy(e => e.Row).ToList(), ignored, separator);
    }

    private static bool Blank(CsvReader csv)
    {
        for (var i = 0; i < csv.FieldCount; i++)
        {
            if (!string.IsNullOrWhiteSpace(csv.GetString(i)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The index of each known column; the header names no column twice and names every required one.</summary>
    private static List<(string Column, int Index)> Columns(string[] header, List<string> ignored)
    {
        var found = new List<(string Column, int Index)>();
        for (var i = 0; i < header.Length; i++)
        {
            var key = RosterColumns.Key(header[i]);
            var column = RosterColumns.Aliases.FirstOrDefault(a => a.Value.Contains(key)).Key;
            if (column is null)
            {
                if (header[i].Length > 0)
                {
                    ignored.Add(header[i]);
                }
                continue;
            }
            if (found.FirstOrDefault(f => f.Column == column) is { Column: not null } twice)
            {
                throw HrException.Invalid(column, $"The header names the {column} column twice ('{header[twice.Index]}' and '{header[i]}'); keep one.");
            }
            found.Add((column, i));
        }
        foreach (var required in RosterColumns.Required)
        {
            if (found.All(f => f.Column != required))
            {
                throw HrException.Invalid(required,
                    $"The roster has no {required} column (accepted headers: {string.Join(", ", RosterColumns.Aliases[required])}, in any case, with or without spaces). Header read: {string.Join(", ", header.Select(h => $"'{h}'"))}.");
            }
        }
        return found;
    }

    /// <summary>Comma, unless the header has more semicolons than commas outside quotes (spreadsheets in many locales save with ';').</summary>
    private static char Separator(ReadOnlySpan<char> header)
    {
        int commas = 0, semicolons = 0;
        var quoted = false;
        foreach (var c in header)
        {
            switch (c)
            {
                case '"':
                    quoted = !quoted;
                    break;
                case ',' when !quoted:
                    commas++;
                    break;
                case ';' when !quoted:
                    semicolons++;
                    break;
            }
        }
        return semicolons > commas ? ';' : ',';
    }

    private static void CheckUtf8(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        if (System.Text.Unicode.Utf8.ToUtf16(bytes, chars, out var read, out _, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done)
        {
            return;
        }
        var line = 1 + bytes[..read].Count((byte)'\n');
        throw HrException.Invalid("file",
            $"The file is not UTF-8 (row {line.ToString(CultureInfo.InvariantCulture)}, byte {read.ToString(CultureInfo.InvariantCulture)}). Save it as \"CSV UTF-8\".");
    }

    private static string Malformed(CsvMalformedRecord record) => record.Reason switch
    {
        CsvMalformedReason.FieldCountMismatch => "has more or fewer cells than the header (an unquoted separator in a value?)",
        CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.LineBreakInQuotes => "a quoted cell is never closed (unbalanced quotes)",
        CsvMalformedReason.StrayQuote or CsvMalformedReason.TextAfterClosingQuote =>
            "bad quoting (a quote inside a value must be doubled, and the value quoted as a whole)",
        _ => $"cannot be read ({record.Reason})",
    } + $": {Excerpt(record.RawRecord)}";

    private static string Excerpt(string value) => value.Length <= 80 ? value : value[..77] + "...";

    public static HrException TooLarge() => new(StatusCodes.Status413PayloadTooLarge, "Roster too large",
        $"The roster is larger than {MaxBytes / (1024 * 1024)} MiB; split it into several files.", "file");
}
