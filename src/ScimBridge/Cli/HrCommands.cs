using System.CommandLine;

namespace ScimBridge.Cli;

/// <summary><c>hr import FILE</c>: a CSV roster, previewed (--dry-run) or applied. Same database settings as the server.</summary>
public static class HrCommands
{
    public static Command Command() => new("hr", "HR-driven lifecycle: import a CSV roster.");
}
