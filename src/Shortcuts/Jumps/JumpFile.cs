using System.Runtime.InteropServices;
using LlamaJump.Gguf;
using static LlamaJump.Shortcuts.Jumps.JumpFileNames;

namespace LlamaJump.Shortcuts.Jumps;

/// <summary>
/// The jump file: a GGUF container (as llama.cpp's control vectors) holding a <see cref="JumpSet"/> — the jumps present
/// as F32 tensors and everything else as <c>llamajump.*</c> metadata (names in <see cref="JumpFileNames"/>): the model
/// and dump identity, rank, eps, training settings, the OJFA index, every D_m and its softmax, the validation losses,
/// which levels are present and whether the joint jump is. <see cref="Write"/> stores every jump the set has;
/// <see cref="WriteOjfaOnly"/> stores only the chosen jump (the file early exit loads) with the same metadata.
/// Files are written to <c>path.tmp</c> and renamed into place when complete.
/// </summary>
public static class JumpFile
{
    /// <summary>Writes every jump of <paramref name="set"/> (its non-null levels and the joint jump).</summary>
    public static void Write(string path, JumpSet set) => WriteJumps(path, set, PresentLevels(set), set.Joint);

    /// <summary>Writes only the OJFA jump, with all metadata (D_m included): the single-jump file.</summary>
    public static void WriteOjfaOnly(string path, JumpSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        _ = set.OjfaJump; // throws when the chosen jump is missing
        WriteJumps(path, set, [set.Ojfa], joint: null);
    }

    /// <summary>Reads and validates a jump file: GGUF structure (<see cref="GgufFile"/>), the format version, every
    /// required key and its type, array lengths against n_layer, rank against n_embd, the tensors of every level
    /// listed (names, F32, shapes) and no others, finite values and non-negative variances. Any problem is a
    /// <see cref="JumpFileException"/> whose one-line message starts with the file name; a missing file is
    /// <see cref="FileNotFoundException"/>.</summary>
    public static JumpSet Read(string path) => JumpFileReader.Read(path);

