using System.Globalization;
using LlamaJump.App;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.App.Train;

/// <summary>The results of <c>llamajump train</c> on stdout: per-level validation loss, D_m and its softmax, the OJFA
/// choice, parameter counts, timings, the file written.</summary>
public static class TrainReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(TextWriter o, TrainOutcome outcome, bool ojfaOnly)
    {
        var set = outcome.Result.Set;
        var training = outcome.Result.Training;
        var scores = outcome.Result.Scores;
        var rows = new List<IReadOnlyList<string>>();
        for (int k = 0; k < set.ExitLevels; k++)
        {
            var s = training.LevelSummaries[k];
            rows.Add([
                k.ToString(Inv), G(s.BestValidationLoss), $"{s.BestEpoch}/{s.EpochsRun}",
                scores.D[k].ToString("0.000000", Inv), scores.Softmax[k].ToString("0.0000", Inv), k == scores.Ojfa ? "<- OJFA" : "",
            ]);
        }
        if (training.JointSummary is { } joint)
            rows.Add(["joint", G(joint.BestValidationLoss), $"{joint.BestEpoch}/{joint.EpochsRun}", "", "", ""]);
        TextTable.Write(o, ["LEVEL", "BEST VAL LOSS", "EPOCH/RUN", "D_M", "SOFTMAX(T=5e-4)", ""], rows, new HashSet<int> { 1, 2, 3, 4 });

        o.WriteLine(string.Create(Inv, $"OJFA choice: jump {scores.Ojfa} (D_m {scores.D[scores.Ojfa]:0.000000}, softmax {scores.Softmax[scores.Ojfa]:0.0000})"));
        var counts = JumpParameterCounts.For(set.Identity.NEmbd, set.Identity.NLayer, training.Rank);
        o.WriteLine($"parameters: {N(counts.PerJump)} per jump (rank {training.Rank}); multi-jump {N(counts.LlamaJumpMulti)} ({counts.ExitLevels} jumps), single OJFA jump {N(counts.Single)} ({counts.ExitLevels}× fewer)");
        o.WriteLine(string.Create(Inv,
            $"time: levels {training.LevelsSeconds:0.0} s ({training.Strategy.Name()}, {training.TrainRows} train + {training.ValidationRows} validation rows), joint {training.JointSeconds:0.0} s, D_m {outcome.Result.ScoringSeconds:0.0} s, total {outcome.TotalSeconds:0.0} s, {training.Steps} steps, {outcome.Threads} thread{(outcome.Threads == 1 ? "" : "s")}, torch {outcome.Device.Name}"));
        if (outcome.PeakBytes is { } peak)
            o.WriteLine($"peak memory: {TextTable.Bytes(peak)} (VmHWM)");
        string what = ojfaOnly ? $"the OJFA jump {scores.Ojfa} only"
            : $"{set.ExitLevels} level jumps{(set.Joint is null ? "" : " + the joint jump")}";
        o.WriteLine($"wrote {outcome.OutPath} ({what}, {TextTable.Bytes(outcome.FileBytes)})");
    }

    private static string G(double value) => value.ToString("G6", Inv);

    private static string N(long n) => n.ToString("N0", Inv);
}
