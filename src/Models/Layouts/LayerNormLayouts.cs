using static LlamaJump.Models.Layouts.LayoutParts;

namespace LlamaJump.Models.Layouts;

/// <summary>
/// The LayerNorm families (every norm with its bias; ε under attention.layer_norm_epsilon), from src/models/gpt2.cpp,
/// phi2.cpp, stablelm.cpp and starcoder2.cpp: gpt2 (learned positions, fused QKV, GELU FFN, biases everywhere), phi2
/// (one norm feeding attention and FFN in parallel, fused QKV with bias, GELU FFN with biases, an output bias, RoPE
/// over half the head), stablelm (Q/K/V biases as StableLM 2 has them, SwiGLU FFN, RoPE over half the head) and
/// starcoder2 (RoPE; Q/K/V, attention output and FFN biases, GELU FFN). Each carries its own output.weight (optional
/// in gpt2's and starcoder2's loaders, required in phi2's and stablelm's).
/// </summary>
internal static class LayerNormLayouts
{
    public static IEnumerable<ArchitectureLayout> All { get; } =
    [
        new("gpt2", RandomModelNorm.Layer, RopeSpan.None, Gpt2),
        new("phi2", RandomModelNorm.Layer, RopeSpan.Half, Phi2),
        new("stablelm", RandomModelNorm.Layer, RopeSpan.Half, StableLm),
        new("starcoder2", RandomModelNorm.Layer, RopeSpan.Full, StarCoder2),
    ];

    private static List<RandomTensor> Gpt2(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor>
        {
            TokenEmbedding(spec, vocab),
            new("position_embd.weight", [spec.EmbeddingLength, spec.ContextLength], RandomInit.Random, 1, Rows(spec)),
        };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.AddRange(Norm(spec, $"blk.{i}.attn_norm", bias: true));
            tensors.AddRange(FusedQkv(spec, i, bias: true));
            tensors.Add(AttnOutput(spec, i));
            tensors.Add(ResidualBias(spec, "attn_output", i));
            tensors.AddRange(Norm(spec, $"blk.{i}.ffn_norm", bias: true));
            tensors.AddRange(GeluFfnWithBiases(spec, i));
        }
        return Head(spec, vocab, tensors);
    }

    /// <summary>phi2: no ffn_norm — attention and FFN both read attn_norm's output and add to the stream together.</summary>
    private static List<RandomTensor> Phi2(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.AddRange(Norm(spec, $"blk.{i}.attn_norm", bias: true));
            tensors.AddRange(FusedQkv(spec, i, bias: true));
            tensors.Add(AttnOutput(spec, i));
            tensors.Add(ResidualBias(spec, "attn_output", i));
            tensors.AddRange(GeluFfnWithBiases(spec, i));
        }
        Head(spec, vocab, tensors);
        tensors.Add(OutputBias(spec, vocab));
        return tensors;
    }

    private static List<RandomTensor> StableLm(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.AddRange(Norm(spec, $"blk.{i}.attn_norm", bias: true));
            tensors.AddRange(SeparateQkv(spec, i, biases: true));
            tensors.Add(AttnOutput(spec, i));
            tensors.AddRange(Norm(spec, $"blk.{i}.ffn_norm", bias: true));
            tensors.AddRange(GatedFfn(spec, i));
        }
        return Head(spec, vocab, tensors);
    }

    private static List<RandomTensor> StarCoder2(RandomModelSpec spec, long vocab)
    {
        var tensors = new List<RandomTensor> { TokenEmbedding(spec, vocab) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.AddRange(Norm(spec, $"blk.{i}.attn_norm", bias: true));
            tensors.AddRange(SeparateQkv(spec, i, biases: true));
            tensors.Add(AttnOutput(spec, i));
            tensors.Add(ResidualBias(spec, "attn_output", i));
            tensors.AddRange(Norm(spec, $"blk.{i}.ffn_norm", bias: true));
            tensors.AddRange(GeluFfnWithBiases(spec, i));
        }
        return Head(spec, vocab, tensors);
    }

    /// <summary>Appends output_norm with its bias and output.weight.</summary>
    private static List<RandomTensor> Head(RandomModelSpec spec, long vocab, List<RandomTensor> tensors)
    {
        tensors.AddRange(Norm(spec, "output_norm", bias: true));
        tensors.Add(Output(spec, vocab));
        return tensors;
    }
}