    /// <summary>Throws <see cref="JumpFileException"/> unless <paramref name="set"/> was trained for the model with
    /// <paramref name="modelSha256"/>, <paramref name="nLayer"/> blocks and width <paramref name="nEmbd"/>.
    /// <paramref name="what"/> names that model for the message, e.g. "llama-2-7b.gguf" or "the dump in dumps/x".</summary>
    public static void EnsureMatches(JumpSet set, string modelSha256, int nLayer, int nEmbd, string what)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(modelSha256);
        var id = set.Identity;
        string name = set.Source is { } source ? Path.GetFileName(source) : "the jump set";
        if (!string.Equals(id.ModelSha256, modelSha256, StringComparison.OrdinalIgnoreCase))
            throw new JumpFileException($"{name} was trained for model {Short(id.ModelSha256)} ({id.ModelFile}), not {Short(modelSha256)} ({what})");
        if (id.NLayer != nLayer || id.NEmbd != nEmbd)
            throw new JumpFileException(
                $"{name} was trained for a model of {id.NLayer} blocks × n_embd {id.NEmbd} ({id.ModelFile}), not {nLayer} × {nEmbd} ({what})");
    }

    /// <summary>"1a2b3c4d…": the first 8 hex digits, as dump messages show a hash.</summary>
    public static string Short(string sha256) => sha256.Length > 8 ? sha256[..8] + "…" : sha256;

    private static int[] PresentLevels(JumpSet set) =>
        Enumerable.Range(0, set.Levels.Count).Where(k => set.Levels[k] is not null).ToArray();

    private static void WriteJumps(string path, JumpSet set, int[] levels, JumpWeights? joint)
    {
        ArgumentNullException.ThrowIfNull(set);
        var id = set.Identity;
        int exitLevels = id.NLayer - 1;
        var jumps = levels.Select(k => set.Levels[k]!).Concat(joint is null ? [] : [joint]).ToArray();
        if (jumps.Length == 0)
            throw new ArgumentException("the set has no jump to write", nameof(set));
        int rank = jumps[0].Rank;
        float eps = jumps[0].Eps;
        if (jumps.Any(j => j.Hidden != id.NEmbd || j.Rank != rank || j.Eps != eps))
            throw new ArgumentException($"every jump must have n_embd {id.NEmbd}, one rank and one eps", nameof(set));
        if (set.Levels.Count != exitLevels || set.DScores.Count != exitLevels || set.DSoftmax.Count != exitLevels
            || set.ValidationLoss.Count != exitLevels)
            throw new ArgumentException($"levels, D_m, softmax and validation losses must each have {exitLevels} entries (n_layer − 1)", nameof(set));
        if (set.Ojfa < 0 || set.Ojfa >= exitLevels || !levels.Contains(set.Ojfa))
            throw new ArgumentException($"the OJFA jump {set.Ojfa} must be one of the levels written", nameof(set));

        using var writer = new GgufWriter(path);
        writer.SetMetadata("general.architecture", JumpFileNames.Architecture)
            .SetMetadata("general.name", $"LlamaJump jumps for {id.ModelFile}")
            .SetMetadata(KeyFormatVersion, (uint)FormatVersion)
            .SetMetadata(KeyModelSha256, id.ModelSha256)
            .SetMetadata(KeyModelArchitecture, id.Architecture)
            .SetMetadata(KeyModelNLayer, (uint)id.NLayer)
            .SetMetadata(KeyModelNEmbd, (uint)id.NEmbd)
            .SetMetadata(KeyModelFile, id.ModelFile)
            .SetMetadata(KeyCorpusSha256, id.CorpusSha256)
            .SetMetadata(KeyDumpSeed, id.DumpSeed)
            .SetMetadata(KeyTrainCount, (uint)id.TrainCount)
            .SetMetadata(KeyRank, (uint)rank)
            .SetMetadata(KeyEps, eps);
        var s = set.Settings;
        writer.SetMetadata(KeyEpochs, (uint)s.Epochs)
            .SetMetadata(KeyBatchSize, (uint)s.BatchSize)
            .SetMetadata(KeyLearningRate, s.LearningRate)
            .SetMetadata(KeySeed, s.Seed)
            .SetMetadata(KeyValidationFraction, s.ValidationFraction)
            .SetMetadata(KeyPatience, (uint)s.Patience)
            .SetMetadata(KeyStrategy, s.Strategy)
            .SetMetadata(KeyOjfa, (uint)set.Ojfa)
            .SetMetadata(KeyDScores, set.DScores.ToArray().AsSpan())
            .SetMetadata(KeyDSoftmax, set.DSoftmax.ToArray().AsSpan())
            .SetMetadata(KeySoftmaxTemperature, JumpSet.SoftmaxTemperature)
            .SetMetadata(KeyValidationLoss, set.ValidationLoss.ToArray().AsSpan())
            .SetMetadata(KeyLevels, levels.Select(k => (uint)k).ToArray().AsSpan())
            .SetMetadata(KeyJoint, joint is not null);
        if (joint is not null && set.JointValidationLoss is { } jointLoss)
            writer.SetMetadata(KeyJointValidationLoss, jointLoss);

        foreach (int k in levels)
            AddJump(writer, k, set.Levels[k]!);
        if (joint is not null)
            AddJump(writer, null, joint);
        writer.Complete();
    }

    private static void AddJump(GgufWriter writer, int? level, JumpWeights jump)
    {
        long h = jump.Hidden, r = jump.Rank;
        Add(writer, NormWeight(level), [h], jump.Gamma);
        Add(writer, NormBias(level), [h], jump.Beta);
        Add(writer, RunningMean(level), [h], jump.RunningMean);
        Add(writer, RunningVar(level), [h], jump.RunningVar);
        Add(writer, A(level), [r, h], jump.A); // row-major [H][r]: rows of r
        Add(writer, B(level), [h, r], jump.B); // row-major [r][H]: rows of H
    }

    private static void Add(GgufWriter writer, string name, long[] dims, float[] values) =>
        writer.AddTensor(name, GgmlType.F32, dims, stream => stream.Write(MemoryMarshal.AsBytes(values.AsSpan())));
}
