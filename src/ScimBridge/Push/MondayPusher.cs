using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ScimBridge.Data;
using ScimBridge.Monday;
using ScimBridge.Admin;

namespace ScimBridge.Push;

/// <summary>
/// Brings one user or team in monday.com to the state the bridge holds now, sending only what differs from what
/// was last pushed. Everything it sends is safe to send twice: creates adopt on 409, PATCHes replace values,
/// member adds and removes are set operations.
/// </summary>
public sealed class MondayPusher(
    MondayUserMapper mapper, PushStore store, MondayLinks links, DeletionGuard guard, IOptions<PushOptions> options, TimeProvider time)
{
    private readonly PushOptions _options = options.Value;

    /// <param name="dryRun">Decide and send as usual through <paramref name="client"/> (a dry-run client answers writes itself), but let the deletion guard only look, not count.</param>
    public async Task<PushOutcome> PushUserAsync(MondayScimClient client, PushSnapshot snapshot, CancellationToken cancellationToken, bool dryRun = false)
    {
        var calls = new List<OutboundCall>();
        var trace = new PushTrace { SourceName = snapshot.SourceName };
        var mondayId = snapshot.State.MondayId;
        var pushed = PushedUser.Parse(snapshot.State.Pushed);
        trace.TargetName = pushed?.UserName;

        var reclaimCleared = false;
        PushOutcome Outcome(PushStatus status, string? error = null, DateTimeOffset? deleteAt = null, string? code = null) =>
            new(status, mondayId, pushed?.ToJson(), error, calls, deleteAt) { Trace = trace, Code = code, ReclaimCleared = reclaimCleared };
        PushOutcome Taken(LinkConflict conflict, string id) =>
            Conflicted(trace, conflict, "user", id, Outcome(PushStatus.Failed, conflict.Error("user", id), code: LogCodes.EntryConflict));

        if (snapshot.UserData is null)
        {
            trace.Step(PushTrace.Scoping, LogStatuses.Success, "The user was deleted in the bridge: de-provisioning.");
            return await DeprovisionDeletedAsync(hrDelete: false);
        }

        var mapped = mapper.Map(JsonNode.Parse(snapshot.UserData)!.AsObject());
        var desired = PushedUser.From(mapped);
        trace.TargetName = desired.UserName;
        if (!mapped.InScope)
        {
            trace.Step(PushTrace.Scoping, LogStatuses.Skipped, "Outside Monday:Mapping:ScopeFilter.");
            if (mondayId is null)
            {
                return Outcome(PushStatus.Skipped, "Out of the push scope (Monday:Mapping:ScopeFilter): not created in monday.com.", code: LogCodes.OutOfScope);
            }
            // Leaving scope is de-provisioning: the seat is deactivated, the rest left as it was.
            desired = (pushed ?? desired) with { Active = false };
        }
        else
        {
            trace.Step(PushTrace.Scoping, LogStatuses.Success, mapper.HasScopeFilter ? "Inside Monday:Mapping:ScopeFilter." : "In scope (no scope filter).");
            (desired, reclaimCleared) = ApplyReclaim(snapshot.State, mapped, desired, trace);
        }
        if (snapshot.Hr is { } hr)
        {
            if (hr.Deleted)
            {
                trace.Step(PushTrace.Scoping, LogStatuses.Success, $"The HR leaver pipeline (termination {hr.TerminationId}) deletes this user in monday.com.");
                return await DeprovisionDeletedAsync(hrDelete: true);
            }
            if (desired.Active)
            {
                trace.Step(PushTrace.Mapping, LogStatuses.Success,
                    $"HR terminated this worker (termination {hr.TerminationId}): kept deactivated whatever the identity provider sends, until HR rehires or rescinds or an admin overrides.");
            }
            desired = desired with { Active = false };
        }
        trace.Step(PushTrace.Mapping, mapped.Warnings.Count == 0 ? LogStatuses.Success : LogStatuses.Warning,
            mapped.Warnings.Count == 0 ? $"Mapped to monday.com userType '{desired.UserType}'." : string.Join(" ", mapped.Warnings));

        // A user deleted in monday.com behind the bridge's back is created again: at most once per push.
        for (var round = 0; round < 2; round++)
        {
            if (mondayId is null)
            {
                if (!desired.Active)
                {
                    // No seat is created for it; but one a crash-lost create made, or made by hand, is matched by userName
                    // (as Entra matches before it writes) and deactivated, never left active.
                    var match = desired.UserName.Length == 0 ? null : await client.FindUserByUserNameAsync(desired.UserName, cancellationToken);
                    if (match is not null)
                    {
                        calls.AddRange(match.Calls);
                        if (!match.Success)
                        {
                            return Failure(match, Outcome);
                        }
                    }
                    if (match?.Resource is null || match.Id is not { } inactive)
                    {
                        trace.Step(PushTrace.Matching, LogStatuses.Skipped, "Not in monday.com, and inactive: no seat is created.");
                        return Outcome(PushStatus.Skipped, "Inactive and not in monday.com yet: no seat is created for it.", code: LogCodes.InactiveNotProvisioned);
                    }
                    var found = PushedUser.FromScim(match.Resource);
                    if (await links.LinkAsync(snapshot.State, inactive, found.ToJson(), dryRun, cancellationToken) is { } linkedToOther)
                    {
                        return Taken(linkedToOther, inactive);
                    }
                    trace.Step(PushTrace.Matching, LogStatuses.Success, $"Not linked, and inactive: matched the existing monday.com user {inactive} by userName and linked it, to deactivate it.");
                    (mondayId, pushed) = (inactive, found);
                }
                else if (desired.UserName.Length == 0)
                {
                    return Outcome(PushStatus.Failed, "The user has no userName for monday.com (check Monday:Mapping:Attributes).", code: LogCodes.MissingUserName);
                }

                if (mondayId is null)
                {
                    var created = await client.CreateUserAsync(mapped with { Active = true }, cancellationToken);
                    calls.AddRange(created.Calls);
                    if (created.Success && created.Id is { } id)
                    {
                        trace.Action = LogActions.Create;
                        if (await links.LinkAsync(snapshot.State, id, (desired with { Active = true }).ToJson(), dryRun, cancellationToken) is { } taken)
                        {
                            return Taken(taken, id);
                        }
                        trace.Step(PushTrace.Matching, LogStatuses.Success, round == 0
                            ? $"Not linked to a monday.com user yet: created it (id {id})."
                            : $"The linked user was gone from monday.com: created it again (id {id}).");
                        trace.Changed(desired.AllAttributes(), null);
                        (mondayId, pushed) = (id, desired with { Active = true });
                    }
                    else if (created.Status == 409)
                    {
                        // Already there: made by hand, or created by a push whose answer a crash lost. Adopt it.
                        var found = await client.FindUserByUserNameAsync(desired.UserName, cancellationToken);
                        calls.AddRange(found.Calls);
                        if (!found.Success)
                        {
                            return Failure(found, Outcome);
                        }
                        if (found.Resource is null || found.Id is not { } adopted)
                        {
                            trace.Step(PushTrace.Matching, LogStatuses.Failure, "monday.com says the userName is taken, but no user with it can be found.");
                            return Outcome(PushStatus.Failed, $"monday.com answered 409 to the create but has no user with this userName: {created.Detail}", code: LogCodes.EntryConflict);
                        }
                        var existing = PushedUser.FromScim(found.Resource);
                        if (await links.LinkAsync(snapshot.State, adopted, existing.ToJson(), dryRun, cancellationToken) is { } taken)
                        {
                            return Taken(taken, adopted);
                        }
                        trace.Step(PushTrace.Matching, LogStatuses.Success, $"Matched the existing monday.com user {adopted} by userName and linked it.");
                        (mondayId, pushed) = (adopted, existing);
                    }
                    else
                    {
                        trace.Action = LogActions.Create;
                        trace.Step(PushTrace.Matching, LogStatuses.Success, "Not linked to a monday.com user yet: creating it.");
                        trace.Changed(desired.AllAttributes(), null);
                        return Failure(created, Outcome);
                    }
                }
            }
            else if (round == 0)
            {
                trace.Step(PushTrace.Matching, LogStatuses.Success, $"Linked to monday.com user {mondayId}.");
            }

            var changes = pushed is null ? desired.AllAttributes() : pushed.Diff(desired);
            if (changes.Count == 0)
            {
                return Outcome(PushStatus.Pushed, Warnings(mapped));
            }
            var deprovisions = changes.TryGetValue("active", out var activeValue) && activeValue is JsonValue av && av.TryGetValue<bool>(out var active) && !active;
            if (deprovisions && await guard.HoldAsync(snapshot.State, dryRun, cancellationToken) is { } held)
            {
                trace.Action = LogActions.StagedDelete;
                return Outcome(PushStatus.Held, held, code: LogCodes.DeletionThresholdExceeded);
            }
            if (trace.Action != LogActions.Create)
            {
                trace.Action = changes.ContainsKey("active") ? (deprovisions ? LogActions.Disable : LogActions.Enable) : LogActions.Update;
                trace.Changed(changes, pushed?.AllAttributes());
            }
            var patched = await client.PatchUserAsync(mondayId, changes, cancellationToken);
            calls.AddRange(patched.Calls);
            if (patched.Success)
            {
                pushed = desired;
                return Outcome(PushStatus.Pushed, Warnings(mapped));
            }
            if (patched.Status != 404)
            {
                return Failure(patched, Outcome);
            }
            trace.Properties.Clear();
            (mondayId, pushed) = (null, null);
        }
        return Outcome(PushStatus.Retry, "monday.com lost the user twice in one push.", code: LogCodes.TargetEntryNotFound);

        async Task<PushOutcome> DeprovisionDeletedAsync(bool hrDelete)
        {
            if (mondayId is null)
            {
                return Outcome(PushStatus.Skipped, "Deleted before it reached monday.com.", code: LogCodes.DeletedBeforePush);
            }
            trace.Step(PushTrace.Matching, LogStatuses.Success, $"Linked to monday.com user {mondayId}.");
            var now = time.GetUtcNow();
            var deleting = hrDelete || (snapshot.State.DeleteAt is { } due && due <= now);
            if ((deleting || pushed is null || pushed.Active) && await guard.HoldAsync(snapshot.State, dryRun, cancellationToken) is { } held)
            {
                trace.Action = LogActions.StagedDelete;
                return Outcome(PushStatus.Held, held, snapshot.State.DeleteAt, LogCodes.DeletionThresholdExceeded);
            }
            if (deleting)
            {
                trace.Action = LogActions.Delete;
                var deleted = await client.DeleteUserAsync(mondayId!, cancellationToken);
                calls.AddRange(deleted.Calls);
                if (deleted.Success || deleted.Status == 404)
                {
                    (mondayId, pushed) = (null, null);
                    return Outcome(PushStatus.Pushed);
                }
                // A target that refuses deletes keeps the user deactivated; the schedule is dropped, not retried forever.
                return deleted.Failure == MondayFailure.Invalid
                    ? Outcome(PushStatus.Failed, $"monday.com refused to delete the deactivated user ({deleted.Status}): {deleted.Detail}", code: LogCodes.Of(deleted))
                    : Failure(deleted, Outcome, snapshot.State.DeleteAt);
            }

            if (pushed is null || pushed.Active)
            {
                trace.Action = LogActions.Disable;
                trace.Properties.Add(new PropertyChange("active", pushed is null ? null : "true", "false"));
                var deactivated = await client.DeactivateUserAsync(mondayId, cancellationToken);
                calls.AddRange(deactivated.Calls);
                if (deactivated.Status == 404)
                {
                    (mondayId, pushed) = (null, null);
                    return Outcome(PushStatus.Pushed);
                }
                if (!deactivated.Success)
                {
                    return Failure(deactivated, Outcome);
                }
                pushed = (pushed ?? PushedUser.Empty) with { Active = false };
            }
            var deleteAt = _options.Deprovision == DeprovisionPolicy.DeleteAfterRetention && !hrDelete
                ? snapshot.State.DeleteAt ?? now + _options.DeleteRetention
                : (DateTimeOffset?)null;
            return Outcome(PushStatus.Pushed, deleteAt: deleteAt);
        }
    }

    /// <summary>
    /// Licence reclamation's precedence: a seat it downgraded or deactivated stays so while the IdP's mapped value of
    /// that attribute is what it was then (<c>ReclaimedBasis</c>), so an unrelated update does not undo the reclaim.
    /// When the IdP's value changes (a new userType, a re-assignment), the override ends and the IdP's value is pushed.
    /// </summary>
    private static (PushedUser Desired, bool Cleared) ApplyReclaim(PushStateRecord state, MappedUser mapped, PushedUser desired, PushTrace trace)
    {
        if (state.ReclaimedAttribute is not { } attribute)
        {
            return (desired, false);
        }
        var active = attribute == "active";
        var now = active ? (mapped.Active ? "true" : "false") : mapped.UserType;
        if (!string.Equals(now, state.ReclaimedBasis, StringComparison.Ordinal))
        {
            trace.Step(PushTrace.Mapping, LogStatuses.Success,
                $"The IdP's {attribute} changed ({state.ReclaimedBasis} → {now}) since licence reclamation set it to {state.ReclaimedValue}: the reclaim ends and the IdP's value is pushed.");
            return (desired, true);
        }
        trace.Step(PushTrace.Mapping, LogStatuses.Success,
            $"Licence reclamation set {attribute} to {state.ReclaimedValue} (candidate {state.ReclaimCandidateId}); kept while the IdP's value stays {state.ReclaimedBasis}.");
        return (active ? desired with { Active = false } : desired with { UserType = state.ReclaimedValue ?? desired.UserType }, false);
    }

    public async Task<PushOutcome> PushGroupAsync(MondayScimClient client, PushSnapshot snapshot, CancellationToken cancellationToken, bool dryRun = false)
    {
        var calls = new List<OutboundCall>();
        var mondayId = snapshot.State.MondayId;
        var pushed = PushedGroup.Parse(snapshot.State.Pushed);
        var trace = new PushTrace { SourceName = snapshot.SourceName ?? snapshot.GroupDisplayName, TargetName = snapshot.GroupDisplayName ?? pushed?.DisplayName };

        PushOutcome Outcome(PushStatus status, string? error = null, string? code = null) =>
            new(status, mondayId, pushed?.ToJson(), error, calls) { Trace = trace, Code = code };
        PushOutcome Taken(LinkConflict conflict, string id) =>
            Conflicted(trace, conflict, "team", id, Outcome(PushStatus.Failed, conflict.Error("team", id), LogCodes.EntryConflict));

        trace.Step(PushTrace.Scoping, LogStatuses.Success, snapshot.GroupDisplayName is null ? "The group was deleted in the bridge." : "Groups are always in scope.");
        if (snapshot.GroupDisplayName is not { } name)
        {
            if (mondayId is null)
            {
                return Outcome(PushStatus.Skipped, "Deleted before it reached monday.com.", LogCodes.DeletedBeforePush);
            }
            trace.Step(PushTrace.Matching, LogStatuses.Success, $"Linked to monday.com team {mondayId}.");
            if (await guard.HoldAsync(snapshot.State, dryRun, cancellationToken) is { } held)
            {
                trace.Action = LogActions.StagedDelete;
                return Outcome(PushStatus.Held, held, LogCodes.DeletionThresholdExceeded);
            }
            trace.Action = LogActions.Delete;
            var deleted = await client.DeleteGroupAsync(mondayId, cancellationToken);
            calls.AddRange(deleted.Calls);
            if (deleted.Success || deleted.Status == 404)
            {
                (mondayId, pushed) = (null, null);
                return Outcome(PushStatus.Pushed);
            }
            return Failure(deleted, Outcome);
        }

        for (var round = 0; round < 2; round++)
        {
            if (mondayId is null)
            {
                var created = await client.CreateGroupAsync(name, cancellationToken);
                calls.AddRange(created.Calls);
                if (created.Success && created.Id is { } id)
                {
                    trace.Action = LogActions.Create;
                    if (await links.LinkAsync(snapshot.State, id, new PushedGroup(name, []).ToJson(), dryRun, cancellationToken) is { } taken)
                    {
                        return Taken(taken, id);
                    }
                    trace.Step(PushTrace.Matching, LogStatuses.Success, $"Not linked to a monday.com team yet: created it (id {id}).");
                    trace.Properties.Add(new PropertyChange("displayName", null, name));
                    (mondayId, pushed) = (id, new PushedGroup(name, []));
                }
                else if (created.Status == 409)
                {
                    var found = await client.FindGroupByDisplayNameAsync(name, cancellationToken);
                    calls.AddRange(found.Calls);
                    if (!found.Success)
                    {
                        return Failure(found, Outcome);
                    }
                    if (found.Id is not { } adopted)
                    {
                        trace.Step(PushTrace.Matching, LogStatuses.Failure, "monday.com says the team name is taken, but no team with it can be found.");
                        return Outcome(PushStatus.Failed, $"monday.com answered 409 to the create but has no team with this name: {created.Detail}", LogCodes.EntryConflict);
                    }
                    // Members the team already has are left alone; ours are added (adding twice is harmless).
                    var existing = new PushedGroup(name, []);
                    if (await links.LinkAsync(snapshot.State, adopted, existing.ToJson(), dryRun, cancellationToken) is { } taken)
                    {
                        return Taken(taken, adopted);
                    }
                    trace.Step(PushTrace.Matching, LogStatuses.Success, $"Matched the existing monday.com team {adopted} by name and linked it.");
                    (mondayId, pushed) = (adopted, existing);
                }
                else
                {
                    trace.Action = LogActions.Create;
                    trace.Step(PushTrace.Matching, LogStatuses.Success, "Not linked to a monday.com team yet: creating it.");
                    trace.Properties.Add(new PropertyChange("displayName", null, name));
                    return Failure(created, Outcome);
                }
            }
            else if (round == 0)
            {
                trace.Step(PushTrace.Matching, LogStatuses.Success, $"Linked to monday.com team {mondayId}.");
            }

            if (!string.Equals(pushed!.DisplayName, name, StringComparison.Ordinal))
            {
                trace.Action = LogActions.Update;
                trace.Properties.Add(new PropertyChange("displayName", pushed.DisplayName, name));
                var renamed = await client.RenameGroupAsync(mondayId, name, cancellationToken);
                calls.AddRange(renamed.Calls);
                if (renamed.Status == 404)
                {
                    (mondayId, pushed) = (null, null);
                    continue;
                }
                if (!renamed.Success)
                {
                    return Failure(renamed, Outcome);
                }
                pushed = pushed with { DisplayName = name };
            }
            return await PushMembersAsync();
        }
        return Outcome(PushStatus.Retry, "monday.com lost the team twice in one push.", LogCodes.TargetEntryNotFound);

        async Task<PushOutcome> PushMembersAsync()
        {
            var wanted = snapshot.GroupUserMembers.ToHashSet(StringComparer.Ordinal);
            var links = (await store.MemberLinksAsync(wanted, cancellationToken)).ToDictionary(l => l.UserId, StringComparer.Ordinal);
            var add = new Dictionary<string, string>(StringComparer.Ordinal);
            var waiting = 0;
            var notInMonday = 0;
            var hrLeavers = 0;
            foreach (var userId in wanted)
            {
                var link = links.GetValueOrDefault(userId);
                if (link is { HrRemoved: true })
                {
                    hrLeavers++;
                }
                else if (link?.MondayId is { } memberId)
                {
                    if (pushed!.Members.GetValueOrDefault(userId) != memberId)
                    {
                        add[userId] = memberId;
                    }
                }
                else if (link is { Pending: true })
                {
                    waiting++;
                }
                else
                {
                    notInMonday++;
                }
            }
            var remove = pushed!.Members.Where(m => !wanted.Contains(m.Key) || links.GetValueOrDefault(m.Key) is not { MondayId: not null, HrRemoved: false })
                .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);

            if ((add.Count > 0 || remove.Count > 0) && trace.Action == LogActions.Other)
            {
                trace.Action = LogActions.GroupMembership;
            }
            if (add.Count > 0)
            {
                trace.Properties.Add(new PropertyChange("members (added)", null, Ids(add.Keys)));
                var added = await client.AddMembersAsync(mondayId!, add.Values, cancellationToken);
                calls.AddRange(added.Calls);
                if (!added.Success)
                {
                    return Failure(added, Outcome);
                }
                pushed = pushed with { Members = new Dictionary<string, string>(pushed.Members.Concat(add).DistinctBy(m => m.Key), StringComparer.Ordinal) };
            }
            if (remove.Count > 0)
            {
                trace.Properties.Add(new PropertyChange("members (removed)", Ids(remove.Keys), null));
                var removed = await client.RemoveMembersAsync(mondayId!, remove.Values, cancellationToken);
                calls.AddRange(removed.Calls);
                if (!removed.Success && removed.Status != 404)
                {
                    return Failure(removed, Outcome);
                }
                pushed = pushed with
                {
                    Members = pushed.Members.Where(m => !remove.ContainsKey(m.Key)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal),
                };
            }

            trace.Step(PushTrace.Mapping, notInMonday > 0 || snapshot.GroupOtherMembers > 0 ? LogStatuses.Warning : LogStatuses.Success,
                $"{ConsoleFormat.Count(wanted.Count, "member user")}: {wanted.Count - waiting - notInMonday - hrLeavers} in monday.com, {waiting} on their way, {notInMonday} not provisioned, {ConsoleFormat.Count(hrLeavers, "HR leaver")} taken out of their teams; {ConsoleFormat.Count(snapshot.GroupOtherMembers, "nested group")}.");
            if (waiting > 0)
            {
                return Outcome(PushStatus.Wait, $"Waiting for {ConsoleFormat.Count(waiting, "member user")} to reach monday.com first.", LogCodes.MemberPending);
            }
            var notes = new List<string>();
            if (notInMonday > 0)
            {
                notes.Add($"{ConsoleFormat.Count(notInMonday, "member user")} {(notInMonday == 1 ? "is" : "are")} not in monday.com (out of scope, inactive or failed) and {(notInMonday == 1 ? "was" : "were")} left out.");
            }
            if (snapshot.GroupOtherMembers > 0)
            {
                notes.Add($"{ConsoleFormat.Count(snapshot.GroupOtherMembers, "nested group member")} left out: monday.com teams hold users only.");
            }
            return Outcome(PushStatus.Pushed, notes.Count == 0 ? null : string.Join(" ", notes));
        }
    }

    /// <summary>The object monday.com matched by name is another local object's: this one stays unpushed until that one changes.</summary>
    private static PushOutcome Conflicted(PushTrace trace, LinkConflict conflict, string target, string mondayId, PushOutcome failed)
    {
        trace.Step(PushTrace.Matching, LogStatuses.Failure,
            $"monday.com {target} {mondayId} has this name but is linked to {conflict.ResourceType.ToLowerInvariant()} {conflict.ResourceId} ('{conflict.Name}'): not adopted.");
        return failed with { ConflictWith = conflict.ResourceId };
    }

    private static PushOutcome Failure(MondayResult result, Func<PushStatus, string?, DateTimeOffset?, string?, PushOutcome> outcome, DateTimeOffset? deleteAt = null)
    {
        var error = result.Status == 0
            ? $"monday.com could not be reached: {result.Detail}"
            : $"monday.com answered {result.Status}{(result.ScimType is null ? "" : $" ({result.ScimType})")}: {result.Detail}";
        var code = LogCodes.Of(result);
        return result.Failure switch
        {
            MondayFailure.Credentials => outcome(PushStatus.Quarantine, error, deleteAt, code),
            MondayFailure.Retryable => outcome(PushStatus.Retry, error, deleteAt, code),
            _ => outcome(PushStatus.Failed, error, deleteAt, code),
        };
    }

    private static PushOutcome Failure(MondayResult result, Func<PushStatus, string?, string?, PushOutcome> outcome) =>
        Failure(result, (status, error, _, code) => outcome(status, error, code));

    /// <summary>A readable list of local ids for the log, cut short for large teams.</summary>
    private static string Ids(IEnumerable<string> ids)
    {
        var all = ids.ToList();
        return all.Count <= 20 ? string.Join(", ", all) : $"{string.Join(", ", all.Take(20))} … and {all.Count - 20} more";
    }

    private static string? Warnings(MappedUser mapped) => mapped.Warnings.Count == 0 ? null : string.Join(" ", mapped.Warnings);
}

