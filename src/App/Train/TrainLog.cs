using System.Globalization;
using LlamaJump.Shortcuts.Training;

namespace LlamaJump.App.Train;

/// <summary>Training progress on stderr: a line per epoch of a run of several jumps (the batched levels) or of the
/// joint jump, and one line when a single level's run ends (the loop strategy), so a loop over 31 levels does not
/// print 31 × epochs lines.</summary>
public sealed class TrainLog(TextWriter log) : IJumpTrainingObserver
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public void EpochDone(JumpEpochReport r)
    {
        bool finished = r.Epoch == r.Epochs || r.Active.All(a => !a);
        if (r.Jumps.Count == 1 && r.Jumps[0] != JumpEpochReport.Joint)
        {
            if (finished)
                log.WriteLine(string.Create(Inv,
                    $"train: level {r.Jumps[0]} done after epoch {r.Epoch}/{r.Epochs}{(r.Active[0] ? "" : " (no better validation loss for the patience)")}: last validation loss {r.ValidationLoss[0]:G5}"));
            return;
        }
        var measured = Enumerable.Range(0, r.Jumps.Count).Where(g => !double.IsNaN(r.ValidationLoss[g])).ToArray();
        string name = r.Jumps.Count == 1 ? "joint jump" : $"{r.Jumps.Count} levels";
        string loss = measured.Length == 0 ? "" : string.Create(Inv,
            $", train loss {measured.Average(g => r.TrainLoss[g]):G5}, validation loss {measured.Average(g => r.ValidationLoss[g]):G5}{(measured.Length > 1 ? " (mean)" : "")}");
        int active = r.Active.Count(a => a);
        log.WriteLine(string.Create(Inv, $"train: {name}, epoch {r.Epoch}/{r.Epochs}: {measured.Length} trained{loss}, {active} continue, {r.Seconds:0.00} s ({r.GatherSeconds:0.00} s reading rows)"));
    }

    public void StepDone(long step)
    {
    }
}
