using System.Globalization;
using System.Security.Cryptography;
using LlamaJump.Gguf;

namespace LlamaJump.Models;

/// <summary>
/// What <see cref="RandomModelBuilder"/> will write for a spec, a weight type and a vocab file, known before a byte
/// is written: the tensors with their types, the data size, and the <see cref="Identity"/> the file carries under
/// <see cref="IdentityKey"/> — one line naming the generator version, every hyperparameter, the weight type, the
/// vocab file's hash and the variants (fused QKV, quiet blocks, stream rank, head scale) where present, so a file on
/// disk can be recognised as this very model (<see cref="IsWrittenIn"/>).
/// </summary>
public sealed class RandomModelPlan
{
    /// <summary>The metadata key that holds <see cref="Identity"/>.</summary>
    public const string IdentityKey = "llamajump.random_model";

    /// <summary>uint32 <see cref="QuietBlocks.After"/>, float64 <see cref="QuietBlocks.Scale"/>: only in a quiet model.</summary>
    public const string QuietAfterKey = "llamajump.quiet_after", QuietScaleKey = "llamajump.quiet_scale";

    /// <summary>uint32 <see cref="RandomModelSpec.StreamRank"/>, only when set; float64
    /// <see cref="RandomModelSpec.HeadScale"/>, only when not 1.</summary>
    public const string StreamRankKey = "llamajump.stream_rank", HeadScaleKey = "llamajump.head_scale";

    /// <summary>Bump whenever the layout, the metadata or the weight generator changes what a spec produces.</summary>
    public const string GeneratorVersion = "random-model-1";

    private RandomModelPlan(RandomModelSpec spec, GgmlType weightType, GgufFile vocab, long vocabSize, string identity)
    {
        Spec = spec;
        WeightType = weightType;
        Vocab = vocab;
        VocabSize = vocabSize;
        Identity = identity;
        Tensors = RandomModelLayout.Tensors(spec, vocabSize);
        DataBytes = Tensors.Sum(t => GgufWriter.TensorByteSize(TypeOf(t), t.Dims));
    }

    public RandomModelSpec Spec { get; }

    /// <summary>One of <see cref="WeightTypes.All"/>: the type of every 2-D tensor whose rows are whole blocks of it
    /// (the others take <see cref="WeightTypes.ForRow"/>'s fallback); 1-D tensors (norms, biases) stay F32 as
    /// llama.cpp's converters keep them.</summary>
    public GgmlType WeightType { get; }

    /// <summary>The vocab-only GGUF whose tokenizer.* metadata the model takes.</summary>
    public GgufFile Vocab { get; }

    /// <summary>The length of tokenizer.ggml.tokens: the rows of token_embd and output.</summary>
    public long VocabSize { get; }

    public string Identity { get; }

    public IReadOnlyList<RandomTensor> Tensors { get; }

    /// <summary>Bytes of tensor data, without alignment padding; the file is larger by its header (the tokenizer,
    /// about 1 MB for a 32k vocabulary) and the padding.</summary>
    public long DataBytes { get; }

    /// <summary>general.name: "random-llama-24x1024-f16", "random-llama-8x256-quiet3-f16" for a quiet model,
    /// "random-llama-8x256-fused-f16" for one with fused QKV.</summary>
    public string Name => string.Create(CultureInfo.InvariantCulture,
        $"random-{Spec.Architecture}-{Spec.BlockCount}x{Spec.EmbeddingLength}{(Spec.FusedQkv ? "-fused" : "")}{(Spec.Quiet is { } q ? $"-quiet{q.After}" : "")}-{WeightTypes.Name(WeightType)}");

    /// <summary>Whether writing the plan needs an <see cref="IRowQuantizer"/>: some tensor is quantised.</summary>
    public bool IsQuantized => Tensors.Any(t => WeightTypes.IsQuantized(TypeOf(t)));

    /// <summary>Reads the vocab file and checks the spec. Throws <see cref="ArgumentException"/> for a spec with
    /// <see cref="RandomModelSpec.Problems"/> or a weight type not in <see cref="WeightTypes.All"/>, and
    /// <see cref="GgufFormatException"/> for a vocab file that is no GGUF or has no tokenizer.ggml.tokens.</summary>
    public static RandomModelPlan Create(RandomModelSpec spec, GgmlType weightType, string vocabPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (!WeightTypes.All.Contains(weightType))
            throw new ArgumentException($"random models hold {WeightTypes.Names}, not {weightType}", nameof(weightType));
        var vocab = GgufFile.Read(vocabPath);
        long vocabSize = vocab.GetArrayLength("tokenizer.ggml.tokens") is > 0 and int count
            ? count
            : throw new GgufFormatException(Path.GetFileName(vocab.Path), "has no tokenizer.ggml.tokens, so it is no vocab file");
        string vocabHash;
        using (var stream = File.OpenRead(vocab.Path))
            vocabHash = Convert.ToHexStringLower(SHA256.HashData(stream));
        var inv = CultureInfo.InvariantCulture;
        string identity = string.Join(' ',
            GeneratorVersion, spec.Architecture,
            $"ctx={spec.ContextLength}", $"embd={spec.EmbeddingLength}", $"blocks={spec.BlockCount}", $"ff={spec.FeedForwardLength}",
            $"heads={spec.HeadCount}", $"heads_kv={spec.HeadCountKv}", $"eps={spec.NormEpsilon.ToString("R", inv)}",
            $"rope_base={spec.RopeFreqBase.ToString("R", inv)}", $"std={spec.InitStd.ToString("R", inv)}", $"seed={spec.Seed}",
            $"type={weightType}", $"vocab={vocabSize}", $"vocab_sha256={vocabHash}");
        // the variants, named only when present, so a plain model's identity stays what it was
        if (spec.FusedQkv)
            identity += " fused_qkv";
        if (spec.Quiet is { } quiet)
            identity += string.Create(inv, $" quiet_after={quiet.After} quiet_scale={quiet.Scale.ToString("R", inv)}");
        if (spec.HeadScale != 1)
            identity += $" head_scale={spec.HeadScale.ToString("R", inv)}";
        if (spec.StreamRank is { } rank)
            identity += string.Create(inv, $" stream_rank={rank}");
        return new RandomModelPlan(spec, weightType, vocab, vocabSize, identity);
    }

    /// <summary>The type a tensor is stored as: F32 for 1-D tensors, <see cref="WeightType"/> or its fallback for
    /// the tensor's row length (<see cref="WeightTypes.ForRow"/>) otherwise.</summary>
    public GgmlType TypeOf(RandomTensor tensor) =>
        tensor.Dims.Length == 1 ? GgmlType.F32 : WeightTypes.ForRow(WeightType, tensor.Dims[0]);

    /// <summary>True when <paramref name="file"/> carries this plan's identity and exactly its tensors, types
    /// and shapes (<see cref="GgufFile.Read(string)"/> has checked that their data lies inside the file). Files are
    /// written under their final name only when complete (<see cref="GgufWriter"/>), so such a file holds the model
    /// this plan would write.</summary>
    public bool IsWrittenIn(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.GetString(IdentityKey) != Identity || file.Tensors.Count != Tensors.Count)
            return false;
        for (int i = 0; i < Tensors.Count; i++)
        {
            var (actual, expected) = (file.Tensors[i], Tensors[i]);
            if (actual.Name != expected.Name || actual.Type != TypeOf(expected) || !actual.Dims.SequenceEqual(expected.Dims))
                return false;
        }
        return true;
    }
}
