using Microsoft.Extensions.Configuration;
using ScimBridge.Operations;

namespace ScimBridge.Tests.Operations;

public sealed class SecretFilesTests
{
    [Fact]
    public void FilesInTheSecretsDirectory_BecomeConfiguration_AboveEarlierSources()
    {
        var directory = Directory.CreateTempSubdirectory("scimbridge-secrets-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "Monday__ScimToken"), "from-a-file");
            File.WriteAllText(Path.Combine(directory.FullName, "ConnectionStrings__ScimBridge"), "Data Source=x.db");

            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Monday:ScimToken"] = "from-environment", ["Monday:TenantUrl"] = "https://x.example/" })
                .AddSecretFiles(directory.FullName)
                .Build();

            Assert.Equal("from-a-file", configuration["Monday:ScimToken"]);
            Assert.Equal("Data Source=x.db", configuration.GetConnectionString("ScimBridge"));
            Assert.Equal("https://x.example/", configuration["Monday:TenantUrl"]);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void NoSecretsDirectory_AddsNothing() =>
        Assert.Empty(new ConfigurationBuilder().AddSecretFiles(null).Build().AsEnumerable());

    [Fact]
    public void AMissingSecretsDirectory_IsRefusedNamingIt()
    {
        // A mistyped path must not fall back to the defaults without a word (the token would go to another database).
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder().AddSecretFiles(missing));

        Assert.Equal($"SCIMBRIDGE_SECRETS_DIR names '{missing}', which is not a directory.", error.Message);
    }
}
