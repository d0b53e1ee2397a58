using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Push;

namespace ScimBridge.Reclamation;

/// <summary>The outcome of a command on one candidate: its state after it, or why it was refused.</summary>
public sealed record CandidateCommandResult(long Id, bool Done, string? State, string? Error);

/// <summary>Who asks: an actor type (<see cref="ReclaimActors"/>) and a name (the admin, the token, the user's email).</summary>
public sealed record ReclaimActor(string Type, string Name)
{
    public static ReclaimActor System(string name) => new(ReclaimActors.System, name);
    public static ReclaimActor Admin(string name) => new(ReclaimActors.Admin, name);
}

/// <summary>
/// The candidate workflow's commands (reclaim, approve, skip, undo) and its one way of changing state,
/// <see cref="Move"/>, which records every transition with its time and actor. State and lease are concurrency tokens,
/// so a command never overwrites a change made meanwhile (by the revoker, another admin, a signed link).
/// </summary>
public sealed class ReclaimWorkflow(PushStore store, DeletionGuard guard, ReclaimRevoker revoker, ReclaimSignal signal, TimeProvider time)
{
    public static readonly JsonSerializerOptions RuleJson = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static ReclaimRuleDefinition ParseRule(string json) =>
        JsonSerializer.Deserialize<ReclaimRuleDefinition>(json, RuleJson) ?? new ReclaimRuleDefinition();

    public static string RuleToJson(ReclaimRuleDefinition rule) => JsonSerializer.Serialize(rule, RuleJson);

    /// <summary>Changes the state and records the transition; the caller saves. A closed state sets <c>ClosedAt</c>.</summary>
    public static void Move(ScimBridgeDbContext db, ReclaimCandidateRecord candidate, string to, ReclaimActor actor, string? note, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(actor);
        db.ReclaimTransitions.Add(new ReclaimTransitionRecord
        {
            CandidateId = candidate.Id,
            FromState = candidate.State,
            ToState = to,
            At = now,
            ActorType = actor.Type,
            Actor = actor.Name,
            Note = note,
        });
        candidate.State = to;
        candidate.StateReason = note;
        candidate.UpdatedAt = now;
        candidate.ClosedAt = CandidateStates.IsOpen(to) ? null : now;
    }

    /// <summary>Runs <paramref name="command"/> (see <see cref="CandidateCommands"/>) on each candidate.</summary>
    public Task<IReadOnlyList<CandidateCommandResult>> RunAsync(string command, IReadOnlyCollection<long> ids, ReclaimActor actor, CancellationToken cancellationToken) =>
        command switch
        {
            CandidateCommands.Reclaim => ReclaimAsync(ids, actor, cancellationToken),
            CandidateCommands.Approve => ApproveAsync(ids, actor, cancellationToken),
            CandidateCommands.Skip => SkipAsync(ids, actor, cancellationToken),
            CandidateCommands.Undo => revoker.UndoAsync(ids, actor, cancellationToken),
            _ => throw new ArgumentException($"Unknown command '{command}'; known: {string.Join(", ", CandidateCommands.All)}.", nameof(command)),
        };

    /// <summary>
    /// Queues the candidates for the revoker as one wave. A wave larger than the deletion guard allows is held as a
    /// whole (Awaiting Approval) until an admin approves it, as any mass disable is.
    /// </summary>
    public async Task<IReadOnlyList<CandidateCommandResult>> ReclaimAsync(IReadOnlyCollection<long> ids, ReclaimActor actor, CancellationToken cancellationToken)
    {
        var results = await ChangeAsync(ids, async (db, candidates, refuse) =>
        {
            var now = time.GetUtcNow();
            var wave = new List<ReclaimCandidateRecord>();
            foreach (var c in candidates)
            {
                if (c.Action == ReclaimActions.Report)
                {
                    refuse(c, "Its rule only reports: change the rule's action to downgrade or deactivate to reclaim.");
                }
                else if (c.State is CandidateStates.AwaitingApproval && c.HeldAt is not null)
                {
                    refuse(c, "Held by the deletion guard with its wave: approve it instead.");
                }
                else if (c.State is CandidateStates.AttentionRequired or CandidateStates.Ready or CandidateStates.AwaitingUser or CandidateStates.AwaitingApproval)
                {
                    wave.Add(c);
                }
                else
                {
                    refuse(c, $"It is {CandidateStates.DisplayName(c.State)}: only open candidates that are not already queued can be reclaimed.");
                }
            }
            if (wave.Count == 0)
            {
                return;
            }
            var waveId = Guid.CreateVersion7().ToString("N");
            var held = await guard.WaveHoldReasonAsync(wave.Count, wave[0].App, cancellationToken);
            foreach (var c in wave)
            {
                c.WaveId = waveId;
                c.GuardApproved = false;
                c.Attempts = 0;
                c.ErrorCode = null;
                if (held is not null)
                {
                    c.HeldAt = now;
                    Move(db, c, CandidateStates.AwaitingApproval, actor, held, now);
                }
                else
                {
                    c.HeldAt = null;
                    Move(db, c, CandidateStates.AwaitingRevocation, actor, $"Queued to {c.Action} by {actor.Name}.", now);
                }
            }
        }, cancellationToken);
        signal.Pulse();
        return results;
    }

