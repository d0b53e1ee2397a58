using System.Net.Http.Headers;
using System.Text;
using ScimBridge.Monday;

namespace ScimBridge.Tests.Push;

/// <summary>The bridge's copy of monday.com's value rules says no exactly when the simulator does, on the same inputs.</summary>
public sealed class MondayValueRulesTests
{
    [Fact]
    public async Task TheRules_AgreeWithTheSimulator_OnEveryInput()
    {
        await using var sim = await SimulatorHost.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(sim.TenantUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SimulatorHost.ScimToken);

        var inputs = new List<(string? UserName, string? DisplayName, string? UserType)>();
        var n = 0;
        string Unique() => $"u{++n}@example.com";
        foreach (var userName in new string?[] { "ok@example.com", "Upper@example.com", "no-at-sign", "@example.com", "trailing@", "two@at@example.com", "sp ace@example.com", "", "ÄBC@example.com" })
        {
            inputs.Add((userName, "Fine Name", "member"));
        }
        foreach (var displayName in new string?[] { "Fine", "", "   ", "<b>bold</b>", "a > b", "tab\there", "Zoë Ångström" })
        {
            inputs.Add((Unique(), displayName, "member"));
        }
        foreach (var userType in new string?[] { "member", "admin", "guest", "viewer", "Member", "owner", "", null })
        {
            inputs.Add((Unique(), "Fine", userType));
        }
        inputs.Add(("Bad@Example.com", "<x>", "boss"));

        foreach (var (userName, displayName, userType) in inputs)
        {
            var body = new JsonObject
            {
                ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
                ["userName"] = userName,
                ["displayName"] = displayName,
                ["active"] = true,
            };
            if (userType is not null)
            {
                body["userType"] = userType;
            }
            using var response = await http.PostAsync("Users", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/scim+json"));
            var answer = await response.Content.ReadAsStringAsync();
            var problems = MondayValueRules.CheckUser(userName, displayName, userType);
            var what = $"({userName}, {displayName}, {userType}): simulator {(int)response.StatusCode} {answer}; rules: {string.Join(" ", problems.Select(p => p.Message))}";
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, what);
            Assert.True((response.StatusCode == HttpStatusCode.Created) == (problems.Count == 0), what);
            if (problems.Count > 0)
            {
                // The simulator names the first rule broken; so does the bridge.
                Assert.True(answer.Contains(problems[0].Attribute, StringComparison.Ordinal), what);
            }
        }
    }

    [Fact]
    public void APatch_IsCheckedOnTheAttributesItReplaces()
    {
        var patch = JsonNode.Parse("""
            {"Operations":[{"op":"replace","path":"userName","value":"Mixed@Example.com"},{"op":"replace","value":{"displayName":"<x>","title":"fine"}},{"op":"remove","path":"userType"}]}
            """)!.AsObject();
        Assert.Equal(["userName", "displayName"], MondayValueRules.CheckUserRequest("PATCH", patch).Select(p => p.Attribute));
    }
}
