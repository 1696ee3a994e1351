using LlamaJump.App;
using LlamaJump.App.Bench;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Pipeline;

/// <summary>What the pipeline's λ sweep runs on: the model and jump file with their SHA-256, the λ values, tokens per λ, threads.</summary>
public sealed record ExitSweepOptions(string ModelPath, string ModelSha256, string JumpsPath, string JumpsSha256, IReadOnlyList<float> Lambdas, int Tokens, int? Threads);

/// <summary>
/// The pipeline's early-exit step: greedy generation in exit mode with the model's OJFA jump at a few λ values
/// (<see cref="ExitBenchmark.Sweep"/>: every block from a quarter of the depth is a candidate, state propagation for
/// the llama family), <see cref="ExitBenchmark.DefaultPrompts"/> as prompts, giving blocks per token and the
/// agreement with the full model at each λ.
/// </summary>
public sealed class ExitSweepJob(ExitSweepOptions options) : IJob<ExitSweep?>
{
    public static IReadOnlyList<string> Prompts => ExitBenchmark.DefaultPrompts;

    /// <summary>The sweep, or null when cancelled before every λ was measured.</summary>
    public ExitSweep? Execute(JobContext context, CancellationToken cancel)
    {
        var (modelPath, modelSha256, jumpsPath, jumpsSha256, lambdas, tokens, threads) = options;
        var log = context.Log;
        var info = ModelInfo.Read(modelPath);
        var set = JumpFile.Read(jumpsPath);
        JumpFile.EnsureMatches(set, modelSha256, info.BlockCount, info.EmbeddingLength, info.FileName);
        var candidates = ExitCandidates.Default(info.BlockCount);
        NativeLog.Quiet(log);
        using var session = ModelSession.Open(modelPath, new SessionOptions(1, Math.Max(512, tokens + 128), threads));
        var generator = new EarlyExitGenerator(session, ExitJumps.Choose(set), SamplingOptions.Greedy, Math.Max(0, info.BlockCount / 2 - 1));
        var prompts = Prompts.Select(session.Tokenize).ToList();
        log.WriteLine($"exit: {session.Describe()}; OJFA jump {set.Ojfa}; λ {string.Join(", ", lambdas.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)))}; candidates {string.Join(",", candidates)}; {tokens} tokens × {prompts.Count} prompts");
        var points = ExitBenchmark.Sweep(session, generator, prompts, tokens, lambdas, candidates, cancel);
        if (points.Count < lambdas.Count)
            return null;
        return new ExitSweep(ExitSweep.CurrentVersion, modelSha256, jumpsSha256, info.BlockCount, tokens, [.. Prompts], candidates,
            points.Select(p => new ExitPoint(p.Lambda, p.BlocksPerToken, p.Agreement, p.SequenceAgreement, p.TokensPerSecond)).ToList());
    }
}
