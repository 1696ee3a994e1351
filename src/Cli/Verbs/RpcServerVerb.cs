using System.CommandLine;
using System.Diagnostics;
using LlamaJump.App;
using LlamaJump.Interop;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump rpc-server [--host 127.0.0.1] [--port 50052] [--threads N]</c>: starts ggml's rpc-server
/// from the same pinned, patched build (beside libllama), in the foreground until it is stopped, so another machine's
/// (or this one's) <c>--rpc host:port</c> can place layers on this machine. A thin launcher: the server's own output
/// passes through; its exit code is returned.</summary>
public static class RpcServerVerb
{
    public const int DefaultPort = 50052;

    public static Command Create(JobContext context)
    {
        var host = new Option<string>("--host") { Description = "Address to listen on (default 127.0.0.1; anything else is reachable from the network, and the RPC protocol has no authentication)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => DefaultPort };
        var threads = new Option<int?>("--threads") { Description = "CPU threads of the server's backend (default: the server's own choice)" };
        var command = new Command("rpc-server", "Serve this machine's CPU to other llamajump processes' --rpc (llama.cpp's RPC backend)") { host, port, threads };
        command.SetAction(parse => JobRunner.Run(context, () => Execute(context, parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(threads))));
        return command;
    }

    public static int Execute(JobContext context, string host, int port, int? threads)
    {
        RpcEndpoint endpoint;
        try
        {
            endpoint = RpcEndpoint.Parse($"{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}");
        }
        catch (FormatException e)
        {
            throw new UserInputException($"--host/--port: {e.Message}");
        }
        if (threads is < 1)
            throw new UserInputException($"--threads must be positive (got {threads})");
        NativeBackend.Initialize();
        string server = Path.Combine(Path.GetDirectoryName(NativeBackend.LibraryPath)!, "rpc-server");
        if (!File.Exists(server))
            throw new NativeBackendMissingException($"rpc-server is missing beside {NativeBackend.LibraryPath}; run ./build.sh");
        if (!endpoint.IsLoopback)
            context.Error.WriteLine($"llamajump: warning: listening on {endpoint.Host}: the RPC protocol has no authentication; anyone who reaches this port can run computations here and read what is sent");
        var start = new ProcessStartInfo(server) { UseShellExecute = false };
        foreach (string arg in (string[])["--host", endpoint.Host, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            start.ArgumentList.Add(arg);
        if (threads is { } n)
        {
            start.ArgumentList.Add("--threads");
            start.ArgumentList.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        context.Error.WriteLine($"rpc-server: serving {endpoint} (Ctrl-C stops it)");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {server}");
        // Ctrl-C reaches the server too (same process group); SIGTERM to this launcher is passed on
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            try { process.Kill(); } catch (InvalidOperationException) { }
        });
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, signal => signal.Cancel = true);
        process.WaitForExit();
        return process.ExitCode;
    }
}
