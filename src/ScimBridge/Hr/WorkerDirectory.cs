using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Push;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Hr;

/// <summary>
/// Finds the inbound user an HR request names, by employee number (the enterprise extension's employeeNumber),
/// externalId (the employee id Entra's API-driven inbound sends), userName or email. No match is a 404, more than
/// one a 409: an HR action never guesses between two people.
/// </summary>
public sealed class WorkerDirectory(PushStore store)
{
    public Task<ResolvedWorker> FindAsync(WorkerKey key, CancellationToken cancellationToken) =>
        store.ReadAsync(async db =>
        {
            ArgumentNullException.ThrowIfNull(key);
            var value = key.Value?.Trim() ?? "";
            if (value.Length is 0 or > 512)
            {
                throw HrException.Invalid(key.By, $"{key.By} must be 1 to 512 characters.");
            }
            var folded = ScimText.Fold(value);
            var users = db.Users.AsNoTracking();
            users = key.By switch
            {
                WorkerKey.EmployeeNumber => users.Where(u => u.EmployeeNumber == value),
                WorkerKey.ExternalId => users.Where(u => u.ExternalId == value),
                WorkerKey.UserName => users.Where(u => u.UserNameNormalized == folded),
                WorkerKey.Email => users.Where(u => db.UserValues.Any(v => v.UserId == u.Id && v.Attribute == "emails" && v.ValueNormalized == folded)),
                _ => throw HrException.Invalid("worker", $"A worker is named by one of {string.Join(", ", WorkerKey.All)}."),
            };
            var found = await users.OrderBy(u => u.Id).Take(3)
                .Select(u => new ResolvedWorker(u.Id, u.UserName, u.EmployeeNumber, key.By, u.Timezone, u.Active))
                .ToListAsync(cancellationToken);
            return found.Count switch
            {
                0 => throw HrException.NotFound($"No worker with {key.By} '{value}'."),
                1 => found[0],
                _ => throw HrException.Conflict(
                    $"{(found.Count > 2 ? "More than two" : "Two")} workers have {key.By} '{value}' (users {string.Join(", ", found.Take(2).Select(f => f.UserId))}): name the worker by a unique key."),
            };
        }, cancellationToken);

    public Task<ResolvedWorker?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        store.ReadAsync(db => db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new ResolvedWorker(u.Id, u.UserName, u.EmployeeNumber, "id", u.Timezone, u.Active))
            .FirstOrDefaultAsync(cancellationToken), cancellationToken);

    /// <summary>The worker's zone: the one asked for, else the SCIM record's (when it is a valid IANA id), else <c>Hr:DefaultTimeZone</c>.</summary>
    public static TimeZoneInfo ZoneFor(string? requested, ResolvedWorker worker, HrOptions options, string field = "timeZone")
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return EffectiveTime.Zone(requested, field);
        }
        return EffectiveTime.TryFindZone(worker.TimeZone, out var own) ? own : EffectiveTime.Zone(options.DefaultTimeZone, "Hr:DefaultTimeZone");
    }
}
