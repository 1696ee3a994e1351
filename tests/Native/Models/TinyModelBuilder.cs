using LlamaJump.Interop.Gguf;

namespace LlamaJump.Tests.Native.Models;

/// <summary>Writes one tiny model with <see cref="GgufWriter"/>: general.* of its own, the architecture's
/// hyperparameters (the keys llama.cpp's load_hparams reads), every tokenizer.* key of the real vocab file, then the
/// tensors of <see cref="TinyModelLayout"/> with data from <see cref="TinyModelWeights"/>.</summary>
public static class TinyModelBuilder
{
    /// <param name="weightType">F32, F16 or BF16: the type of every 2-D tensor; 1-D tensors (norms, biases) stay F32
    /// as llama.cpp's converters keep them.</param>
    public static void Write(TinyModelSpec spec, GgmlType weightType, string vocabPath, string outputPath)
    {
        var vocab = GgufFile.Read(vocabPath);
        long vocabSize = vocab.GetArrayLength("tokenizer.ggml.tokens")
            ?? throw new InvalidOperationException($"{vocabPath} has no tokenizer.ggml.tokens");
        string arch = spec.Architecture;

        using var writer = new GgufWriter(outputPath);
        writer.SetMetadata("general.architecture", arch)
            .SetMetadata("general.name", $"tiny-random-{arch}")
            .SetMetadata("general.file_type", FileType(weightType))
            .SetMetadata($"{arch}.context_length", spec.ContextLength)
            .SetMetadata($"{arch}.embedding_length", spec.EmbeddingLength)
            .SetMetadata($"{arch}.block_count", spec.BlockCount)
            .SetMetadata($"{arch}.feed_forward_length", spec.FeedForwardLength)
            .SetMetadata($"{arch}.attention.head_count", spec.HeadCount)
            .SetMetadata($"{arch}.attention.head_count_kv", spec.HeadCountKv);
        if (arch == "gpt2")
        {
            writer.SetMetadata("gpt2.attention.layer_norm_epsilon", spec.NormEpsilon);
        }
        else
        {
            writer.SetMetadata($"{arch}.attention.layer_norm_rms_epsilon", spec.NormEpsilon)
                .SetMetadata($"{arch}.rope.dimension_count", spec.HeadDim)
                .SetMetadata($"{arch}.rope.freq_base", spec.RopeFreqBase);
        }
        if (arch == "llama")
            writer.SetMetadata("llama.vocab_size", (uint)vocabSize);
        if (arch == "phi3")
            writer.SetMetadata("phi3.rope.scaling.original_context_length", spec.ContextLength);
        writer.CopyMetadata(vocab, key => key.StartsWith("tokenizer.", StringComparison.Ordinal));

        foreach (var tensor in TinyModelLayout.Tensors(spec, vocabSize))
        {
            var type = tensor.Dims.Length == 1 ? GgmlType.F32 : weightType;
            writer.AddTensor(tensor.Name, type, tensor.Dims,
                stream => TinyModelWeights.Write(stream, tensor, type, spec.Seed, spec.InitStd));
        }
        writer.Complete();
    }

    /// <summary>llama_ftype: ALL_F32 = 0, MOSTLY_F16 = 1, MOSTLY_BF16 = 32.</summary>
    private static uint FileType(GgmlType weightType) => weightType switch
    {
        GgmlType.F32 => 0,
        GgmlType.F16 => 1,
        GgmlType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(weightType), weightType, "tiny models hold F32, F16 or BF16 weights"),
    };
}
