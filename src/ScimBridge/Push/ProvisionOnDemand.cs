using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Monday;
using ScimBridge.ScimProtocol.Resources;

namespace ScimBridge.Push;

public sealed record ProvisionResult(
    string ResourceType,
    string ResourceId,
    bool DryRun,
    string Status,
    string Action,
    string? ErrorCode,
    string? Message,
    string? RecommendedFix,
    IReadOnlyList<TraceStep> Steps,
    IReadOnlyList<PropertyChange> ModifiedProperties,
    IReadOnlyList<ProvisionCall> Calls,
    long? LogEntryId,
    IReadOnlyList<ProvisionResult> Members,
    IReadOnlyList<ValueProblem>? Problems = null);

/// <summary>One call of a provision. <see cref="Simulated"/>: a dry run's write, NOT SENT; <see cref="Url"/> is where it would go.</summary>
public sealed record ProvisionCall(string Method, string Path, int Status, bool Simulated, string? Body, string? Url = null);

/// <summary>
/// Provision on demand: push one user or team now, outside the queue, with every step; or a dry run that shows what
/// would be sent.
/// </summary>
public sealed partial class ProvisionOnDemand(
    ScimBridgeDbContext db,
    PushStore store,
    Quarantine quarantine,
    MondayPusher pusher,
    IServiceProvider services,
    IOptions<MondayOptions> monday)
{
    /// <summary>On-demand pushes of a team push its waiting member users first, up to this many.</summary>
    public const int OnDemandMaxMembers = 50;

    /// <summary>A dry run's status for a write it did not send.</summary>
    public const string NotSent = "NotSent";

    /// <summary>
    /// Pushes one user or team now, outside the queue, and returns every step. A team's member users that still
    /// wait for their own push go first. A dry run sends nothing that changes monday.com and records nothing.
    /// </summary>
    public async Task<ProvisionResult> ProvisionAsync(string resourceType, string resourceId, bool dryRun, string admin, CancellationToken cancellationToken)
    {
        PushConnection.RequireTarget(monday.Value);
        var kind = ResourceRoute.Kind(resourceType);
        var exists = kind == ResourceKinds.User
            ? await db.Users.AnyAsync(u => u.Id == resourceId, cancellationToken)
            : await db.Groups.AnyAsync(g => g.Id == resourceId, cancellationToken);
        var hasState = await db.PushStates.AnyAsync(p => p.ResourceType == kind && p.ResourceId == resourceId, cancellationToken);
        if (!exists && !hasState)
        {
            throw AdminException.NotFound($"There is no {kind.ToLowerInvariant()} {resourceId}.");
        }
        if (!dryRun && quarantine.IsActive)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "Quarantined",
                "The monday.com connection is in quarantine: use Test connection, then Resume, before provisioning on demand.");
        }

        var members = new List<ProvisionResult>();
        if (kind == ResourceKinds.Group && exists)
        {
            var waiting = await db.GroupMembers.Where(m => m.GroupId == resourceId && m.MemberType == ResourceKinds.User)
                .Join(db.PushStates.Where(p => p.ResourceType == ResourceKinds.User && (p.ChangeSeq > p.PushedSeq || p.MondayId == null) && p.HeldAt == null),
                    m => m.MemberId, p => p.ResourceId, (m, p) => m.MemberId)
                .OrderBy(id => id).Take(OnDemandMaxMembers + 1).ToListAsync(cancellationToken);
            if (waiting.Count > OnDemandMaxMembers)
            {
                throw AdminException.Invalid("id", $"The group has more than {OnDemandMaxMembers} member users waiting for a push; let the queue push them, or provision them one by one.");
            }
            foreach (var member in waiting)
            {
                members.Add(await ProvisionOneAsync(ResourceKinds.User, member, dryRun, admin, cancellationToken));
            }
        }
        var result = await ProvisionOneAsync(kind, resourceId, dryRun, admin, cancellationToken);
        return result with { Members = members };
    }

    private async Task<ProvisionResult> ProvisionOneAsync(string kind, string resourceId, bool dryRun, string admin, CancellationToken cancellationToken)
    {
        var claimed = dryRun
            ? await CurrentAsync(kind, resourceId, cancellationToken)
            : await store.ClaimOneAsync(kind, resourceId, admin, cancellationToken)
                ?? throw new AdminException(StatusCodes.Status409Conflict, "Busy",
                    $"The {kind.ToLowerInvariant()} is being pushed right now; try again in a few seconds.");
        var started = Stopwatch.GetTimestamp();
        try
        {
            var snapshot = await store.LoadAsync(claimed, cancellationToken)
                ?? throw AdminException.NotFound($"There is no {kind.ToLowerInvariant()} {resourceId}.");
            var client = services.GetRequiredService<MondayScimClient>();
            client.DryRun = dryRun ? new DryRun() : null;
            var outcome = kind == ResourceKinds.User
                ? await pusher.PushUserAsync(client, snapshot, cancellationToken, dryRun)
                : await pusher.PushGroupAsync(client, snapshot, cancellationToken, dryRun);

            LogEntryRecord? entry = null;
            if (!dryRun)
            {
                if (outcome.Status == PushStatus.Quarantine)
                {
                    await quarantine.EnterAsync(outcome.Error ?? "credentials refused", cancellationToken);
                }
                entry = await store.FinishAsync(claimed, snapshot, outcome, Stopwatch.GetElapsedTime(started).TotalMilliseconds, cancellationToken);
            }
            var steps = PushLog.Steps(snapshot, outcome);
            if (!dryRun)
            {
                return new ProvisionResult(kind, resourceId, dryRun, PushLog.Status(outcome), outcome.Trace.Action, outcome.Code, outcome.Error,
                    LogCodes.Fix(outcome.Code), steps, outcome.Trace.Properties,
                    [.. outcome.Calls.Select(c => new ProvisionCall(c.Method, c.Path, c.Status, false, null))], entry?.Id, []);
            }
            return DryRunResult(kind, resourceId, outcome, steps, client.DryRun!.Captured);
        }
        catch when (!dryRun)
        {
            await store.ReleaseAsync(claimed, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// A dry run shows only answers monday.com gave: its reads, with their real status. Each write it would send is
    /// NOT SENT, with its method, URL and body, and checked against the value rules monday is known to enforce.
    /// </summary>
    private ProvisionResult DryRunResult(string kind, string resourceId, PushOutcome outcome, List<TraceStep> steps, IReadOnlyList<CapturedRequest> writes)
    {
        var tenant = new Uri(monday.Value.TenantUrl!);
        var reads = outcome.Calls.Where(c => c.Method == "GET").ToList();
        var calls = reads.Select(c => new ProvisionCall(c.Method, c.Path, c.Status, false, null))
            .Concat(writes.Select(r => new ProvisionCall(r.Method, r.Path, 0, true, r.Body, new Uri(tenant, r.Path).ToString())))
            .ToList();
        var problems = writes
            .Where(r => kind == ResourceKinds.User && r.Body is not null && r.Path.Contains("/Users", StringComparison.OrdinalIgnoreCase))
            .SelectMany(r => MondayScimClient.ParseObject(r.Body) is { } body ? MondayValueRules.CheckUserRequest(r.Method, body) : [])
            .ToList();
        var written = string.Join("; ", writes.Select(r => $"{r.Method} {r.Path}"));
        var read = reads.Count == 0 ? "" : $" Read first: {string.Join("; ", reads.Select(c => $"{c.Method} {c.Path} → {(c.Status == 0 ? "no answer" : c.Status.ToString(System.Globalization.CultureInfo.InvariantCulture))}"))}.";
        steps = [.. steps.Select(step => step.Name switch
        {
            PushTrace.Export when writes.Count > 0 => step with { Status = NotSent, Detail = $"Dry run, would send: {written}; monday.com has not answered, so its outcome is unknown.{read}" },
            PushTrace.Export => step with { Detail = $"Dry run: no write would be sent. {step.Detail}{read}" },
            _ when step.Detail.Contains("dry-run-", StringComparison.Ordinal) => step with
            {
                Status = NotSent,
                Detail = "Dry run: " + DryRunId().Replace(step.Detail.Replace("created it", "would create it", StringComparison.Ordinal), "(no id: not created yet)"),
            },
            _ => step,
        })];
        if (kind == ResourceKinds.User && writes.Count > 0)
        {
            steps.Add(new TraceStep("Value checks", problems.Count == 0 ? LogStatuses.Success : LogStatuses.Failure, problems.Count == 0
                ? "The values pass the rules monday.com is known to enforce (userName a lower-case email, displayName, userType); monday may still refuse for reasons the bridge cannot see."
                : string.Join(" ", problems.Select(Describe))));
        }

        var status = PushLog.Status(outcome);
        var (code, message) = (outcome.Code, outcome.Error);
        if (problems.Count > 0)
        {
            (status, code) = (LogStatuses.Failure, LogCodes.InvalidValue);
            message = $"monday.com would refuse this (the bridge's own check; nothing was sent): {string.Join(" ", problems.Select(Describe))}";
        }
        else if (writes.Count > 0 && status is LogStatuses.Success or LogStatuses.Warning)
        {
            status = NotSent;
            message = $"Dry run: {(writes.Count == 1 ? "1 write" : $"{writes.Count} writes")} NOT SENT; monday.com's answer is not known until they are.{(outcome.Error is null ? "" : " " + outcome.Error)}";
        }
        var fix = problems.Count > 0
            ? "monday.com would refuse this value: fix the attribute in the identity provider or the mapping (Monday:Mapping) before pushing."
            : LogCodes.Fix(code);
        return new ProvisionResult(kind, resourceId, true, status, outcome.Trace.Action, code, message, fix,
            steps, outcome.Trace.Properties, calls, null, [], problems);

        static string Describe(ValueProblem p) => $"{p.Attribute} “{p.Value}”: {p.Message}";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\(?id dry-run-\d+\)?")]
    private static partial System.Text.RegularExpressions.Regex DryRunId();

    private async Task<ClaimedResource> CurrentAsync(string kind, string resourceId, CancellationToken cancellationToken)
    {
        var seq = await db.PushStates.Where(p => p.ResourceType == kind && p.ResourceId == resourceId)
            .Select(p => (long?)p.ChangeSeq).FirstOrDefaultAsync(cancellationToken)
            ?? throw AdminException.NotFound($"There is no {kind.ToLowerInvariant()} {resourceId} to push.");
        return new ClaimedResource(kind, resourceId, seq);
    }

}
