namespace LlamaJump.Gguf;

/// <summary>The header of a GGUF file — version, metadata and tensor infos — read and validated without touching
/// the tensor data. Every tensor with a known layout lies inside the file; see <see cref="GgufTensorInfo"/>.</summary>
public sealed class GgufFile
{
    internal GgufFile(string path, uint version, IReadOnlyDictionary<string, GgufValue> metadata,
        IReadOnlyList<GgufTensorInfo> tensors, long dataOffset, long fileSize)
    {
        Path = path;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        DataOffset = dataOffset;
        FileSize = fileSize;
    }

    /// <summary>The full path of the file, or the display name for a file read from a stream.</summary>
    public string Path { get; }

    /// <summary>2 or 3.</summary>
    public uint Version { get; }

    public IReadOnlyDictionary<string, GgufValue> Metadata { get; }

    /// <summary>In file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>Where the data section starts: the end of the tensor infos rounded up to general.alignment
    /// (default 32). For a vocab-only file it may lie past the end of the file.</summary>
    public long DataOffset { get; }

    public long FileSize { get; }

    /// <summary>Reads the header of the file at <paramref name="path"/>. Throws <see cref="GgufFormatException"/>
    /// (message prefixed with the file name) for a malformed file; I/O errors such as a missing file propagate as
    /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.</summary>
    public static GgufFile Read(string path)
    {
        string fullPath = System.IO.Path.GetFullPath(path);
        // bufferSize 0: GgufBinaryReader buffers itself.
        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0,
            FileOptions.SequentialScan);
        return GgufParser.Parse(new GgufBinaryReader(stream, System.IO.Path.GetFileName(fullPath)), fullPath);
    }

    /// <summary>Reads the header of the GGUF file that is the whole of <paramref name="stream"/> (readable and
    /// seekable; it is rewound to 0 and left open). <paramref name="displayName"/> prefixes error messages and
    /// becomes <see cref="Path"/>.</summary>
    public static GgufFile Read(Stream stream, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(displayName);
        if (!stream.CanRead || !stream.CanSeek)
            throw new ArgumentException("The stream must be readable and seekable.", nameof(stream));
        stream.Position = 0;
        return GgufParser.Parse(new GgufBinaryReader(stream, displayName), displayName);
    }

    /// <summary>The value of a String key; null when absent or of another type.</summary>
    public string? GetString(string key) => Metadata.TryGetValue(key, out var value) ? value.AsString() : null;

    /// <summary>The value of a key of any integer type; null when absent, of another type, or a UInt64 above
    /// long.MaxValue.</summary>
    public long? GetInteger(string key) => Metadata.TryGetValue(key, out var value) ? value.AsInteger() : null;

    /// <summary>The element count of an Array key; null when absent or not an array.</summary>
    public int? GetArrayLength(string key) => Metadata.TryGetValue(key, out var value) ? value.ArrayLength : null;
}
