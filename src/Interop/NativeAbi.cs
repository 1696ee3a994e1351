using System.Runtime.InteropServices;
using LlamaJump.Interop.Native;

namespace LlamaJump.Interop;

/// <summary>One field of a public llama.h struct as the patched library was compiled; <see cref="Field"/> is
/// empty for the row that gives the size of the whole struct.</summary>
public sealed record NativeAbiField(string Struct, string Field, long Offset, long Size)
{
    public bool IsStructSize => Field.Length == 0;
}

/// <summary>The struct layout description exported by the patched libllama (llama_jump_abi_*).</summary>
public static class NativeAbi
{
    public static IReadOnlyList<NativeAbiField> Describe()
    {
        NativeBackend.Initialize();
        unsafe
        {
            int n = LlamaJumpAbiNative.llama_jump_abi_n_fields();
            var rows = new List<NativeAbiField>(n);
            for (int i = 0; i < n; i++)
            {
                llama_jump_abi_field* row = LlamaJumpAbiNative.llama_jump_abi_get_field(i);
                rows.Add(new NativeAbiField(
                    Marshal.PtrToStringUTF8((nint)row->struct_name) ?? "",
                    Marshal.PtrToStringUTF8((nint)row->field_name) ?? "",
                    (long)row->offset,
                    (long)row->size));
            }
            return rows;
        }
    }
}
