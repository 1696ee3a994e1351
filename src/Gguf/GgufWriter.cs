using System.Text;

namespace LlamaJump.Gguf;

/// <summary>
/// Writes a GGUF v3 file in the layout llama.cpp's gguf.cpp reads and writes: header, metadata pairs in the order
/// first set, tensor infos in the order added, then the data section, starting at a multiple of general.alignment
/// (default 32), where each tensor's data starts at the next multiple of the alignment and is zero-padded to it.
/// <para>
/// Nothing is written before <see cref="Complete"/>: <see cref="AddTensor(string, GgmlType, ReadOnlySpan{long}, Action{Stream})"/>
/// records a tensor's name, type, shape and a data provider, and <see cref="Complete"/> writes the header, then asks
/// each provider in turn to stream its bytes, so no more than one tensor needs to exist in memory at a time.
/// The file is built at <see cref="TempPath"/> (<c>path.tmp</c>, created and held exclusively by the constructor) and
/// renamed to <see cref="Path"/> only when complete; disposing the writer before that, or a failed
/// <see cref="Complete"/>, deletes the temporary file. Not thread-safe.
/// </para>
/// </summary>
public sealed class GgufWriter : IDisposable
{
    public const uint Version = 3;
    public const uint DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";

    /// <summary>GGML_MAX_NAME: a tensor name takes at most 63 UTF-8 bytes.</summary>
    public const int MaxTensorNameBytes = 63;

    private readonly List<string> _keys = [];
    private readonly Dictionary<string, GgufValue> _metadata = new(StringComparer.Ordinal);
    private readonly List<Tensor> _tensors = [];
    private readonly HashSet<string> _tensorNames = new(StringComparer.Ordinal);
    private FileStream? _file;
    private bool _completed;

