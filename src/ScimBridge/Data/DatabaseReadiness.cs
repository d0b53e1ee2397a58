namespace ScimBridge.Data;

/// <summary>
/// Whether this process has brought the database's schema up to date. Reads made earlier (options built while the
/// host starts) must not touch tables a fresh database does not have yet: EF would log each failed query as an error.
/// </summary>
public sealed class DatabaseReadiness
{
    private volatile bool _migrated;

    public bool Migrated => _migrated;

    internal void MarkMigrated() => _migrated = true;
}
