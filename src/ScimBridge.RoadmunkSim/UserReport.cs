using System.Globalization;
using System.Text;

namespace ScimBridge.RoadmunkSim;

/// <summary>
/// The "Download User CSV" report (Account Settings &gt; Reports): the only place that tells active from inactive
/// users. Its real columns are unpublished, so <see cref="ReportHeaders"/> picks one of two dialects
/// (<c>?headers=alternative</c> overrides it for one download).
/// </summary>
public static class UserReport
{
    public static IResult Get(RoadmunkSimState state, string? headers = null)
    {
        if (!Enum.TryParse<ReportHeaders>(headers ?? state.ReportHeaders.ToString(), ignoreCase: true, out var dialect))
        {
            return Results.Problem($"Unknown headers '{headers}': Standard or Alternative.", statusCode: StatusCodes.Status400BadRequest);
        }
        string csv;
        lock (state.Sync)
        {
            csv = Build(state.Users, dialect);
        }
        return Results.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", "users.csv");
    }

    public static string Build(IEnumerable<RoadmunkUser> users, ReportHeaders dialect)
    {
        var standard = dialect == ReportHeaders.Standard;
        var csv = new StringBuilder();
        csv.Append(standard ? "Email,Name,Role,Status,Last Login" : "EMAIL ADDRESS,FULL NAME,ACCOUNT ROLE,ACTIVE,LAST LOGIN DATE").Append("\r\n");
        foreach (var user in users)
        {
            var status = standard ? (user.Active ? "Active" : "Inactive") : (user.Active ? "Yes" : "No");
            var lastLogin = user.LastLogin?.UtcDateTime.ToString(standard ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
            csv.AppendJoin(',', new[] { user.Email, user.DisplayName, user.AccountRole, status, lastLogin }.Select(Quote)).Append("\r\n");
        }
        return csv.ToString();
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
