using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ScimBridge.Tests.Auth;

/// <summary>Entra's OAuth option: JWTs validated offline against configured issuer, audience and signing keys.</summary>
public sealed class JwtAuthenticationTests
{
    private const string Issuer = "https://login.test.example/tenant/v2.0";
    private const string Audience = "api://scimbridge-tests";
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] OtherKey = RandomNumberGenerator.GetBytes(32);

    private static Dictionary<string, string?> JwtSettings() => new()
    {
        ["Auth:Jwt:Issuers:0"] = Issuer,
        ["Auth:Jwt:Audiences:0"] = Audience,
        ["Auth:Jwt:SigningKeys:0"] = Convert.ToBase64String(Key),
    };

    [Theory, AllDatabases]
    public async Task ValidJwt_IsAccepted_AndChangesNameTheClient(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, JwtSettings());
        using var client = app.CreateScimClient(Jwt());

        var list = await client.GetAsync("/scim/v2/Users?filter=userName%20eq%20%22x%22");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);

        var created = await client.PostAsync("/scim/v2/Users", Json(Bodies.User("jwt.user@contoso.example").ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var actor = await app.DbAsync(db => Task.FromResult(db.Changes.Single().Actor));
        Assert.Equal("jwt:entra-provisioning-app", actor);
    }

    [Theory, AllDatabases]
    public async Task SecretTokens_StillWork_WhenJwtIsConfigured(DatabaseProvider provider)
    {
        await using var app = await ScimApp.StartAsync(provider, JwtSettings());
        (await app.GetAsync("/scim/v2/Users")).AssertStatus(HttpStatusCode.OK);
    }

    public static TheoryData<string> BadTokens() => new()
    {
        "expired",
        "wrong-audience",
        "wrong-issuer",
        "wrong-key",
        "unsigned",
        "not-yet-valid",
    };

    [Theory, MemberData(nameof(BadTokens))]
    public async Task InvalidJwt_IsRefusedWith401AndAScimError(string defect)
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite, JwtSettings());
        var now = DateTime.UtcNow;
        var token = defect switch
        {
            "expired" => Jwt(notBefore: now.AddHours(-2), expires: now.AddHours(-1)),
            "wrong-audience" => Jwt(audience: "api://someone-else"),
            "wrong-issuer" => Jwt(issuer: "https://evil.example/"),
            "wrong-key" => Jwt(key: OtherKey),
            "unsigned" => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = Audience,
                Expires = now.AddHours(1),
                Subject = new ClaimsIdentity([new Claim("sub", "x")]),
            }),
            "not-yet-valid" => Jwt(notBefore: now.AddHours(1), expires: now.AddHours(2)),
            _ => throw new ArgumentOutOfRangeException(nameof(defect)),
        };
        using var client = app.CreateScimClient(token);
        var response = await ScimResponse.ReadAsync(await client.GetAsync("/scim/v2/Users"));
        response.AssertScimError(HttpStatusCode.Unauthorized);
        Assert.Equal(0, await app.DbAsync(db => Task.FromResult(db.Changes.Count())));
    }

    [Fact]
    public async Task Jwt_IsRefused_WhenJwtIsNotConfigured()
    {
        await using var app = await ScimApp.StartAsync(DatabaseProvider.Sqlite);
        using var client = app.CreateScimClient(Jwt());
        var response = await ScimResponse.ReadAsync(await client.GetAsync("/scim/v2/Users"));
        response.AssertScimError(HttpStatusCode.Unauthorized);
    }

    private static string Jwt(string issuer = Issuer, string audience = Audience, byte[]? key = null, DateTime? notBefore = null, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = notBefore ?? now.AddMinutes(-5),
            IssuedAt = notBefore ?? now.AddMinutes(-5),
            Expires = expires ?? now.AddHours(1),
            Subject = new ClaimsIdentity([new Claim("appid", "entra-provisioning-app"), new Claim("sub", "service-principal")]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Key), SecurityAlgorithms.HmacSha256),
        });
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/scim+json");
}
