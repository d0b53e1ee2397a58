using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ScimBridge.Hr;

/// <summary>When an event fires: the UTC instant, the wall-clock time in the worker's zone, and what was decided on the way.</summary>
public sealed record EffectiveInstant(DateTimeOffset At, string Local, string TimeZone, string? Note, bool Past)
{
    public string Describe() => $"{Local} {TimeZone} ({At.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z)";
}

/// <summary>
/// Reads an effective date or date and time in a worker's IANA time zone. A date alone takes the default time (for a
/// termination <c>Hr:DefaultTerminationTime</c>); a time without offset is wall-clock time in the zone; a time with an
/// offset or Z is an instant. A wall-clock time in a DST gap is moved forward by the gap (02:30 → 03:30); one in an
/// overlap is the first of the two (the earlier instant); either way the note says which instant was chosen.
/// </summary>
public static class EffectiveTime
{
    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    /// <summary>Finds an IANA zone by id (exact spelling); Windows ids and unknown names are refused.</summary>
    public static bool TryFindZone(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) || !found.HasIanaId)
        {
            return false;
        }
        zone = found;
        return true;
    }

    /// <summary>The zone, or a 400 naming <paramref name="field"/> (and the IANA id, when a Windows id was given).</summary>
    public static TimeZoneInfo Zone(string id, string field)
    {
        if (TryFindZone(id, out var zone))
        {
            return zone;
        }
        var hint = TimeZoneInfo.TryConvertWindowsIdToIanaId(id ?? "", out var iana) ? $" Use the IANA id '{iana}'." : " Use an IANA id such as Europe/Paris or America/Los_Angeles.";
        throw HrException.Invalid(field, $"'{id}' is not a known IANA time zone.{hint}");
    }

    /// <summary>
    /// The instant for <paramref name="value"/> (null or empty: now) in <paramref name="zone"/>; a date alone takes
    /// <paramref name="defaultTime"/>. Throws a 400 naming <paramref name="field"/> for anything else.
    /// </summary>
    public static EffectiveInstant Resolve(string? value, TimeZoneInfo zone, TimeOnly defaultTime, DateTimeOffset now, string field = "effective")
    {
        ArgumentNullException.ThrowIfNull(zone);
        var id = zone.Id;
        if (string.IsNullOrWhiteSpace(value))
        {
            return new EffectiveInstant(now, LocalText(TimeZoneInfo.ConvertTime(now, zone).DateTime), id, null, Past: false);
        }
        value = value.Trim();
        DateTime local;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            local = date.ToDateTime(defaultTime);
        }
        else if (DateTime.TryParseExact(value, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall))
        {
            local = wall;
        }
        else if (value.Length > 10 && value[10] == 'T'
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return WithPast(new EffectiveInstant(instant.ToUniversalTime(), LocalText(TimeZoneInfo.ConvertTime(instant, zone).DateTime), id, null, false), now);
        }
        else
        {
            throw HrException.Invalid(field,
                $"'{value}' is not a date (2027-03-31), a local date and time (2027-03-31T17:00) or an instant with offset (2027-03-31T17:00:00Z).");
        }
        return WithPast(FromLocal(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), now);
    }

    /// <summary>A wall-clock time in the zone as an instant, choosing across a DST gap or overlap and saying so.</summary>
    public static EffectiveInstant FromLocal(DateTime local, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The offset in force before the clocks went forward: the instant lands as far past the gap as asked into it.
            var before = zone.GetUtcOffset(local.AddDays(-1));
            var at = new DateTimeOffset(local, before).ToUniversalTime();
            var shown = TimeZoneInfo.ConvertTime(at, zone);
            return new EffectiveInstant(at, LocalText(shown.DateTime), zone.Id,
                $"{LocalText(local)} does not exist in {zone.Id} (the clocks go forward that night): chose {LocalText(shown.DateTime)} ({Utc(at)}).", false);
        }
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            var first = new DateTimeOffset(local, offsets.Max()).ToUniversalTime();
            var second = new DateTimeOffset(local, offsets.Min()).ToUniversalTime();
            return new EffectiveInstant(first, LocalText(local), zone.Id,
                $"{LocalText(local)} happens twice in {zone.Id} (the clocks go back that night): chose the first, {Utc(first)}; the second would be {Utc(second)}.", false);
        }
        var instant = new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
        return new EffectiveInstant(instant, LocalText(local), zone.Id, null, false);
    }

    private static EffectiveInstant WithPast(EffectiveInstant effective, DateTimeOffset now)
    {
        if (effective.At > now)
        {
            return effective;
        }
        var past = $"The effective time {effective.Describe()} is already past: it fires now.";
        return effective with { Past = true, Note = effective.Note is null ? past : $"{effective.Note} {past}" };
    }

    private static string LocalText(DateTime local) => local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
