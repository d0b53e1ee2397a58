using System.Security.Cryptography;
using System.Text;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using ScimBridge.Data;

namespace ScimBridge.Auth;

/// <summary>How long a validated token is trusted before the database is asked again (revocation takes effect within this time).</summary>
public sealed class TokenOptions
{
    public const string Section = "Auth:Tokens";

    public double CacheSeconds { get; set; } = 10;
}

public sealed record CreatedToken(string Name, string Token, string Scope);

public sealed record TokenInfo(string Id, string Name, string Scope, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// Bearer tokens for the SCIM endpoint and the admin API (each token has one scope), shaped <c>scb_{id}_{secret}</c>. Only a SHA-256 hash is stored (the secret has
/// 256 bits of entropy, so a slow hash adds nothing); the id finds the row and the hash is compared in constant time.
/// </summary>
public sealed class TokenService(ScimBridgeDbContext db, IWriteGate gate, IMemoryCache cache, IOptions<TokenOptions> options, TimeProvider time, StoreHealth health)
{
    private const string Prefix = "scb_";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);
    private static readonly byte[] DummyHash = SHA256.HashData("not a token"u8);

    public async Task<CreatedToken> CreateAsync(string name, CancellationToken cancellationToken) =>
        await CreateAsync(name, TokenScopes.Scim, cancellationToken);

    public async Task<CreatedToken> CreateAsync(string name, string scope, CancellationToken cancellationToken)
    {
        name = ValidateName(name);
        if (scope is not (TokenScopes.Scim or TokenScopes.Admin or TokenScopes.Hr))
        {
            throw new ArgumentException($"A token's scope is '{TokenScopes.Scim}', '{TokenScopes.Admin}' or '{TokenScopes.Hr}'.", nameof(scope));
        }
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var token = $"{Prefix}{id}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        using (await gate.EnterAsync(cancellationToken))
        {
            if (await db.ScimTokens.AnyAsync(t => t.Name == name && t.RevokedAt == null, cancellationToken))
            {
                throw new InvalidOperationException($"A token named '{name}' already exists; revoke it first or choose another name.");
            }

            db.ScimTokens.Add(new ScimTokenRecord { Id = id, Name = name, Scope = scope, Hash = Hash(token), CreatedAt = time.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken);
        }

        await gate.WaitDurableAsync(cancellationToken);
        return new CreatedToken(name, token, scope);
    }

    public async Task<IReadOnlyList<TokenInfo>> ListAsync(CancellationToken cancellationToken) =>
        (await db.ScimTokens.AsNoTracking().ToListAsync(cancellationToken))
            .OrderBy(t => t.CreatedAt)
            .Select(t => new TokenInfo(t.Id, t.Name, t.Scope, t.CreatedAt, t.LastUsedAt, t.RevokedAt))
            .ToList();

    /// <summary>Revokes the active token with this name; false if there is none.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        using (await gate.EnterAsync(cancellationToken))
        {
            var token = await db.ScimTokens.FirstOrDefaultAsync(t => t.Name == name && t.RevokedAt == null, cancellationToken);
            if (token is null)
            {
                return false;
            }

            token.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            cache.Remove(CacheKey(token.Id));
        }

        await gate.WaitDurableAsync(cancellationToken);
        return true;
    }

    /// <summary>The token's name when the presented value is a valid, unrevoked token of this scope; otherwise null.</summary>
    public async Task<string?> ValidateAsync(string presented, CancellationToken cancellationToken) =>
        await ValidateAsync(presented, TokenScopes.Scim, cancellationToken);

    public async Task<string?> ValidateAsync(string presented, string scope, CancellationToken cancellationToken)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var id = IdOf(presented);
        var entry = id is null ? null : await LookupAsync(id, cancellationToken);
        var expected = entry?.Hash ?? DummyHash;
        var matches = CryptographicOperations.FixedTimeEquals(presentedHash, expected);
        return matches && entry is { Revoked: false } && entry.Scope == scope ? entry.Name : null;
    }

    private async Task<CachedToken?> LookupAsync(string id, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(CacheKey(id), out CachedToken? cached))
        {
            return cached;
        }

        var record = await db.ScimTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        var entry = record is null ? null : new CachedToken(record.Name, record.Scope, Convert.FromHexString(record.Hash), record.RevokedAt is not null);
        if (options.Value.CacheSeconds > 0)
        {
            cache.Set(CacheKey(id), entry, TimeSpan.FromSeconds(options.Value.CacheSeconds));
        }

        var now = time.GetUtcNow();
        if (record is { RevokedAt: null } && (record.LastUsedAt is null || now - record.LastUsedAt > LastUsedResolution))
        {
            await RecordLastUsedAsync(id, now, cancellationToken);
        }

        return entry;
    }

    /// <summary>Bookkeeping only: a store that refuses writes must not also refuse reads by failing authentication.</summary>
    private async Task RecordLastUsedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            using (await gate.EnterAsync(cancellationToken))
            {
                await db.ScimTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), cancellationToken);
            }
        }
        catch (Exception ex) when (health.Record(ex))
        {
        }
    }

    private static string? IdOf(string token)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = token.IndexOf('_', Prefix.Length);
        return end > Prefix.Length ? token[Prefix.Length..end] : null;
    }

    private static string ValidateName(string name)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100 || name.Any(char.IsControl))
        {
            throw new ArgumentException("A token name must be 1 to 100 printable characters.", nameof(name));
        }

        return name;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string CacheKey(string id) => $"scim-token:{id}";

    private sealed record CachedToken(string Name, string Scope, byte[] Hash, bool Revoked);
}

public sealed class TokenOptionsValidator : AbstractValidator<TokenOptions>
{
    public TokenOptionsValidator() =>
        RuleFor(o => o.CacheSeconds).InclusiveBetween(0, 3600).WithMessage("Auth:Tokens:CacheSeconds must be between 0 and 3600.");
}
