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
    /// <summary>Every element equal to <see cref="RandomTensor.Scale"/>: the weights of a post-norm (gemma2, gemma3,
    /// olmo2), which normalises a block's output before it joins the residual stream and so would undo the scale on
    /// attn_output and ffn_down; it carries that scale instead.</summary>
    Constant,
}

/// <summary>Which residual-stream coordinates a tensor writes: ggml dim <paramref name="Dim"/> (0 for embeddings and
/// biases, whose rows are stream vectors; 1 for the projections attn_output and ffn_down, whose rows are output
/// coordinates) indexes the stream, and entries at coordinates from <paramref name="Width"/> on are zero.</summary>
public sealed record StreamMask(int Dim, long Width);

/// <summary>One tensor of a random model: its GGUF name, ggml dims (dims[0] the row length), initialisation, the
/// factor on <see cref="RandomModelSpec.InitStd"/> for a <see cref="RandomInit.Random"/> tensor (the value itself
/// for a <see cref="RandomInit.Constant"/> one), and for a tensor that writes into a narrowed residual stream
/// (<see cref="RandomModelSpec.StreamRank"/>) the coordinates it may write.</summary>
public sealed record RandomTensor(string Name, long[] Dims, RandomInit Init, double Scale = 1, StreamMask? Mask = null);
