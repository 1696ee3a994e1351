namespace LlamaJump.Shortcuts.Training;

/// <summary>One epoch of one training run. <see cref="Jumps"/> names the jumps trained together: exit levels
/// (0 … L−2) or <see cref="Joint"/>; <see cref="TrainLoss"/> and <see cref="ValidationLoss"/> are per jump, in that
/// order; <see cref="Active"/> says which of them are still training (not yet stopped by patience).
/// <see cref="Seconds"/> is the epoch's wall time, <see cref="GatherSeconds"/> the part spent reading rows.</summary>
public sealed record JumpEpochReport(
    IReadOnlyList<int> Jumps,
    int Epoch,
    int Epochs,
    IReadOnlyList<double> TrainLoss,
    IReadOnlyList<double> ValidationLoss,
    IReadOnlyList<bool> Active,
    double Seconds,
    double GatherSeconds)
{
    /// <summary>The jump id of the joint jump in <see cref="Jumps"/>.</summary>
    public const int Joint = -1;
}

/// <summary>Receives progress from <see cref="JumpTrainer"/>, on the training thread.</summary>
public interface IJumpTrainingObserver
{
    void EpochDone(JumpEpochReport report);

    /// <summary>After every optimizer step; <paramref name="step"/> counts all steps of the run from 1.</summary>
    void StepDone(long step);
}
