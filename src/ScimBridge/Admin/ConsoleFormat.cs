using System.Globalization;

namespace ScimBridge.Admin;

/// <summary>How the console shows values: times in UTC, to the second, the same on every page.</summary>
public static class ConsoleFormat
{
    public static string Time(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 user", "2 users", "1,500 users"; <paramref name="plural"/> for the irregular ones ("entry", "entries").</summary>
    public static string Count(long value, string singular, string? plural = null) =>
        $"{Number(value)} {Noun(value, singular, plural)}";

    /// <summary>The noun alone, when the number is shown apart from it.</summary>
    public static string Noun(long value, string singular, string? plural = null) =>
        value == 1 ? singular : plural ?? singular + "s";

    /// <summary>
    /// "1 day", "3 hours", "1 hour 30 min", "2 min", "45 s", "250 ms": the largest unit and the next one, rounded
    /// down; never "1.00:00:00" or "86400 s".
    /// </summary>
    public static string Duration(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            return "-" + Duration(value.Duration());
        }
        if (value < TimeSpan.FromSeconds(1))
        {
            return $"{Number((long)value.TotalMilliseconds)} ms";
        }

        var days = (long)value.TotalDays;
        (long Amount, string Text)[] units =
        [
            (days, Count(days, "day")),
            (value.Hours, Count(value.Hours, "hour")),
            (value.Minutes, $"{value.Minutes} min"),
            (value.Seconds, $"{value.Seconds} s"),
        ];
        var first = Array.FindIndex(units, u => u.Amount > 0);
        // The next unit only when it is not zero: "1 day", not "1 day 0 hours".
        return first + 1 < units.Length && units[first + 1].Amount > 0 ? $"{units[first].Text} {units[first + 1].Text}" : units[first].Text;
    }

    public static string Duration(TimeSpan? value) => value is { } v ? Duration(v) : "—";

    /// <summary>A duration counted in seconds (rounded to the second), like <see cref="Duration(TimeSpan)"/>.</summary>
    public static string Seconds(double? seconds) => seconds is { } s ? Duration(TimeSpan.FromSeconds(Math.Round(s))) : "—";
}
