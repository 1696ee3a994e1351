using LlamaJump.App;

namespace LlamaJump.Cli;

/// <summary>Turns the first Ctrl-C (SIGINT) or SIGTERM into a cancellation the running job checks between units of
/// work; a second Ctrl-C ends the process at once. Dispose to restore the default handling.</summary>
public sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly TextWriter _log;
    private readonly System.Runtime.InteropServices.PosixSignalRegistration _sigterm;

    public Interruption(TextWriter log)
    {
        _log = log;
        Console.CancelKeyPress += OnCancelKeyPress;
        _sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Request("terminate signal");
        });
    }

    public CancellationToken Token => _source.Token;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested)
        {
            return; // second Ctrl-C: let the runtime end the process
        }
        e.Cancel = true;
        Request("Ctrl-C");
    }

    private void Request(string what)
    {
        _log.WriteLine();
        _log.WriteLine($"llamajump: {what}: stopping after the current batch (press Ctrl-C again to abort now)");
        _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _sigterm.Dispose();
        _source.Dispose();
    }
}
