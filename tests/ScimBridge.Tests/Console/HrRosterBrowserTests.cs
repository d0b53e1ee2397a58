using Microsoft.Playwright;
using ScimBridge.Hr;
using ScimBridge.Tests.Hr;
using static Microsoft.Playwright.Assertions;

namespace ScimBridge.Tests.Console;

/// <summary>HR > Roster in a real browser: upload a CSV, see the preview (nothing written), apply good rows, see the result.</summary>
public sealed class HrRosterBrowserTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [BrowserFact]
    public async Task ARoster_IsUploadedPreviewedAndApplied_InTheBrowser()
    {
        await using var session = await ConsoleSession.StartAsync(browser);
        var app = session.App;
        var alice = await app.WorkerAsync("E1", "alice@example.com", timezone: "Europe/Paris");
        await app.WorkerAsync("E2", "bob@example.com", department: "Sales");
        await session.LoginAsync();
        var page = session.Page;

        await page.GotoAsync("/admin/hr/roster");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("HR roster import");
        await page.GetByTestId("roster-file").SetInputFilesAsync(new FilePayload
        {
            Name = "roster.csv",
            MimeType = "text/csv",
            Buffer = "Employee ID,Email,Status,Last day of work,Department\nE1,alice@example.com,terminated,2099-03-29,\nE2,bob@example.com,active,,Marketing\nE9,,terminated,2099-03-29,\n"u8.ToArray(),
        });
        await page.GetByTestId("preview").ClickAsync();

        var preview = page.GetByTestId("preview-result");
        await Expect(preview.GetByTestId("summary")).ToContainTextAsync("Dry run, 3 rows: 2 would change");
        var terminate = preview.Locator("tr[data-row='2']");
        await Expect(terminate).ToContainTextAsync("Terminate");
        await Expect(terminate).ToContainTextAsync("2099-03-29T19:00:00 Europe/Paris");
        await Expect(terminate).ToContainTextAsync("2099-03-29 17:00:00Z");
        await Expect(preview.Locator("tr[data-row='3']")).ToContainTextAsync("department 'Sales' → 'Marketing'");
        await Expect(preview.Locator("tr[data-row='4']")).ToContainTextAsync("employeeId: no worker has employee id 'E9'");
        await session.ScreenshotAsync("hr-roster-preview");
        Assert.Equal(0, await app.DbAsync(db => db.HrEvents.CountAsync()));

        // All or nothing refuses (row 4), then good rows applies the two others.
        await page.GetByTestId("apply").ClickAsync();
        await Expect(page.GetByTestId("apply-result").GetByTestId("summary")).ToContainTextAsync("Refused (all-or-nothing)");
        Assert.Equal(0, await app.DbAsync(db => db.HrEvents.CountAsync()));

        await page.GotoAsync("/admin/hr/roster");
        await page.GetByTestId("roster-file").SetInputFilesAsync(new FilePayload
        {
            Name = "roster.csv",
            MimeType = "text/csv",
            Buffer = "Employee ID,Email,Status,Last day of work,Department\nE1,alice@example.com,terminated,2099-03-29,\nE2,bob@example.com,active,,Marketing\nE9,,terminated,2099-03-29,\n"u8.ToArray(),
        });
        await page.GetByTestId("preview").ClickAsync();
        await page.GetByTestId("mode").SelectOptionAsync(RosterModes.GoodRows);
        await page.GetByTestId("apply").ClickAsync();
        var result = page.GetByTestId("apply-result");
        await Expect(result.GetByTestId("summary")).ToContainTextAsync("Applied (good-rows)");
        await Expect(result.Locator("tr[data-row='2']")).ToContainTextAsync("Terminate (applied)");
        await session.ScreenshotAsync("hr-roster-applied");
        var events = await app.DbAsync(db => db.HrEvents.OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(2, events.Count);
        Assert.Contains(events, e => e.UserId == alice && e.Kind == HrEventKinds.Terminate && e.EffectiveAt == new DateTimeOffset(2099, 3, 29, 17, 0, 0, TimeSpan.Zero));
        Assert.All(events, e => Assert.Equal(ConsoleSession.UserName, e.Actor));
        // An applied preview lets its file go; the refused one keeps it (it can still be applied in another mode).
        Assert.Equal(1, await app.DbAsync(db => db.HrJobs.CountAsync(j => j.Input != null)));
    }
}
