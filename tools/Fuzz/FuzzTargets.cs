using LlamaJump.Dumps.Safetensors;
using LlamaJump.Gguf;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Fuzz;

/// <summary>The readers LlamaJump owns, each with real seed files: the shared GGUF models and vocab files (header,
/// metadata, tensor infos, <see cref="ModelInfo"/>), a small safetensors file written by our writer, and a small jump
/// file written by <see cref="JumpFile"/> (read and checked against its model, as generate and eval do).</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All(string sharedDirectory, string workDirectory)
    {
        var gguf = new List<byte[]> { SmallModelSeed(Path.Combine(sharedDirectory, "models", "gguf", "stories260K.gguf"), workDirectory) };
        return
        [
            new FuzzTarget("gguf", gguf, path => ModelInfo.Read(path), [typeof(GgufFormatException)]),
            new FuzzTarget("safetensors", [SafetensorsSeed(workDirectory)], ReadSafetensors, [typeof(SafetensorsFormatException)]),
            new FuzzTarget("jumps", [JumpsSeed(workDirectory)], ReadJumps, [typeof(JumpFileException), typeof(GgufFormatException)]),
        ];
    }

    private const string SeedModelSha = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

    private static void ReadJumps(string path)
    {
        var set = JumpFile.Read(path);
        JumpFile.EnsureMatches(set, SeedModelSha, 4, 8, "the seed model");
        _ = ExitJumps.Choose(set);
    }

    // Three exit levels and the joint jump of width 8, rank 2: every tensor kind and metadata key a jump file has.
    private static byte[] JumpsSeed(string workDirectory)
    {
        const int h = 8, r = 2, levels = 3;
        float[] Values(int n, float scale, int salt) => Enumerable.Range(0, n).Select(i => scale * MathF.Sin(i + salt) + (scale > 1 ? 0 : 1)).ToArray();
        JumpWeights Jump(int salt) => new(h, r, Values(h, 0.5f, salt), Values(h, 0.1f, salt + 1), Values(h, 0.3f, salt + 2),
            Values(h, 0.5f, salt + 3), Values(h * r, 0.4f, salt + 4), Values(r * h, 0.4f, salt + 5));
        var set = new JumpSet(
            new JumpIdentity(SeedModelSha, "llama", levels + 1, h, "seed.gguf", new string('c', 64), 1, 100),
            new TrainingSettings(r, 5, 16, 1e-3, 1, 0.1, 2, "batched"),
            Enumerable.Range(0, levels).Select(k => (JumpWeights?)Jump(10 * k)).ToArray(), Jump(99), 1,
            [0.1, 0.5, 0.2], [0.0, 1.0, 0.0], [3.0, 2.0, 2.5]);
        string path = Path.Combine(workDirectory, "seed.jumps.gguf");
        JumpFile.Write(path, set);
        return File.ReadAllBytes(path);
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
