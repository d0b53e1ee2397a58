using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Monday;
using ScimBridge.Scim.Resources;

namespace ScimBridge.Push;

public sealed record QuarantineState(DateTimeOffset Since, string? Reason, int Level, DateTimeOffset? NextProbeAt);

public sealed record ConnectionStatus(
    bool Configured,
    string? TenantUrl,
    bool TokenConfigured,
    bool? Reachable,
    bool? CredentialsValid,
    DateTimeOffset? LastCallAt,
    int? LastCallStatus,
    QuarantineState? Quarantine,
    int QueueDepth,
    int Retrying,
    int StagedDeletes,
    DateTimeOffset? OldestPendingChangeAt,
    DateTimeOffset? LastSuccessAt);

/// <summary>A Test connection: <see cref="Cause"/> is one of <see cref="ConnectionCauses"/>; <see cref="Url"/> is what was tried.</summary>
public sealed record ConnectionTest(bool Success, int Status, string Message, double DurationMs, DateTimeOffset At, string Cause, string Url);

public sealed record StagedDelete(string ResourceType, string ResourceId, string? Name, string? MondayId, DateTimeOffset HeldAt, string? Reason);

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

/// <summary>Retry every failed change that matches (all fields optional).</summary>
public sealed record RetryFailedRequest(string? ResourceType, DateTimeOffset? From, DateTimeOffset? To, string? ErrorContains);

public sealed record RequeueResult(int Changes, int Resources);

