using System.Globalization;

namespace ScimBridge.Admin;

/// <summary>How the console shows values: times in UTC, to the second, the same on every page.</summary>
public static class ConsoleFormat
{
    public static string Time(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "—";

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
