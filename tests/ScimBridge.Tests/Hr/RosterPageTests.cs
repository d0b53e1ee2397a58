using ScimBridge.Hr;
using ScimBridge.Tests.Console;

namespace ScimBridge.Tests.Hr;

/// <summary>/admin/hr/roster over HTTP: signed-in admins only, antiforgery on Apply, a preview applied once.</summary>
public sealed class RosterPageTests
{
    [Fact]
    public async Task Apply_NeedsTheSignedInAdminAndTheAntiforgeryToken_AndAppliesAPreviewOnce()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        await app.WorkerAsync("E1", "alice@example.com");
        var preview = await app.WithScopeAsync(s => s.GetRequiredService<RosterImport>().ImportAsync(
            "employeeId,status,department\nE1,active,Ops\n"u8.ToArray(), dryRun: true, null, new HrActor("alice", HrSources.Roster), CancellationToken.None, keepInput: true));
        var apply = new Dictionary<string, string> { ["preview"] = preview.JobId, ["mode"] = RosterModes.AllOrNothing };

        using var anonymous = app.Browser();
        using var signedOut = await anonymous.PostFormAsync("/admin/hr/roster?handler=Apply", apply);
        Assert.NotEqual(HttpStatusCode.OK, signedOut.StatusCode);

        await app.CreateAdminAsync();
        using var browser = app.Browser();
        (await browser.SignInAsync()).Dispose();
        using var noToken = await browser.PostFormAsync("/admin/hr/roster?handler=Apply", apply);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(0, await app.DbAsync(db => db.HrEvents.CountAsync()));

        using var applied = await browser.PostFormAsync("/admin/hr/roster?handler=Apply", apply, tokenFrom: "/admin/hr/roster");
        Assert.Contains("Applied (all-or-nothing)", await browser.FollowAsync(applied), StringComparison.Ordinal);
        Assert.Equal(1, await app.DbAsync(db => db.HrEvents.CountAsync(e => e.Kind == HrEventKinds.Move && e.Actor == "alice")));

        using var twice = await browser.PostFormAsync("/admin/hr/roster?handler=Apply", apply, tokenFrom: "/admin/hr/roster");
        Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
        Assert.Contains("upload the file again", WebUtility.HtmlDecode(await twice.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(1, await app.DbAsync(db => db.HrEvents.CountAsync()));
    }
}
