using System.Net.Http.Json;
using ScimBridge.Hr;
using ScimBridge.Mirror;

namespace ScimBridge.Tests.Hr;

/// <summary>
/// Seeds the HR console's data: inbound users, events recorded through <see cref="HrLifecycle"/> as the HR API would,
/// and rows written directly for what the scheduler does (held, fired, leaver SLA), with the scheduler off.
/// </summary>
public static class HrConsoleSeed
{
    /// <summary>The scheduler off (nothing fires on its own), and monday.com seat costs for the seats-freed figures.</summary>
    public static Dictionary<string, string?> Settings() => new()
    {
        ["Hr:Enabled"] = "false",
        ["Mirror:Currency"] = "EUR",
        ["Mirror:Apps:monday:SeatCosts:member"] = "12",
        ["Mirror:Apps:monday:SeatCosts:admin"] = "30",
    };

    public static Task<ScimApp> StartAsync(DatabaseProvider provider, bool kestrel = false) =>
        ScimApp.StartAsync(provider, Settings(), kestrel: kestrel);

    /// <summary>An inbound user with an employee number (and a time zone), as Entra would send it; returns the worker.</summary>
    public static async Task<ResolvedWorker> SeedWorkerAsync(this ScimApp app, string userName, string employeeNumber, string? timeZone = null, bool active = true)
    {
        var body = Bodies.User(userName, active: active);
        body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"] = new JsonObject { ["employeeNumber"] = employeeNumber };
        if (timeZone is not null)
        {
            body["timezone"] = timeZone;
        }
        var response = await app.PostAsync("/scim/v2/Users", body);
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return new ResolvedWorker(response.Json!["id"]!.GetValue<string>(), userName, employeeNumber, WorkerKey.EmployeeNumber, timeZone, active);
    }

    /// <summary>Records a termination as the HR API does (<paramref name="effective"/> read in <paramref name="zone"/>).</summary>
    public static Task<HrEventRecord> SeedTerminationAsync(this ScimApp app, ResolvedWorker worker, string effective, string zone, string source = HrSources.Api,
        string? reason = "Resignation", string actor = "workday") =>
        app.WithScopeAsync(s => s.GetRequiredService<HrLifecycle>().TerminateAsync(worker,
            EffectiveTime.Resolve(effective, EffectiveTime.Zone(zone, "timeZone"), new TimeOnly(19, 0), DateTimeOffset.UtcNow),
            reason, new HrActor(actor, source), CancellationToken.None));

    public static Task<HrEventRecord> SeedMoveAsync(this ScimApp app, ResolvedWorker worker, string effective, string zone, string title) =>
        app.WithScopeAsync(s => s.GetRequiredService<HrLifecycle>().MoveAsync(worker, new MoveChanges(title, null, null, null),
            EffectiveTime.Resolve(effective, EffectiveTime.Zone(zone, "timeZone"), new TimeOnly(9, 0), DateTimeOffset.UtcNow),
            "Promotion", new HrActor("workday", HrSources.Api), CancellationToken.None));

    /// <summary>A termination row written as the scheduler leaves it (held by the guard, fired, …).</summary>
    public static async Task<HrEventRecord> SeedEventAsync(this ScimApp app, ResolvedWorker worker, string state, DateTimeOffset effectiveAt,
        string? error = null, DateTimeOffset? firedAt = null, string source = HrSources.Bulk, string? batchId = null, string kind = HrEventKinds.Terminate)
    {
        var record = new HrEventRecord
        {
            Kind = kind,
            State = state,
            UserId = worker.UserId,
            UserName = worker.UserName,
            EmployeeNumber = worker.EmployeeNumber,
            MatchedBy = worker.MatchedBy,
            EffectiveAt = effectiveAt,
            EffectiveLocal = effectiveAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            TimeZone = "UTC",
            Reason = "Restructuring",
            Source = source,
            Actor = "workday",
            BatchId = batchId,
            CreatedAt = effectiveAt.AddDays(-1),
            FiredAt = firedAt,
            Error = error,
        };
        await app.DbAsync(async db =>
        {
            db.HrEvents.Add(record);
            return await db.SaveChangesAsync();
        });
        return record;
    }

    /// <summary>The worker's HR row as the leaver pipeline leaves it after a fired termination.</summary>
    public static Task<int> SeedLeaverAsync(this ScimApp app, ResolvedWorker worker, HrEventRecord termination, DateTimeOffset? deactivatedAt,
        bool deleted = false, string? step = null, DateTimeOffset? stepDueAt = null, string? memberships = null) =>
        app.DbAsync(db =>
        {
            db.HrWorkers.Add(new HrWorkerRecord
            {
                UserId = worker.UserId,
                Status = step is null ? HrWorkerStatuses.Left : HrWorkerStatuses.Leaving,
                TerminationId = termination.Id,
                Step = step,
                StepDueAt = stepDueAt,
                Memberships = memberships,
                SnapshotAt = memberships is null ? null : termination.FiredAt,
                Deactivated = true,
                RemovedFromTeams = step is null,
                Deleted = deleted,
                EffectiveAt = termination.EffectiveAt,
                DeactivatedAt = deactivatedAt,
                // A deactivation was sent (and confirmed, when deactivatedAt is set).
                DeactivateSeq = 2,
                UpdatedAt = deactivatedAt ?? termination.EffectiveAt,
            });
            return db.SaveChangesAsync();
        });

    /// <summary>The monday.com seat the mirror saw for the user.</summary>
    public static Task<int> SeedSeatAsync(this ScimApp app, ResolvedWorker worker, string seatType, string status = SeatStatuses.Inactive) =>
        app.DbAsync(db =>
        {
            var now = DateTimeOffset.UtcNow;
            db.MirrorSeats.Add(new MirrorSeatRecord
            {
                App = MirrorApps.Monday,
                AccountId = $"m-{worker.EmployeeNumber}",
                Email = worker.UserName,
                EmailNormalized = worker.UserName.ToLowerInvariant(),
                Name = worker.UserName,
                SeatType = seatType,
                Status = status,
                ListedStatus = status,
                FirstSeen = now.AddDays(-100),
                LastSeen = now,
                UserId = worker.UserId,
                LinkedBy = SeatLinks.Push,
                LastRunId = 1,
            });
            return db.SaveChangesAsync();
        });

    public static async Task<JsonNode> AdminJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public static async Task<HttpResponseMessage> AdminPostAsync(this HttpClient client, string path) =>
        await client.PostAsJsonAsync(path, new { });
}
