using Microsoft.Extensions.Time.Testing;
using ScimBridge.Mirror;
using ScimBridge.ScimProtocol.Resources;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Reclamation;

/// <summary>A bridge on a controlled clock, mirror seats with known dates, and rule bodies, for the reclamation rule tests.</summary>
public static class ReclaimKit
{
    /// <summary>The tests' "now": the clock starts here and only moves when a test advances it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public static readonly Dictionary<string, string?> Costs = new()
    {
        ["Mirror:Currency"] = "EUR",
        ["Mirror:Schedule"] = "",
        ["Mirror:Apps:monday:SeatCosts:admin"] = "20",
        ["Mirror:Apps:monday:SeatCosts:member"] = "12",
        ["Mirror:Apps:monday:SeatCosts:viewer"] = "2",
        ["Mirror:Apps:roadmunk:SeatCosts:collaborator"] = "30",
        ["Mirror:Apps:roadmunk:SeatCosts:reviewer"] = "10",
        ["Reclamation:PublicUrl"] = "https://bridge.example.com",
        ["Reclamation:Enabled"] = "false",
    };

    public static async Task<(ScimApp App, FakeTimeProvider Clock)> StartAsync(DatabaseProvider provider, Dictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(Now);
        var all = new Dictionary<string, string?>(Costs);
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var app = await ScimApp.StartAsync(provider, all, services: s => s.AddSingleton<TimeProvider>(clock));
        return (app, clock);
    }

    /// <summary>A seat seen since <paramref name="createdDaysAgo"/> (created in the app then), last active <paramref name="inactiveDays"/> ago (null: never).</summary>
    public static MirrorSeatRecord Seat(
        string accountId, int? inactiveDays, string app = MirrorApps.Monday, string seatType = SeatTypes.Member, string? userId = null,
        int createdDaysAgo = 400, string status = SeatStatuses.Active, bool gone = false, string? email = null)
    {
        email ??= $"{accountId}@example.com";
        return new MirrorSeatRecord
        {
            App = app,
            AccountId = accountId,
            Email = email,
            EmailNormalized = ScimText.Fold(email),
            Name = accountId,
            SeatType = seatType,
            Status = status,
            ListedStatus = status,
            LastActivity = inactiveDays is { } days ? Now.AddDays(-days) : null,
            CreatedInApp = Now.AddDays(-createdDaysAgo),
            FirstSeen = Now.AddDays(-createdDaysAgo),
            LastSeen = Now,
            GoneAt = gone ? Now.AddDays(-1) : null,
            UserId = userId,
            LinkedBy = userId is null ? null : SeatLinks.Email,
            LastRunId = 1,
        };
    }

    /// <summary>A valid rule body: monday.com members and admins' seats idle for 60 days, deactivated; <paramref name="change"/> edits it.</summary>
    public static JsonObject Rule(string name, Action<JsonObject>? change = null)
    {
        var rule = new JsonObject
        {
            ["name"] = name,
            ["enabled"] = true,
            ["apps"] = new JsonArray("monday"),
            ["seatTypes"] = new JsonArray(),
            ["inactiveDays"] = 60,
            ["includeNeverActive"] = true,
            ["neverActiveGraceDays"] = 14,
            ["ignoreCreatedWithinDays"] = null,
            ["excludeUsers"] = new JsonArray(),
            ["excludeGroups"] = new JsonArray(),
            ["excludeSeatTypes"] = new JsonArray("admin"),
            ["action"] = "deactivate",
            ["autoReclaim"] = false,
            ["notify"] = null,
            ["cooldownDays"] = 90,
        };
        change?.Invoke(rule);
        return rule;
    }

    public static async Task<long> CreateRuleAsync(this HttpClient admin, JsonObject rule)
    {
        var created = await (await admin.PostAsync("/admin/api/reclamation/rules", Json(rule))).JsonAsync(HttpStatusCode.Created);
        return created["id"]!.GetValue<long>();
    }

    public static async Task<JsonObject> EvaluateAsync(this HttpClient admin) =>
        (JsonObject)await (await admin.PostAsync("/admin/api/reclamation/evaluate", null)).JsonAsync(HttpStatusCode.OK);

    public static async Task<JsonObject> DryRunAsync(this HttpClient admin, long ruleId) =>
        (JsonObject)await (await admin.PostAsync($"/admin/api/reclamation/rules/{ruleId}/dry-run", null)).JsonAsync(HttpStatusCode.OK);

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    public static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
