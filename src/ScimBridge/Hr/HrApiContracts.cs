using System.ComponentModel;
using System.Text.Json;
using ScimBridge.Data;

namespace ScimBridge.Hr;

/// <summary>How a request names a worker: exactly one of the four keys.</summary>
public sealed record WorkerKeyRequest(
    [property: Description("The enterprise extension's employeeNumber (Workday, SuccessFactors: the employee id).")] string? EmployeeNumber,
    [property: Description("The SCIM externalId (what Entra's API-driven inbound provisioning sends as the employee id).")] string? ExternalId,
    [property: Description("The SCIM userName (compared case-insensitively).")] string? UserName,
    [property: Description("One of the user's email addresses (compared case-insensitively).")] string? Email);

public sealed record TerminationRequest(
    WorkerKeyRequest Worker,
    [property: Description("2027-03-31 (at Hr:DefaultTerminationTime, 19:00 unless configured, in the worker's zone), 2027-03-31T17:00 (wall-clock time in the worker's zone) or 2027-03-31T17:00:00Z / +02:00 (an instant). Absent or past: now.")] string? Effective,
    [property: Description("IANA time zone the effective time is read in; absent: the user's SCIM timezone, else Hr:DefaultTimeZone.")] string? TimeZone,
    [property: Description("Why, for the history (at most 1000 characters).")] string? Reason);

public sealed record RescissionRequest(
    [property: Description("The worker whose pending (or fired) termination is rescinded; or give eventId.")] WorkerKeyRequest? Worker,
    [property: Description("The event to rescind; or give worker.")] long? EventId,
    [property: Description("Why, for the history (at most 1000 characters).")] string? Reason);

public sealed record RescindEventRequest([property: Description("Why, for the history (at most 1000 characters).")] string? Reason);

public sealed record RehireRequest(
    WorkerKeyRequest Worker,
    [property: Description("2027-04-01 (00:00, the start of that day, in the worker's zone), 2027-04-01T09:00 (wall-clock) or an instant with offset. Absent or past: now.")] string? Effective,
    [property: Description("IANA time zone; absent: the user's SCIM timezone, else Hr:DefaultTimeZone.")] string? TimeZone,
    [property: Description("Why, for the history (at most 1000 characters).")] string? Reason);

public sealed record MoveRequest(
    WorkerKeyRequest Worker,
    [property: Description("New job title; \"\" clears it; absent leaves it.")] string? Title,
    [property: Description("New department; \"\" clears it; absent leaves it.")] string? Department,
    [property: Description("The new manager, named like a worker ({\"employeeNumber\": \"E42\"}); \"\" clears it; absent leaves it.")] WorkerKeyRequest? Manager,
    [property: Description("monday.com seat type: admin, member, viewer or guest.")] string? SeatType,
    [property: Description("2027-04-01 (00:00 in the worker's zone), 2027-04-01T09:00 (wall-clock) or an instant with offset. Absent or past: now.")] string? Effective,
    [property: Description("IANA time zone; absent: the user's SCIM timezone, else Hr:DefaultTimeZone.")] string? TimeZone,
    [property: Description("Why, for the history (at most 1000 characters).")] string? Reason);

/// <summary>The worker an event is about, as it was when the event was recorded.</summary>
public sealed record HrWorkerView(string UserId, string? UserName, string? EmployeeNumber, string MatchedBy);

/// <summary>A move's changes: null leaves an attribute, "" clears it; manager is the manager's user id.</summary>
public sealed record HrMoveView(string? Title, string? Department, string? Manager, string? SeatType);

/// <summary>One HR event. Times are UTC; effectiveLocal is the wall-clock time in timeZone.</summary>
public sealed record HrEventView(
    long Id,
    [property: Description("Terminate, Rehire or Move.")] string Kind,
    [property: Description("Scheduled, Held (by the mass-termination guard), Fired, Rescinded, Superseded or Failed.")] string State,
    HrWorkerView Worker,
    [property: Description("When it fires (UTC).")] DateTime EffectiveAt,
    [property: Description("The wall-clock time asked for, in timeZone (ISO 8601 without offset).")] string? EffectiveLocal,
    string TimeZone,
    [property: Description("True when it was recorded to fire at once (no effective time, or one already past).")] bool FiresNow,
    [property: Description("What the bridge decided: the instant chosen in a DST gap or overlap, a past time firing now, a termination it replaces.")] string? Note,
    string? Reason,
    HrMoveView? Changes,
    [property: Description("Api, Bulk, Roster or Console.")] string Source,
    [property: Description("The HR token's name (or the admin).")] string Actor,
    string? ClientRequestId,
    string? BatchId,
    DateTime CreatedAt,
    DateTime? FiredAt,
    DateTime? ClosedAt,
    string? ClosedBy,
    [property: Description("Why the guard holds it, or why it failed.")] string? Error)
{
    public static HrEventView Of(HrEventRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.Id, e.Kind, e.State, new HrWorkerView(e.UserId, e.UserName, e.EmployeeNumber, e.MatchedBy), e.EffectiveAt.UtcDateTime,
            e.EffectiveLocal, e.TimeZone, e.EffectiveAt <= e.CreatedAt, e.Note, e.Reason, ReadChanges(e.Details), e.Source, e.Actor, e.ClientRequestId,
            e.BatchId, e.CreatedAt.UtcDateTime, e.FiredAt?.UtcDateTime, e.ClosedAt?.UtcDateTime, e.ClosedBy, e.Error);
    }

    private static HrMoveView? ReadChanges(string? details)
    {
        if (string.IsNullOrEmpty(details))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<HrMoveView>(details, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A page of events in effectiveAt, id order; nextCursor fetches the next one (null on the last).</summary>
public sealed record HrEventPage(IReadOnlyList<HrEventView> Items, string? NextCursor, int Limit);

/// <summary>A worker's HR state: the termination in force and its leaver step, and the events still to fire.</summary>
public sealed record HrWorkerStateView(
    HrWorkerView Worker,
    [property: Description("The inbound user's SCIM active flag.")] bool Active,
    [property: Description("The SCIM record's timezone, if any.")] string? TimeZone,
    [property: Description("Active (no termination in force), Leaving (leaver steps left) or Left.")] string Status,
    long? TerminationId,
    [property: Description("The next leaver step: Snapshot, Deactivate, ConfirmDeactivated, Hold, RemoveFromTeams or Delete.")] string? Step,
    DateTime? StepDueAt,
    [property: Description("The termination's effective instant (UTC).")] DateTime? EffectiveAt,
    [property: Description("When monday.com confirmed the deactivation (the leaver SLA's end).")] DateTime? DeactivatedAt,
    bool Deactivated,
    bool RemovedFromTeams,
    bool Deleted,
    [property: Description("The teams the user was in when the termination fired (restored by a rehire).")] IReadOnlyList<string> Teams,
    [property: Description("Scheduled or held events of this worker, in effectiveAt order.")] IReadOnlyList<HrEventView> Pending);
