using System.Buffers;
using System.ComponentModel;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Admin;
using ScimBridge.Data;

namespace ScimBridge.Logs;

public enum ExportFormat { Csv, Json, Ndjson }

/// <summary>What a CSV row is: an entry (default), one step of an entry, or one modified property of an entry.</summary>
public enum ExportRows { Entries, Steps, Properties }

/// <summary>
/// Streams every entry a filter selects, newest first. The rows are read in keyset chunks, each its own short query
/// (a single reader over a million rows would hold SQLite's read transaction, and the WAL, for the whole download),
/// and written as they arrive, flushed often: memory stays flat whatever the size of the export.
/// </summary>
public static class LogExport
{
    private const int ChunkSize = 5_000;
    private const int FlushEvery = 500;

    public static IResult Export(
        [AsParameters] LogQuery query,
        [Description("csv (default), json or ndjson.")] string? format,
        [Description("CSV only: steps (one row per step) or properties (one row per modified property) instead of one row per entry.")] string? include,
        TimeProvider time)
    {
        var filter = LogFilter.Parse(query);
        var kind = (format ?? "csv").ToLowerInvariant() switch
        {
            "csv" => ExportFormat.Csv,
            "json" => ExportFormat.Json,
            "ndjson" => ExportFormat.Ndjson,
            _ => throw AdminException.Invalid("format", "format must be csv, json or ndjson."),
        };
        var rows = (include ?? "").ToLowerInvariant() switch
        {
            "" => ExportRows.Entries,
            "steps" when kind == ExportFormat.Csv => ExportRows.Steps,
            "properties" when kind == ExportFormat.Csv => ExportRows.Properties,
            _ => throw AdminException.Invalid("include", "include must be steps or properties, and only with format=csv (JSON and NDJSON always include both)."),
        };
        var suffix = rows == ExportRows.Entries ? "" : "-" + rows.ToString().ToLowerInvariant();
        var name = string.Create(CultureInfo.InvariantCulture, $"provisioning-log{suffix}-{time.GetUtcNow():yyyyMMdd-HHmmss}.{kind.ToString().ToLowerInvariant()}");
        return new ExportResult(filter, kind, rows, name);
    }

    private sealed class ExportResult(LogFilter filter, ExportFormat format, ExportRows rows, string fileName) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var ct = http.RequestAborted;
            var response = http.Response;
            response.StartAttachment(format switch
            {
                ExportFormat.Csv => "text/csv; charset=utf-8",
                ExportFormat.Json => "application/json; charset=utf-8",
                _ => "application/x-ndjson; charset=utf-8",
            }, fileName);

            var db = http.RequestServices.GetRequiredService<ScimBridgeDbContext>();
            var pipe = response.BodyWriter;
            if (format == ExportFormat.Csv)
            {
                // Rows are built in memory a few hundred at a time and encoded into the response pipe: no synchronous
                // writes to the body (Kestrel refuses them) and no more than one batch held.
                var text = new StringBuilder(256 * 1024);
                var encoder = new UTF8Encoding(false).GetEncoder();
                var csv = new CsvWriter(new StringWriter(text, CultureInfo.InvariantCulture));
                csv.Header(rows);
                await ForEachAsync(db, async (entry, count) =>
                {
                    csv.Write(entry, rows);
                    if (count % FlushEvery == 0)
                    {
                        Drain(text, encoder, pipe, final: false);
                        await pipe.FlushAsync(ct);
                    }
                }, ct);
                Drain(text, encoder, pipe, final: true);
                await pipe.FlushAsync(ct);
                return;
            }

