namespace ScimBridge.Reclamation;

/// <summary>What one evaluation of every enabled rule did. HELPER A EXTENDS THIS.</summary>
public sealed record EvaluationResult(int Created);

/// <summary>
/// Applies the rules to the mirror: creates candidates (evaluation) or only counts them (dry run).
/// HELPER A FILLS THIS IN.
/// </summary>
public sealed class ReclaimEvaluator
{
    /// <summary>Evaluates every enabled rule now; the lease "reclaim-evaluate" keeps it to one instance at a time.</summary>
    public Task<EvaluationResult> EvaluateAsync(ReclaimActor actor, CancellationToken cancellationToken) => throw new NotImplementedException();
}
