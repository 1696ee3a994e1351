using System.Text;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;

namespace LlamaJump.StockReference;

/// <summary>One prompt's generation: the prompt tokens (BOS added), the sampled tokens and their text.</summary>
public sealed record ReferenceCase(string Prompt, string Sampler, int[] PromptTokens, int[] Tokens, string Text);

/// <summary>
/// The generation runs whose outputs must be identical on the stock LLamaSharp backend and on our patched build.
/// This file is compiled into both the reference tool and tests/Native, so the two sides run the same code; only the
/// native library underneath differs. Single-threaded, so float reductions run in the same order on both.
/// </summary>
public static class ReferenceRuns
{
    public const string Greedy = "greedy";
    public const string PenaltiesDry = "penalties+dry";

    public static readonly string[] Prompts =
    [
        "Once upon a time",
        "The little dog",
        "Lily and Ben went to the park. They",
        "One day, a big bear",
    ];

    public static ModelParams Parameters(string modelPath) => new(modelPath)
    {
        ContextSize = 256,
        BatchSize = 256,
        Threads = 1,
        BatchThreads = 1,
        GpuLayerCount = 0,
    };

    /// <summary>The sampler named <paramref name="sampler"/>: plain greedy, or repetition penalties + DRY + seeded sampling.</summary>
    public static BaseSamplingPipeline CreatePipeline(string sampler) => sampler switch
    {
        Greedy => new GreedySamplingPipeline(),
        PenaltiesDry => new PenaltiesDryPipeline(),
        _ => throw new ArgumentOutOfRangeException(nameof(sampler), sampler, "unknown sampler"),
    };

    public static ReferenceCase Generate(LLamaWeights weights, ModelParams parameters, string prompt, string sampler, int maxTokens)
    {
        using var context = weights.CreateContext(parameters);
        using var pipeline = CreatePipeline(sampler);
        LLamaToken[] promptTokens = context.Tokenize(prompt, addBos: true, special: false);

        var batch = new LLamaBatch();
        for (int i = 0; i < promptTokens.Length; i++)
        {
            batch.Add(promptTokens[i], i, LLamaSeqId.Zero, logits: i == promptTokens.Length - 1);
        }
        var tokens = new List<int>();
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, weights);
        int position = promptTokens.Length;
        for (int step = 0; step < maxTokens; step++)
        {
            if (context.Decode(batch) != DecodeResult.Ok)
            {
                throw new InvalidOperationException($"decode failed at step {step}");
            }
            LLamaToken next = pipeline.Sample(context.NativeHandle, batch.TokenCount - 1);
            if (next.IsEndOfGeneration(weights.Vocab))
            {
                break;
            }
            // llama_sampler_sample already accepted the token into the chain (penalty/DRY history): no pipeline.Accept
            tokens.Add((int)next);
            decoder.Add(next);
            batch.Clear();
            batch.Add(next, position++, LLamaSeqId.Zero, logits: true);
        }
        return new ReferenceCase(prompt, sampler, promptTokens.Select(t => (int)t).ToArray(), tokens.ToArray(), decoder.Read());
    }

    /// <summary>Repetition, frequency and presence penalties over the last 16 tokens, DRY over the whole training context
    /// (dry_penalty_last_n = -1, which b10221 maps to n_ctx_train), then seeded top-k / temperature sampling.</summary>
    private sealed class PenaltiesDryPipeline : BaseSamplingPipeline
    {
        protected override SafeLLamaSamplerChainHandle CreateChain(SafeLLamaContextHandle context)
        {
            var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
            chain.AddPenalties(penaltyCount: 16, repeat: 1.3f, freq: 0.2f, presence: 0.1f);
            chain.AddDry(context.ModelHandle, ["\n", "."], multiplier: 0.8f, @base: 1.75f, allowedLength: 2, penaltyLastN: -1);
            chain.AddTopK(20);
            chain.AddTemperature(0.7f);
            chain.AddDistributionSampler(seed: 1234);
            return chain;
        }
    }
}
