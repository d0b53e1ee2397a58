using System.Runtime.InteropServices;
using System.Text;

namespace ScimBridge.Benchmarks;

// Ctrl-C or SIGTERM cancels the run instead of ending the process, so that the server and the benchmark database
// are still removed.
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public StopSignal()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    public CancellationToken Token => _cts.Token;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        Console.Error.WriteLine("Stopping: the server and the benchmark database are being removed...");
        _cts.Cancel();
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _cts.Dispose();
    }
}

internal static class MarkdownRemarks
{
    public static StringBuilder AppendRemarks(this StringBuilder md, IReadOnlyCollection<string> remarks)
    {
        if (remarks.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Remarks:");
            foreach (var remark in remarks)
            {
                md.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"- {remark}");
            }
        }

        return md;
    }
}
