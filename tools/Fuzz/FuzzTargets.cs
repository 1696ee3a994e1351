using LlamaJump.Dumps.Safetensors;
using LlamaJump.Interop.Gguf;
using LlamaJump.Interop.Models;

namespace LlamaJump.Fuzz;

/// <summary>The readers LlamaJump owns, each with real seed files: the shared GGUF models and vocab files (header,
/// metadata, tensor infos, <see cref="ModelInfo"/>), and a small safetensors file written by our writer.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All(string sharedDirectory, string workDirectory)
    {
        var gguf = new List<byte[]> { SmallModelSeed(Path.Combine(sharedDirectory, "models", "gguf", "stories260K.gguf"), workDirectory) };
        return
        [
            new FuzzTarget("gguf", gguf, path => ModelInfo.Read(path), [typeof(GgufFormatException)]),
            new FuzzTarget("safetensors", [SafetensorsSeed(workDirectory)], ReadSafetensors, [typeof(SafetensorsFormatException)]),
        ];
    }

    // A complete, valid GGUF of a few KiB: stories260K's metadata (architecture, hyper-parameters, a 512-token
    // vocabulary) with two tiny tensors, so each mutation is cheap to write and read and reaches every reader stage.
    private static byte[] SmallModelSeed(string stories, string workDirectory)
    {
        string path = Path.Combine(workDirectory, "seed.gguf");
        using (var writer = new GgufWriter(path))
        {
            writer.CopyMetadata(GgufFile.Read(stories), key => key != "general.alignment");
            writer.AddTensor("token_embd.weight", GgmlType.F32, [4, 4], new byte[64]);
            writer.AddTensor("output.weight", GgmlType.F16, [32, 2], new byte[128]);
            writer.Complete();
        }
        return File.ReadAllBytes(path);
    }

    private static void ReadSafetensors(string path)
    {
        using var file = SafetensorsFile.Open(path);
        foreach (var tensor in file.Tensors)
        {
            var row = new float[tensor.RowLength];
            if (tensor.Rows > 0)
            {
                tensor.ReadRow(tensor.Rows - 1, row);
            }
        }
    }

    private static byte[] SafetensorsSeed(string workDirectory)
    {
        string path = Path.Combine(workDirectory, "seed.safetensors");
        var specs = new[] { new SafetensorsTensorSpec("h.0", TensorDtype.F16, 3, 4), new SafetensorsTensorSpec("h.1", TensorDtype.F32, 3, 4) };
        using (var writer = SafetensorsWriter.Create(path, specs, new Dictionary<string, string> { ["format"] = "fuzz" }))
        {
            for (int t = 0; t < specs.Length; t++)
            {
                writer.WriteRows(t, 0, Enumerable.Range(0, 12).Select(i => i * 0.5f).ToArray());
            }
            writer.Complete();
        }
        return File.ReadAllBytes(path);
    }
}
