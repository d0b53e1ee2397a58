namespace ScimBridge.Tests.Scim;

/// <summary>userNames that are one name to monday.com (Kelvin sign and k, Ω and ω, Å and å, é in two forms) are one name here.</summary>
public sealed class CaseFoldingTests
{
    private const string Users = "/scim/v2/Users";

    /// <summary>Each pair: a spelling stored first, and another spelling of the same name.</summary>
    public static readonly (string Stored, string Other)[] Spellings =
    [
        ("kelvin@x.example", "\u212Aelvin@x.example"),
        ("\u03C9mega@x.example", "\u2126mega@x.example"),
        ("\u00E5sa@x.example", "\u212Bsa@x.example"),
        ("jos\u00E9@x.example", "Jose\u0301@x.example"),
    ];

    [Theory, AllDatabases]
    public async Task Post_AnotherSpellingOfAnExistingUserName_ConflictWithoutASecondRow(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        foreach (var (stored, other) in Spellings)
        {
            await app.CreateUserAsync(stored);

            var response = await app.PostAsync(Users, Bodies.User(other));

            response.AssertScimError(HttpStatusCode.Conflict, "uniqueness");
        }

        Assert.Equal(Spellings.Length, await app.DbAsync(db => db.Users.CountAsync()));
    }

    [Theory, AllDatabases]
    public async Task PatchOrPut_RenameToAnotherSpellingOfATakenUserName_Conflict(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        foreach (var (stored, other) in Spellings)
        {
            await app.CreateUserAsync(stored);
            var id = await app.CreateUserAsync($"renamed-{Guid.NewGuid():N}@x.example");

            var patched = await app.PatchAsync($"{Users}/{id}", Bodies.Patch(Bodies.Op("replace", "userName", other)));
            var put = await app.PutAsync($"{Users}/{id}", Bodies.User(other));

            patched.AssertScimError(HttpStatusCode.Conflict, "uniqueness");
            put.AssertScimError(HttpStatusCode.Conflict, "uniqueness");
            Assert.StartsWith("renamed-", await app.DbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.UserName).SingleAsync()), StringComparison.Ordinal);
        }
    }

    [Theory, AllDatabases]
    public async Task Filter_UserNameEqAnotherSpelling_FindsTheUser(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        foreach (var (stored, other) in Spellings)
        {
            var id = await app.CreateUserAsync(stored);

            // Entra's lookup before a create (answered by the userName fast path), and the general SQL translation.
            var lookup = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString($"userName eq \"{other}\"")}");
            var general = await app.GetAsync($"{Users}?filter={Uri.EscapeDataString($"userName eq \"{other}\" and active eq true")}");

            Assert.Equal([id], Ids(lookup));
            Assert.Equal([id], Ids(general));
        }
    }

    [Theory, AllDatabases]
    public async Task Filter_SubstringOperatorsOnFoldedColumns_MatchEitherSpelling(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider);
        var kelvin = await app.CreateUserAsync("\u212Aelvin@x.example", "Stra\u00DFe \u2126");
        var group = await app.CreateGroupAsync("Team \u212Bngstr\u00F6m");

        Assert.Equal([kelvin], Ids(await app.GetAsync($"{Users}?filter={Uri.EscapeDataString("userName sw \"KEL\"")}")));
        Assert.Equal([kelvin], Ids(await app.GetAsync($"{Users}?filter={Uri.EscapeDataString("displayName co \"strasse\"")}")));
        Assert.Equal([kelvin], Ids(await app.GetAsync($"{Users}?filter={Uri.EscapeDataString("displayName ew \"\u03C9\"")}")));
        Assert.Equal([kelvin], Ids(await app.GetAsync($"{Users}?filter={Uri.EscapeDataString("emails.value eq \"kelvin@x.example\"")}")));
        Assert.Equal([group], Ids(await app.GetAsync($"/scim/v2/Groups?filter={Uri.EscapeDataString("displayName eq \"team \u00E5ngstr\u00F6m\"")}")));
    }

    private static List<string> Ids(ScimResponse response)
    {
        response.AssertStatus(HttpStatusCode.OK);
        return [.. response.Object["Resources"]!.AsArray().Select(r => r!["id"]!.GetValue<string>())];
    }
}
