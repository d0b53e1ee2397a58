using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Monday;

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
        var push = new UserPush(client, snapshot, dryRun, cancellationToken);
        if (snapshot.UserData is null)
        {
            push.Trace.Step(PushTrace.Scoping, LogStatuses.Success, "The user was deleted in the bridge: de-provisioning.");
            return await DeprovisionDeletedUserAsync(push, hrDelete: false);
        }

        var mapped = mapper.Map(JsonNode.Parse(snapshot.UserData)!.AsObject());
        if (Scope(push, mapped) is not { } desired)
        {
            return push.Outcome(PushStatus.Skipped, "Out of the push scope (Monday:Mapping:ScopeFilter): not created in monday.com.", code: LogCodes.OutOfScope);
        }
        if (snapshot.Hr is { Deleted: true } leaver)
        {
            push.Trace.Step(PushTrace.Scoping, LogStatuses.Success, $"The HR leaver pipeline (termination {leaver.TerminationId}) deletes this user in monday.com.");
            return await DeprovisionDeletedUserAsync(push, hrDelete: true);
        }
        desired = HoldForHr(push, desired);
        push.Trace.Step(PushTrace.Mapping, mapped.Warnings.Count == 0 ? LogStatuses.Success : LogStatuses.Warning,
            mapped.Warnings.Count == 0 ? $"Mapped to monday.com userType '{desired.UserType}'." : string.Join(" ", mapped.Warnings));

        // A user deleted in monday.com behind the bridge's back is created again: at most once per push.
        for (var round = 0; round < 2; round++)
        {
            var outcome = await LinkUserAsync(push, mapped, desired, round) ?? await UpdateUserAsync(push, mapped, desired);
            if (outcome is not null)
            {
                return outcome;
            }
        }
        return push.Outcome(PushStatus.Retry, "monday.com lost the user twice in one push.", code: LogCodes.TargetEntryNotFound);
    }

    /// <summary>What monday.com should hold for an in-scope user; null for one outside the scope that was never pushed.</summary>
    private PushedUser? Scope(UserPush push, MappedUser mapped)
    {
        var desired = PushedUser.From(mapped);
        push.Trace.TargetName = desired.UserName;
        if (mapped.InScope)
        {
            push.Trace.Step(PushTrace.Scoping, LogStatuses.Success, mapper.HasScopeFilter ? "Inside Monday:Mapping:ScopeFilter." : "In scope (no scope filter).");
            return ApplyReclaim(push, mapped, desired);
        }
        push.Trace.Step(PushTrace.Scoping, LogStatuses.Skipped, "Outside Monday:Mapping:ScopeFilter.");
        // Leaving scope is de-provisioning: the seat is deactivated, the rest left as it was.
        return push.MondayId is null ? null : (push.Pushed ?? desired) with { Active = false };
    }

    /// <summary>
    /// Licence reclamation's precedence: a seat it downgraded or deactivated stays so while the IdP's mapped value of
    /// that attribute is what it was then (<c>ReclaimedBasis</c>), so an unrelated update does not undo the reclaim.
    /// When the IdP's value changes (a new userType, a re-assignment), the override ends and the IdP's value is pushed.
    /// </summary>
    private static PushedUser ApplyReclaim(UserPush push, MappedUser mapped, PushedUser desired)
    {
        var state = push.Snapshot.State;
        if (state.ReclaimedAttribute is not { } attribute)
        {
            return desired;
        }
        var active = attribute == "active";
        var now = active ? (mapped.Active ? "true" : "false") : mapped.UserType;
        if (!string.Equals(now, state.ReclaimedBasis, StringComparison.Ordinal))
        {
            push.Trace.Step(PushTrace.Mapping, LogStatuses.Success,
                $"The IdP's {attribute} changed ({state.ReclaimedBasis} → {now}) since licence reclamation set it to {state.ReclaimedValue}: the reclaim ends and the IdP's value is pushed.");
            push.ReclaimCleared = true;
            return desired;
        }
        push.Trace.Step(PushTrace.Mapping, LogStatuses.Success,
            $"Licence reclamation set {attribute} to {state.ReclaimedValue} (candidate {state.ReclaimCandidateId}); kept while the IdP's value stays {state.ReclaimedBasis}.");
        return active ? desired with { Active = false } : desired with { UserType = state.ReclaimedValue ?? desired.UserType };
    }

    /// <summary>An HR termination keeps the user deactivated whatever the identity provider sends.</summary>
    private static PushedUser HoldForHr(UserPush push, PushedUser desired)
    {
        if (push.Snapshot.Hr is not { } hr)
        {
            return desired;
        }
        if (desired.Active)
        {
            push.Trace.Step(PushTrace.Mapping, LogStatuses.Success,
                $"HR terminated this worker (termination {hr.TerminationId}): kept deactivated whatever the identity provider sends, until HR rehires or rescinds or an admin overrides.");
        }
        return desired with { Active = false };
    }

    /// <summary>Links the user to its monday.com seat; null when linked, else the push's outcome.</summary>
    private async Task<PushOutcome?> LinkUserAsync(UserPush push, MappedUser mapped, PushedUser desired, int round)
    {
        if (push.MondayId is not null)
        {
            push.Trace.Step(PushTrace.Matching, LogStatuses.Success, $"Linked to monday.com user {push.MondayId}.");
            return null;
        }
        if (!desired.Active)
        {
            return await MatchInactiveUserAsync(push, desired);
        }
        if (desired.UserName.Length == 0)
        {
            return push.Outcome(PushStatus.Failed, "The user has no userName for monday.com (check Monday:Mapping:Attributes).", code: LogCodes.MissingUserName);
        }
        return await CreateUserAsync(push, mapped, desired, round);
    }

    /// <summary>
    /// No seat is created for an inactive user; but one a crash-lost create made, or made by hand, is matched by userName
    /// (as Entra matches before it writes) and deactivated, never left active.
    /// </summary>
    private async Task<PushOutcome?> MatchInactiveUserAsync(UserPush push, PushedUser desired)
    {
        var match = desired.UserName.Length == 0 ? null : await push.SendAsync((client, ct) => client.FindUserByUserNameAsync(desired.UserName, ct));
        if (match is { Success: false })
        {
            return push.Failure(match);
        }
        if (match?.Resource is null || match.Id is not { } inactive)
        {
            push.Trace.Step(PushTrace.Matching, LogStatuses.Skipped, "Not in monday.com, and inactive: no seat is created.");
            return push.Outcome(PushStatus.Skipped, "Inactive and not in monday.com yet: no seat is created for it.", code: LogCodes.InactiveNotProvisioned);
        }
        var found = PushedUser.FromScim(match.Resource);
        if (await LinkAsync(push, inactive, found.ToJson()) is { } taken)
        {
            return taken;
        }
        push.Trace.Step(PushTrace.Matching, LogStatuses.Success, $"Not linked, and inactive: matched the existing monday.com user {inactive} by userName and linked it, to deactivate it.");
        (push.MondayId, push.Pushed) = (inactive, found);
        return null;
    }

    private async Task<PushOutcome?> CreateUserAsync(UserPush push, MappedUser mapped, PushedUser desired, int round)
    {
        var created = await push.SendAsync((client, ct) => client.CreateUserAsync(mapped with { Active = true }, ct));
        if (created.Success && created.Id is { } id)
        {
            push.Trace.Action = LogActions.Create;
            var sent = desired with { Active = true };
            if (await LinkAsync(push, id, sent.ToJson()) is { } taken)
            {
                return taken;
            }
            push.Trace.Step(PushTrace.Matching, LogStatuses.Success, round == 0
                ? $"Not linked to a monday.com user yet: created it (id {id})."
                : $"The linked user was gone from monday.com: created it again (id {id}).");
            push.Trace.Changed(desired.AllAttributes(), null);
            (push.MondayId, push.Pushed) = (id, sent);
            return null;
        }
        if (created.Status == 409)
        {
            return await AdoptUserAsync(push, desired, created);
        }
        push.Trace.Action = LogActions.Create;
        push.Trace.Step(PushTrace.Matching, LogStatuses.Success, "Not linked to a monday.com user yet: creating it.");
        push.Trace.Changed(desired.AllAttributes(), null);
        return push.Failure(created);
    }

    /// <summary>The userName is taken: made by hand, or created by a push whose answer a crash lost. Adopt it.</summary>
    private async Task<PushOutcome?> AdoptUserAsync(UserPush push, PushedUser desired, MondayResult created)
    {
        var found = await push.SendAsync((client, ct) => client.FindUserByUserNameAsync(desired.UserName, ct));
        if (!found.Success)
        {
            return push.Failure(found);
        }
        if (found.Resource is null || found.Id is not { } adopted)
        {
            push.Trace.Step(PushTrace.Matching, LogStatuses.Failure, "monday.com says the userName is taken, but no user with it can be found.");
            return push.Outcome(PushStatus.Failed, $"monday.com answered 409 to the create but has no user with this userName: {created.Detail}", code: LogCodes.EntryConflict);
        }
        var existing = PushedUser.FromScim(found.Resource);
        if (await LinkAsync(push, adopted, existing.ToJson()) is { } taken)
        {
            return taken;
        }
        push.Trace.Step(PushTrace.Matching, LogStatuses.Success, $"Matched the existing monday.com user {adopted} by userName and linked it.");
        (push.MondayId, push.Pushed) = (adopted, existing);
        return null;
    }

    /// <summary>PATCHes what differs from what monday.com was last sent; null when monday.com lost the user (it is unlinked).</summary>
    private async Task<PushOutcome?> UpdateUserAsync(UserPush push, MappedUser mapped, PushedUser desired)
    {
        var changes = push.Pushed is null ? desired.AllAttributes() : push.Pushed.Diff(desired);
        if (changes.Count == 0)
        {
            return push.Outcome(PushStatus.Pushed, Warnings(mapped));
        }
        var deprovisions = changes.TryGetValue("active", out var activeValue) && activeValue is JsonValue av && av.TryGetValue<bool>(out var active) && !active;
        if (deprovisions && await HoldAsync(push) is { } held)
        {
            push.Trace.Action = LogActions.StagedDelete;
            return push.Outcome(PushStatus.Held, held, code: LogCodes.DeletionThresholdExceeded);
        }
        if (push.Trace.Action != LogActions.Create)
        {
            push.Trace.Action = changes.ContainsKey("active") ? (deprovisions ? LogActions.Disable : LogActions.Enable) : LogActions.Update;
            push.Trace.Changed(changes, push.Pushed?.AllAttributes());
        }
        var patched = await push.SendAsync((client, ct) => client.PatchUserAsync(push.MondayId!, changes, ct));
        if (patched.Success)
        {
            push.Pushed = desired;
            return push.Outcome(PushStatus.Pushed, Warnings(mapped));
        }
        if (patched.Status != 404)
        {
            return push.Failure(patched);
        }
        push.Trace.Properties.Clear();
        (push.MondayId, push.Pushed) = (null, null);
        return null;
    }

    /// <summary>A user deleted in the bridge, or by the HR leaver pipeline: deactivated, and deleted once due.</summary>
    private async Task<PushOutcome> DeprovisionDeletedUserAsync(UserPush push, bool hrDelete)
    {
        if (push.MondayId is null)
        {
            return push.Outcome(PushStatus.Skipped, "Deleted before it reached monday.com.", code: LogCodes.DeletedBeforePush);
        }
        push.Trace.Step(PushTrace.Matching, LogStatuses.Success, $"Linked to monday.com user {push.MondayId}.");
        var state = push.Snapshot.State;
        var now = time.GetUtcNow();
        var deleting = hrDelete || (state.DeleteAt is { } due && due <= now);
        if ((deleting || push.Pushed is null || push.Pushed.Active) && await HoldAsync(push) is { } held)
        {
            push.Trace.Action = LogActions.StagedDelete;
            return push.Outcome(PushStatus.Held, held, state.DeleteAt, LogCodes.DeletionThresholdExceeded);
        }
        if (deleting)
        {
            return await DeleteUserAsync(push);
        }
        if ((push.Pushed is null || push.Pushed.Active) && await DeactivateUserAsync(push) is { } ended)
        {
            return ended;
        }
        var deleteAt = _options.Deprovision == DeprovisionPolicy.DeleteAfterRetention && !hrDelete
            ? state.DeleteAt ?? now + _options.DeleteRetention
            : (DateTimeOffset?)null;
        return push.Outcome(PushStatus.Pushed, deleteAt: deleteAt);
    }

    private static async Task<PushOutcome> DeleteUserAsync(UserPush push)
    {
        push.Trace.Action = LogActions.Delete;
        var deleted = await push.SendAsync((client, ct) => client.DeleteUserAsync(push.MondayId!, ct));
        if (deleted.Success || deleted.Status == 404)
        {
            (push.MondayId, push.Pushed) = (null, null);
            return push.Outcome(PushStatus.Pushed);
        }
        // A target that refuses deletes keeps the user deactivated; the schedule is dropped, not retried forever.
        return deleted.Failure == MondayFailure.Invalid
            ? push.Outcome(PushStatus.Failed, $"monday.com refused to delete the deactivated user ({deleted.Status}): {deleted.Detail}", code: LogCodes.Of(deleted))
            : push.Failure(deleted, push.Snapshot.State.DeleteAt);
    }

    /// <summary>Null once deactivated; the push's outcome when that ends it (the seat is gone, or monday.com refused).</summary>
    private static async Task<PushOutcome?> DeactivateUserAsync(UserPush push)
    {
        push.Trace.Action = LogActions.Disable;
        push.Trace.Properties.Add(new PropertyChange("active", push.Pushed is null ? null : "true", "false"));
        var deactivated = await push.SendAsync((client, ct) => client.DeactivateUserAsync(push.MondayId!, ct));
        if (deactivated.Status == 404)
        {
            (push.MondayId, push.Pushed) = (null, null);
            return push.Outcome(PushStatus.Pushed);
        }
        if (!deactivated.Success)
        {
            return push.Failure(deactivated);
        }
        push.Pushed = (push.Pushed ?? PushedUser.Empty) with { Active = false };
        return null;
    }

    public async Task<PushOutcome> PushGroupAsync(MondayScimClient client, PushSnapshot snapshot, CancellationToken cancellationToken, bool dryRun = false)
    {
        var push = new GroupPush(client, snapshot, dryRun, cancellationToken);
        push.Trace.Step(PushTrace.Scoping, LogStatuses.Success, snapshot.GroupDisplayName is null ? "The group was deleted in the bridge." : "Groups are always in scope.");
        if (snapshot.GroupDisplayName is not { } name)
        {
            return await DeleteGroupAsync(push);
        }

        // A team deleted in monday.com behind the bridge's back (a rename answers 404) is created again: at most once per push.
        for (var round = 0; round < 2; round++)
        {
            var outcome = await LinkGroupAsync(push, name) ?? await RenameGroupAsync(push, name);
            if (outcome is not null)
            {
                return outcome;
            }
            if (push.MondayId is not null)
            {
                return await PushMembersAsync(push);
            }
        }
        return push.Outcome(PushStatus.Retry, "monday.com lost the team twice in one push.", code: LogCodes.TargetEntryNotFound);
    }

    private async Task<PushOutcome> DeleteGroupAsync(GroupPush push)
    {
        if (push.MondayId is null)
        {
            return push.Outcome(PushStatus.Skipped, "Deleted before it reached monday.com.", code: LogCodes.DeletedBeforePush);
        }
        push.Trace.Step(PushTrace.Matching, LogStatuses.Success, $"Linked to monday.com team {push.MondayId}.");
        if (await HoldAsync(push) is { } held)
        {
            push.Trace.Action = LogActions.StagedDelete;
            return push.Outcome(PushStatus.Held, held, code: LogCodes.DeletionThresholdExceeded);
        }
        push.Trace.Action = LogActions.Delete;
        var deleted = await push.SendAsync((client, ct) => client.DeleteGroupAsync(push.MondayId, ct));
        if (deleted.Success || deleted.Status == 404)
        {
            (push.MondayId, push.Pushed) = (null, null);
            return push.Outcome(PushStatus.Pushed);
        }
        return push.Failure(deleted);
    }

    /// <summary>Links the group to its monday.com team, created or adopted by name; null when linked, else the push's outcome.</summary>
    private async Task<PushOutcome?> LinkGroupAsync(GroupPush push, string name)
    {
        if (push.MondayId is not null)
        {
            push.Trace.Step(PushTrace.Matching, LogStatuses.Success, $"Linked to monday.com team {push.MondayId}.");
            return null;
        }
        var created = await push.SendAsync((client, ct) => client.CreateGroupAsync(name, ct));
        if (created.Success && created.Id is { } id)
        {
            push.Trace.Action = LogActions.Create;
            var sent = new PushedGroup(name, []);
            if (await LinkAsync(push, id, sent.ToJson()) is { } taken)
            {
                return taken;
            }
            push.Trace.Step(PushTrace.Matching, LogStatuses.Success, $"Not linked to a monday.com team yet: created it (id {id}).");
            push.Trace.Properties.Add(new PropertyChange("displayName", null, name));
            (push.MondayId, push.Pushed) = (id, sent);
            return null;
        }
        if (created.Status == 409)
        {
            return await AdoptGroupAsync(push, name, created);
        }
        push.Trace.Action = LogActions.Create;
        push.Trace.Step(PushTrace.Matching, LogStatuses.Success, "Not linked to a monday.com team yet: creating it.");
        push.Trace.Properties.Add(new PropertyChange("displayName", null, name));
        return push.Failure(created);
    }

    private async Task<PushOutcome?> AdoptGroupAsync(GroupPush push, string name, MondayResult created)
    {
        var found = await push.SendAsync((client, ct) => client.FindGroupByDisplayNameAsync(name, ct));
        if (!found.Success)
        {
            return push.Failure(found);
        }
        if (found.Id is not { } adopted)
        {
            push.Trace.Step(PushTrace.Matching, LogStatuses.Failure, "monday.com says the team name is taken, but no team with it can be found.");
            return push.Outcome(PushStatus.Failed, $"monday.com answered 409 to the create but has no team with this name: {created.Detail}", code: LogCodes.EntryConflict);
        }
        // Members the team already has are left alone; ours are added (adding twice is harmless).
        var existing = new PushedGroup(name, []);
        if (await LinkAsync(push, adopted, existing.ToJson()) is { } taken)
        {
            return taken;
        }
        push.Trace.Step(PushTrace.Matching, LogStatuses.Success, $"Matched the existing monday.com team {adopted} by name and linked it.");
        (push.MondayId, push.Pushed) = (adopted, existing);
        return null;
    }

    /// <summary>Renames the team when its name changed; null when done or when monday.com lost the team (it is unlinked).</summary>
    private static async Task<PushOutcome?> RenameGroupAsync(GroupPush push, string name)
    {
        var pushed = push.Pushed!;
        if (string.Equals(pushed.DisplayName, name, StringComparison.Ordinal))
        {
            return null;
        }
        push.Trace.Action = LogActions.Update;
        push.Trace.Properties.Add(new PropertyChange("displayName", pushed.DisplayName, name));
        var renamed = await push.SendAsync((client, ct) => client.RenameGroupAsync(push.MondayId!, name, ct));
        if (renamed.Status == 404)
        {
            (push.MondayId, push.Pushed) = (null, null);
            return null;
        }
        if (!renamed.Success)
        {
            return push.Failure(renamed);
        }
        push.Pushed = pushed with { DisplayName = name };
        return null;
    }

    private async Task<PushOutcome> PushMembersAsync(GroupPush push)
    {
        var members = await PlanMembersAsync(push);
        return await SendMemberChangesAsync(push, members) ?? MembersOutcome(push, members);
    }

    /// <summary>The group's member users sorted by where they stand in monday.com, and what the team must gain and lose.</summary>
    private sealed record MemberPlan(
        HashSet<string> Wanted, Dictionary<string, string> Add, Dictionary<string, string> Remove, int Waiting, int NotInMonday, int HrLeavers);

    private async Task<MemberPlan> PlanMembersAsync(GroupPush push)
    {
        var wanted = push.Snapshot.GroupUserMembers.ToHashSet(StringComparer.Ordinal);
        var memberLinks = (await store.MemberLinksAsync(wanted, push.CancellationToken)).ToDictionary(l => l.UserId, StringComparer.Ordinal);
        var pushed = push.Pushed!;
        var add = new Dictionary<string, string>(StringComparer.Ordinal);
        var waiting = 0;
        var notInMonday = 0;
        var hrLeavers = 0;
        foreach (var userId in wanted)
        {
            var link = memberLinks.GetValueOrDefault(userId);
            if (link is { HrRemoved: true })
            {
                hrLeavers++;
            }
            else if (link?.MondayId is { } memberId)
            {
                if (pushed.Members.GetValueOrDefault(userId) != memberId)
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
        var remove = pushed.Members.Where(m => !wanted.Contains(m.Key) || memberLinks.GetValueOrDefault(m.Key) is not { MondayId: not null, HrRemoved: false })
            .ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
        return new MemberPlan(wanted, add, remove, waiting, notInMonday, hrLeavers);
    }

    /// <summary>Null once monday.com holds the planned members, else the push's outcome.</summary>
    private static async Task<PushOutcome?> SendMemberChangesAsync(GroupPush push, MemberPlan members)
    {
        var (add, remove) = (members.Add, members.Remove);
        if ((add.Count > 0 || remove.Count > 0) && push.Trace.Action == LogActions.Other)
        {
            push.Trace.Action = LogActions.GroupMembership;
        }
        if (add.Count > 0)
        {
            push.Trace.Properties.Add(new PropertyChange("members (added)", null, Ids(add.Keys)));
            var added = await push.SendAsync((client, ct) => client.AddMembersAsync(push.MondayId!, add.Values, ct));
            if (!added.Success)
            {
                return push.Failure(added);
            }
            var pushed = push.Pushed!;
            push.Pushed = pushed with { Members = new Dictionary<string, string>(pushed.Members.Concat(add).DistinctBy(m => m.Key), StringComparer.Ordinal) };
        }
        if (remove.Count > 0)
        {
            push.Trace.Properties.Add(new PropertyChange("members (removed)", Ids(remove.Keys), null));
            var removed = await push.SendAsync((client, ct) => client.RemoveMembersAsync(push.MondayId!, remove.Values, ct));
            if (!removed.Success && removed.Status != 404)
            {
                return push.Failure(removed);
            }
            var pushed = push.Pushed!;
            push.Pushed = pushed with
            {
                Members = pushed.Members.Where(m => !remove.ContainsKey(m.Key)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal),
            };
        }
        return null;
    }

    private static PushOutcome MembersOutcome(GroupPush push, MemberPlan members)
    {
        var (wanted, waiting, notInMonday, hrLeavers, others) = (members.Wanted.Count, members.Waiting, members.NotInMonday, members.HrLeavers, push.Snapshot.GroupOtherMembers);
        push.Trace.Step(PushTrace.Mapping, notInMonday > 0 || others > 0 ? LogStatuses.Warning : LogStatuses.Success,
            $"{ConsoleFormat.Count(wanted, "member user")}: {wanted - waiting - notInMonday - hrLeavers} in monday.com, {waiting} on their way, {notInMonday} not provisioned, {ConsoleFormat.Count(hrLeavers, "HR leaver")} taken out of their teams; {ConsoleFormat.Count(others, "nested group")}.");
        if (waiting > 0)
        {
            return push.Outcome(PushStatus.Wait, $"Waiting for {ConsoleFormat.Count(waiting, "member user")} to reach monday.com first.", code: LogCodes.MemberPending);
        }
        var notes = new List<string>();
        if (notInMonday > 0)
        {
            notes.Add($"{ConsoleFormat.Count(notInMonday, "member user")} {(notInMonday == 1 ? "is" : "are")} not in monday.com (out of scope, inactive or failed) and {(notInMonday == 1 ? "was" : "were")} left out.");
        }
        if (others > 0)
        {
            notes.Add($"{ConsoleFormat.Count(others, "nested group member")} left out: monday.com teams hold users only.");
        }
        return push.Outcome(PushStatus.Pushed, notes.Count == 0 ? null : string.Join(" ", notes));
    }

    /// <summary>Links the object to <paramref name="mondayId"/> (one-to-one); the push's outcome when another local object holds it.</summary>
    private async Task<PushOutcome?> LinkAsync(Push push, string mondayId, string pushed) =>
        await links.LinkAsync(push.Snapshot.State, mondayId, pushed, push.DryRun, push.CancellationToken) is { } conflict ? push.Taken(conflict, mondayId) : null;

    private Task<string?> HoldAsync(Push push) => guard.HoldAsync(push.Snapshot.State, push.DryRun, push.CancellationToken);

    /// <summary>A readable list of local ids for the log, cut short for large teams.</summary>
    private static string Ids(IEnumerable<string> ids)
    {
        var all = ids.ToList();
        return all.Count <= 20 ? string.Join(", ", all) : $"{string.Join(", ", all.Take(20))} … and {all.Count - 20} more";
    }

    private static string? Warnings(MappedUser mapped) => mapped.Warnings.Count == 0 ? null : string.Join(" ", mapped.Warnings);

    /// <summary>One push under way: the link as its steps change it, the calls made so far and the trace.</summary>
    private abstract class Push(MondayScimClient client, PushSnapshot snapshot, bool dryRun, CancellationToken cancellationToken, string target)
    {
        public PushSnapshot Snapshot => snapshot;
        public bool DryRun => dryRun;
        public CancellationToken CancellationToken => cancellationToken;
        public PushTrace Trace { get; } = new();
        public List<OutboundCall> Calls { get; } = [];
        public string? MondayId { get; set; } = snapshot.State.MondayId;
        public bool ReclaimCleared { get; set; }
        protected abstract string? PushedJson { get; }

        public async Task<MondayResult> SendAsync(Func<MondayScimClient, CancellationToken, Task<MondayResult>> call)
        {
            var result = await call(client, cancellationToken);
            Calls.AddRange(result.Calls);
            return result;
        }

        public PushOutcome Outcome(PushStatus status, string? error = null, DateTimeOffset? deleteAt = null, string? code = null) =>
            new(status, MondayId, PushedJson, error, Calls, deleteAt) { Trace = Trace, Code = code, ReclaimCleared = ReclaimCleared };

        public PushOutcome Failure(MondayResult result, DateTimeOffset? deleteAt = null)
        {
            var error = result.Status == 0
                ? $"monday.com could not be reached: {result.Detail}"
                : $"monday.com answered {result.Status}{(result.ScimType is null ? "" : $" ({result.ScimType})")}: {result.Detail}";
            var status = result.Failure switch
            {
                MondayFailure.Credentials => PushStatus.Quarantine,
                MondayFailure.Retryable => PushStatus.Retry,
                _ => PushStatus.Failed,
            };
            return Outcome(status, error, deleteAt, LogCodes.Of(result));
        }

        /// <summary>The object monday.com matched by name is another local object's: this one stays unpushed until that one changes.</summary>
        public PushOutcome Taken(LinkConflict conflict, string mondayId)
        {
            var failed = Outcome(PushStatus.Failed, conflict.Error(target, mondayId), code: LogCodes.EntryConflict);
            Trace.Step(PushTrace.Matching, LogStatuses.Failure,
                $"monday.com {target} {mondayId} has this name but is linked to {conflict.ResourceType.ToLowerInvariant()} {conflict.ResourceId} ('{conflict.Name}'): not adopted.");
            return failed with { ConflictWith = conflict.ResourceId };
        }
    }

    private sealed class UserPush : Push
    {
        public UserPush(MondayScimClient client, PushSnapshot snapshot, bool dryRun, CancellationToken cancellationToken)
            : base(client, snapshot, dryRun, cancellationToken, "user")
        {
            Pushed = PushedUser.Parse(snapshot.State.Pushed);
            Trace.SourceName = snapshot.SourceName;
            Trace.TargetName = Pushed?.UserName;
        }

        public PushedUser? Pushed { get; set; }
        protected override string? PushedJson => Pushed?.ToJson();
    }

    private sealed class GroupPush : Push
    {
        public GroupPush(MondayScimClient client, PushSnapshot snapshot, bool dryRun, CancellationToken cancellationToken)
            : base(client, snapshot, dryRun, cancellationToken, "team")
        {
            Pushed = PushedGroup.Parse(snapshot.State.Pushed);
            Trace.SourceName = snapshot.SourceName ?? snapshot.GroupDisplayName;
            Trace.TargetName = snapshot.GroupDisplayName ?? Pushed?.DisplayName;
        }

        public PushedGroup? Pushed { get; set; }
        protected override string? PushedJson => Pushed?.ToJson();
    }
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
