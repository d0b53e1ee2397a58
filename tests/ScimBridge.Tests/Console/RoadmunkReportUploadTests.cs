using System.Net.Http.Headers;
using System.Text;
using ScimBridge.Mirror;
using ScimBridge.Tests.Mirror;

namespace ScimBridge.Tests.Console;

/// <summary>Uploading Roadmunk's User CSV on the Subscriptions page, as an admin with a browser does.</summary>
public sealed class RoadmunkReportUploadTests
{
    private static async Task<(HttpStatusCode Status, string Html)> UploadAsync(HttpClient browser, string csv)
    {
        var token = await browser.AntiforgeryTokenAsync("/admin/subscriptions");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
        };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "users.csv");
        using var response = await browser.PostAsync("/admin/subscriptions?handler=RoadmunkReport", form);
        return response.StatusCode == HttpStatusCode.Redirect
            ? (response.StatusCode, await browser.FollowAsync(response))
            : (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    [Theory, AllDatabases]
    public async Task AnUploadedReport_MarksInactiveSeats_AndAMalformedOneIsRefusedWhole(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.SeatsAsync(
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r1", "rita@example.com", SeatTypes.Reviewer),
            MirrorSeed.Seat(MirrorApps.Roadmunk, "r2", "sam@example.com", SeatTypes.Collaborator));
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();
        Task<string> StatusOf(string email) => app.DbAsync(db => db.MirrorSeats.Where(s => s.Email == email).Select(s => s.Status).SingleAsync());

        var (badStatus, badHtml) = await UploadAsync(browser, "Email,Status\nrita@example.com,Inactive\nsam@example.com,sleepy\n");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("row 3", badHtml, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SeatStatuses.Active, await StatusOf("rita@example.com"));

        var (status, html) = await UploadAsync(browser, "Email,Status\nrita@example.com,Active\nsam@example.com,Inactive\nnobody@example.com,Active\n");
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Contains("1 seats changed status", html, StringComparison.Ordinal);
        Assert.Contains("nobody@example.com", html, StringComparison.Ordinal);
        Assert.Equal(SeatStatuses.Inactive, await StatusOf("sam@example.com"));
        Assert.Equal(SeatStatuses.Active, await StatusOf("rita@example.com"));
    }

    [Theory, AllDatabases]
    public async Task AnUploadWithoutAntiforgery_ChangesNothing(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        await app.SeatsAsync(MirrorSeed.Seat(MirrorApps.Roadmunk, "r2", "sam@example.com", SeatTypes.Collaborator));
        await app.CreateAdminAsync();
        using var browser = app.Browser();
        await browser.SignInAsync();
        using var form = new MultipartFormDataContent { { new StringContent("Email,Status\nsam@example.com,Inactive\n"), "file", "users.csv" } };

        using var response = await browser.PostAsync("/admin/subscriptions?handler=RoadmunkReport", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(SeatStatuses.Active, await app.DbAsync(db => db.MirrorSeats.Select(s => s.Status).SingleAsync()));
    }
}
