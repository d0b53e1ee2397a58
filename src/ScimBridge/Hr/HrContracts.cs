namespace ScimBridge.Hr;

public static class HrEventKinds
{
    public const string Terminate = "Terminate";
    public const string Rehire = "Rehire";
    public const string Move = "Move";

    public static readonly IReadOnlyList<string> All = [Terminate, Rehire, Move];
}

/// <summary>
/// Scheduled → (Held →) Fired, or Scheduled/Held → Rescinded; a fired termination that is rescinded is undone and
/// becomes Rescinded too. Superseded: replaced by a newer termination of the same worker before it fired. Failed: could
/// not be applied (the user was deleted meanwhile); <c>Error</c> says why.
/// </summary>
public static class HrEventStates
{
    public const string Scheduled = "Scheduled";
    public const string Held = "Held";
    public const string Fired = "Fired";
    public const string Rescinded = "Rescinded";
    public const string Superseded = "Superseded";
    public const string Failed = "Failed";

    public static readonly IReadOnlyList<string> All = [Scheduled, Held, Fired, Rescinded, Superseded, Failed];
    public static readonly IReadOnlyList<string> Pending = [Scheduled, Held];
}

public static class HrWorkerStatuses
{
    /// <summary>No termination in force (never terminated, rehired, rescinded, or an admin overrode it).</summary>
    public const string Active = "Active";
    /// <summary>Terminated: the leaver pipeline has steps left.</summary>
    public const string Leaving = "Leaving";
    /// <summary>Terminated, every leaver step done.</summary>
    public const string Left = "Left";
}

/// <summary>The leaver pipeline, in order; <c>Hr:LeaverSteps</c> turns the optional ones on.</summary>
public static class LeaverSteps
{
    public const string Snapshot = "Snapshot";
    public const string Deactivate = "Deactivate";
    /// <summary>Waiting for the push to confirm the deactivation in monday.com.</summary>
    public const string ConfirmDeactivated = "ConfirmDeactivated";
    public const string Hold = "Hold";
    public const string RemoveFromTeams = "RemoveFromTeams";
    public const string Delete = "Delete";
}

public static class HrSources
{
    public const string Api = "Api";
    public const string Bulk = "Bulk";
    public const string Roster = "Roster";
    public const string Console = "Console";
}

public static class HrJobKinds
{
    public const string BulkUpload = "BulkUpload";
    public const string Roster = "Roster";
}

public static class HrJobStatuses
{
    public const string Queued = "Queued";
    public const string Running = "Running";
    public const string Completed = "Completed";
    public const string Failed = "Failed";
}

/// <summary>Who asked, and through what: an HR token's name and Api/Bulk/Roster, or an admin and Console.</summary>
public sealed record HrActor(string Name, string Source, string? ClientRequestId = null, string? BatchId = null);

/// <summary>How a request names a worker: exactly one of these.</summary>
public sealed record WorkerKey(string By, string Value)
{
    public const string EmployeeNumber = "employeeNumber";
    public const string ExternalId = "externalId";
    public const string UserName = "userName";
    public const string Email = "email";

    public static readonly IReadOnlyList<string> All = [EmployeeNumber, ExternalId, UserName, Email];
}

/// <summary>A worker found: the inbound user, and the time zone its SCIM record carries (null when none).</summary>
public sealed record ResolvedWorker(string UserId, string UserName, string? EmployeeNumber, string MatchedBy, string? TimeZone, bool Active);

/// <summary>A move's changes; null leaves an attribute as it is, an empty string clears it.</summary>
public sealed record MoveChanges(string? Title, string? Department, string? Manager, string? SeatType)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => Title is null && Department is null && Manager is null && SeatType is null;
}

/// <summary>A request the HR surface refuses: the status, a title, the detail, and the field it is about.</summary>
public sealed class HrException(int status, string title, string detail, string? field = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string Detail { get; } = detail;
    public string? Field { get; } = field;

    public static HrException Invalid(string field, string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail, field);

    public static HrException NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);

    public static HrException Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);
}
