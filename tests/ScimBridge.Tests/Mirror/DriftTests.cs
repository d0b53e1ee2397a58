using System.Net.Http.Json;
using ScimBridge.Mirror;
using ScimBridge.Push;
using ScimBridge.Tests.Push;

namespace ScimBridge.Tests.Mirror;

/// <summary>The drift view and its actions (link, repush) over /admin/api/mirror/drift, on both databases.</summary>
public sealed class DriftTests
{
    private sealed record World(string Alice, string Bob, string Carol, string Dave, string Erin);

    /// <summary>
    /// alice: member seat, as the mapping says. bob: active, no seat. carol: an Admin inbound, a member seat. dave:
    /// deactivated inbound, seats still active in both apps. erin: active, her seat inactive. Plus a shadow seat in each
    /// app and a seat whose user was deleted inbound.
    /// </summary>
    private static async Task<World> SeedAsync(ScimApp app)
    {
        var alice = await app.CreateUserWithTypeAsync("alice@example.com", null);
        var bob = await app.CreateUserWithTypeAsync("bob@example.com", null);
        var carol = await app.CreateUserWithTypeAsync("carol@example.com", "Admin");
        var dave = await app.CreateUserWithTypeAsync("dave@example.com", null, active: false);
        var erin = await app.CreateUserWithTypeAsync("erin@example.com", null);
        await app.SeatsAsync(
            MirrorSeed.Seat(MirrorApps.Monday, "m-alice", "alice@example.com", userId: alice),
            MirrorSeed.Seat(MirrorApps.Monday, "m-carol", "carol@example.com", userId: carol),
            MirrorSeed.Seat(MirrorApps.Monday, "m-dave", "dave@example.com", userId: dave),
            MirrorSeed.Seat(MirrorApps.Monday, "m-erin", "erin@example.com", status: SeatStatuses.Inactive, userId: erin),
            MirrorSeed.Seat(MirrorApps.Monday, "m-ghost", "ghost@example.com"),
            MirrorSeed.Seat(MirrorApps.Monday, "m-deleted", "deleted@example.com", userId: "no-longer-there"),
            MirrorSeed.Seat(MirrorApps.Monday, "m-gone", "gone@example.com", goneAt: DateTimeOffset.UtcNow.AddDays(-1)),
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r-ghost", "ghost@example.com", SeatTypes.Collaborator),
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r-ghost2", "ghost2@example.com", SeatTypes.Reviewer),
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r-dave", "dave@example.com", SeatTypes.Collaborator, userId: dave));
        return new World(alice, bob, carol, dave, erin);
    }

    private static async Task<JsonObject> DriftAsync(HttpClient admin, string query) =>
        (JsonObject)await (await admin.GetAsync($"/admin/api/mirror/drift?{query}")).JsonAsync(HttpStatusCode.OK);

    private static List<string> Keys(JsonObject page) => page["items"]!.AsArray()
        .Select(i => $"{i!["kind"]}:{i["accountId"]?.GetValue<string>() ?? i["userName"]!.GetValue<string>()}").ToList();

    [Theory, AllDatabases]
    public async Task Drift_ListsTheFourKinds_WithTheActionEachOffers_PagedAcrossKinds(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var w = await SeedAsync(app);
        var admin = await app.AdminAsync();

        // Before a complete monday.com run, every user would lack a seat: that kind waits for one.
        Assert.Equal(0, (await DriftAsync(admin, ""))["counts"]!["noSeat"]!.GetValue<int>());
        await app.AppAsync(MirrorApps.Monday);

        var all = await DriftAsync(admin, "");
        var counts = all["counts"]!;
        Assert.Equal(3, counts["shadowSeat"]!.GetValue<int>());
        Assert.Equal(2, counts["noSeat"]!.GetValue<int>());
        Assert.Equal(1, counts["seatTypeMismatch"]!.GetValue<int>());
        Assert.Equal(3, counts["deactivatedStillActive"]!.GetValue<int>());
        Assert.Equal(9, all["total"]!.GetValue<int>());
        Assert.Equal(
            ["shadowSeat:m-ghost", "shadowSeat:r-ghost", "shadowSeat:r-ghost2", "noSeat:bob@example.com", "noSeat:m-erin",
             "seatTypeMismatch:m-carol", "deactivatedStillActive:m-dave", "deactivatedStillActive:m-deleted", "deactivatedStillActive:r-dave"],
            Keys(all));

        JsonNode Row(string key) => all["items"]!.AsArray().Single(i => Keys(new JsonObject { ["items"] = new JsonArray(i!.DeepClone()) })[0] == key)!;
        string[] Actions(string key) => Row(key)["actions"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray();
        Assert.Equal(["link"], Actions("shadowSeat:m-ghost"));
        Assert.Equal(["link"], Actions("shadowSeat:r-ghost"));
        Assert.Equal(["repush"], Actions("noSeat:bob@example.com"));
        Assert.Equal(w.Bob, Row("noSeat:bob@example.com")["userId"]!.GetValue<string>());
        Assert.Equal("inactive", Row("noSeat:m-erin")["seatStatus"]!.GetValue<string>());
        Assert.Equal(["repush"], Actions("seatTypeMismatch:m-carol"));
        Assert.Equal("member", Row("seatTypeMismatch:m-carol")["seatType"]!.GetValue<string>());
        Assert.Equal("admin", Row("seatTypeMismatch:m-carol")["expectedSeatType"]!.GetValue<string>());
        Assert.Equal(["repush"], Actions("deactivatedStillActive:m-dave"));
        Assert.False(Row("deactivatedStillActive:m-dave")["userActive"]!.GetValue<bool>());
        Assert.Empty(Actions("deactivatedStillActive:m-deleted")); // nobody inbound to push
        Assert.Null(Row("deactivatedStillActive:m-deleted")["userActive"]);
        Assert.Empty(Actions("deactivatedStillActive:r-dave")); // Roadmunk is not pushed to

        var paged = new List<string>();
        for (var page = 1; page <= 5; page++)
        {
            var one = await DriftAsync(admin, $"pageSize=2&page={page}");
            Assert.Equal(9, one["total"]!.GetValue<int>());
            paged.AddRange(Keys(one));
        }
        Assert.Equal(Keys(all), paged);

        Assert.Equal(["seatTypeMismatch:m-carol"], Keys(await DriftAsync(admin, "kind=SeatTypeMismatch")));
        var roadmunk = await DriftAsync(admin, "app=roadmunk");
        Assert.Equal(["shadowSeat:r-ghost", "shadowSeat:r-ghost2", "deactivatedStillActive:r-dave"], Keys(roadmunk));
        Assert.Equal(0, roadmunk["counts"]!["noSeat"]!.GetValue<int>());
        Assert.Equal(["deactivatedStillActive:r-dave"], Keys(await DriftAsync(admin, "app=roadmunk&kind=deactivatedStillActive")));
    }

    [Theory, AllDatabases]
    public async Task Link_AdoptsARoadmunkSeat_OneLiveSeatPerUser_AndRefusesWhatItCannot(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var w = await SeedAsync(app);
        var admin = await app.AdminAsync();

        var linked = await (await admin.PostAsJsonAsync("/admin/api/mirror/drift/link", new { app = "Roadmunk", accountId = "r-ghost", userName = "BOB@example.com" }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(w.Bob, linked["seat"]!["userId"]!.GetValue<string>());
        Assert.Equal("bob@example.com", linked["seat"]!["userName"]!.GetValue<string>());
        Assert.Equal("admin", linked["seat"]!["linkedBy"]!.GetValue<string>());
        Assert.Null(linked["requeued"]);
        var seat = await app.DbAsync(db => db.MirrorSeats.SingleAsync(s => s.App == "roadmunk" && s.AccountId == "r-ghost"));
        Assert.Equal((w.Bob, SeatLinks.Admin), (seat.UserId, seat.LinkedBy));
        // Linking again is harmless.
        await (await admin.PostAsJsonAsync("/admin/api/mirror/drift/link", new { app = "roadmunk", accountId = "r-ghost", userId = w.Bob })).JsonAsync(HttpStatusCode.OK);

        async Task RefusedAsync(object body, HttpStatusCode status, string detail)
        {
            using var response = await admin.PostAsJsonAsync("/admin/api/mirror/drift/link", body);
            await MirrorApiTests.AssertProblemAsync(response, status, detail);
        }
        await RefusedAsync(new { app = "roadmunk", accountId = "r-ghost2", userId = w.Bob }, HttpStatusCode.Conflict, "already holds Roadmunk seat r-ghost");
        await RefusedAsync(new { app = "roadmunk", accountId = "r-dave", userId = w.Alice }, HttpStatusCode.Conflict, $"already linked to user {w.Dave}");
        await RefusedAsync(new { app = "roadmunk", accountId = "r-ghost2", userId = "no-such-user" }, HttpStatusCode.NotFound, "no inbound user 'no-such-user'");
        await RefusedAsync(new { app = "roadmunk", accountId = "r-ghost2", userName = "nobody@example.com" }, HttpStatusCode.NotFound, "nobody@example.com");
        await RefusedAsync(new { app = "roadmunk", accountId = "r-nope", userId = w.Alice }, HttpStatusCode.NotFound, "no Roadmunk seat 'r-nope'");
        await RefusedAsync(new { app = "monday", accountId = "m-gone", userId = w.Bob }, HttpStatusCode.Conflict, "gone from the app");
        await RefusedAsync(new { app = "slack", accountId = "r-ghost2", userId = w.Alice }, HttpStatusCode.BadRequest, "not a known app");
        await RefusedAsync(new { app = "roadmunk", userId = w.Alice }, HttpStatusCode.BadRequest, "account id");
        await RefusedAsync(new { app = "roadmunk", accountId = "r-ghost2" }, HttpStatusCode.BadRequest, "userId or userName");
        Assert.Null((await app.DbAsync(db => db.MirrorSeats.SingleAsync(s => s.AccountId == "r-ghost2"))).UserId);
    }

    [Theory, AllDatabases]
    public async Task Link_OfAMondaySeat_GoesThroughThePushLinks_AndQueuesThePush(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var w = await SeedAsync(app);
        await app.SeatsAsync(MirrorSeed.Seat(MirrorApps.Monday, "m-taken", "alice.old@example.com"), MirrorSeed.Seat(MirrorApps.Monday, "m-spare", "spare@example.com"));
        // The push linked alice to monday.com user m-taken; the mirror has not linked that seat (yet).
        await app.DbAsync(db => db.PushStates.Where(p => p.ResourceId == w.Alice).ExecuteUpdateAsync(s => s.SetProperty(p => p.MondayId, "m-taken")));
        var before = await app.DbAsync(db => db.PushStates.AsNoTracking().SingleAsync(p => p.ResourceId == w.Bob));
        var admin = await app.AdminAsync();

        using (var taken = await admin.PostAsJsonAsync("/admin/api/mirror/drift/link", new { app = "monday", accountId = "m-taken", userId = w.Bob }))
        {
            await MirrorApiTests.AssertProblemAsync(taken, HttpStatusCode.Conflict, $"already linked to user {w.Alice} ('alice@example.com')");
        }
        var refused = await app.DbAsync(db => db.PushStates.AsNoTracking().SingleAsync(p => p.ResourceId == w.Bob));
        Assert.Null(refused.MondayId);
        Assert.Null(refused.LeaseOwner);

        var linked = await (await admin.PostAsJsonAsync("/admin/api/mirror/drift/link", new { app = "monday", accountId = "m-ghost", userId = w.Bob }))
            .JsonAsync(HttpStatusCode.OK);
        Assert.Equal(w.Bob, linked["seat"]!["userId"]!.GetValue<string>());
        Assert.Equal(1, linked["requeued"]!["resources"]!.GetValue<int>());
        var state = await app.DbAsync(db => db.PushStates.AsNoTracking().SingleAsync(p => p.ResourceId == w.Bob));
        Assert.Equal("m-ghost", state.MondayId);
        Assert.Equal("ghost@example.com", PushedUser.Parse(state.Pushed)!.UserName);
        Assert.Equal(before.ChangeSeq + 1, state.ChangeSeq);
        Assert.Null(state.LeaseOwner);
        Assert.Equal(Initiators.Admin, state.InitiatorType);

        using (var second = await admin.PostAsJsonAsync("/admin/api/mirror/drift/link", new { app = "monday", accountId = "m-spare", userId = w.Bob }))
        {
            await MirrorApiTests.AssertProblemAsync(second, HttpStatusCode.Conflict, "already holds monday.com seat m-ghost");
        }
        // erin has no live mirror link to another seat, but the push links her elsewhere: refused too.
        await app.DbAsync(db => db.PushStates.Where(p => p.ResourceId == w.Erin).ExecuteUpdateAsync(s => s.SetProperty(p => p.MondayId, "m-unmirrored")));
        await app.DbAsync(db => db.MirrorSeats.Where(s => s.AccountId == "m-erin").ExecuteUpdateAsync(s => s.SetProperty(x => x.UserId, (string?)null)));
        using (var elsewhere = await admin.PostAsJsonAsync("/admin/api/mirror/drift/link", new { app = "monday", accountId = "m-spare", userId = w.Erin }))
        {
            await MirrorApiTests.AssertProblemAsync(elsewhere, HttpStatusCode.Conflict, "already linked to monday.com user m-unmirrored");
        }
        Assert.Null((await app.DbAsync(db => db.MirrorSeats.SingleAsync(s => s.AccountId == "m-spare"))).UserId);
    }

    [Theory, AllDatabases]
    public async Task Repush_SetsBackASeatChangedInMonday_AndDeactivatesOneReactivatedThere(DatabaseProvider provider)
    {
        await using var h = await PushHarness.StartAsync(provider);
        var ivy = await h.Bridge.CreateUserAsync("ivy@example.com");
        var jack = await h.Bridge.CreateUserAsync("jack@example.com");
        await h.WaitSettledAsync();
        await h.DeactivateAsync([jack], held: 0);
        var ivyId = (await h.StateAsync(ResourceKinds.User, ivy))!.MondayId!;
        var jackId = (await h.StateAsync(ResourceKinds.User, jack))!.MondayId!;
        // Someone in monday.com made ivy an admin and reactivated jack; the mirror's last run saw both.
        lock (h.State.Sync)
        {
            h.State.Users[ivyId].UserType = "admin";
            h.State.Users[jackId].Active = true;
        }
        await h.Bridge.AppAsync(MirrorApps.Monday);
        await h.Bridge.SeatsAsync(
            MirrorSeed.Seat(MirrorApps.Monday, ivyId, "ivy@example.com", SeatTypes.Admin, userId: ivy),
            MirrorSeed.Seat(MirrorApps.Monday, jackId, "jack@example.com", SeatTypes.Member, userId: jack));
        var admin = await h.Bridge.AdminAsync();

        var mismatch = await DriftAsync(admin, "kind=seatTypeMismatch");
        Assert.Equal([$"seatTypeMismatch:{ivyId}"], Keys(mismatch));
        Assert.Equal("member", mismatch["items"]![0]!["expectedSeatType"]!.GetValue<string>());
        Assert.Equal([$"deactivatedStillActive:{jackId}"], Keys(await DriftAsync(admin, "kind=deactivatedStillActive")));

        foreach (var id in new[] { ivy, jack })
        {
            var result = await (await admin.PostAsJsonAsync("/admin/api/mirror/drift/repush", new { userId = id })).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(1, result["resources"]!.GetValue<int>());
        }
        await h.WaitForAsync(() => h.SimUserByName("ivy@example.com") is { UserType: "member" } u ? u : null, "ivy to be a member again");
        await h.WaitForAsync(() => h.SimUserByName("jack@example.com") is { Active: false } u ? u : null, "jack to be deactivated again");

        using (var unknown = await admin.PostAsJsonAsync("/admin/api/mirror/drift/repush", new { userId = "no-such-user" }))
        {
            await MirrorApiTests.AssertProblemAsync(unknown, HttpStatusCode.NotFound, "no-such-user");
        }
        using (var empty = await admin.PostAsJsonAsync("/admin/api/mirror/drift/repush", new { }))
        {
            await MirrorApiTests.AssertProblemAsync(empty, HttpStatusCode.BadRequest, "userId");
        }
    }
}
