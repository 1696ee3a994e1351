namespace LlamaJump.Dumps.Safetensors;

/// <summary>A two-dimensional tensor to write: <paramref name="Rows"/> × <paramref name="Cols"/> elements of
/// <paramref name="Dtype"/>, row-major. The name must be non-empty and not <c>__metadata__</c>.</summary>
public sealed record SafetensorsTensorSpec(string Name, TensorDtype Dtype, long Rows, long Cols)
{
    /// <summary>Bytes of one row.</summary>
    public long RowBytes => Cols * Dtype.ElementSize();

    /// <summary>Bytes of the whole tensor.</summary>
    public long ByteLength => checked(Rows * RowBytes);
}
