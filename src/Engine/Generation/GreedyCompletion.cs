using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>Result of a full-depth greedy completion: the generated token ids, their text, and the decode rate.</summary>
public sealed record CompletionResult(IReadOnlyList<int> PromptTokens, IReadOnlyList<int> Tokens, string Text, double TokensPerSecond);

/// <summary>Full-model greedy completion through LLamaSharp on the patched backend (BOS added, stops at end of
/// generation or after <c>maxTokens</c>). The reference every early-exit mode is compared against.</summary>
public static class GreedyCompletion
{
    public static CompletionResult Run(string modelPath, string prompt, int maxTokens, int? threads = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        NativeBackend.Initialize();
        var plan = ThreadPlan.For(new FileInfo(modelPath).Length, threads, CpuBudget.Current());
        var parameters = new ModelParams(modelPath) { ContextSize = 512, Threads = plan.Decode, BatchThreads = plan.Batch };
        ModelPlacement.Apply(parameters);
        using var weights = LLamaWeights.LoadFromFile(parameters);
        using var context = weights.CreateContext(parameters);
        using var sampler = new GreedySamplingPipeline();
        LLamaToken[] promptTokens = context.Tokenize(prompt, addBos: true);
        if (promptTokens.Length + maxTokens > context.ContextSize)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), $"prompt ({promptTokens.Length} tokens) + {maxTokens} exceeds the context of {context.ContextSize}");
        }

        var batch = new LLamaBatch();
        for (int i = 0; i < promptTokens.Length; i++)
        {
            batch.Add(promptTokens[i], i, LLamaSeqId.Zero, logits: i == promptTokens.Length - 1);
        }
        var tokens = new List<int>(maxTokens);
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
        var clock = Stopwatch.StartNew();
        for (int position = promptTokens.Length; tokens.Count < maxTokens; position++)
        {
            if (context.Decode(batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"llama_decode failed at position {position}");
            }
            LLamaToken next = sampler.Sample(context.NativeHandle, batch.TokenCount - 1);
            if (next.IsEndOfGeneration(weights.Vocab))
            {
                break;
            }
            tokens.Add((int)next);
            decoder.Add(next);
            batch.Clear();
            batch.Add(next, position, LLamaSeqId.Zero, logits: true);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new CompletionResult(promptTokens.Select(t => (int)t).ToList(), tokens, decoder.Read(), seconds > 0 ? tokens.Count / seconds : 0);
    }
}