    /// <summary>Approves what waits: a wave the deletion guard held goes to the revoker; a keep stands (closed, with the cool-down).</summary>
    public async Task<IReadOnlyList<CandidateCommandResult>> ApproveAsync(IReadOnlyCollection<long> ids, ReclaimActor actor, CancellationToken cancellationToken)
    {
        var results = await ChangeAsync(ids, async (db, candidates, refuse) =>
        {
            var now = time.GetUtcNow();
            foreach (var c in candidates)
            {
                if (c.State != CandidateStates.AwaitingApproval)
                {
                    refuse(c, $"It is {CandidateStates.DisplayName(c.State)}: only candidates Awaiting Approval can be approved.");
                }
                else if (c.HeldAt is not null)
                {
                    c.HeldAt = null;
                    c.GuardApproved = true;
                    Move(db, c, CandidateStates.AwaitingRevocation, actor, $"Held wave approved by {actor.Name}.", now);
                }
                else
                {
                    c.CooldownUntil = now.AddDays(await CooldownDaysAsync(db, c, cancellationToken));
                    Move(db, c, CandidateStates.ClosedSkipped, actor, $"Keep approved by {actor.Name}; not a candidate again before {c.CooldownUntil:yyyy-MM-dd}.", now);
                }
            }
        }, cancellationToken);
        signal.Pulse();
        return results;
    }

    /// <summary>Closes open candidates without acting; the seat rests for the rule's cool-down.</summary>
    public Task<IReadOnlyList<CandidateCommandResult>> SkipAsync(IReadOnlyCollection<long> ids, ReclaimActor actor, CancellationToken cancellationToken) =>
        ChangeAsync(ids, async (db, candidates, refuse) =>
        {
            var now = time.GetUtcNow();
            foreach (var c in candidates)
            {
                if (!CandidateStates.IsOpen(c.State))
                {
                    refuse(c, $"It is already {CandidateStates.DisplayName(c.State)}.");
                }
                else if (c.LeaseUntil is { } until && until > now)
                {
                    refuse(c, "The revoker is acting on it right now.");
                }
                else
                {
                    c.CooldownUntil = now.AddDays(await CooldownDaysAsync(db, c, cancellationToken));
                    Move(db, c, CandidateStates.ClosedSkipped, actor, $"Skipped by {actor.Name}.", now);
                }
            }
        }, cancellationToken);

    private static async Task<int> CooldownDaysAsync(ScimBridgeDbContext db, ReclaimCandidateRecord candidate, CancellationToken cancellationToken)
    {
        var definition = await db.ReclaimRules.Where(r => r.Id == candidate.RuleId).Select(r => r.Definition).FirstOrDefaultAsync(cancellationToken);
        return definition is null ? new ReclaimRuleDefinition().CooldownDays : ParseRule(definition).CooldownDays;
    }

    /// <summary>
    /// Loads the candidates, lets <paramref name="change"/> move or refuse each, and saves once. Unknown ids are refused;
    /// a concurrent change (state or lease) refuses the whole batch, which the caller can simply send again.
    /// </summary>
    private async Task<IReadOnlyList<CandidateCommandResult>> ChangeAsync(
        IReadOnlyCollection<long> ids,
        Func<ScimBridgeDbContext, List<ReclaimCandidateRecord>, Action<ReclaimCandidateRecord, string>, Task> change,
        CancellationToken cancellationToken) =>
        await store.WriteAsync<IReadOnlyList<CandidateCommandResult>>(async db =>
        {
            var distinct = ids.Distinct().ToList();
            var candidates = await db.ReclaimCandidates.Where(c => distinct.Contains(c.Id)).OrderBy(c => c.Id).ToListAsync(cancellationToken);
            var refused = new Dictionary<long, string>();
            await change(db, candidates, (c, why) => refused[c.Id] = why);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                const string raced = "It changed meanwhile (the revoker, another admin or the user acted): reload and try again.";
                return [.. distinct.Select(id => new CandidateCommandResult(id, false, null, raced))];
            }
            var byId = candidates.ToDictionary(c => c.Id);
            return [.. distinct.Select(id => byId.TryGetValue(id, out var c)
                ? refused.TryGetValue(id, out var why)
                    ? new CandidateCommandResult(id, false, c.State, why)
                    : new CandidateCommandResult(id, true, c.State, null)
                : new CandidateCommandResult(id, false, null, $"No candidate {id}."))];
        }, cancellationToken);
}
