using LlamaJump.App.Generate;
using LlamaJump.Dumps;
using LlamaJump.Dumps.Sampling;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Bench;

/// <summary>How the tokens before a teacher-forced sample's last one are decoded: in one full-depth batch (the context
/// the dump recorded, exactly), or one per decode in exit mode with that fill (the context generation would have).</summary>
public enum ForcedHistory { FullDepth, Propagate, Recompute }

/// <summary>One λ and history of the teacher-forced sweep, over <see cref="Samples"/> of the evaluation's test samples:
/// online, the blocks run for the sample's last token, whether the token exit mode chose after it is the full model's
/// top-1 the dump recorded (overall, and among the samples that ran to full depth: null when none did), and the share
/// of samples exiting at the very block the rule picks from their own exit record; offline, the same rule replayed on
/// the same samples' exit records (for recompute with its full-depth token after an exit, which no single sample's
/// record decides — so there the same-block share is low by construction).</summary>
public sealed record ForcedSweepPoint(float Lambda, ForcedHistory History, int Samples, double BlocksPerToken, double Agreement,
    double? FullDepthAgreement, double SameExit, ExitOutcome Offline);

/// <summary>
/// The online λ sweep on the offline curve's own samples: each test sample of the dump eval scored (its tokens, BOS
/// first, up to the sampled position) is fed teacher-forced and its last token decoded in exit mode at the paper's
/// candidates (<see cref="EarlyExitGenerator.ForcedExit"/>); its exit is compared with the offline replay of the same
/// rule on that sample. With the history at full depth, online and offline see the same states and differ only by
/// float rounding (native f32 states against the dump's stored ones). With the history in exit mode they differ by
/// what the fill changes: under propagation, the earlier tokens' propagated K/V; under recompute, a token after an
/// exited one is decoded together with that token's recompute, at full depth.
/// </summary>
public static class TeacherForcedSweep
{
    /// <summary>The history's name in bench exit's table and JSON: full-depth, propagate or recompute.</summary>
    public static string Name(this ForcedHistory history) => history switch
    {
        ForcedHistory.FullDepth => "full-depth",
        ForcedHistory.Propagate => "propagate",
        _ => "recompute",
    };

    /// <summary>The first <paramref name="count"/> test samples of the dump in <paramref name="dumpDirectory"/>, checked
    /// to be those <paramref name="source"/>'s exit samples were recorded on (model, corpus, seed, positions, count);
    /// one-line <see cref="UserInputException"/> otherwise.</summary>
    public static IReadOnlyList<DumpSample> TestSamples(string dumpDirectory, ExitPlanSource source, int count)
    {
        if (!Directory.Exists(dumpDirectory))
            throw new UserInputException($"--dump {dumpDirectory}: no such directory (llamajump dump writes one)");
        var dump = source.Dump ?? throw new UserInputException("--dump needs --plan results that name their dump");
        DumpManifest manifest;
        IReadOnlyList<DumpSample> samples;
        try
        {
            using var reader = DumpReader.Open(dumpDirectory);
            manifest = reader.Manifest;
            samples = reader.Split(DumpSplit.Test).Samples;
        }
        catch (DumpException e)
        {
            throw new UserInputException($"--dump {dumpDirectory}: {e.Message}");
        }
        var id = manifest.Identity;
        if (!string.Equals(id.Model.Sha256, source.ModelSha256, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(id.Corpus.Sha256, dump.CorpusSha256, StringComparison.OrdinalIgnoreCase)
            || id.Seed != dump.Seed || id.Position.Name() != dump.Position || samples.Count != dump.TestCount
            || samples.Count != source.Samples.Samples)
            throw new UserInputException(
                $"--dump {dumpDirectory} is not the dump --plan's results were evaluated on ({id.Model.File}, corpus {JumpFile.Short(id.Corpus.Sha256)}, seed {id.Seed}, {samples.Count} test samples; the results: corpus {JumpFile.Short(dump.CorpusSha256)}, seed {dump.Seed}, {dump.TestCount} test samples)");
        return samples.Take(Math.Max(0, count)).ToList();
    }

    /// <summary>The sweep: for each λ, each history, every sample. Stops early (fewer points) when cancelled.</summary>
    /// <param name="candidates">the paper's candidates (the rule the offline curve replays)</param>
    public static IReadOnlyList<ForcedSweepPoint> Run(EarlyExitGenerator generator, IReadOnlyList<DumpSample> samples, ExitPlanSource source,
        IReadOnlyList<float> lambdas, IReadOnlyList<int> candidates, IReadOnlyList<ForcedHistory> histories, CancellationToken cancel)
    {
        var recorded = source.Samples.Take(samples.Count);
        int levels = recorded.Levels, nLayer = levels + 1;
        var points = new List<ForcedSweepPoint>();
        foreach (float lambda in lambdas)
        {
            foreach (var history in histories)
            {
                // recompute's replay lets no token exit right after an exit (ExitRuleReplay)
                var offline = (source with { Samples = recorded, FullDepthAfterExit = history == ForcedHistory.Recompute }).PaperRuleAt(lambda);
                if (cancel.IsCancellationRequested)
                    return points;
                // the last token's own fill does not change its exit; a full-depth history needs none
                var fill = history == ForcedHistory.Propagate ? KvFill.Propagate : KvFill.Recompute;
                var settings = new GenerationSettings(GenerationMode.Exit, Lambda: lambda, Candidates: candidates, Fill: fill);
                long blocks = 0;
                int agree = 0, same = 0, full = 0, fullAgree = 0;
                for (int i = 0; i < samples.Count; i++)
                {
                    var (exit, next) = generator.ForcedExit(samples[i].Tokens, settings, history == ForcedHistory.FullDepth);
                    bool agrees = next == samples[i].Top1;
                    blocks += exit < nLayer - 1 ? exit + 1 : nLayer;
                    agree += agrees ? 1 : 0;
                    if (exit == nLayer - 1)
                    {
                        full++;
                        fullAgree += agrees ? 1 : 0;
                    }
                    int predicted = ExitRuleReplay.ExitOf(recorded.TopProbability.AsSpan(i * levels, levels), candidates, lambda);
                    same += predicted == exit ? 1 : 0;
                }
                int n = Math.Max(1, samples.Count);
                points.Add(new ForcedSweepPoint(lambda, history, samples.Count, (double)blocks / n, (double)agree / n,
                    full > 0 ? (double)fullAgree / full : null, (double)same / n, offline));
            }
        }
        return points;
    }
}
