namespace LlamaJump.Gguf;

/// <summary>One tensor as the GGUF header describes it. <paramref name="Dims"/> are ggml's ne[], innermost
/// (row length) first; <paramref name="Offset"/> is relative to <see cref="GgufFile.DataOffset"/>.
/// Tensors from <see cref="GgufFile.Read(string)"/> have 1–4 positive dims whose product fits a long,
/// and a known-size tensor's row length is a whole number of blocks.</summary>
public sealed record GgufTensorInfo(string Name, long[] Dims, GgmlType Type, long Offset)
{
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (long dim in Dims)
                count = checked(count * dim);
            return count;
        }
    }

    /// <summary>Bytes of tensor data, or null when the layout of <see cref="Type"/> is not known.</summary>
    public long? ByteSize
    {
        get
        {
            if (Dims.Length == 0 || !GgmlTypeSize.TryGet(Type, out int blockElements, out int blockBytes))
                return null;
            long rowLength = Dims[0];
            long rowBytes = checked((rowLength + blockElements - 1) / blockElements * blockBytes);
            return checked(ElementCount / rowLength * rowBytes);
        }
    }
}
