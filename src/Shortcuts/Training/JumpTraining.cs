using System.Diagnostics;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Scoring;

namespace LlamaJump.Shortcuts.Training;

/// <summary>What <see cref="JumpTraining.Run"/> produced: the jump set (what the jump file holds), how training
/// went, the scores and the time scoring took.</summary>
public sealed record JumpTrainingOutcome(JumpSet Set, JumpTrainingResult Training, JumpScores Scores, double ScoringSeconds);

/// <summary><c>llamajump train</c> without the command line: train every jump (<see cref="JumpTrainer"/>), score the
/// per-level jumps on all rows of the train split (<see cref="JumpScorer"/>: D_m, softmax, OJFA choice), both on
/// <see cref="JumpTrainingOptions.Device"/>, and put it together as a <see cref="JumpSet"/>.</summary>
public static class JumpTraining
{
    public static JumpTrainingOutcome Run(IJumpRows train, JumpIdentity identity, JumpTrainingOptions options,
        IJumpTrainingObserver? observer = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.NLayer != train.NLayer || identity.NEmbd != train.NEmbd)
            throw new ArgumentException($"the identity says {identity.NLayer} blocks × {identity.NEmbd}, the rows have {train.NLayer} × {train.NEmbd}", nameof(identity));
        var result = JumpTrainer.Train(train, options, observer, cancellation);
        var clock = Stopwatch.StartNew();
        var scores = JumpScorer.Score(train, result.Levels, cancellation: cancellation, device: options.Device);
        double scoringSeconds = clock.Elapsed.TotalSeconds;
        var settings = new TrainingSettings(result.Rank, options.Epochs, options.BatchSize, options.LearningRate, options.Seed,
            options.ValidationFraction, options.Patience, options.Strategy.Name());
        var set = new JumpSet(identity, settings, [.. result.Levels], result.Joint, scores.Ojfa, scores.D, scores.Softmax,
            result.LevelSummaries.Select(s => s.BestValidationLoss).ToArray())
        {
            JointValidationLoss = result.JointSummary?.BestValidationLoss,
        };
        return new JumpTrainingOutcome(set, result, scores, scoringSeconds);
    }
}
