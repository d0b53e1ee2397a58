using ScimBridge.Mirror;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Tests.Mirror;

/// <summary>Mirror rows written straight to the database, as a finished run would have left them (the runner has its own tests).</summary>
public static class MirrorSeed
{
    public static MirrorSeatRecord Seat(
        string app, string accountId, string? email, string seatType = SeatTypes.Member, string status = SeatStatuses.Active,
        DateTimeOffset? lastActivity = null, string? userId = null, DateTimeOffset? goneAt = null, string? name = null) => new()
        {
            App = app,
            AccountId = accountId,
            Email = email,
            EmailNormalized = email is null ? null : ScimText.Fold(email),
            Name = name ?? email?.Split('@')[0],
            SeatType = seatType,
            Status = status,
            ListedStatus = status,
            LastActivity = lastActivity,
            FirstSeen = DateTimeOffset.UtcNow.AddDays(-100),
            LastSeen = DateTimeOffset.UtcNow,
            GoneAt = goneAt,
            UserId = userId,
            LinkedBy = userId is null ? null : SeatLinks.Email,
            LastRunId = 1,
        };

    public static Task<int> SeatsAsync(this ScimApp app, params MirrorSeatRecord[] seats) =>
        app.DbAsync(db =>
        {
            db.MirrorSeats.AddRange(seats);
            return db.SaveChangesAsync();
        });

    /// <summary>The app as after a complete run, with the plan's seats bought.</summary>
    public static Task<int> AppAsync(this ScimApp app, string name, int? seatsBought = null, int? activeMembers = null) =>
        app.DbAsync(db =>
        {
            db.MirrorApps.Add(new MirrorAppRecord
            {
                App = name,
                LastCompleteRunId = 1,
                LastCompleteAt = DateTimeOffset.UtcNow.AddHours(-1),
                SeatsBought = seatsBought,
                ActiveMembers = activeMembers,
            });
            return db.SaveChangesAsync();
        });

    public static Task<int> RunsAsync(this ScimApp app, params MirrorRunRecord[] runs) =>
        app.DbAsync(db =>
        {
            db.MirrorRuns.AddRange(runs);
            return db.SaveChangesAsync();
        });

    public static MirrorRunRecord Run(string app, DateTimeOffset started, string status = MirrorRunStatuses.Succeeded, int added = 0, string? error = null) => new()
    {
        App = app,
        InitiatorType = MirrorInitiators.Schedule,
        Initiator = "schedule",
        Instance = "test",
        Status = status,
        StartedAt = started,
        EndedAt = started.AddSeconds(5),
        Added = added,
        Seen = added,
        Error = error,
        ErrorCode = error is null ? null : "TargetError",
    };

    /// <summary>An inbound user with a SCIM userType (the monday.com mapping reads it).</summary>
    public static async Task<string> CreateUserWithTypeAsync(this ScimApp app, string userName, string? userType, bool active = true)
    {
        var body = Bodies.User(userName, null, active);
        if (userType is not null)
        {
            body["userType"] = userType;
        }
        var response = await app.PostAsync("/scim/v2/Users", body);
        Assert.Equal(HttpStatusCode.Created, response.Status);
        return response.Json!["id"]!.GetValue<string>();
    }

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }
}
