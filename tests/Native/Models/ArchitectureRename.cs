using LlamaJump.Gguf;

namespace LlamaJump.Tests.Native.Models;

/// <summary>Copies a GGUF under another architecture name (every <c>&lt;arch&gt;.*</c> key renamed, tensors unchanged) —
/// e.g. the tiny llama as <c>baichuan</c>, which llama.cpp loads with the same tensors but LlamaJump's head refuses.</summary>
public static class ArchitectureRename
{
    public static string Copy(string source, string newArchitecture, string directory)
    {
        var file = GgufFile.Read(source);
        string oldArchitecture = file.GetString("general.architecture")!;
        string target = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(source)}-as-{newArchitecture}.gguf");
        using var writer = new GgufWriter(target);
        foreach (var (key, value) in file.Metadata)
        {
            if (key == "general.alignment")
            {
                continue;
            }
            writer.SetMetadata(key.StartsWith(oldArchitecture + ".", StringComparison.Ordinal) ? newArchitecture + key[oldArchitecture.Length..] : key, value);
        }
        writer.SetMetadata("general.architecture", newArchitecture);
        using var input = File.OpenRead(source);
        foreach (var tensor in file.Tensors)
        {
            var data = new byte[tensor.ByteSize!.Value];
            input.Position = file.DataOffset + tensor.Offset;
            input.ReadExactly(data);
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Dims, data);
        }
        writer.Complete();
        return target;
    }
}
