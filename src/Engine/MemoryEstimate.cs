using System.Globalization;
using LlamaJump.Gguf;
using LlamaJump.Interop;

namespace LlamaJump.Engine;

/// <summary>A request that cannot fit this machine, refused before anything is loaded; the message carries the
/// estimate that made the decision.</summary>
public sealed class MemoryRequestTooLargeException(string message) : Exception(message);

/// <summary>
/// Up-front memory estimate of a <see cref="ModelSession"/>: the model's tensors (mapped from the file), the f16 KV
/// cache (2 × n_layer × context × n_embd_kv × 2 bytes, n_embd_kv = n_embd · head_count_kv / head_count) and the
/// output/capture buffers, against MemAvailable. Deliberately simple — the point is refusing requests that are off by
/// orders of magnitude (a context of millions of tokens) with a clear number, not predicting llama.cpp to the byte.
/// </summary>
public static class MemoryEstimate
{
    public sealed record Estimate(long ModelBytes, long KvCacheBytes, long BufferBytes)
    {
        public long Total => ModelBytes + KvCacheBytes + BufferBytes;
    }

    public static Estimate For(GgufFile file, SessionOptions options)
    {
        string arch = file.GetString("general.architecture") ?? "";
        long nLayer = file.GetInteger($"{arch}.block_count") ?? 0;
        long nEmbd = file.GetInteger($"{arch}.embedding_length") ?? 0;
        long heads = file.GetInteger($"{arch}.attention.head_count") ?? 1;
        long kvHeads = file.GetInteger($"{arch}.attention.head_count_kv") ?? heads;
        long nVocab = file.GetArrayLength("tokenizer.ggml.tokens") ?? 0;
        long nEmbdKv = heads > 0 ? nEmbd * kvHeads / heads : nEmbd;
        long context = (long)options.SequenceCount * options.MaxTokens;
        long kv = 2L * nLayer * context * nEmbdKv * sizeof(ushort);
        // logits of every output (one per sequence) + captured rows of every block + a compute scratch of ~context × n_embd × 16
        long buffers = (long)options.SequenceCount * (nVocab + nLayer * nEmbd) * sizeof(float) + context * nEmbd * 16 * sizeof(float);
        return new Estimate(file.FileSize - file.DataOffset, kv, buffers);
    }

    /// <summary>Throws <see cref="MemoryRequestTooLargeException"/> when the estimate exceeds the memory available now.</summary>
    public static void EnsureFits(GgufFile file, SessionOptions options, long? availableBytes = null)
    {
        var estimate = For(file, options);
        long available = availableBytes ?? Available();
        if (available > 0 && estimate.Total > available)
        {
            throw new MemoryRequestTooLargeException(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(file.Path)} with {options.SequenceCount} sequences × {options.MaxTokens} tokens needs about " +
                $"{Gib(estimate.Total)} GiB (model {Gib(estimate.ModelBytes)}, KV cache {Gib(estimate.KvCacheBytes)}, buffers {Gib(estimate.BufferBytes)}) " +
                $"but {Gib(available)} GiB is available; use fewer sequences or tokens"));
        }
    }

    /// <summary>MemAvailable from /proc/meminfo in bytes (0 when unknown).</summary>
    public static long Available()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    private static string Gib(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);
}
