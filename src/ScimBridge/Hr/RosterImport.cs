namespace ScimBridge.Hr;

/// <summary>CSV roster import: parse, preview every change (dry run), apply.</summary>
public sealed class RosterImport;

public static class RosterApi
{
    /// <summary>POST /hr/v1/rosters (dry run or apply).</summary>
    public static void MapRosters(this RouteGroupBuilder hr)
    {
        ArgumentNullException.ThrowIfNull(hr);
    }
}
