using LlamaJump.Gguf;

namespace LlamaJump.Models;

/// <summary>How a tensor of a random model starts out.</summary>
public enum RandomInit
{
    /// <summary>Approximately N(0, (InitStd·Scale)²).</summary>
    Random,
    /// <summary>Norm weights.</summary>
    Ones,
    /// <summary>Norm biases.</summary>
    Zeros,
}

/// <summary>Which residual-stream coordinates a tensor writes: ggml dim <paramref name="Dim"/> (0 for embeddings and
/// biases, whose rows are stream vectors; 1 for the projections attn_output and ffn_down, whose rows are output
/// coordinates) indexes the stream, and entries at coordinates from <paramref name="Width"/> on are zero.</summary>
public sealed record StreamMask(int Dim, long Width);

/// <summary>One tensor of a random model: its GGUF name, ggml dims (dims[0] the row length), initialisation, the
/// factor on <see cref="RandomModelSpec.InitStd"/> for a <see cref="RandomInit.Random"/> tensor, and for a tensor
/// that writes into a narrowed residual stream (<see cref="RandomModelSpec.StreamRank"/>) the coordinates it may
/// write.</summary>
public sealed record RandomTensor(string Name, long[] Dims, RandomInit Init, double Scale = 1, StreamMask? Mask = null);

/// <summary>
/// What each architecture's loader in llama.cpp b10361 reads: the hyperparameter keys of <c>load_hparams</c>, and
/// the tensors it creates — exactly those, since the loader refuses a file with tensors it did not ask for. Names
/// from src/llama-arch.cpp, shapes from <c>load_arch_tensors</c> in src/models/llama.cpp, gpt2.cpp and phi3.cpp.
/// Every model carries its own vocab-sized <c>output.weight</c> (optional in all three loaders, which would
/// otherwise tie it to token_embd). The projections back into the residual stream (attn_output, ffn_down) are scaled
/// by <see cref="RandomModelSpec.ResidualScale"/> and gpt2's biases of both by
/// <see cref="RandomModelSpec.ResidualBiasScale"/>, output.weight by <see cref="RandomModelSpec.HeadScale"/>; with a
/// <see cref="RandomModelSpec.StreamRank"/> everything that writes into the stream carries a <see cref="StreamMask"/>.
/// </summary>
public static class RandomModelLayout
{
    /// <summary>The architectures with a layout: the paper's three families.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["llama", "gpt2", "phi3"];

    /// <summary>Whether the architecture rotates Q and K (RoPE) rather than adding learned positions.</summary>
    public static bool HasRope(string architecture) => architecture != "gpt2";

    /// <summary>Sets the {arch}.* hyperparameter keys of <paramref name="spec"/>.</summary>
    public static void WriteHyperparameters(GgufWriter writer, RandomModelSpec spec, long vocabSize)
    {
        string arch = spec.Architecture;
        writer.SetMetadata($"{arch}.context_length", spec.ContextLength)
            .SetMetadata($"{arch}.embedding_length", spec.EmbeddingLength)
            .SetMetadata($"{arch}.block_count", spec.BlockCount)
            .SetMetadata($"{arch}.feed_forward_length", spec.FeedForwardLength)
            .SetMetadata($"{arch}.attention.head_count", spec.HeadCount)
            .SetMetadata($"{arch}.attention.head_count_kv", spec.HeadCountKv);
        if (HasRope(arch))
        {
            writer.SetMetadata($"{arch}.attention.layer_norm_rms_epsilon", spec.NormEpsilon)
                .SetMetadata($"{arch}.rope.dimension_count", spec.HeadDim)
                .SetMetadata($"{arch}.rope.freq_base", spec.RopeFreqBase);
        }
        else
        {
            writer.SetMetadata($"{arch}.attention.layer_norm_epsilon", spec.NormEpsilon);
        }
        if (arch == "llama")
            writer.SetMetadata("llama.vocab_size", (uint)vocabSize);
        if (arch == "phi3")
            writer.SetMetadata("phi3.rope.scaling.original_context_length", spec.ContextLength);
    }

