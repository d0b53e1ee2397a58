using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ScimBridge.Admin;
using ScimBridge.Data;
using ScimBridge.Monday;

namespace ScimBridge.Push;

/// <summary>One connection setting saved in the console: the Tenant URL in clear, tokens protected with Data Protection.</summary>
public sealed class ConnectionSettingRecord
{
    public required string Name { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

internal sealed class ConnectionSettingConfiguration : IEntityTypeConfiguration<ConnectionSettingRecord>
{
    public void Configure(EntityTypeBuilder<ConnectionSettingRecord> builder)
    {
        builder.ToTable("ConnectionSettings");
        builder.HasKey(s => s.Name);
    }
}

/// <summary>A connection setting the console can set: its name in the table, its configuration key, whether it is a secret.</summary>
public sealed record ConnectionField(string Name, string Key, string Label, bool Secret)
{
    public static readonly ConnectionField TenantUrl = new(nameof(MondayOptions.TenantUrl), "Monday:TenantUrl", "Tenant URL", false);
    public static readonly ConnectionField ScimToken = new(nameof(MondayOptions.ScimToken), "Monday:ScimToken", "Secret Token (SCIM)", true);
    public static readonly ConnectionField ApiToken = new(nameof(MondayOptions.ApiToken), "Monday:ApiToken", "API token (GraphQL)", true);
    public static readonly IReadOnlyList<ConnectionField> All = [TenantUrl, ScimToken, ApiToken];
}

/// <summary>A stored setting, decrypted.</summary>
public sealed record StoredSetting(string Value, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>
/// Where a field's value in force comes from. <see cref="Source"/> is <c>Configuration</c> (a file, the environment:
/// it wins), <c>Console</c> (saved on the Connection page) or <c>None</c>. Never carries a token.
/// </summary>
public sealed record ConnectionFieldState(
    string Name,
    string Key,
    string Label,
    bool Secret,
    string Source,
    string? SourceDetail,
    bool IsSet,
    string? Value,
    DateTimeOffset? StoredAt,
    string? StoredBy,
    bool StoredOverridden,
    string? Problem)
{
    public const string Configuration = "Configuration";
    public const string Console = "Console";
    public const string None = "None";
}

/// <summary>What the console or the admin API saves; a blank field is left as it is.</summary>
public sealed record ConnectionSettingsUpdate(string? TenantUrl, string? ScimToken, string? ApiToken, bool ClearApiToken = false);

/// <summary>
/// The connection settings saved in the database, as every instance sees them: read again every
/// <see cref="MondayOptions.SettingsRefreshSeconds"/> (and at once after a save here), they fill in
/// <see cref="MondayOptions"/> wherever the configuration leaves a field empty, and a change reloads the options
/// without a restart. Tokens are protected with Data Protection, whose key ring is in the database, so every instance
/// can read them.
/// </summary>
public sealed partial class ConnectionSettings(
    IServiceScopeFactory scopes, IDataProtectionProvider protection, ILogger<ConnectionSettings> logger, DatabaseReadiness? database = null)
    : IOptionsChangeTokenSource<MondayOptions>, IPostConfigureOptions<MondayOptions>
{
    public const string Purpose = "ScimBridge.Push.ConnectionSettings.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Loaded _loaded = new([], new Dictionary<string, StoredSetting>(), new Dictionary<string, string>());
    private ConfigurationReloadToken _token = new();
    private volatile bool _loadedOnce;

    private sealed record Loaded(IReadOnlyList<(string Name, string Value, DateTimeOffset At)> Rows, IReadOnlyDictionary<string, StoredSetting> Values, IReadOnlyDictionary<string, string> Problems);

    public string Name => Options.DefaultName;

    public IReadOnlyDictionary<string, StoredSetting> Stored => _loaded.Values;

    /// <summary>Stored values this instance cannot use (a token it cannot decrypt).</summary>
    public IReadOnlyDictionary<string, string> Problems => _loaded.Problems;

    public IChangeToken GetChangeToken() => _token;

    public IDataProtector Protector => _protector;

    public void PostConfigure(string? name, MondayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name is not null && name != Options.DefaultName)
        {
            return;
        }
        EnsureLoaded();
        var stored = _loaded.Values;
        // The configuration wins: a stored value only fills a field it leaves empty.
        if (string.IsNullOrWhiteSpace(options.TenantUrl) && stored.TryGetValue(ConnectionField.TenantUrl.Name, out var url))
        {
            options.TenantUrl = url.Value;
        }
        if (string.IsNullOrWhiteSpace(options.ScimToken) && stored.TryGetValue(ConnectionField.ScimToken.Name, out var scim))
        {
            options.ScimToken = scim.Value;
        }
        if (string.IsNullOrWhiteSpace(options.ApiToken) && stored.TryGetValue(ConnectionField.ApiToken.Name, out var api))
        {
            options.ApiToken = api.Value;
        }
    }

    /// <summary>
    /// A host that runs no hosted services (the command-line tools) reads the rows once, on first use. Until the
    /// table exists (before the migrations) it stays empty and tries again next time.
    /// </summary>
    private void EnsureLoaded()
    {
        // Before the migrations a fresh database has no table to read: the refresher loads the rows once they ran.
        if (_loadedOnce || database is { Migrated: false })
        {
            return;
        }
        try
        {
            Task.Run(() => RefreshAsync(CancellationToken.None)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogNotLoaded(logger, e);
        }
    }

    /// <summary>Reads the rows again; when they changed, the options of this instance reload.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            List<(string Name, string Value, DateTimeOffset At)> rows;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ScimBridgeDbContext>();
                var records = await db.Set<ConnectionSettingRecord>().AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken);
                rows = [.. records.Select(r => (r.Name, r.Value, r.UpdatedAt))];
                if (rows.SequenceEqual(_loaded.Rows))
                {
                    _loadedOnce = true;
                    return;
                }
                var values = new Dictionary<string, StoredSetting>(StringComparer.Ordinal);
                var problems = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var record in records)
                {
                    var field = ConnectionField.All.FirstOrDefault(f => f.Name == record.Name);
                    if (field is null)
                    {
                        continue;
                    }
                    try
                    {
                        values[field.Name] = new StoredSetting(field.Secret ? _protector.Unprotect(record.Value) : record.Value, record.UpdatedAt, record.UpdatedBy);
                    }
                    catch (System.Security.Cryptography.CryptographicException e)
                    {
                        LogUnreadable(logger, field.Key, e);
                        problems[field.Name] = $"The stored {field.Label} cannot be decrypted on this instance (its Data Protection key is not in the shared key ring): save it again.";
                    }
                }
                _loaded = new Loaded(rows, values, problems);
                _loadedOnce = true;
            }
            var previous = Interlocked.Exchange(ref _token, new ConfigurationReloadToken());
            previous.OnReload();
        }
        finally
        {
            _refresh.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The connection settings could not be read yet (no database, or before the migrations).")]
    private static partial void LogNotLoaded(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The stored {Key} cannot be decrypted: its Data Protection key is not in this instance's key ring.")]
    private static partial void LogUnreadable(ILogger logger, string key, Exception exception);
}

/// <summary>Loads the stored settings before the push starts, then reads them again every few seconds.</summary>
public sealed partial class ConnectionSettingsRefresher(
    ConnectionSettings settings, IOptionsMonitor<MondayOptions> monday, TimeProvider time, ILogger<ConnectionSettingsRefresher> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryRefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, monday.CurrentValue.SettingsRefreshSeconds)), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await TryRefreshAsync(stoppingToken);
        }
    }

    private async Task TryRefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await settings.RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database may be briefly away; the values in force stay until the next read.
            LogRefreshFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the connection settings from the database; keeping the ones in force.")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}

