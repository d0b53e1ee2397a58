using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Abstractions;

namespace ScimBridge.Tests.Push;

/// <summary>
/// The bridge as a real process, killed with SIGKILL twice (once while identity-provider writes are in flight, once
/// after every write was acknowledged but before the push finished), restarted on the same database: every
/// acknowledged write reaches monday.com exactly once.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int UserCount = 2000;
    private const string Media = "application/scim+json";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Theory, AllDatabases, Trait("Category", "Slow")]
    public async Task KilledMidPush_Restarted_SimulatorEndsWithEveryUserOnceAndCorrect(DatabaseProvider provider)
    {
        await using var sim = await SimulatorHost.StartAsync();
        // Slower than the bridge accepts writes (at most concurrency / latency pushes per second), so the push lags.
        sim.State.LatencyMs = 20;
        await using var database = await TestDatabases.CreateAsync(provider);
        await using var bridge = await BridgeProcess.StartAsync(database, sim.BridgeSettings("crash-test"));
        using var client = bridge.CreateScimClient();
        var expected = Enumerable.Range(0, UserCount).Select(ExpectedUser.Initial).ToArray();
        var ids = new ConcurrentDictionary<int, string>();
        var clock = Stopwatch.StartNew();

        // Kill 1: half the users acknowledged, eight creates in flight; their outcome is unknown, as for a real client.
        var unacknowledged = await CreateUntilKilledAsync(bridge, client, expected, ids, killAfter: UserCount / 2);
        var inSimAtKill1 = sim.UserCount();
        var acknowledgedAtKill1 = ids.Count;
        output.WriteLine($"{provider}: kill 1 after {ids.Count} acknowledged creates ({unacknowledged.Count} unacknowledged), simulator held {inSimAtKill1}, {clock.Elapsed.TotalSeconds:0.0} s");

        await bridge.StartAsync();
        // An identity provider retries what got no answer; a 409 means it was committed before the kill.
        await ForEachAsync(unacknowledged, i => CreateOrAdoptAsync(client, expected[i], ids, i));
        await ForEachAsync(Enumerable.Range(0, UserCount).Where(i => !ids.ContainsKey(i) && !unacknowledged.Contains(i)),
            i => CreateOrAdoptAsync(client, expected[i], ids, i));
        Assert.Equal(UserCount, ids.Count);

        // Updates after the creates, some of them to users whose create is not pushed yet.
        var patched = Enumerable.Range(0, UserCount).Where(i => i % 10 == 3).ToArray();
        await ForEachAsync(patched, i => PatchAsync(client, ids[i], expected, i));

        // Kill 2: every write acknowledged, the push still going.
        var inSimBeforeKill2 = sim.UserCount();
        // Polled often: the point is to kill the bridge while the push is still going.
        await Eventually.UntilAsync(() => sim.UserCount() > inSimBeforeKill2 || sim.UserCount() == UserCount, "the push to resume after restart",
            interval: TimeSpan.FromMilliseconds(10), explain: Explain);
        var inSimAtKill2 = sim.UserCount();
        bridge.Kill();
        var pendingAtKill2 = await CountPendingAsync(database);
        output.WriteLine($"{provider}: kill 2 with simulator holding {inSimAtKill2} users, {pendingAtKill2} change rows pending, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(inSimAtKill1 < acknowledgedAtKill1 || inSimAtKill2 < UserCount || pendingAtKill2 > 0,
            $"Neither kill interrupted the push (simulator held {inSimAtKill1} and {inSimAtKill2}, {pendingAtKill2} pending): slow the simulator down.");

        await bridge.StartAsync();
        await Eventually.UntilAsync(
            async () => sim.UserCount() >= UserCount && await CountPendingAsync(database) == 0,
            $"{UserCount} users in the simulator and no pending change rows", Deadline, explain: Explain);
        output.WriteLine($"{provider}: converged at {clock.Elapsed.TotalSeconds:0.0} s");

        var users = sim.Users();
        var duplicates = users.GroupBy(u => u.UserName, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"Duplicated userNames in the simulator: {string.Join(", ", duplicates.Take(10))}");
        Assert.Equal(UserCount, users.Count);
        var byUserName = users.ToDictionary(u => u.UserName, StringComparer.Ordinal);
        var wrong = new List<string>();
        foreach (var want in expected)
        {
            if (!byUserName.TryGetValue(want.UserName, out var got))
            {
                wrong.Add($"{want.UserName}: missing");
            }
            else if (got.DisplayName != want.DisplayName || got.Title != want.Title || got.UserType != want.MondayUserType || !got.Active)
            {
                wrong.Add($"{want.UserName}: got ({got.DisplayName}, {got.Title}, {got.UserType}, active {got.Active}), " +
                    $"expected ({want.DisplayName}, {want.Title}, {want.MondayUserType}, active True)");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} users wrong in the simulator, e.g.:{Environment.NewLine}{string.Join(Environment.NewLine, wrong.Take(10))}");

        var links = await MondayIdsAsync(database);
        var unlinked = new List<string>();
        for (var i = 0; i < UserCount; i++)
        {
            var simId = byUserName[expected[i].UserName].Id;
            if (!links.TryGetValue(ids[i], out var mondayId) || mondayId != simId)
            {
                unlinked.Add($"{expected[i].UserName} ({ids[i]}): PushStates has {mondayId ?? "nothing"}, the simulator {simId}");
            }
        }

        Assert.True(unlinked.Count == 0, $"{unlinked.Count} users not linked to their monday id, e.g.:{Environment.NewLine}{string.Join(Environment.NewLine, unlinked.Take(10))}");
        Assert.Equal(0, await database.CountAsync("SELECT COUNT(*) FROM \"Changes\" WHERE \"PushStatus\" = 'Failed'"));

        var requests = sim.State.RequestsSnapshot();
        var created = requests.Count(r => r is { Method: "POST", Path: "/scim/v2/Users", Status: 201 });
        var conflicts = requests.Count(r => r is { Method: "POST", Path: "/scim/v2/Users", Status: 409 });
        output.WriteLine($"{provider}: simulator answered {created} POST /Users with 201 and {conflicts} with 409 (adopted); {requests.Count} requests in all");
        Assert.Equal(UserCount, created);

        Task<string?> Explain() => Task.FromResult<string?>($"The simulator holds {sim.UserCount()} users. Bridge output:{Environment.NewLine}{bridge.Tail()}");
    }

    /// <summary>Creates users with eight in flight; once <paramref name="killAfter"/> are acknowledged, SIGKILLs the bridge.</summary>
    private static async Task<HashSet<int>> CreateUntilKilledAsync(
        BridgeProcess bridge, HttpClient client, ExpectedUser[] expected, ConcurrentDictionary<int, string> ids, int killAfter)
    {
        var unacknowledged = new ConcurrentBag<int>();
        var killed = 0;
        var next = -1;
        var workers = Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Volatile.Read(ref killed) == 0 && Interlocked.Increment(ref next) is var i && i < expected.Length)
            {
                try
                {
                    using var response = await client.PostAsync(new Uri("scim/v2/Users", UriKind.Relative), Json(expected[i].Body()));
                    var text = await response.Content.ReadAsStringAsync();
                    Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {expected[i].UserName}: {(int)response.StatusCode} {text}");
                    ids[i] = (string)JsonNode.Parse(text)!["id"]!;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && Volatile.Read(ref killed) == 1)
                {
                    unacknowledged.Add(i);
                    continue;
                }

                if (ids.Count >= killAfter && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    bridge.Kill();
                }
            }
        }).ToList();
        await Task.WhenAll(workers);
        return [.. unacknowledged];
    }

    private static async Task CreateOrAdoptAsync(HttpClient client, ExpectedUser user, ConcurrentDictionary<int, string> ids, int index)
    {
        using var response = await client.PostAsync(new Uri("scim/v2/Users", UriKind.Relative), Json(user.Body()));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var filter = Uri.EscapeDataString($"userName eq \"{user.UserName}\"");
            using var lookup = await client.GetAsync(new Uri($"scim/v2/Users?filter={filter}", UriKind.Relative));
            var found = JsonNode.Parse(await lookup.Content.ReadAsStringAsync())!["Resources"]!.AsArray();
            Assert.Single(found);
            ids[index] = (string)found[0]!["id"]!;
            return;
        }

        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST {user.UserName}: {(int)response.StatusCode} {text}");
        ids[index] = (string)JsonNode.Parse(text)!["id"]!;
    }

    private static async Task PatchAsync(HttpClient client, string id, ExpectedUser[] expected, int index)
    {
        var user = expected[index] = expected[index].Updated();
        var operations = new JsonArray(
            new JsonObject { ["op"] = "Replace", ["path"] = "title", ["value"] = user.Title },
            new JsonObject { ["op"] = "Replace", ["path"] = "userType", ["value"] = user.UserType },
            new JsonObject { ["op"] = "Replace", ["path"] = "displayName", ["value"] = user.DisplayName });
        var body = new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:PatchOp"), ["Operations"] = operations };
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri($"scim/v2/Users/{id}", UriKind.Relative)) { Content = Json(body) };
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PATCH {user.UserName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static Task ForEachAsync(IEnumerable<int> indexes, Func<int, Task> action) =>
        Parallel.ForEachAsync(indexes.ToList(), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => await action(i));

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, Media);

    private static Task<long> CountPendingAsync(TestDatabase database) =>
        database.CountAsync("SELECT COUNT(*) FROM \"Changes\" WHERE \"PushStatus\" = 'Pending'");

    private static async Task<Dictionary<string, string?>> MondayIdsAsync(TestDatabase database)
    {
        await using var connection = database.OpenConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"ResourceId\", \"MondayId\" FROM \"PushStates\" WHERE \"ResourceType\" = 'User'";
        await using var reader = await command.ExecuteReaderAsync();
        var links = new Dictionary<string, string?>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            links[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        return links;
    }

    // Pooling off: the bridge process owns the database; the test must not hold connections between looks.
    /// <summary>A user as the identity provider last sent it, and what monday.com must end up with.</summary>
    private sealed record ExpectedUser(int Index, string UserName, string DisplayName, string Title, string UserType)
    {
        public string MondayUserType => UserType == "Guest" ? "guest" : "member";

        public static ExpectedUser Initial(int index) => new(
            index,
            string.Create(CultureInfo.InvariantCulture, $"crash{index:D5}@example.com"),
            string.Create(CultureInfo.InvariantCulture, $"Crash User {index:D5}"),
            string.Create(CultureInfo.InvariantCulture, $"Engineer {index % 37}"),
            index % 5 == 0 ? "Guest" : "Employee");

        public ExpectedUser Updated() => this with
        {
            DisplayName = DisplayName + " (renamed)",
            Title = string.Create(CultureInfo.InvariantCulture, $"Manager {Index % 41}"),
            UserType = UserType == "Guest" ? "Member" : "Guest",
        };

        public JsonObject Body() => new()
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["userName"] = UserName,
            ["displayName"] = DisplayName,
            ["title"] = Title,
            ["userType"] = UserType,
            ["active"] = true,
            ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["type"] = "work", ["value"] = UserName }),
        };
    }
}