    public static IReadOnlyList<RandomTensor> Tensors(RandomModelSpec spec, long vocabSize) => spec.Architecture switch
    {
        "llama" => Llama(spec, vocabSize),
        "gpt2" => Gpt2(spec, vocabSize),
        "phi3" => Phi3(spec, vocabSize),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Architecture, "no layout for this architecture"),
    };

    /// <summary>The mask of a tensor whose rows are stream vectors (embeddings, biases).</summary>
    private static StreamMask? Rows(RandomModelSpec spec) => spec.StreamRank is { } d ? new StreamMask(0, d) : null;

    /// <summary>The mask of a projection whose rows are stream coordinates (attn_output, ffn_down).</summary>
    private static StreamMask? Outputs(RandomModelSpec spec) => spec.StreamRank is { } d ? new StreamMask(1, d) : null;

    private static List<RandomTensor> Llama(RandomModelSpec spec, long vocab)
    {
        long e = spec.EmbeddingLength, ff = spec.FeedForwardLength, kv = spec.KvWidth;
        var tensors = new List<RandomTensor> { new("token_embd.weight", [e, vocab], RandomInit.Random, 1, Rows(spec)) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            double residual = spec.ResidualScale(i);
            tensors.AddRange(
            [
                new($"blk.{i}.attn_norm.weight", [e], RandomInit.Ones),
                new($"blk.{i}.attn_q.weight", [e, e], RandomInit.Random),
                new($"blk.{i}.attn_k.weight", [e, kv], RandomInit.Random),
                new($"blk.{i}.attn_v.weight", [e, kv], RandomInit.Random),
                new($"blk.{i}.attn_output.weight", [e, e], RandomInit.Random, residual, Outputs(spec)),
                new($"blk.{i}.ffn_norm.weight", [e], RandomInit.Ones),
                new($"blk.{i}.ffn_gate.weight", [e, ff], RandomInit.Random),
                new($"blk.{i}.ffn_up.weight", [e, ff], RandomInit.Random),
                new($"blk.{i}.ffn_down.weight", [ff, e], RandomInit.Random, residual, Outputs(spec)),
            ]);
        }
        tensors.Add(new("output_norm.weight", [e], RandomInit.Ones));
        tensors.Add(new("output.weight", [e, vocab], RandomInit.Random, spec.HeadScale));
        return tensors;
    }

    private static List<RandomTensor> Gpt2(RandomModelSpec spec, long vocab)
    {
        long e = spec.EmbeddingLength, ff = spec.FeedForwardLength, qkv = e + 2 * spec.KvWidth;
        var tensors = new List<RandomTensor>
        {
            new("token_embd.weight", [e, vocab], RandomInit.Random, 1, Rows(spec)),
            new("position_embd.weight", [e, spec.ContextLength], RandomInit.Random, 1, Rows(spec)),
        };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            double residual = spec.ResidualScale(i);
            tensors.AddRange(
            [
                new($"blk.{i}.attn_norm.weight", [e], RandomInit.Ones),
                new($"blk.{i}.attn_norm.bias", [e], RandomInit.Zeros),
                new($"blk.{i}.attn_qkv.weight", [e, qkv], RandomInit.Random),
                new($"blk.{i}.attn_qkv.bias", [qkv], RandomInit.Random),
                new($"blk.{i}.attn_output.weight", [e, e], RandomInit.Random, residual, Outputs(spec)),
                new($"blk.{i}.attn_output.bias", [e], RandomInit.Random, spec.ResidualBiasScale(i), Rows(spec)),
                new($"blk.{i}.ffn_norm.weight", [e], RandomInit.Ones),
                new($"blk.{i}.ffn_norm.bias", [e], RandomInit.Zeros),
                new($"blk.{i}.ffn_up.weight", [e, ff], RandomInit.Random),
                new($"blk.{i}.ffn_up.bias", [ff], RandomInit.Random),
                new($"blk.{i}.ffn_down.weight", [ff, e], RandomInit.Random, residual, Outputs(spec)),
                new($"blk.{i}.ffn_down.bias", [e], RandomInit.Random, spec.ResidualBiasScale(i), Rows(spec)),
            ]);
        }
        tensors.Add(new("output_norm.weight", [e], RandomInit.Ones));
        tensors.Add(new("output_norm.bias", [e], RandomInit.Zeros));
        tensors.Add(new("output.weight", [e, vocab], RandomInit.Random, spec.HeadScale));
        return tensors;
    }

    private static List<RandomTensor> Phi3(RandomModelSpec spec, long vocab)
    {
        long e = spec.EmbeddingLength, ff = spec.FeedForwardLength, qkv = e + 2 * spec.KvWidth;
        var tensors = new List<RandomTensor> { new("token_embd.weight", [e, vocab], RandomInit.Random, 1, Rows(spec)) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            double residual = spec.ResidualScale(i);
            tensors.AddRange(
            [
                new($"blk.{i}.attn_norm.weight", [e], RandomInit.Ones),
                new($"blk.{i}.attn_qkv.weight", [e, qkv], RandomInit.Random),
                new($"blk.{i}.attn_output.weight", [e, e], RandomInit.Random, residual, Outputs(spec)),
                new($"blk.{i}.ffn_norm.weight", [e], RandomInit.Ones),
                // gate and up fused: the graph splits the 2·n_ff rows in half (LLM_FFN_SWIGLU on one tensor)
                new($"blk.{i}.ffn_up.weight", [e, 2 * ff], RandomInit.Random),
                new($"blk.{i}.ffn_down.weight", [ff, e], RandomInit.Random, residual, Outputs(spec)),
            ]);
        }
        tensors.Add(new("output_norm.weight", [e], RandomInit.Ones));
        tensors.Add(new("output.weight", [e, vocab], RandomInit.Random, spec.HeadScale));
        return tensors;
    }
}
