using System.Runtime.InteropServices;
using System.Text;

namespace ScimBridge.Benchmarks;

// Ctrl-C or SIGTERM cancels the run instead of ending the process, so that the server and the benchmark database
// are still removed.
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource cts = new();
    private readonly PosixSignalRegistration sigint;
    private readonly PosixSignalRegistration sigterm;

    public StopSignal()
    {
        sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    public CancellationToken Token => cts.Token;

    private void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        Console.Error.WriteLine("Stopping: the server and the benchmark database are being removed...");
        cts.Cancel();
    }

    public void Dispose()
    {
        sigint.Dispose();
        sigterm.Dispose();
        cts.Dispose();
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
