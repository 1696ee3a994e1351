using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace LlamaJump.Dumps.Safetensors;

/// <summary>A safetensors file opened read-only and memory-mapped. The header is validated on open (see
/// <see cref="Open"/>); tensor data is read on demand through <see cref="SafetensorsTensor"/>, so opening a
/// multi-gigabyte file costs only the header. Reads may run concurrently from several threads. Disposing the file
/// invalidates its tensors.</summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, long dataStart,
        IReadOnlyList<SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        Metadata = metadata;
        Tensors = entries.Select(e => new SafetensorsTensor(this, e, dataStart)).ToList();
        _byName = Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string Path { get; }

    /// <summary>The header's <c>__metadata__</c> (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>In header order.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    internal bool IsDisposed { get; private set; }

    internal SafeBuffer Buffer => _view.SafeMemoryMappedViewHandle;

    /// <summary>The tensor called <paramref name="name"/>, or null.</summary>
    public SafetensorsTensor? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Opens and validates <paramref name="path"/>: the header length fits the file (and the
    /// 100 MB limit), the header is a JSON object, every tensor has dtype F16 or F32, a shape whose size matches its
    /// data_offsets, offsets inside the file, and no two tensors overlap. Throws
    /// <see cref="SafetensorsFormatException"/> (one line, prefixed with the file name) otherwise; I/O errors
    /// propagate.</summary>
    public static SafetensorsFile Open(string path)
    {
        TensorConversion.EnsureLittleEndian();
        string fileName = System.IO.Path.GetFileName(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        MemoryMappedFile? map = null;
        try
        {
            long fileLength = stream.Length;
            var prefix = new byte[8];
            RandomAccess.Read(stream.SafeFileHandle, prefix, 0);
            long headerLength = SafetensorsHeader.ReadLength(prefix, fileLength, fileName);
            var json = new byte[headerLength];
            if (RandomAccess.Read(stream.SafeFileHandle, json, 8) != headerLength)
                throw new SafetensorsFormatException(fileName, "file ended while reading the header");
            long dataStart = 8 + headerLength;
            var entries = SafetensorsHeader.Parse(json, fileLength - dataStart, fileName, out var metadata);

            // The map owns the stream from here on.
            map = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read,
                HandleInheritability.None, leaveOpen: false);
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new SafetensorsFile(path, map, view, dataStart, entries, metadata);
        }
        catch
        {
            map?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        IsDisposed = true;
        _view.Dispose();
        _map.Dispose();
    }
}