    /// <summary>Creates (or truncates) <c>path.tmp</c> and holds it open without sharing, so a second writer to the
    /// same path fails here with an <see cref="IOException"/>. The directory must exist.</summary>
    public GgufWriter(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        TempPath = Path + ".tmp";
        _file = new FileStream(TempPath, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
    }

    /// <summary>The full path of the finished file.</summary>
    public string Path { get; }

    /// <summary>Where the file is built until <see cref="Complete"/> renames it to <see cref="Path"/>.</summary>
    public string TempPath { get; }

    /// <summary>The metadata keys in file order.</summary>
    public IReadOnlyList<string> MetadataKeys => _keys;

    public int TensorCount => _tensors.Count;

    /// <summary>general.alignment as set, or <see cref="DefaultAlignment"/>.</summary>
    public uint Alignment => _metadata.TryGetValue(AlignmentKey, out var value) ? (uint)value.Value : DefaultAlignment;

    public GgufWriter SetMetadata(string key, string value) => Set(key, GgufValueType.String, Checked(value));
    public GgufWriter SetMetadata(string key, bool value) => Set(key, GgufValueType.Bool, value);
    public GgufWriter SetMetadata(string key, byte value) => Set(key, GgufValueType.UInt8, value);
    public GgufWriter SetMetadata(string key, sbyte value) => Set(key, GgufValueType.Int8, value);
    public GgufWriter SetMetadata(string key, ushort value) => Set(key, GgufValueType.UInt16, value);
    public GgufWriter SetMetadata(string key, short value) => Set(key, GgufValueType.Int16, value);
    public GgufWriter SetMetadata(string key, uint value) => Set(key, GgufValueType.UInt32, value);
    public GgufWriter SetMetadata(string key, int value) => Set(key, GgufValueType.Int32, value);
    public GgufWriter SetMetadata(string key, ulong value) => Set(key, GgufValueType.UInt64, value);
    public GgufWriter SetMetadata(string key, long value) => Set(key, GgufValueType.Int64, value);
    public GgufWriter SetMetadata(string key, float value) => Set(key, GgufValueType.Float32, value);
    public GgufWriter SetMetadata(string key, double value) => Set(key, GgufValueType.Float64, value);

    public GgufWriter SetMetadata(string key, IReadOnlyCollection<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = new string[values.Count];
        int i = 0;
        foreach (string value in values)
            copy[i++] = Checked(value);
        return SetArray(key, GgufValueType.String, copy);
    }

    public GgufWriter SetMetadata(string key, ReadOnlySpan<bool> values) => SetArray(key, GgufValueType.Bool, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<byte> values) => SetArray(key, GgufValueType.UInt8, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<sbyte> values) => SetArray(key, GgufValueType.Int8, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<ushort> values) => SetArray(key, GgufValueType.UInt16, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<short> values) => SetArray(key, GgufValueType.Int16, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<uint> values) => SetArray(key, GgufValueType.UInt32, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<int> values) => SetArray(key, GgufValueType.Int32, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<ulong> values) => SetArray(key, GgufValueType.UInt64, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<long> values) => SetArray(key, GgufValueType.Int64, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<float> values) => SetArray(key, GgufValueType.Float32, values.ToArray());
    public GgufWriter SetMetadata(string key, ReadOnlySpan<double> values) => SetArray(key, GgufValueType.Float64, values.ToArray());

    /// <summary>Sets a value as read from another file (<see cref="GgufFile.Metadata"/>), type tag included.</summary>
    public GgufWriter SetMetadata(string key, GgufValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Set(key, value);
    }

    /// <summary>Copies every metadata pair of <paramref name="source"/> in its file order, or those whose key
    /// <paramref name="include"/> accepts. Keys already set keep their place and take the copied value.</summary>
    public GgufWriter CopyMetadata(GgufFile source, Func<string, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        foreach (var (key, value) in source.Metadata)
        {
            if (include is null || include(key))
                Set(key, value);
        }
        return this;
    }

    /// <summary>True when the key was set and is now removed.</summary>
    public bool RemoveMetadata(string key)
    {
        ThrowIfDone();
        if (!_metadata.Remove(key))
            return false;
        _keys.Remove(key);
        return true;
    }

    /// <summary>Adds a tensor whose data is copied now. <paramref name="dims"/> are ggml's ne[], dims[0] the row
    /// length (fastest-varying); <paramref name="data"/> holds exactly the tensor's bytes, little-endian.</summary>
    public GgufWriter AddTensor(string name, GgmlType type, ReadOnlySpan<long> dims, ReadOnlySpan<byte> data)
    {
        var tensor = Describe(name, type, dims);
        if (data.Length != tensor.ByteSize)
            throw new ArgumentException($"tensor '{name}' of {type} {Shape(tensor.Dims)} takes {tensor.ByteSize} bytes, {data.Length} given", nameof(data));
        byte[] copy = data.ToArray();
        return Add(tensor with { WriteData = stream => stream.Write(copy) });
    }

    /// <summary>Adds a tensor whose data <paramref name="writeData"/> writes during <see cref="Complete"/>: it gets a
    /// write-only stream and must write exactly the tensor's byte size (<see cref="TensorByteSize"/>), little-endian;
    /// it must not keep the stream. Writing more throws at once, fewer fails <see cref="Complete"/>.</summary>
    public GgufWriter AddTensor(string name, GgmlType type, ReadOnlySpan<long> dims, Action<Stream> writeData)
    {
        ArgumentNullException.ThrowIfNull(writeData);
        return Add(Describe(name, type, dims) with { WriteData = writeData });
    }

    /// <summary>Bytes of data a tensor of this type and shape takes; throws <see cref="ArgumentException"/> for a
    /// type of unknown layout or a row length that is not a whole number of blocks.</summary>
    public static long TensorByteSize(GgmlType type, ReadOnlySpan<long> dims) => ByteSize("tensor", type, dims);

    /// <summary>Writes the file and renames it to <see cref="Path"/> (replacing any file there). Afterwards the
    /// writer accepts nothing more. On failure the temporary file is deleted and the writer is spent.</summary>
    public void Complete()
    {
        ThrowIfDone();
        FileStream file = _file!;
        try
        {
            WriteTo(file);
            file.Flush(flushToDisk: true);
            file.Dispose();
            _file = null;
            File.Move(TempPath, Path, overwrite: true);
            _completed = true;
        }
        catch
        {
            Abandon();
            throw;
        }
    }

    /// <summary>Before <see cref="Complete"/>: closes and deletes the temporary file. After it: nothing.</summary>
    public void Dispose()
    {
        if (_file is not null)
            Abandon();
    }

    private void WriteTo(Stream file)
    {
        uint alignment = Alignment;
        using (var header = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
        {
            header.Write(GgufParser.Magic);
            header.Write(Version);
            header.Write((ulong)_tensors.Count);
            header.Write((ulong)_keys.Count);
            foreach (string key in _keys)
            {
                GgufWriterValues.WriteString(header, key);
                GgufWriterValues.WriteTyped(header, _metadata[key]);
            }
            long offset = 0;
            foreach (var tensor in _tensors)
            {
                GgufWriterValues.WriteString(header, tensor.Name);
                header.Write((uint)tensor.Dims.Length);
                foreach (long dim in tensor.Dims)
                    header.Write((ulong)dim);
                header.Write((uint)tensor.Type);
                header.Write((ulong)offset);
                offset = checked(offset + Pad(tensor.ByteSize, alignment));
            }
        }
        WriteZeros(file, Pad(file.Position, alignment) - file.Position);

        foreach (var tensor in _tensors)
        {
            using (var data = new GgufWriterDataStream(file, tensor.Name, tensor.ByteSize))
            {
                tensor.WriteData(data);
                data.CheckComplete();
            }
            WriteZeros(file, Pad(tensor.ByteSize, alignment) - tensor.ByteSize);
        }
    }

    private GgufWriter Set(string key, GgufValueType type, object value) => Set(key, new GgufValue(type, value));

    private GgufWriter SetArray(string key, GgufValueType elementType, Array values) =>
        Set(key, new GgufValue(GgufValueType.Array, values, elementType));

    private GgufWriter Set(string key, GgufValue value)
    {
        ThrowIfDone();
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key == AlignmentKey)
            CheckAlignment(value);
        if (_metadata.TryAdd(key, value))
            _keys.Add(key);
        else
            _metadata[key] = value;
        return this;
    }

    // gguf.cpp reads general.alignment with gguf_get_val_u32, which aborts on any other type.
    private static void CheckAlignment(GgufValue value)
    {
        if (value.Value is not uint alignment || value.Type != GgufValueType.UInt32)
            throw new ArgumentException($"{AlignmentKey} must be a UInt32, not {value.Type}", nameof(value));
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentException($"{AlignmentKey} {alignment} is not a power of two", nameof(value));
    }

    private GgufWriter Add(Tensor tensor)
    {
        _tensors.Add(tensor);
        _tensorNames.Add(tensor.Name);
        return this;
    }

    /// <summary>A validated tensor without data yet.</summary>
    private Tensor Describe(string name, GgmlType type, ReadOnlySpan<long> dims)
    {
        ThrowIfDone();
        ArgumentNullException.ThrowIfNull(name);
        int nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes is 0 or > MaxTensorNameBytes)
            throw new ArgumentException($"tensor name '{name}' takes {nameBytes} UTF-8 bytes; ggml allows 1 to {MaxTensorNameBytes}", nameof(name));
        if (_tensorNames.Contains(name))
            throw new ArgumentException($"tensor '{name}' was already added", nameof(name));
        return new Tensor(name, type, dims.ToArray(), ByteSize(name, type, dims), WriteData: _ => { });
    }

