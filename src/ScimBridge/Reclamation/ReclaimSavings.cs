namespace ScimBridge.Reclamation;

/// <summary>
/// The savings figures (seats bought, assigned, active, unused, potential and realised savings, activity buckets,
/// breakdowns) and their daily snapshot. HELPER D FILLS THIS IN.
/// </summary>
public sealed class ReclaimSavings
{
    /// <summary>Takes (or replaces) today's snapshot (UTC day) of every app's figures.</summary>
    public Task SnapshotAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
}
