using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ScimBridge.Operations;

namespace ScimBridge.Auth;

/// <summary>JWT bearer settings (Entra's OAuth option). JWT is off unless an authority or signing keys are configured.</summary>
public sealed class JwtOptions
{
    public const string Section = "Auth:Jwt";

    public string? Authority { get; set; }
    public string[] Audiences { get; set; } = [];
    public string[] Issuers { get; set; } = [];

    /// <summary>Keys for offline validation: base64 symmetric keys, or PEM-encoded RSA/EC public keys.</summary>
    public string[] SigningKeys { get; set; } = [];

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) || SigningKeys.Length > 0;
}

/// <summary>
/// Bearer authentication for the SCIM surface: secret tokens from <c>token create</c>, and JWTs when configured.
/// A bearer value shaped like a JWT (three dot-separated parts) goes to the JWT handler; anything else is a secret token.
/// </summary>
public static class ScimAuthentication
{
    public const string Policy = "Scim";
    public const string BearerScheme = "ScimBearer";
    public const string SecretTokenScheme = "ScimToken";
    public const string JwtScheme = "Jwt";

    public static IServiceCollection AddScimAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMemoryCache();
        services.AddScoped<TokenService>();
        services.AddValidatedOptions<TokenOptions>().BindConfiguration(TokenOptions.Section);
        var jwt = configuration.GetSection(JwtOptions.Section).Get<JwtOptions>() ?? new JwtOptions();

        // No default scheme for authenticating: every policy names its own, so an admin or HR token is never first
        // tried (and refused, in the log) as a SCIM token.
        var authentication = services.AddAuthentication(options =>
            {
                options.DefaultChallengeScheme = BearerScheme;
                options.DefaultForbidScheme = BearerScheme;
            })
            .AddPolicyScheme(BearerScheme, "SCIM bearer token", options =>
                options.ForwardDefaultSelector = context => jwt.Enabled && LooksLikeJwt(context.Request) ? JwtScheme : SecretTokenScheme)
            .AddScheme<SecretTokenOptions, SecretTokenHandler>(SecretTokenScheme, o => o.Scope = Data.TokenScopes.Scim);

        if (jwt.Enabled)
        {
            authentication.AddJwtBearer(JwtScheme, options => ConfigureJwt(options, jwt));
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(BearerScheme).RequireAuthenticatedUser());
        return services;
    }

    private static void ConfigureJwt(JwtBearerOptions options, JwtOptions jwt)
    {
        options.MapInboundClaims = false;
        if (!string.IsNullOrWhiteSpace(jwt.Authority))
        {
            options.Authority = jwt.Authority;
        }

        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = jwt.Issuers.Length > 0 || !string.IsNullOrWhiteSpace(jwt.Authority),
            ValidIssuers = jwt.Issuers.Length > 0 ? jwt.Issuers : null,
            ValidateAudience = true,
            ValidAudiences = jwt.Audiences,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromMinutes(2),
            IssuerSigningKeys = jwt.SigningKeys.Length > 0 ? jwt.SigningKeys.Select(SigningKey).ToList() : null,
        };
        options.Events = new JwtBearerEvents
        {
            // The provisioning log names the client: the app id of an Entra token, else its subject.
            OnTokenValidated = context =>
            {
                var principal = context.Principal!;
                var client = new[] { "appid", "azp", "client_id", "sub" }.Select(principal.FindFirstValue).FirstOrDefault(v => v is not null) ?? "jwt";
                principal.AddIdentity(new ClaimsIdentity([new Claim(ClaimTypes.Name, $"jwt:{client}")]));
                return Task.CompletedTask;
            },
        };
    }

    private static SecurityKey SigningKey(string key)
    {
        if (key.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            if (key.Contains("EC PUBLIC", StringComparison.Ordinal) || key.Contains("EC PRIVATE", StringComparison.Ordinal))
            {
                var ec = System.Security.Cryptography.ECDsa.Create();
                ec.ImportFromPem(key);
                return new ECDsaSecurityKey(ec);
            }

            var rsa = System.Security.Cryptography.RSA.Create();
            rsa.ImportFromPem(key);
            return new RsaSecurityKey(rsa);
        }

        return new SymmetricSecurityKey(Convert.FromBase64String(key));
    }

    private static bool LooksLikeJwt(HttpRequest request)
    {
        var value = request.Headers.Authorization.ToString();
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && value.AsSpan(7).Count('.') == 2;
    }
}

public sealed class SecretTokenOptions : AuthenticationSchemeOptions
{
    /// <summary>Only tokens created for this scope are accepted: a SCIM token never opens the admin API, nor the reverse.</summary>
    public string Scope { get; set; } = Data.TokenScopes.Scim;
}

internal sealed class SecretTokenHandler(IOptionsMonitor<SecretTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<SecretTokenOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("Only bearer tokens are accepted.");
        }

        var token = header[7..].Trim();
        var tokens = Context.RequestServices.GetRequiredService<TokenService>();
        var name = token.Length is > 0 and <= 512 ? await tokens.ValidateAsync(token, Options.Scope, Context.RequestAborted) : null;
        if (name is null)
        {
            return AuthenticateResult.Fail("Invalid or revoked token.");
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
