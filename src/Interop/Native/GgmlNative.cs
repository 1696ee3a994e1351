using System.Runtime.InteropServices;

namespace LlamaJump.Interop.Native;

// Mirrors the quantisation part of ggml/include/ggml.h (libggml-base, which libllama.so loads as a dependency; the
// name resolves to that same file through NativeBackend). Types are ggml_type numbers (LlamaJump.Gguf.GgmlType).

/// <summary>struct ggml_type_traits (ggml.h), as b10361 lays it out.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GgmlTypeTraits
{
    public byte* type_name;
    public long blck_size;
    public long blck_size_interleave;
    public nuint type_size;
    [MarshalAs(UnmanagedType.U1)] public bool is_quantized;
    /// <summary>void (*)(const void * x, float * y, int64_t k): dequantises k elements (a whole number of blocks).</summary>
    public delegate* unmanaged<void*, float*, long, void> to_float;
    public void* from_float_ref;
}

internal static unsafe partial class GgmlNative
{
    public const string Name = "ggml-base";

    [LibraryImport(Name)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool ggml_quantize_requires_imatrix(uint type);

    /// <summary>Quantises nrows rows of n_per_row floats starting at element start of src into dst (at row
    /// start / n_per_row); returns the bytes written. Asserts (aborts) on an unsupported type, a start that is not a
    /// multiple of the block and the row length, and a missing importance matrix where one is required.</summary>
    [LibraryImport(Name)]
    public static partial nuint ggml_quantize_chunk(uint type, float* src, void* dst, long start, long nrows, long n_per_row, float* imatrix);

    [LibraryImport(Name)]
    public static partial nuint ggml_row_size(uint type, long ne);

    [LibraryImport(Name)]
    public static partial GgmlTypeTraits* ggml_get_type_traits(uint type);
}
