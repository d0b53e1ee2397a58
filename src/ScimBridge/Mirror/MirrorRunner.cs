using ScimBridge.Data;

namespace ScimBridge.Mirror;

/// <summary>A run of this app is already going (on this or another instance).</summary>
public sealed class MirrorBusyException(string app, long? runId)
    : Exception($"A mirror run of {MirrorApps.DisplayName(app)} is already in progress{(runId is { } id ? $" (run {id})" : "")}.")
{
    public string App { get; } = app;
    public long? RunId { get; } = runId;
}

/// <summary>Downloads one app's seats into the mirror table. Never two runs of one app at once, across instances.</summary>
public sealed partial class MirrorRunner
{
    /// <summary>
    /// Starts a run in the background and returns its record (status Running) at once.
    /// Throws <see cref="MirrorBusyException"/> when a run of the app is in progress, and
    /// <see cref="MirrorSourceException"/> (code NotConfigured, MissingScope, …) when the app cannot be read.
    /// </summary>
    public Task<MirrorRunRecord> StartAsync(string app, string initiatorType, string initiator, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    /// <summary>Runs to the end and returns the finished record (Succeeded or Failed). Same exceptions as <see cref="StartAsync"/>.</summary>
    public Task<MirrorRunRecord> RunAsync(string app, string initiatorType, string initiator, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
