using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace ScimBridge.Admin;

/// <summary>Limits on the anonymous sign-in form, whose every attempt costs a PBKDF2 derivation (section <c>Admin:SignIn</c>).</summary>
public sealed class AdminSignInOptions
{
    public const string Section = "Admin:SignIn";

    /// <summary>Sign-in attempts per minute from one client address (an IPv6 address counts with its /64).</summary>
    public int PerAddressPerMinute { get; set; } = 10;

    /// <summary>Sign-in attempts per minute from everyone together, per replica.</summary>
    public int GlobalPerMinute { get; set; } = 60;

    /// <summary>Password checks run at once; the rest wait their turn, so sign-ins cannot take every core from SCIM traffic.</summary>
    public int MaxConcurrentChecks { get; set; } = 1;

    /// <summary>How long an attempt waits for its turn before it is refused with 503.</summary>
    public double QueueSeconds { get; set; } = 2;
}

/// <summary>
/// The sign-in form's guard: a fixed-window limit per client address chained with one for everyone (429 with
/// Retry-After), then a small semaphore around the password check (503 when the queue takes too long).
/// The client address is the one after forwarded headers, which are honoured only from trusted proxies.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly PartitionedRateLimiter<string> _attempts;
    private readonly SemaphoreSlim _checks;
    private readonly TimeSpan _queue;

    public SignInThrottle(IOptions<AdminSignInOptions> options)
    {
        var o = options.Value;
        _attempts = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => Limit(o.PerAddressPerMinute))),
            PartitionedRateLimiter.Create<string, string>(_ => RateLimitPartition.GetFixedWindowLimiter("", _ => Limit(o.GlobalPerMinute))));
        _checks = new SemaphoreSlim(o.MaxConcurrentChecks, o.MaxConcurrentChecks);
        _queue = TimeSpan.FromSeconds(o.QueueSeconds);
    }

    /// <summary>A permit for one attempt from this address, or the time to wait before the next one.</summary>
    public (bool Acquired, TimeSpan RetryAfter) TryAcquire(string address)
    {
        using var lease = _attempts.AttemptAcquire(address);
        return (lease.IsAcquired, lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window);
    }

    /// <summary>A turn to check a password (dispose it to give it back), or null when none came within the queue time.</summary>
    public async Task<IDisposable?> WaitForCheckAsync(CancellationToken cancellationToken) =>
        await _checks.WaitAsync(_queue, cancellationToken) ? new Turn(_checks) : null;

    /// <summary>The key for limits and lockouts: the client's address after forwarded headers; IPv6 by its /64, which one client usually holds whole.</summary>
    public static string ClientAddress(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    public void Dispose()
    {
        _attempts.Dispose();
        _checks.Dispose();
    }

    private static FixedWindowRateLimiterOptions Limit(int perMinute) =>
        new() { PermitLimit = perMinute, Window = Window, QueueLimit = 0, AutoReplenishment = true };

    private sealed class Turn(SemaphoreSlim checks) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                checks.Release();
            }
        }
    }
}

public sealed class AdminSignInOptionsValidator : AbstractValidator<AdminSignInOptions>
{
    public AdminSignInOptionsValidator()
    {
        RuleFor(o => o.PerAddressPerMinute).InclusiveBetween(1, 100_000).WithMessage("Admin:SignIn:PerAddressPerMinute must be between 1 and 100000.");
        RuleFor(o => o.GlobalPerMinute).InclusiveBetween(1, 1_000_000).WithMessage("Admin:SignIn:GlobalPerMinute must be between 1 and 1000000.");
        RuleFor(o => o.MaxConcurrentChecks).InclusiveBetween(1, 64).WithMessage("Admin:SignIn:MaxConcurrentChecks must be between 1 and 64.");
        RuleFor(o => o.QueueSeconds).InclusiveBetween(0.1, 60).WithMessage("Admin:SignIn:QueueSeconds must be between 0.1 and 60.");
    }
}