    private static long ByteSize(string name, GgmlType type, ReadOnlySpan<long> dims)
    {
        if (dims.Length is 0 or > GgufParser.MaxDims)
            throw new ArgumentException($"tensor '{name}' has {dims.Length} dimensions; ggml allows 1 to {GgufParser.MaxDims}", nameof(dims));
        long elements = 1;
        foreach (long dim in dims)
        {
            if (dim <= 0)
                throw new ArgumentException($"tensor '{name}' has a dimension of {dim}; each must be positive", nameof(dims));
            if (dim > long.MaxValue / elements)
                throw new ArgumentException($"tensor '{name}' {Shape(dims.ToArray())} has more than {long.MaxValue} elements", nameof(dims));
            elements *= dim;
        }
        if (!GgmlTypeSize.TryGet(type, out int blockElements, out int blockBytes))
            throw new ArgumentException($"tensor '{name}' has type {type}, whose data layout is not known", nameof(type));
        if (dims[0] % blockElements != 0)
            throw new ArgumentException($"tensor '{name}' has rows of {dims[0]} elements, not a multiple of the {type} block size {blockElements}", nameof(dims));
        return checked(elements / blockElements * blockBytes);
    }

    private static string Checked(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value;
    }

    private static string Shape(long[] dims) => $"[{string.Join(", ", dims)}]";

    private static long Pad(long position, uint alignment) => (position + alignment - 1) / alignment * alignment;

    private static void WriteZeros(Stream stream, long count)
    {
        Span<byte> zeros = stackalloc byte[64];
        zeros.Clear();
        while (count > 0)
        {
            int n = (int)Math.Min(count, zeros.Length);
            stream.Write(zeros[..n]);
            count -= n;
        }
    }

    private void ThrowIfDone()
    {
        ObjectDisposedException.ThrowIf(_file is null, this);
    }

    private sealed record Tensor(string Name, GgmlType Type, long[] Dims, long ByteSize, Action<Stream> WriteData);

    private void Abandon()
    {
        _file?.Dispose();
        _file = null;
        if (!_completed)
            File.Delete(TempPath);
    }
}