/// <summary>What monday.com was last sent for a user.</summary>
public sealed record PushedUser(
    string UserName, string DisplayName, string UserType, string? Title, string? Locale, string? Timezone,
    IReadOnlyList<string> Roles, bool Active)
{
    public static readonly PushedUser Empty = new("", "", "", null, null, null, [], true);

    public static PushedUser From(MappedUser m) =>
        new(m.UserName, m.DisplayName, m.UserType, m.Title, m.Locale, m.Timezone, m.Roles, m.Active);

    /// <summary>An adopted user as monday.com holds it, so the first push sends only what differs.</summary>
    public static PushedUser FromScim(JsonObject user)
    {
        static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var roles = user["roles"] is JsonArray array
            ? array.Select(r => r is JsonObject o ? Str(o["value"]) : Str(r)).OfType<string>().ToList()
            : [];
        var active = user["active"] is not JsonValue a || !a.TryGetValue<bool>(out var b) || b;
        return new(Str(user["userName"]) ?? "", Str(user["displayName"]) ?? "", Str(user["userType"]) ?? "",
            Str(user["title"]), Str(user["locale"]), Str(user["timezone"]), roles, active);
    }

    /// <summary>Attribute → new value (null clears it) for every attribute that differs.</summary>
    public Dictionary<string, JsonNode?> Diff(PushedUser desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var all = desired.AllAttributes();
        var mine = AllAttributes();
        return all.Where(a => !JsonNode.DeepEquals(a.Value, mine[a.Key])).ToDictionary(a => a.Key, a => a.Value);
    }

    public Dictionary<string, JsonNode?> AllAttributes() => new(StringComparer.Ordinal)
    {
        ["userName"] = UserName,
        ["displayName"] = DisplayName,
        ["userType"] = UserType,
        ["title"] = Title,
        ["locale"] = Locale,
        ["timezone"] = Timezone,
        ["roles"] = new JsonArray([.. Roles.Select(r => (JsonNode)new JsonObject { ["value"] = r })]),
        ["active"] = Active,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static PushedUser? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<PushedUser>(json, JsonSerializerOptions.Web);
}

/// <summary>What monday.com was last sent for a team: its name and member users (local id → monday id).</summary>
public sealed record PushedGroup(string DisplayName, Dictionary<string, string> Members)
{
    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static PushedGroup? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<PushedGroup>(json, JsonSerializerOptions.Web);
}
