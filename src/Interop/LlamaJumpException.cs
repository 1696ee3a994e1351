using System.Runtime.InteropServices;
using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>A llama_jump_* call returned an error status; the message is the library's own (llama_jump_last_error).</summary>
public sealed class LlamaJumpException : Exception
{
    internal LlamaJumpException(LlamaJumpStatus status, string message) : base(message) => Status = (int)status;

    /// <summary>The native status code (negative; see include/llama-jump.h).</summary>
    public int Status { get; }

    /// <summary>Throws for a negative status, with the message the native side recorded on this thread.</summary>
    internal static int Check(int status)
    {
        if (status >= 0)
        {
            return status;
        }
        string message;
        unsafe
        {
            message = Marshal.PtrToStringUTF8((nint)LlamaJumpNative.llama_jump_last_error()) ?? "";
        }
        throw new LlamaJumpException((LlamaJumpStatus)status, message.Length > 0 ? message : $"llama_jump call failed with status {status}");
    }
}
