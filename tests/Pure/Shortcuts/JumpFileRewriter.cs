using System.Runtime.InteropServices;
using LlamaJump.Gguf;

namespace LlamaJump.Tests.Pure.Shortcuts;

/// <summary>Copies a jump file into a new GGUF with changes: metadata removed or replaced, tensors dropped, added,
/// reshaped or with other values — to build the damaged files JumpFile.Read must refuse.</summary>
internal sealed class JumpFileRewriter(string source)
{
    private readonly GgufFile _file = GgufFile.Read(source);
    private readonly HashSet<string> _removeKeys = [];
    private readonly List<Action<GgufWriter>> _metadata = [];
    private readonly HashSet<string> _dropTensors = [];
    private readonly Dictionary<string, (long[] Dims, float[] Values)> _replaceTensors = [];
    private readonly List<(string Name, long[] Dims, float[] Values)> _addTensors = [];

    public JumpFileRewriter Remove(string key) { _removeKeys.Add(key); return this; }

    public JumpFileRewriter Set(Action<GgufWriter> set) { _metadata.Add(set); return this; }

    public JumpFileRewriter Drop(string tensor) { _dropTensors.Add(tensor); return this; }

    public JumpFileRewriter Replace(string tensor, long[] dims, float[] values) { _replaceTensors[tensor] = (dims, values); return this; }

    public JumpFileRewriter Replace(string tensor, Func<float[], float[]> change)
    {
        var info = _file.Tensors.Single(t => t.Name == tensor);
        return Replace(tensor, info.Dims, change(Values(info)));
    }

    public JumpFileRewriter Add(string tensor, long[] dims, float[] values) { _addTensors.Add((tensor, dims, values)); return this; }

    public string WriteTo(string path)
    {
        using var writer = new GgufWriter(path);
        writer.CopyMetadata(_file, key => !_removeKeys.Contains(key));
        foreach (var set in _metadata)
            set(writer);
        foreach (var tensor in _file.Tensors.Where(t => !_dropTensors.Contains(t.Name)))
        {
            var (dims, values) = _replaceTensors.TryGetValue(tensor.Name, out var replaced) ? replaced : (tensor.Dims, Values(tensor));
            writer.AddTensor(tensor.Name, GgmlType.F32, dims, MemoryMarshal.AsBytes(values.AsSpan()));
        }
        foreach (var (name, dims, values) in _addTensors)
            writer.AddTensor(name, GgmlType.F32, dims, MemoryMarshal.AsBytes(values.AsSpan()));
        writer.Complete();
        return path;
    }

    private float[] Values(GgufTensorInfo tensor)
    {
        using var stream = File.OpenRead(_file.Path);
        stream.Position = _file.DataOffset + tensor.Offset;
        var values = new float[tensor.ElementCount];
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
