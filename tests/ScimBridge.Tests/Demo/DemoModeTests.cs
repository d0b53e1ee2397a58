using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Hosting;

namespace ScimBridge.Tests.Demo;

public sealed class DemoModeTests
{
    [Fact]
    public async Task Demo_UserCreatedOverScim_ArrivesInTheSimulator()
    {
        await using var demo = await DemoProcess.StartAsync();
        Assert.Equal(new Uri(demo.ListeningUrl, "/scim/v2"), demo.TenantUrl);
        Assert.True(File.Exists(Path.Combine(demo.WorkingDirectory, "scimbridge-demo.db")), "the demo's database is in the working directory");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

        using var create = new HttpRequestMessage(HttpMethod.Post, demo.TenantUrl + "/Users")
        {
            Content = new StringContent(
                """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"ada@example.com","displayName":"Ada Lovelace","active":true}""",
                Encoding.UTF8, "application/scim+json"),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", demo.Token);
        using var created = await http.SendAsync(create);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /Users answered {created.StatusCode}: {await created.Content.ReadAsStringAsync()}");

        JsonNode? state = null;
        await Eventually.UntilAsync(async () => HasUser(state = await SimulatorStateAsync(http, demo), "ada@example.com"), "the user to arrive in the simulator",
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100),
            explain: () => Task.FromResult<string?>($"Simulator state: {state?.ToJsonString()}{Environment.NewLine}Bridge output:{Environment.NewLine}{demo.Tail()}"));
    }

    private static async Task<JsonNode> SimulatorStateAsync(HttpClient http, DemoProcess demo)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(demo.SimulatorUrl, "/_sim/state"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", demo.SimulatorToken);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /_sim/state answered {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static bool HasUser(JsonNode state, string userName) =>
        state["users"]!.AsArray().Any(u => string.Equals((string?)u!["userName"], userName, StringComparison.OrdinalIgnoreCase));
}