            await using var json = new Utf8JsonWriter(pipe, new JsonWriterOptions { SkipValidation = format == ExportFormat.Ndjson });
            if (format == ExportFormat.Json)
            {
                json.WriteStartArray();
            }
            await ForEachAsync(db, async (entry, count) =>
            {
                WriteEntry(json, entry);
                if (format == ExportFormat.Ndjson)
                {
                    json.Flush();
                    pipe.Write("\n"u8);
                    // A fresh line is a fresh document: the writer must not put a comma before the next object.
                    json.Reset(pipe);
                }
                if (count % FlushEvery == 0)
                {
                    await json.FlushAsync(ct);
                    await pipe.FlushAsync(ct);
                }
            }, ct);
            if (format == ExportFormat.Json)
            {
                json.WriteEndArray();
            }
            await json.FlushAsync(ct);
            await pipe.FlushAsync(ct);
        }

        private async Task ForEachAsync(ScimBridgeDbContext db, Func<LogEntryRecord, long, Task> write, CancellationToken ct)
        {
            long count = 0;
            var before = filter.Before;
            while (true)
            {
                var read = 0;
                await foreach (var entry in (filter with { Before = before }).Page(db).Take(ChunkSize).AsAsyncEnumerable().WithCancellation(ct))
                {
                    read++;
                    before = LogPosition.Of(entry.At, entry.Id);
                    await write(entry, ++count);
                }
                if (read < ChunkSize)
                {
                    return;
                }
            }
        }
    }

    private static void Drain(StringBuilder text, Encoder encoder, PipeWriter pipe, bool final)
    {
        foreach (var chunk in text.GetChunks())
        {
            encoder.Convert(chunk.Span, pipe, flush: false, out _, out _);
        }
        if (final)
        {
            encoder.Convert([], pipe, flush: true, out _, out _);
        }
        text.Clear();
    }

    private static void WriteEntry(Utf8JsonWriter json, LogEntryRecord e)
    {
        json.WriteStartObject();
        json.WriteNumber("id", e.Id);
        json.WriteString("at", e.At);
        json.WriteString("cycleId", e.CycleId);
        WriteNumberOrNull(json, "changeId", e.ChangeId);
        json.WriteString("initiatorType", e.InitiatorType);
        json.WriteString("initiator", e.Initiator);
        json.WriteString("resourceType", e.ResourceType);
        json.WriteString("sourceId", e.SourceId);
        json.WriteString("sourceName", e.SourceName);
        json.WriteString("targetId", e.TargetId);
        json.WriteString("targetName", e.TargetName);
        json.WriteString("action", e.Action);
        json.WriteString("status", e.Status);
        json.WriteString("errorCode", e.ErrorCode);
        json.WriteString("message", e.Message);
        json.WriteString("recommendedFix", e.RecommendedFix);
        json.WriteNumber("durationMs", e.DurationMs);
        json.WriteNumber("attempt", e.Attempt);
        if (e.NextRetryAt is { } next)
        {
            json.WriteString("nextRetryAt", next);
        }
        else
        {
            json.WriteNull("nextRetryAt");
        }
        json.WriteString("instance", e.Instance);
        json.WritePropertyName("steps");
        json.WriteRawValue(e.Steps);
        json.WritePropertyName("modifiedProperties");
        json.WriteRawValue(e.ModifiedProperties);
        json.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    /// <summary>RFC 4180, with cells that a spreadsheet would run as a formula made inert by a leading apostrophe.</summary>
    private sealed class CsvWriter(TextWriter writer)
    {
        private static readonly string[] EntryColumns =
        [
            "Id", "At", "CycleId", "ChangeId", "InitiatorType", "Initiator", "ResourceType", "SourceId", "SourceName", "TargetId", "TargetName",
            "Action", "Status", "ErrorCode", "Message", "RecommendedFix", "DurationMs", "Attempt", "NextRetryAt", "Instance", "Steps", "ModifiedProperties",
        ];
        private static readonly string[] KeyColumns = ["Id", "At", "CycleId", "ResourceType", "SourceId", "SourceName", "Action", "Status"];

        public void Header(ExportRows rows)
        {
            string[] columns = rows switch
            {
                ExportRows.Steps => [.. KeyColumns, "Step", "StepStatus", "StepDetail"],
                ExportRows.Properties => [.. KeyColumns, "Property", "Old", "New"],
                _ => EntryColumns,
            };
            for (var i = 0; i < columns.Length; i++)
            {
                if (i > 0)
                {
                    writer.Write(',');
                }
                writer.Write(columns[i]);
            }
            writer.Write("\r\n");
        }

        public void Write(LogEntryRecord e, ExportRows rows)
        {
            switch (rows)
            {
                case ExportRows.Steps:
                    foreach (var step in LogJson.Steps(e.Steps))
                    {
                        Key(e);
                        Cells(step.Name, step.Status, step.Detail);
                    }
                    break;
                case ExportRows.Properties:
                    foreach (var property in LogJson.ModifiedProperties(e.ModifiedProperties))
                    {
                        Key(e);
                        Cells(property.Name, property.Old, property.New);
                    }
                    break;
                default:
                    Number(e.Id);
                    Cell(Instant(e.At));
                    Cell(e.CycleId);
                    Cell(e.ChangeId?.ToString(CultureInfo.InvariantCulture));
                    Cell(e.InitiatorType);
                    Cell(e.Initiator);
                    Cell(e.ResourceType);
                    Cell(e.SourceId);
                    Cell(e.SourceName);
                    Cell(e.TargetId);
                    Cell(e.TargetName);
                    Cell(e.Action);
                    Cell(e.Status);
                    Cell(e.ErrorCode);
                    Cell(e.Message);
                    Cell(e.RecommendedFix);
                    Cell(e.DurationMs.ToString("0.###", CultureInfo.InvariantCulture));
                    Cell(e.Attempt.ToString(CultureInfo.InvariantCulture));
                    Cell(e.NextRetryAt is { } next ? Instant(next) : null);
                    Cell(e.Instance);
                    Cell(LogText.Steps(LogJson.Steps(e.Steps)));
                    Cell(LogText.Properties(LogJson.ModifiedProperties(e.ModifiedProperties)));
                    writer.Write("\r\n");
                    break;
            }
        }

        private void Key(LogEntryRecord e)
        {
            Number(e.Id);
            Cell(Instant(e.At));
            Cell(e.CycleId);
            Cell(e.ResourceType);
            Cell(e.SourceId);
            Cell(e.SourceName);
            Cell(e.Action);
            Cell(e.Status);
        }

        private void Cells(string? a, string? b, string? c)
        {
            Cell(a);
            Cell(b);
            Cell(c);
            writer.Write("\r\n");
        }

        private void Number(long value) => writer.Write(value.ToString(CultureInfo.InvariantCulture));

        private static string Instant(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

        /// <summary>Every cell but the first is preceded by a comma; the first is always the id.</summary>
        private void Cell(string? value)
        {
            writer.Write(',');
            if (string.IsNullOrEmpty(value))
            {
                return;
            }
            var inert = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
            if (!inert && value.AsSpan().IndexOfAny(",\"\r\n") < 0)
            {
                writer.Write(value);
                return;
            }
            writer.Write('"');
            if (inert)
            {
                writer.Write('\'');
            }
            writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
            writer.Write('"');
        }
    }
}