/// <summary>
/// What an admin does to the push: look at the connection, test it, resume it from quarantine, replay failed
/// changes, decide on staged deletes, and push one object now (or only show what would be sent).
/// </summary>
public sealed partial class PushAdmin(
    ScimBridgeDbContext db,
    IWriteGate gate,
    PushStore store,
    Quarantine quarantine,
    PushSignal signal,
    MondayPusher pusher,
    IServiceProvider services,
    MondayConnectionProbe probe,
    IOptions<MondayOptions> monday,
    IOptions<PushOptions> push,
    TimeProvider time)
{
    /// <summary>On-demand pushes of a team push its waiting member users first, up to this many.</summary>
    public const int OnDemandMaxMembers = 50;

    /// <summary>A dry run's status for a write it did not send.</summary>
    public const string NotSent = "NotSent";

    public async Task<ConnectionStatus> StatusAsync(CancellationToken cancellationToken)
    {
        var options = monday.Value;
        var target = await db.PushTargets.AsNoTracking().FirstOrDefaultAsync(t => t.Id == Quarantine.TargetId, cancellationToken);
        var lastCall = await db.OutboundCalls.AsNoTracking().OrderByDescending(c => c.Id)
            .Select(c => new { c.Status, c.At }).FirstOrDefaultAsync(cancellationToken);
        var queue = await db.PushStates.CountAsync(p => p.ChangeSeq > p.PushedSeq && p.HeldAt == null, cancellationToken);
        var retrying = await db.PushStates.CountAsync(p => p.ChangeSeq > p.PushedSeq && p.HeldAt == null && p.Attempts > 0, cancellationToken);
        var held = await StagedCountAsync(cancellationToken);
        // Of the queued resources only, as counted above: a held staged delete's change is pending but not waiting.
        var oldest = await db.Changes.Where(c => c.PushStatus == PushStatuses.Pending && db.PushStates.Any(p =>
                p.ResourceType == c.ResourceType && p.ResourceId == c.ResourceId && p.ChangeSeq > p.PushedSeq && p.HeldAt == null))
            .MinAsync(c => (DateTimeOffset?)c.OccurredAt, cancellationToken);
        var lastSuccess = await db.PushStates.MaxAsync(p => p.PushedAt, cancellationToken);
        return new ConnectionStatus(
            !string.IsNullOrWhiteSpace(options.TenantUrl),
            options.TenantUrl,
            !string.IsNullOrWhiteSpace(options.ScimToken),
            lastCall is null ? null : lastCall.Status != 0,
            lastCall is null || lastCall.Status == 0 ? null : lastCall.Status is not (401 or 403),
            lastCall?.At,
            lastCall?.Status,
            target?.QuarantinedSince is { } since ? new QuarantineState(since, target.Reason, target.QuarantineLevel, target.NextProbeAt) : null,
            queue,
            retrying,
            held,
            oldest,
            lastSuccess);
    }

    /// <summary>
    /// Like Entra's Test connection: one authenticated read against the Tenant URL, sent on its own (outside the push's
    /// retries, circuit breaker, pace and quarantine) so that it tells the real cause; recorded as an outbound call.
    /// </summary>
    public async Task<ConnectionTest> TestAsync(CancellationToken cancellationToken)
    {
        RequireTarget();
        var at = time.GetUtcNow();
        var result = await probe.ProbeAsync(monday.Value, cancellationToken);
        using (await gate.EnterAsync(cancellationToken))
        {
            var call = new OutboundCall("GET", new Uri(result.Url).PathAndQuery, result.Status, result.DurationMs, null, 1, result.BodyExcerpt, at);
            db.OutboundCalls.Add(PushLog.Call(call, "Target", Quarantine.TargetId, push.Value.InstanceId, null, null));
            await db.SaveChangesAsync(cancellationToken);
        }
        return new ConnectionTest(result.Success, result.Status, result.Message, result.DurationMs, at, result.Cause, result.Url);
    }

    /// <summary>Leaves quarantine now (every instance sees it at its next look); a still-wrong token quarantines again.</summary>
    public async Task<bool> ResumeAsync(CancellationToken cancellationToken)
    {
        int resumed;
        using (await gate.EnterAsync(cancellationToken))
        {
            resumed = await db.PushTargets.Where(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.QuarantinedSince, (DateTimeOffset?)null)
                .SetProperty(t => t.NextProbeAt, (DateTimeOffset?)null)
                .SetProperty(t => t.QuarantineLevel, 0)
                .SetProperty(t => t.Reason, (string?)null), cancellationToken);
        }
        signal.Pulse();
        return resumed > 0;
    }

    public Task<int> StagedCountAsync(CancellationToken cancellationToken) => db.PushStates.CountAsync(p => p.HeldAt != null, cancellationToken);

    public async Task<IReadOnlyList<StagedDelete>> StagedAsync(int skip, int limit, CancellationToken cancellationToken)
    {
        var held = await db.PushStates.AsNoTracking().Where(p => p.HeldAt != null)
            .OrderBy(p => p.HeldAt).ThenBy(p => p.ResourceType).ThenBy(p => p.ResourceId).Skip(skip).Take(limit).ToListAsync(cancellationToken);
        var userIds = held.Where(h => h.ResourceType == ResourceKinds.User).Select(h => h.ResourceId).ToList();
        var groupIds = held.Where(h => h.ResourceType == ResourceKinds.Group).Select(h => h.ResourceId).ToList();
        var names = await db.Users.Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, Name = u.UserName })
            .Concat(db.Groups.Where(g => groupIds.Contains(g.Id)).Select(g => new { g.Id, Name = g.DisplayName }))
            .ToDictionaryAsync(x => x.Id, x => x.Name, cancellationToken);
        return held.Select(h => new StagedDelete(h.ResourceType, h.ResourceId,
            names.GetValueOrDefault(h.ResourceId) ?? NameOf(h), h.MondayId, h.HeldAt!.Value, h.HoldReason)).ToList();
    }

    /// <summary>Approves one staged delete (or all, when <paramref name="resourceId"/> is null): it is sent on its next push.</summary>
    public async Task<int> ApproveAsync(string? resourceType, string? resourceId, string admin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        int approved;
        using (await gate.EnterAsync(cancellationToken))
        {
            approved = await Held(resourceType, resourceId).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.HeldAt, (DateTimeOffset?)null)
                .SetProperty(p => p.HoldReason, (string?)null)
                .SetProperty(p => p.DeprovisionApproved, true)
                .SetProperty(p => p.DueAt, now)
                .SetProperty(p => p.InitiatorType, Initiators.Admin)
                .SetProperty(p => p.Initiator, admin), cancellationToken);
        }
        signal.Pulse();
        return approved;
    }

    /// <summary>
    /// Rejects one staged delete (or all): the seat stays, the held changes are closed as skipped, and the log says
    /// who decided. A later change that still deprovisions the user is held again.
    /// </summary>
    public async Task<int> RejectAsync(string? resourceType, string? resourceId, string admin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cycle = ClaimedResource.NewCycleId();
        var rejected = 0;
        using (await gate.EnterAsync(cancellationToken))
        {
            while (true)
            {
                var batch = await Held(resourceType, resourceId).OrderBy(p => p.ResourceId).Take(500).ToListAsync(cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                foreach (var state in batch)
                {
                    var pendingId = await db.Changes
                        .Where(c => c.ResourceType == state.ResourceType && c.ResourceId == state.ResourceId && c.PushStatus == PushStatuses.Pending)
                        .MaxAsync(c => (long?)c.Id, cancellationToken);
                    await db.Changes
                        .Where(c => c.ResourceType == state.ResourceType && c.ResourceId == state.ResourceId && c.PushStatus == PushStatuses.Pending)
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(c => c.PushStatus, PushStatuses.Skipped)
                            .SetProperty(c => c.PushedAt, now)
                            .SetProperty(c => c.PushError, $"Deprovisioning rejected by {admin}."), cancellationToken);
                    db.LogEntries.Add(new LogEntryRecord
                    {
                        At = now,
                        ChangeId = pendingId,
                        CycleId = cycle,
                        InitiatorType = Initiators.Admin,
                        Initiator = admin,
                        ResourceType = state.ResourceType,
                        SourceId = state.ResourceId,
                        SourceName = NameOf(state),
                        SourceNameNormalized = NameOf(state) is { } name ? ScimText.Fold(name) : null,
                        TargetId = state.MondayId,
                        TargetName = NameOf(state),
                        Action = LogActions.StagedDelete,
                        Status = LogStatuses.Skipped,
                        ErrorCode = LogCodes.RejectedByAdmin,
                        Message = $"{admin} rejected the staged disable or delete; monday.com keeps the seat. {state.HoldReason}",
                        RecommendedFix = LogCodes.Fix(LogCodes.RejectedByAdmin),
                        Steps = JsonSerializer.Serialize(new[] { new TraceStep(PushTrace.Export, LogStatuses.Skipped, $"Nothing sent: rejected by {admin}.") }, JsonSerializerOptions.Web),
                        ModifiedProperties = "[]",
                        Attempt = state.Attempts,
                        Instance = push.Value.InstanceId,
                    });
                    state.HeldAt = null;
                    state.HoldReason = null;
                    state.PushedSeq = state.ChangeSeq;
                    state.DeprovisionApproved = false;
                    state.InitiatorType = Initiators.Admin;
                    state.Initiator = admin;
                }
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                db.ChangeTracker.Clear();
                rejected += batch.Count;
            }
        }
        return rejected;
    }

    /// <summary>Puts a failed change (and the failed ones before it for the same object) back in the queue.</summary>
    public async Task<RequeueResult> ReplayAsync(long changeId, string admin, CancellationToken cancellationToken)
    {
        var change = await db.Changes.AsNoTracking().FirstOrDefaultAsync(c => c.Id == changeId, cancellationToken)
            ?? throw AdminException.NotFound($"There is no change {changeId}.");
        if (change.PushStatus != PushStatuses.Failed)
        {
            throw new AdminException(StatusCodes.Status409Conflict, "Not a failed change",
                $"Change {changeId} is {change.PushStatus}; only failed changes can be replayed.");
        }
        var failed = db.Changes.Where(c => c.ResourceType == change.ResourceType && c.ResourceId == change.ResourceId
            && c.Id <= changeId && c.PushStatus == PushStatuses.Failed);
        return await RequeueAsync(failed, admin, cancellationToken);
    }

    public Task<RequeueResult> RetryFailedAsync(RetryFailedRequest filter, string admin, CancellationToken cancellationToken)
    {
        var failed = db.Changes.Where(c => c.PushStatus == PushStatuses.Failed);
        if (filter.ResourceType is { } type)
        {
            var kind = ResourceKind(type);
            failed = failed.Where(c => c.ResourceType == kind);
        }
        if (filter.From is { } from)
        {
            failed = failed.Where(c => c.OccurredAt >= from);
        }
        if (filter.To is { } to)
        {
            failed = failed.Where(c => c.OccurredAt < to);
        }
        if (filter.From is { } f && filter.To is { } t && f > t)
        {
            throw AdminException.Invalid("from", "from must not be after to.");
        }
        if (!string.IsNullOrEmpty(filter.ErrorContains))
        {
            if (filter.ErrorContains.Length > 200)
            {
                throw AdminException.Invalid("errorContains", "errorContains is at most 200 characters.");
            }
            failed = failed.Where(c => c.PushError != null && c.PushError.Contains(filter.ErrorContains));
        }
        return RequeueAsync(failed, admin, cancellationToken);
    }

    private async Task<RequeueResult> RequeueAsync(IQueryable<ChangeRecord> failed, string admin, CancellationToken cancellationToken)
    {
        RequeueResult result;
        using (await gate.EnterAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var states = db.PushStates.Where(p => failed.Any(c => c.ResourceType == p.ResourceType && c.ResourceId == p.ResourceId));
            result = await PushStore.RequeueAsync(db, states, failed, time.GetUtcNow(), (Initiators.Admin, admin), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        signal.Pulse();
        return result;
    }

    /// <summary>
    /// Pushes one user or team now, outside the queue, and returns every step. A team's member users that still
    /// wait for their own push go first. A dry run sends nothing that changes monday.com and records nothing.
    /// </summary>
    public async Task<ProvisionResult> ProvisionAsync(string resourceType, string resourceId, bool dryRun, string admin, CancellationToken cancellationToken)
    {
        RequireTarget();
        var kind = ResourceKind(resourceType);
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

    private IQueryable<PushStateRecord> Held(string? resourceType, string? resourceId)
    {
        var held = db.PushStates.Where(p => p.HeldAt != null);
        if (resourceId is not null)
        {
            var kind = ResourceKind(resourceType ?? "");
            held = held.Where(p => p.ResourceType == kind && p.ResourceId == resourceId);
        }
        return held;
    }

    private void RequireTarget()
    {
        if (string.IsNullOrWhiteSpace(monday.Value.TenantUrl))
        {
            throw new AdminException(StatusCodes.Status409Conflict, "No target",
                "No monday.com target is configured: set the Tenant URL and the Secret Token on the Connection page (or Monday:TenantUrl and Monday:ScimToken).");
        }
    }

    private static string? NameOf(PushStateRecord state) => MondayLinks.PushedName(state.ResourceType, state.Pushed);

    /// <summary>"users"/"groups" in routes, "User"/"Group" in the tables.</summary>
    public static string ResourceKind(string value) => value.ToLowerInvariant() switch
    {
        "users" or "user" => ResourceKinds.User,
        "groups" or "group" => ResourceKinds.Group,
        _ => throw AdminException.Invalid("resourceType", "resourceType is 'users' or 'groups'."),
    };
}
