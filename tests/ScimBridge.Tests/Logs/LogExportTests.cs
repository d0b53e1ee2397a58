using System.Text;
using static ScimBridge.Tests.Logs.LogSeed;

namespace ScimBridge.Tests.Logs;

public sealed class LogExportTests
{
    private const string Tricky = "=HYPERLINK(\"http://x\"), \"quoted\"\r\nsecond line";

    [Theory, AllDatabases]
    public async Task CsvExport_ParsesBackToTheSameEntries_EscapedAndFormulaSafe(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var entries = new[]
        {
            Entry("u1", "Plain Name", at: BaseTime),
            Entry("u2", "Comma, Name", status: LogStatuses.Failure, at: BaseTime.AddMinutes(1), message: Tricky, errorCode: "-1+2"),
            Entry("u3", "@mention", at: BaseTime.AddMinutes(2)),
            Entry("u4", "Skipped One", status: LogStatuses.Skipped, at: BaseTime.AddMinutes(3)),
        };
        await app.InsertAsync(entries);
        var admin = await app.AdminAsync();

        var response = await admin.GetAsync("/admin/api/logs/export?format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var rows = ParseCsv(await response.Content.ReadAsStringAsync());
        var header = rows[0];
        Assert.Equal(22, header.Count);
        var records = rows.Skip(1).Select(r => header.Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.Equal(entries.Where(e => e.Status != LogStatuses.Skipped).Select(e => e.Id).OrderDescending().Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            records.Select(r => r["Id"]));
        var tricky = records.Single(r => r["SourceId"] == "u2");
        Assert.Equal("'" + Tricky, tricky["Message"]);
        Assert.Equal("'-1+2", tricky["ErrorCode"]);
        Assert.Equal("Comma, Name", tricky["SourceName"]);
        Assert.Equal("Failure", tricky["Status"]);
        Assert.Equal(entries[1].At, DateTimeOffset.Parse(tricky["At"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Received: ok; Export: ok", tricky["Steps"]);
        Assert.Equal("'@mention", records.Single(r => r["SourceId"] == "u3")["SourceName"]);
    }

    [Theory, AllDatabases]
    public async Task CsvExport_IncludeStepsOrProperties_GivesOneRowEach(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var ids = await app.InsertAsync(
            Entry("u1", at: BaseTime, modifiedProperties: """[{"name":"title","old":"A, B","new":"=C"},{"name":"active","old":"true","new":"false"}]"""),
            Entry("u2", at: BaseTime.AddMinutes(1), modifiedProperties: "[]"));
        var admin = await app.AdminAsync();

        var steps = ParseCsv(await admin.GetStringAsync("/admin/api/logs/export?format=csv&include=steps"));
        var properties = ParseCsv(await admin.GetStringAsync("/admin/api/logs/export?include=properties"));

        Assert.Equal(["Id", "At", "CycleId", "ResourceType", "SourceId", "SourceName", "Action", "Status", "Step", "StepStatus", "StepDetail"], steps[0]);
        Assert.Equal(4, steps.Count - 1);
        Assert.Equal([ids[1].ToString(System.Globalization.CultureInfo.InvariantCulture), "Received", "Success", "from entra"], new[] { steps[1][0], steps[1][8], steps[1][9], steps[1][10] });
        Assert.Equal(3, properties.Count);
        Assert.Equal(["title", "A, B", "'=C"], properties[1][8..]);
        Assert.Equal(["active", "true", "false"], properties[2][8..]);
    }

    [Theory, AllDatabases]
    public async Task JsonAndNdjsonExports_ParseBackToTheSameEntries(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var entries = Enumerable.Range(0, 7).Select(i => Entry($"u{i}", i == 3 ? Tricky : $"User {i}", at: BaseTime.AddSeconds(i), cycle: i < 4 ? "a" : "b")).ToArray();
        await app.InsertAsync(entries);
        var admin = await app.AdminAsync();
        var expected = entries.Where(e => e.CycleId == "a").OrderByDescending(e => e.Id).ToList();

        var json = await admin.GetAsync("/admin/api/logs/export?format=json&cycle=a");
        var ndjson = await admin.GetAsync("/admin/api/logs/export?format=NDJSON&cycle=a");

        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/x-ndjson", ndjson.Content.Headers.ContentType?.MediaType);
        var fromJson = JsonNode.Parse(await json.Content.ReadAsStringAsync())!.AsArray().Select(n => n!).ToList();
        var lines = (await ndjson.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var fromNdjson = lines.Select(l => JsonNode.Parse(l)!).ToList();
        foreach (var parsed in new[] { fromJson, fromNdjson })
        {
            Assert.Equal(expected.Select(e => e.Id), parsed.Select(n => n["id"]!.GetValue<long>()));
            Assert.Equal(expected.Select(e => e.SourceName), parsed.Select(n => n["sourceName"]!.GetValue<string>()));
            Assert.Equal(expected.Select(e => e.At), parsed.Select(n => n["at"]!.GetValue<DateTimeOffset>()));
            Assert.All(parsed, n => Assert.Equal("Export", n["steps"]![1]!["name"]!.GetValue<string>()));
            Assert.All(parsed, n => Assert.Equal("displayName", n["modifiedProperties"]![0]!["name"]!.GetValue<string>()));
        }
    }

    [Theory, AllDatabases]
    public async Task Exports_OfNothing_AreValidAndEmpty(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        var csv = await admin.GetStringAsync("/admin/api/logs/export?format=csv");
        var json = await admin.GetStringAsync("/admin/api/logs/export?format=json");
        var ndjson = await admin.GetStringAsync("/admin/api/logs/export?format=ndjson");

        Assert.Single(ParseCsv(csv));
        Assert.Empty(JsonNode.Parse(json)!.AsArray());
        Assert.Equal("", ndjson);
    }

    [Theory, AllDatabases]
    public async Task Export_ManyEntries_CrossesChunkBoundaries(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.InsertAsync(Enumerable.Range(0, 12_001).Select(i => Entry($"u{i}", $"User {i}", at: BaseTime.AddMilliseconds(i))).ToArray());
        var admin = await app.AdminAsync();

        var lines = (await admin.GetStringAsync("/admin/api/logs/export?format=ndjson")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var ids = lines.Select(l => JsonNode.Parse(l)!["id"]!.GetValue<long>()).ToList();
        Assert.Equal(12_001, ids.Distinct().Count());
        Assert.Equal(ids.OrderDescending(), ids);
    }

    [Theory, AllDatabases]
    public async Task Export_BadFormatOrFilter_Is400(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var admin = await app.AdminAsync();

        foreach (var query in new[] { "format=xlsx", "format=json&include=steps", "include=everything", "status=Nope", "from=tomorrow" })
        {
            await AssertProblemAsync(await admin.GetAsync("/admin/api/logs/export?" + query), 400);
        }
    }

    /// <summary>An RFC 4180 reader, independent of the writer under test.</summary>
    internal static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }
        Assert.False(quoted, "unterminated quoted field");
        Assert.True(cell.Length == 0 && row.Count == 0, "the last row ends with CRLF");
        return rows;
    }
}