/// <summary><see cref="IOptions{TOptions}"/> that follows the monitor, so every reader of the options sees a saved connection at once.</summary>
public sealed class LiveMondayOptions(IOptionsMonitor<MondayOptions> monitor) : IOptions<MondayOptions>
{
    public MondayOptions Value => monitor.CurrentValue;
}

/// <summary>Saving the connection on the Connection page or the admin API, and telling where each value in force comes from.</summary>
public sealed class ConnectionSettingsStore(
    ScimBridgeDbContext db,
    IWriteGate gate,
    ConnectionSettings settings,
    IConfiguration configuration,
    IOptionsMonitor<MondayOptions> monday,
    IOptions<PushOptions> push,
    TimeProvider time)
{
    public const string LogResourceType = "Connection";
    public const string LogAction = "ConnectionSettings";
    public const int MaxUrlLength = 2048;
    public const int MaxTokenLength = 8192;

    public IReadOnlyList<ConnectionFieldState> Describe()
    {
        var options = monday.CurrentValue;
        return [.. ConnectionField.All.Select(field =>
        {
            var stored = settings.Stored.GetValueOrDefault(field.Name);
            var problem = settings.Problems.GetValueOrDefault(field.Name);
            var configured = ConfiguredBy(field);
            var inForce = field.Name switch
            {
                nameof(MondayOptions.TenantUrl) => options.TenantUrl,
                nameof(MondayOptions.ScimToken) => options.ScimToken,
                _ => options.ApiToken,
            };
            var source = configured is not null ? ConnectionFieldState.Configuration
                : stored is not null ? ConnectionFieldState.Console
                : ConnectionFieldState.None;
            return new ConnectionFieldState(field.Name, field.Key, field.Label, field.Secret, source, configured,
                !string.IsNullOrWhiteSpace(inForce), field.Secret ? null : inForce,
                stored?.UpdatedAt, stored?.UpdatedBy, configured is not null && stored is not null, problem);
        })];
    }

    /// <summary>Validates, stores (tokens encrypted), audits in the provisioning log, and puts the values in force here at once.</summary>
    public async Task<IReadOnlyList<ConnectionFieldState>> SaveAsync(ConnectionSettingsUpdate update, string admin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var url = Blank(update.TenantUrl) ? null : update.TenantUrl!.Trim();
        var scim = Blank(update.ScimToken) ? null : update.ScimToken!.Trim();
        var api = Blank(update.ApiToken) ? null : update.ApiToken!.Trim();
        if (url is null && scim is null && api is null && !update.ClearApiToken)
        {
            throw AdminException.Invalid("tenantUrl", "Nothing to save: enter a Tenant URL or a token (a blank field keeps its value).");
        }
        if (api is not null && update.ClearApiToken)
        {
            throw AdminException.Invalid("apiToken", "Enter a new API token or remove the stored one, not both.");
        }
        foreach (var (field, value) in new[] { (ConnectionField.TenantUrl, url), (ConnectionField.ScimToken, scim), (ConnectionField.ApiToken, api ?? (update.ClearApiToken ? "" : null)) })
        {
            if (value is not null && ConfiguredBy(field) is { } source)
            {
                throw new AdminException(StatusCodes.Status409Conflict, "Set in the configuration",
                    $"{field.Key} is set by {source}, which wins over the console: change it there, or remove it there to manage it here.");
            }
        }
        if (url is not null)
        {
            url = ValidTenantUrl(url);
        }
        ValidToken("scimToken", ConnectionField.ScimToken, scim);
        ValidToken("apiToken", ConnectionField.ApiToken, api);

        // The options as they will be: they must stay valid, or every reader of them would fail.
        var current = monday.CurrentValue;
        var next = JsonSerializer.Deserialize<MondayOptions>(JsonSerializer.Serialize(current))!;
        next.TenantUrl = url ?? current.TenantUrl;
        next.ScimToken = scim ?? current.ScimToken;
        next.ApiToken = update.ClearApiToken ? ConfiguredValue(ConnectionField.ApiToken) : api ?? current.ApiToken;
        if (!string.IsNullOrWhiteSpace(next.TenantUrl) && string.IsNullOrWhiteSpace(next.ScimToken))
        {
            throw AdminException.Invalid("scimToken", $"Enter the Secret Token too: monday.com needs it with the Tenant URL. Generate it in monday.com at {MondayOptions.ScimTokenMenuPath}.");
        }
        var invalid = new MondayOptionsValidator().Validate(next);
        if (!invalid.IsValid)
        {
            throw AdminException.Invalid("tenantUrl", string.Join(" ", invalid.Errors.Select(e => e.ErrorMessage)));
        }

        var now = time.GetUtcNow();
        var changes = new List<PropertyChange>();
        using (await gate.EnterAsync(cancellationToken))
        {
            var rows = await db.Set<ConnectionSettingRecord>().ToDictionaryAsync(r => r.Name, StringComparer.Ordinal, cancellationToken);
            void Put(ConnectionField field, string value, string? oldShown, string newShown)
            {
                var stored = field.Secret ? settings.Protector.Protect(value) : value;
                if (rows.TryGetValue(field.Name, out var row))
                {
                    row.Value = stored;
                    row.UpdatedAt = now;
                    row.UpdatedBy = admin;
                }
                else
                {
                    db.Add(new ConnectionSettingRecord { Name = field.Name, Value = stored, UpdatedAt = now, UpdatedBy = admin });
                }
                changes.Add(new PropertyChange(field.Name, oldShown, newShown));
            }
            if (url is not null)
            {
                Put(ConnectionField.TenantUrl, url, current.TenantUrl, url);
            }
            if (scim is not null)
            {
                Put(ConnectionField.ScimToken, scim, Shown(current.ScimToken), rows.ContainsKey(ConnectionField.ScimToken.Name) || !Blank(current.ScimToken) ? "(replaced)" : "(set)");
            }
            if (api is not null)
            {
                Put(ConnectionField.ApiToken, api, Shown(current.ApiToken), rows.ContainsKey(ConnectionField.ApiToken.Name) || !Blank(current.ApiToken) ? "(replaced)" : "(set)");
            }
            if (update.ClearApiToken && rows.TryGetValue(ConnectionField.ApiToken.Name, out var apiRow))
            {
                db.Remove(apiRow);
                changes.Add(new PropertyChange(ConnectionField.ApiToken.Name, "(set)", null));
            }
            if (changes.Count == 0)
            {
                throw AdminException.Invalid("apiToken", "No API token is stored: nothing to remove.");
            }
            db.LogEntries.Add(new LogEntryRecord
            {
                At = now,
                CycleId = ClaimedResource.NewCycleId(),
                InitiatorType = Initiators.Admin,
                Initiator = admin,
                ResourceType = LogResourceType,
                SourceId = "monday",
                SourceName = "monday.com connection",
                SourceNameNormalized = "monday.com connection",
                TargetName = next.TenantUrl,
                Action = LogAction,
                Status = LogStatuses.Success,
                Message = $"{admin} saved the monday.com connection: {string.Join("; ", changes.Select(Describe))}.",
                Steps = "[]",
                ModifiedProperties = JsonSerializer.Serialize(changes, JsonSerializerOptions.Web),
                Attempt = 1,
                Instance = push.Value.InstanceId,
            });
            await db.SaveChangesAsync(cancellationToken);
            if (url is not null || scim is not null)
            {
                // New credentials are what a quarantine waits for: the next probe tries them now, not on the schedule.
                await db.PushTargets.Where(t => t.Id == Quarantine.TargetId && t.QuarantinedSince != null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.NextProbeAt, now), cancellationToken);
            }
        }
        await settings.RefreshAsync(cancellationToken);
        return Describe();
    }

    /// <summary>An absolute https URL (http only for a loopback address, for a local simulator) ending in /scim/v2.</summary>
    public static string ValidTenantUrl(string url)
    {
        const string Example = "https://<account>.monday.com/scim/v2/";
        if (url.Length > MaxUrlLength || url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw AdminException.Invalid("tenantUrl", $"The Tenant URL is at most {MaxUrlLength} characters, without spaces or control characters, like {Example}");
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw AdminException.Invalid("tenantUrl", $"The Tenant URL must be an absolute https:// URL, like {Example}");
        }
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw AdminException.Invalid("tenantUrl", $"The Tenant URL must use https:// (plain http:// only for a loopback address such as 127.0.0.1, for testing): the token would travel in clear. Like {Example}");
        }
        if (uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw AdminException.Invalid("tenantUrl", $"The Tenant URL has no user name, query or fragment: like {Example}");
        }
        if (!uri.AbsolutePath.TrimEnd('/').EndsWith("/scim/v2", StringComparison.OrdinalIgnoreCase))
        {
            throw AdminException.Invalid("tenantUrl", $"The Tenant URL must end in /scim/v2/, like {Example}");
        }
        return url.EndsWith('/') ? url : url + "/";
    }

    private static void ValidToken(string name, ConnectionField field, string? token)
    {
        if (token is not null && (token.Length > MaxTokenLength || token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))))
        {
            throw AdminException.Invalid(name, $"The {field.Label} is one word of at most {MaxTokenLength} characters, without spaces or control characters: paste it as monday.com shows it.");
        }
    }

    /// <summary>The configuration source that sets the field (the last one wins), or null when none does.</summary>
    public string? ConfiguredBy(ConnectionField field) =>
        Blank(configuration[field.Key]) ? null : (configuration as IConfigurationRoot)?.Providers is { } providers
            ? SourceOf(providers, field.Key) ?? $"the configuration ({field.Key})"
            : $"the configuration ({field.Key})";

    private static string? SourceOf(IEnumerable<IConfigurationProvider> providers, string key)
    {
        foreach (var provider in providers.Reverse())
        {
            if (provider is ChainedConfigurationProvider { Configuration: IConfigurationRoot inner })
            {
                if (SourceOf(inner.Providers, key) is { } found)
                {
                    return found;
                }
                continue;
            }
            if (provider.TryGet(key, out var value) && !Blank(value))
            {
                return provider switch
                {
                    EnvironmentVariablesConfigurationProvider => $"the environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
                    JsonConfigurationProvider json => $"the configuration file {json.Source.Path}",
                    MemoryConfigurationProvider => $"the configuration ({key})",
                    _ when provider.GetType().Name.Contains("CommandLine", StringComparison.Ordinal) => $"the command line (--{key})",
                    _ when provider.GetType().Name.StartsWith("KeyPerFile", StringComparison.Ordinal) => $"the secret file {key.Replace(":", "__", StringComparison.Ordinal)}",
                    _ => $"the configuration ({key}, {provider.GetType().Name.Replace("ConfigurationProvider", "", StringComparison.Ordinal)})",
                };
            }
        }
        return null;
    }

    private string? ConfiguredValue(ConnectionField field) => Blank(configuration[field.Key]) ? null : configuration[field.Key];

    private static string Describe(PropertyChange change) => change.Name switch
    {
        nameof(MondayOptions.TenantUrl) => $"Tenant URL {change.New}",
        nameof(MondayOptions.ScimToken) => $"SCIM token {change.New?.Trim('(', ')')}",
        _ => change.New is null ? "API token removed" : $"API token {change.New.Trim('(', ')')}",
    };

    private static string? Shown(string? token) => Blank(token) ? null : "(set)";

    private static bool Blank(string? value) => string.IsNullOrWhiteSpace(value);
}
