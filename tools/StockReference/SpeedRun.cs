using System.Diagnostics;
using LLama;
using LLama.Common;
using LLama.Native;

namespace LlamaJump.StockReference;

/// <summary>How one speed run is set up: threads (for both decode and batch), context, batch (= micro-batch), prompt
/// tokens processed in batches of <see cref="Batch"/>, then tokens decoded one at a time.</summary>
public sealed record SpeedSettings(int Threads, int Context, int Batch, int PromptTokens, int DecodeTokens);

/// <summary>Seconds of prompt processing and of one-token decoding, timed around llama_decode only.</summary>
public sealed record SpeedResult(int PromptTokens, double PromptSeconds, int DecodeTokens, double DecodeSeconds)
{
    public double PromptTokensPerSecond => PromptTokens / PromptSeconds;

    public double DecodeTokensPerSecond => DecodeTokens / DecodeSeconds;
}

/// <summary>
/// Prompt-processing and decode throughput through LLamaSharp's own calls, with whichever libllama the process loaded:
/// the same code measures the stock LLamaSharp.Backend.Cpu 0.30.0 and our patched build (<c>speed --native</c>), so
/// only the native library differs. The tokens are fixed ids, not text — BOS, then (7919·i + 13) mod n_vocab — so both
/// sides decode the same sequence without a tokenizer or a sampler in the timing. A warm-up decode of one batch runs
/// first and its cells are cleared.
/// </summary>
public static class SpeedRun
{
    public static SpeedResult Measure(string modelPath, SpeedSettings settings)
    {
        var parameters = new ModelParams(modelPath)
        {
            ContextSize = (uint)settings.Context,
            BatchSize = (uint)settings.Batch,
            UBatchSize = (uint)settings.Batch,
            Threads = settings.Threads,
            BatchThreads = settings.Threads,
            GpuLayerCount = 0,
        };
        if (settings.PromptTokens + settings.DecodeTokens > settings.Context)
            throw new ArgumentException($"{settings.PromptTokens} prompt + {settings.DecodeTokens} decoded tokens do not fit a context of {settings.Context}");
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        int vocab = weights.Vocab.Count;
        LLamaToken Token(int i) => i == 0 && weights.Vocab.BOS is { } bos ? bos : (LLamaToken)(int)((7919L * i + 13) % vocab);

        var batch = new LLamaBatch();
        Prompt(context, batch, Token, Math.Min(settings.Batch, settings.PromptTokens), settings.Batch);
        context.NativeHandle.MemoryClear();

        var clock = Stopwatch.StartNew();
        Prompt(context, batch, Token, settings.PromptTokens, settings.Batch);
        double promptSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        for (int i = 0; i < settings.DecodeTokens; i++)
        {
            int position = settings.PromptTokens + i;
            batch.Clear();
            batch.Add(Token(position), position, LLamaSeqId.Zero, logits: true);
            Decode(context, batch);
        }
        double decodeSeconds = clock.Elapsed.TotalSeconds;
        return new SpeedResult(settings.PromptTokens, promptSeconds, settings.DecodeTokens, decodeSeconds);
    }

    private static void Prompt(LLamaContext context, LLamaBatch batch, Func<int, LLamaToken> token, int count, int batchSize)
    {
        for (int first = 0; first < count; first += batchSize)
        {
            batch.Clear();
            int end = Math.Min(count, first + batchSize);
            for (int i = first; i < end; i++)
                batch.Add(token(i), i, LLamaSeqId.Zero, logits: i == count - 1);
            Decode(context, batch);
        }
    }

    private static void Decode(LLamaContext context, LLamaBatch batch)
    {
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok)
            throw new InvalidOperationException($"llama_decode returned {result}");
    }
}
