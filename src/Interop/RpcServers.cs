using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>A server could not be used: unreachable, of another RPC protocol version, or without devices.</summary>
public sealed class RpcServerException(string message) : Exception(message);

/// <summary>
/// ggml's RPC backend, process-wide as llama.cpp's device registry is: <see cref="Connect"/> registers servers, whose
/// devices every model loaded afterwards may place layers on (<see cref="Connected"/>).
/// </summary>
public static class RpcServers
{
    private static readonly Lock Gate = new();
    private static readonly List<RpcEndpoint> _connected = [];

    /// <summary>The servers registered in this process, in order.</summary>
    public static IReadOnlyList<RpcEndpoint> Connected
    {
        get
        {
            lock (Gate)
                return _connected.ToList();
        }
    }

    /// <summary>Connects to each server (once per process) and registers its devices; returns the devices each
    /// offers. Throws <see cref="RpcServerException"/> with the library's one-line reason for the first server that
    /// cannot be used.</summary>
    public static IReadOnlyList<int> Connect(IReadOnlyList<RpcEndpoint> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        NativeBackend.Initialize();
        var devices = new List<int>();
        lock (Gate)
        {
            foreach (var server in servers)
            {
                int n = LlamaJumpRpcNative.llama_jump_rpc_add_server(server.ToString());
                if (n < 0)
                {
                    string reason;
                    unsafe
                    {
                        reason = System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)LlamaJumpNative.llama_jump_last_error()) ?? $"status {n}";
                    }
                    throw new RpcServerException(reason);
                }
                devices.Add(n);
                if (!_connected.Contains(server))
                    _connected.Add(server);
            }
        }
        return devices;
    }

    /// <summary>From now on a lost server — ggml-rpc aborts the process then — ends it with one line,
    /// "<paramref name="prefix"/>: …", and <paramref name="exitCode"/>, instead of a native abort.</summary>
    public static void ExitOnLostServer(int exitCode, string prefix)
    {
        NativeBackend.Initialize();
        LlamaJumpRpcNative.llama_jump_exit_on_abort(exitCode, prefix);
    }
}
