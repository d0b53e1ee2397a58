using Microsoft.EntityFrameworkCore;
using ScimBridge.Data;
using ScimBridge.Mirror;
using ScimBridge.Monday;
using ScimBridge.Push;
using ScimBridge.Reclamation.Apps;

namespace ScimBridge.Reclamation;

public sealed partial class ReclaimRevoker
{
    /// <summary>
    /// Restores the previous seat type or reactivates, for Closed Complete candidates not yet undone; one result per id.
    /// An undo the app refuses leaves the candidate Closed Complete, and the result says why.
    /// </summary>
    public async Task<IReadOnlyList<CandidateCommandResult>> UndoAsync(IReadOnlyCollection<long> ids, ReclaimActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(actor);
        var distinct = ids.Distinct().ToList();
        var candidates = await store.ReadAsync(db => db.ReclaimCandidates.AsNoTracking().Where(c => distinct.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken), cancellationToken);
        var results = new Dictionary<long, CandidateCommandResult>();
        var eligible = new List<ReclaimCandidateRecord>();
        foreach (var id in distinct)
        {
            if (!candidates.TryGetValue(id, out var c))
            {
                results[id] = new CandidateCommandResult(id, false, null, $"No candidate {id}.");
            }
            else if (c.State != CandidateStates.ClosedComplete)
            {
                results[id] = new CandidateCommandResult(id, false, c.State,
                    $"It is {CandidateStates.DisplayName(c.State)}: only Closed Complete reclaims can be undone.");
            }
            else if (c.UndoneAt is not null)
            {
                results[id] = new CandidateCommandResult(id, false, c.State, $"Already undone by {c.UndoneBy}.");
            }
            else
            {
                eligible.Add(c);
            }
        }

        // One role per batch: each entry's calls are then its own batch's.
        foreach (var group in eligible.GroupBy(c => (c.App, c.Action, Role: c.Action == ReclaimActions.Downgrade ? c.PreviousSeatType : null)))
        {
            var app = await AppAsync(group.Key.App, cancellationToken);
            foreach (var chunk in group.Chunk(Math.Clamp(options.CurrentValue.BatchSize, 1, 200)))
            {
                var started = time.GetTimestamp();
                var calls = new List<OutboundCall>();
                var outcomes = await app.UndoAsync(chunk, calls, cancellationToken);
                var duration = time.GetElapsedTime(started).TotalMilliseconds / chunk.Length;
                foreach (var result in await SettleUndoAsync(chunk, outcomes, calls, app.Via, actor, duration, cancellationToken))
                {
                    results[result.Id] = result;
                }
            }
        }
        return [.. distinct.Select(id => results[id])];
    }

