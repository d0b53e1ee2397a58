using Microsoft.AspNetCore.Builder;
using ScimBridge.Demo;
using ScimBridge.Mirror;
using ScimBridge.Mirror.Monday;
using ScimBridge.Monday;

namespace ScimBridge.Tests.Demo;

public sealed class DemoMirrorTests
{
    [Fact]
    public async Task TheDemo_PointsTheMirrorAtItsSimulator_NeverAtMondayCom()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var demo = await DemoMode.StartAsync(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var builder = WebApplication.CreateBuilder();
        demo.Configure(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMondayClient(builder.Configuration);
        builder.Services.AddLogging();
        builder.Services.AddMondaySeatSource();
        await using var services = builder.Services.BuildServiceProvider();

        Assert.Equal(new Uri(demo.SimulatorUrl, "v2").ToString(), builder.Configuration["Monday:ApiUrl"]);
        var source = services.GetServices<ISeatSource>().Single(s => s.App == MirrorApps.Monday);
        Assert.Null(await source.CheckAsync(CancellationToken.None));
        var account = await source.GetAccountAsync(CancellationToken.None);
        Assert.NotNull(account.SeatsBought);
    }
}
