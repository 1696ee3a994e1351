using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>Sessions, jumps and runs shared by the early-exit tests.</summary>
internal static class ExitFixtures
{
    public const string Prompt = "Once upon a time, there was a little girl named Lily.";

    public static ModelSession Open(string model, int maxTokens = 512) =>
        ModelSession.Open(model, new SessionOptions(SequenceCount: 1, MaxTokens: maxTokens, Threads: 1));

    /// <summary>A deterministic jump of the model's width: BatchNorm close to identity, A and B ~ N(0, 1/√H).
    /// Its predictions are not meant to be good; the tests check the machinery, not the jump.</summary>
    public static ExitJump RandomJump(int nEmbd, int rank = 8, int seed = 7)
    {
        var random = new Random(seed);
        float Normal(double sd) => (float)(sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        float[] Fill(int n, Func<float> f) => Enumerable.Range(0, n).Select(_ => f()).ToArray();
        double sd = 1 / Math.Sqrt(nEmbd);
        return new ExitJump(nEmbd, rank,
            Fill(nEmbd, () => 1 + Normal(0.05)), Fill(nEmbd, () => Normal(0.05)),
            Fill(nEmbd, () => Normal(0.1)), Fill(nEmbd, () => 1 + Math.Abs(Normal(0.1))), 1e-5f,
            Fill(nEmbd * rank, () => Normal(sd)), Fill(rank * nEmbd, () => Normal(sd)));
    }

    public static (IReadOnlyList<GeneratedToken> Tokens, GenerationStats Stats) Generate(
        EarlyExitGenerator generator, ModelSession session, GenerationSettings settings, int maxTokens, string prompt = Prompt)
    {
        var tokens = generator.Generate(session.Tokenize(prompt), maxTokens, new GenerationControl(settings)).ToList();
        return (tokens, generator.Stats);
    }

    public static int[] Ids(IEnumerable<GeneratedToken> tokens) => tokens.Select(t => t.Id).ToArray();
}
