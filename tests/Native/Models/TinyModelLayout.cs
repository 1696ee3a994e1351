namespace LlamaJump.Tests.Native.Models;

/// <summary>How a tensor of a tiny model starts out.</summary>
public enum TinyInit
{
    /// <summary>Approximately N(0, InitStd²).</summary>
    Random,
    /// <summary>Norm weights.</summary>
    Ones,
    /// <summary>Norm biases.</summary>
    Zeros,
}

/// <summary>One tensor of a tiny model: its GGUF name, ggml dims (dims[0] the row length) and initialisation.</summary>
public sealed record TinyTensor(string Name, long[] Dims, TinyInit Init);

/// <summary>
/// The tensors each architecture's loader in llama.cpp b10361 creates — exactly those, since the loader refuses a file
/// with tensors it did not ask for. Names from src/llama-arch.cpp, shapes from <c>load_arch_tensors</c> in
/// src/models/llama.cpp, gpt2.cpp and phi3.cpp. Every model carries its own vocab-sized <c>output.weight</c> (optional
/// in all three loaders, which would otherwise tie it to token_embd).
/// </summary>
public static class TinyModelLayout
{
    public static IReadOnlyList<TinyTensor> Tensors(TinyModelSpec spec, long vocabSize) => spec.Architecture switch
    {
        "llama" => Llama(spec, vocabSize),
        "gpt2" => Gpt2(spec, vocabSize),
        "phi3" => Phi3(spec, vocabSize),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Architecture, "no layout for this architecture"),
    };

    private static List<TinyTensor> Llama(TinyModelSpec spec, long vocab)
    {
        long e = spec.EmbeddingLength, ff = spec.FeedForwardLength, kv = spec.KvWidth;
        var tensors = new List<TinyTensor> { new("token_embd.weight", [e, vocab], TinyInit.Random) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.AddRange(
            [
                new($"blk.{i}.attn_norm.weight", [e], TinyInit.Ones),
                new($"blk.{i}.attn_q.weight", [e, e], TinyInit.Random),
                new($"blk.{i}.attn_k.weight", [e, kv], TinyInit.Random),
                new($"blk.{i}.attn_v.weight", [e, kv], TinyInit.Random),
                new($"blk.{i}.attn_output.weight", [e, e], TinyInit.Random),
                new($"blk.{i}.ffn_norm.weight", [e], TinyInit.Ones),
                new($"blk.{i}.ffn_gate.weight", [e, ff], TinyInit.Random),
                new($"blk.{i}.ffn_up.weight", [e, ff], TinyInit.Random),
                new($"blk.{i}.ffn_down.weight", [ff, e], TinyInit.Random),
            ]);
        }
        tensors.Add(new("output_norm.weight", [e], TinyInit.Ones));
        tensors.Add(new("output.weight", [e, vocab], TinyInit.Random));
        return tensors;
    }

    private static List<TinyTensor> Gpt2(TinyModelSpec spec, long vocab)
    {
        long e = spec.EmbeddingLength, ff = spec.FeedForwardLength, qkv = e + 2 * spec.KvWidth;
        var tensors = new List<TinyTensor>
        {
            new("token_embd.weight", [e, vocab], TinyInit.Random),
            new("position_embd.weight", [e, spec.ContextLength], TinyInit.Random),
        };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.AddRange(
            [
                new($"blk.{i}.attn_norm.weight", [e], TinyInit.Ones),
                new($"blk.{i}.attn_norm.bias", [e], TinyInit.Zeros),
                new($"blk.{i}.attn_qkv.weight", [e, qkv], TinyInit.Random),
                new($"blk.{i}.attn_qkv.bias", [qkv], TinyInit.Random),
                new($"blk.{i}.attn_output.weight", [e, e], TinyInit.Random),
                new($"blk.{i}.attn_output.bias", [e], TinyInit.Random),
                new($"blk.{i}.ffn_norm.weight", [e], TinyInit.Ones),
                new($"blk.{i}.ffn_norm.bias", [e], TinyInit.Zeros),
                new($"blk.{i}.ffn_up.weight", [e, ff], TinyInit.Random),
                new($"blk.{i}.ffn_up.bias", [ff], TinyInit.Random),
                new($"blk.{i}.ffn_down.weight", [ff, e], TinyInit.Random),
                new($"blk.{i}.ffn_down.bias", [e], TinyInit.Random),
            ]);
        }
        tensors.Add(new("output_norm.weight", [e], TinyInit.Ones));
        tensors.Add(new("output_norm.bias", [e], TinyInit.Zeros));
        tensors.Add(new("output.weight", [e, vocab], TinyInit.Random));
        return tensors;
    }

    private static List<TinyTensor> Phi3(TinyModelSpec spec, long vocab)
    {
        long e = spec.EmbeddingLength, ff = spec.FeedForwardLength, qkv = e + 2 * spec.KvWidth;
        var tensors = new List<TinyTensor> { new("token_embd.weight", [e, vocab], TinyInit.Random) };
        for (int i = 0; i < spec.BlockCount; i++)
        {
            tensors.AddRange(
            [
                new($"blk.{i}.attn_norm.weight", [e], TinyInit.Ones),
                new($"blk.{i}.attn_qkv.weight", [e, qkv], TinyInit.Random),
                new($"blk.{i}.attn_output.weight", [e, e], TinyInit.Random),
                new($"blk.{i}.ffn_norm.weight", [e], TinyInit.Ones),
                // gate and up fused: the graph splits the 2·n_ff rows in half (LLM_FFN_SWIGLU on one tensor)
                new($"blk.{i}.ffn_up.weight", [e, 2 * ff], TinyInit.Random),
                new($"blk.{i}.ffn_down.weight", [ff, e], TinyInit.Random),
            ]);
        }
        tensors.Add(new("output_norm.weight", [e], TinyInit.Ones));
        tensors.Add(new("output.weight", [e, vocab], TinyInit.Random));
        return tensors;
    }
}
