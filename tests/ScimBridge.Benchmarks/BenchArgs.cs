using System.Globalization;

namespace ScimBridge.Benchmarks;

// Every benchmark's "--name value" options, read one way: ReadAsync hands them to the benchmark's own reader, and a
// missing value, a number out of range, an option the reader never asked for, or PostgreSQL without
// SCIMBRIDGE_TEST_POSTGRES is written out with the usage and gives null (the benchmark exits 2).
internal sealed class BenchArgs
{
    public const string PostgresVariable = "SCIMBRIDGE_TEST_POSTGRES";

    private readonly Dictionary<string, List<string>> _given = new(StringComparer.Ordinal);
    private readonly HashSet<string> _asked = new(StringComparer.Ordinal);
    private bool _wantsPostgres;

    public static string Postgres => Environment.GetEnvironmentVariable(PostgresVariable) ?? "";

    public static async Task<T?> ReadAsync<T>(string[] args, string usage, Func<BenchArgs, T> read) where T : class
    {
        try
        {
            var options = new BenchArgs(args);
            var result = read(options);
            if (options._given.Keys.FirstOrDefault(name => !options._asked.Contains(name)) is { } unknown)
            {
                throw new ArgumentException($"Unknown option '{unknown}'.");
            }

            if (options._wantsPostgres && string.IsNullOrWhiteSpace(Postgres))
            {
                await Console.Error.WriteLineAsync(
                    $"{PostgresVariable} is not set: run 'scripts/postgres.sh start' and 'eval \"$(scripts/postgres.sh env)\"'.");
                return null;
            }

            return result;
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            await Console.Error.WriteLineAsync(usage);
            return null;
        }
    }

    private BenchArgs(string[] args)
    {
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            if (!_given.TryGetValue(args[i], out var values))
            {
                _given[args[i]] = values = [];
            }

            values.Add(value);
        }
    }

    public IReadOnlyList<string> All(string name)
    {
        _asked.Add(name);
        return _given.TryGetValue(name, out var values) ? values : [];
    }

    public string? Text(string name) => All(name) is [.., var last] ? last : null;

    public string? FullPath(string name) => Text(name) is { } path ? Path.GetFullPath(path) : null;

    public int? NumberOrNull(string name, int min, int max) =>
        Text(name) is not { } value
            ? null
            : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{value}'.");

    public int Number(string name, int fallback, int min = 1, int max = int.MaxValue) => NumberOrNull(name, min, max) ?? fallback;

    public double Seconds(string name, double fallback, double min = 1, double max = 3600) =>
        Text(name) is not { } value
            ? fallback
            : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= min && s <= max
                ? s
                : throw new ArgumentException($"{name} must be a number from {min} to {max}, not '{value}'.");

    public string[] Providers(bool both = true)
    {
        string[] providers = (Text("--provider") ?? "sqlite").ToLowerInvariant() switch
        {
            "sqlite" => ["sqlite"],
            "postgres" => ["postgres"],
            "both" when both => ["sqlite", "postgres"],
            var other => throw new ArgumentException($"--provider must be sqlite, postgres{(both ? " or both" : "")}, not '{other}'."),
        };
        _wantsPostgres = providers.Contains("postgres");
        return providers;
    }
}
