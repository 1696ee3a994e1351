using System.Runtime.InteropServices;

namespace LlamaJump.Interop.Native;

// Mirrors include/llama-jump-abi.h (native/patches/0001-llamasharp-abi.patch).

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct llama_jump_abi_field
{
    public byte* struct_name;
    public byte* field_name;
    public nuint offset;
    public nuint size;
}

internal static unsafe partial class LlamaJumpAbiNative
{
    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial int llama_jump_abi_n_fields();

    /// <returns>row i (static storage) or null when i is out of range</returns>
    [LibraryImport(LlamaJumpLibrary.Name)]
    public static partial llama_jump_abi_field* llama_jump_abi_get_field(int i);
}
