namespace ScimBridge.Reclamation;

/// <summary>
/// Acts on candidates Awaiting Revocation: claims them, re-reads each seat's activity, and reclaims the rest in
/// batches through the app; and puts a reclaim back (undo). HELPER B FILLS THIS IN.
/// </summary>
public sealed class ReclaimRevoker
{
    /// <summary>Claims due candidates and acts on them; returns how many were settled (closed or needing attention).</summary>
    public Task<int> ProcessAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Restores the previous seat type or reactivates, for Closed Complete candidates not yet undone.</summary>
    public Task<IReadOnlyList<CandidateCommandResult>> UndoAsync(IReadOnlyCollection<long> ids, ReclaimActor actor, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