    private Task<List<CandidateCommandResult>> SettleUndoAsync(
        IReadOnlyList<ReclaimCandidateRecord> chunk, IReadOnlyDictionary<string, SeatOutcome> outcomes, List<OutboundCall> calls, string via,
        ReclaimActor actor, double durationMs, CancellationToken cancellationToken) =>
        store.WriteAsync(async db =>
        {
            var now = time.GetUtcNow();
            var ids = chunk.Select(c => c.Id).ToList();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var tracked = await db.ReclaimCandidates.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken);
            var seatIds = chunk.Select(c => c.SeatId).ToList();
            var seats = await db.MirrorSeats.Where(s => seatIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
            var ruleIds = chunk.Select(c => c.RuleId).Distinct().ToList();
            var rules = await db.ReclaimRules.Where(r => ruleIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Definition, cancellationToken);
            var accountIds = chunk.Select(c => c.AccountId).ToList();
            var pushStates = chunk[0].App == MirrorApps.Monday
                ? await db.PushStates.Where(p => p.ResourceType == ResourceKinds.User && p.MondayId != null && accountIds.Contains(p.MondayId)).ToListAsync(cancellationToken)
                : [];
            var results = new List<CandidateCommandResult>();
            var entries = new List<(LogEntryRecord Entry, ReclaimCandidateRecord Candidate)>();
            foreach (var original in chunk)
            {
                var c = tracked[original.Id];
                var outcome = outcomes.GetValueOrDefault(c.AccountId) ?? SeatOutcome.Failed("No outcome for this seat.");
                var display = MirrorApps.DisplayName(c.App);
                var what = c.Action == ReclaimActions.Downgrade ? $"restored {c.PreviousSeatType ?? SeatTypes.Member}" : "reactivated";
                var properties = new List<PropertyChange>();
                string status;
                string message;
                if (outcome.Done && c.State == CandidateStates.ClosedComplete && c.UndoneAt is null)
                {
                    var cooldown = rules.TryGetValue(c.RuleId, out var definition) ? ReclaimWorkflow.ParseRule(definition).CooldownDays : new ReclaimRuleDefinition().CooldownDays;
                    c.UndoneAt = now;
                    c.UndoneBy = actor.Name;
                    c.CooldownUntil = now.AddDays(cooldown);
                    c.ErrorCode = null;
                    seats.TryGetValue(c.SeatId, out var seat);
                    if (c.Action == ReclaimActions.Downgrade)
                    {
                        properties.Add(new PropertyChange("seatType", c.NewSeatType ?? SeatTypes.Viewer, c.PreviousSeatType ?? SeatTypes.Member));
                        seat?.SeatType = c.PreviousSeatType ?? SeatTypes.Member;
                    }
                    else
                    {
                        properties.Add(new PropertyChange("active", "false", "true"));
                        seat?.Status = SeatStatuses.Active;
                    }
                    foreach (var push in pushStates.Where(p => p.MondayId == c.AccountId && (p.ReclaimCandidateId == c.Id || p.ReclaimedAttribute is not null)))
                    {
                        var pushed = PushedUser.Parse(push.Pushed);
                        if (pushed is not null)
                        {
                            push.Pushed = (c.Action == ReclaimActions.Downgrade
                                ? pushed with { UserType = c.PreviousSeatType ?? SeatTypes.Member }
                                : pushed with { Active = true }).ToJson();
                        }
                        push.ReclaimedAttribute = null;
                        push.ReclaimedBasis = null;
                        push.ReclaimedValue = null;
                        push.ReclaimCandidateId = null;
                    }
                    message = $"Undone by {actor.Name}: {what}.";
                    ReclaimWorkflow.Move(db, c, CandidateStates.ClosedCanceled, actor, message, now);
                    status = LogStatuses.Success;
                    results.Add(new CandidateCommandResult(c.Id, true, c.State, null));
                }
                else
                {
                    message = outcome.Done
                        ? $"It changed meanwhile (now {CandidateStates.DisplayName(c.State)})."
                        : outcome.Transient
                            ? $"{display} could not be reached: {outcome.Error} Try the undo again."
                            : $"{display} refused the undo: {outcome.Error}";
                    status = LogStatuses.Failure;
                    results.Add(new CandidateCommandResult(c.Id, false, c.State, message));
                }
                var steps = new List<TraceStep>
                {
                    new(ReclaimLog.Act, status == LogStatuses.Success ? LogStatuses.Success : LogStatuses.Failure,
                        $"{(status == LogStatuses.Success ? $"{char.ToUpperInvariant(what[0])}{what[1..]}" : message)} through {via}; {ReclaimLog.Describe(calls)}."),
                };
                var entry = ReclaimLog.Entry(c, LogActions.ReclaimUndo, status, message, outcome.Done ? null : outcome.Code, steps, properties, actor.Name, now, durationMs, Instance, null);
                db.LogEntries.Add(entry);
                entries.Add((entry, c));
            }
            await db.SaveChangesAsync(cancellationToken);
            foreach (var (entry, c) in entries)
            {
                db.OutboundCalls.AddRange(ReclaimLog.Calls(calls, c, Instance, entry.Id));
            }
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return results;
        }, cancellationToken);
}
