using LLama.Sampling;
using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>
/// Token choice. Greedy (the default, <see cref="Temperature"/> = 0) takes the argmax; otherwise LLamaSharp's
/// DefaultSamplingPipeline with temperature, top-k, top-p, repeat penalty and seed, as LLamaSharp's own front-ends
/// sample. Spec mode stays lossless under sampling: a draft is kept only when the full model's sample at its position
/// equals it, so every emitted token is a sample of the full model.
/// </summary>
public sealed record SamplingOptions(float Temperature = 0f, int TopK = 40, float TopP = 0.95f, float RepeatPenalty = 1f, uint Seed = 42)
{
    public static SamplingOptions Greedy { get; } = new();

    public bool IsGreedy => Temperature <= 0f;

    internal ISamplingPipeline? CreatePipeline() => IsGreedy ? null : new DefaultSamplingPipeline
    {
        Temperature = Temperature,
        TopK = TopK,
        TopP = TopP,
        RepeatPenalty = RepeatPenalty,
        Seed = Seed,
    };
}
