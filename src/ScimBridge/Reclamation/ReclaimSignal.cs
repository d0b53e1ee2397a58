using ScimBridge.Push;

namespace ScimBridge.Reclamation;

/// <summary>Wakes the revoker when candidates were queued in this process, so a reclaim starts at once, not at the next tick.</summary>
public sealed class ReclaimSignal : WakeSignal;
