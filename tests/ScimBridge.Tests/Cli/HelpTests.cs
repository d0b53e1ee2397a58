namespace ScimBridge.Tests.Cli;

public sealed class HelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_PrintsHowToRunTheServer_ItsSettings_AndTheCommands_AndExits(string flag)
    {
        var result = await BridgeCommand.RunAsync(AppContext.BaseDirectory, null, null, TimeSpan.FromSeconds(30), flag, "--urls", "http://127.0.0.1:1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(result.Error);
        foreach (var expected in new[] { "--urls", "--demo", "--ConnectionStrings:ScimBridge", "--Database:Provider", "SCIMBRIDGE_SECRETS_DIR" })
        {
            Assert.Contains(expected, result.Output, StringComparison.Ordinal);
        }

        foreach (var command in new[] { "token", "admin", "mirror", "reclaim", "hr" })
        {
            Assert.Contains(result.Lines, l => l.StartsWith(command + " ", StringComparison.Ordinal));
        }

        Assert.DoesNotContain("Now listening", result.Output, StringComparison.Ordinal);
    }
}
