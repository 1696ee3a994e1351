using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LlamaJump.Tests.EndToEnd;

/// <summary>
/// <c>./llamajump rpc-server</c> on 127.0.0.1 at a free port, started by a test and stopped with it (the launcher and
/// the server it runs: the whole process tree). The constructor returns once the port accepts connections.
/// </summary>
internal sealed class LoopbackRpcServer : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;

    public LoopbackRpcServer(int? port = null)
    {
        Port = port ?? FreePort();
        _process = Cli.Start(Cli.Launcher, ["rpc-server", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!Accepts(Port))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"rpc-server on port {Port} did not start (exited: {_process.HasExited})");
            Thread.Sleep(100);
        }
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Stops the server at once, as a crash or a pulled cable would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    /// <summary>A port nothing listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
