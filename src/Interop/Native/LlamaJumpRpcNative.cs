using System.Runtime.InteropServices;

namespace LlamaJump.Interop.Native;

// Mirrors include/llama-jump-rpc.h (native/patches/0004-rpc.patch).
internal static partial class LlamaJumpRpcNative
{
    /// <returns>the server's device count, or a negative llama_jump_status (the reason in llama_jump_last_error)</returns>
    [LibraryImport(LlamaJumpLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int llama_jump_rpc_add_server(string endpoint);

    [LibraryImport(LlamaJumpLibrary.Name, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void llama_jump_exit_on_abort(int exit_code, string prefix);
}
