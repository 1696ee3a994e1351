using AwesomeAssertions;
using LlamaJump.Shortcuts;
using LlamaJump.Shortcuts.Scoring;
using LlamaJump.Shortcuts.Training;
using Xunit;

namespace LlamaJump.Tests.Native.Shortcuts;

/// <summary>
/// Numerics at scale: on rows with massive activations (a few dimensions at ~10³, the rest ~1;
/// <see cref="MassiveActivationData"/>) the losses training reports and the D_m the scorer computes equal eq. 2 and
/// eq. 4–5 recomputed in double by direct difference from the exported weights, within 1e-3 relative.
/// <para>Training runs full-batch (the batch size exceeds the training rows), so both reported quantities are exact
/// functions of exported weights: the best validation loss is eq. 2 on the held-out rows at the best epoch's weights
/// (BatchNorm in inference form), and the train loss reported for epoch e*+1 is eq. 2 on all training rows at the
/// weights after e* steps — the best weights of epoch e* — with BatchNorm's batch statistics of those rows (the
/// loss of the one batch before its step).</para>
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class MassiveActivationTests(MassiveActivationTests.Trained trained)
    : IClassFixture<MassiveActivationTests.Trained>
{
    private const double Tolerance = 1e-3;

    [Fact]
    public void Reported_train_and_validation_losses_equal_the_double_direct_difference()
    {
        var rows = trained.Rows;
        double targetNorm = TrainingData.MeanSquaredNorm(rows, rows.NLayer - 1);
        var failures = new List<string>();
        for (int k = 0; k < trained.Result.Levels.Count; k++)
        {
            var summary = trained.Result.LevelSummaries[k];
            var weights = trained.Result.Levels[k];
            double validation = MassiveActivationData.Loss(rows, weights, k, trained.Holdout.Validation, batchStatistics: false);
            double train = MassiveActivationData.Loss(rows, weights, k, trained.Holdout.Train, batchStatistics: true);
            double reportedTrain = trained.TrainLoss(summary.BestEpoch + 1, k);
            double validationError = Math.Abs(summary.BestValidationLoss - validation) / validation;
            double trainError = Math.Abs(reportedTrain - train) / train;
            string line = $"level {k}: best epoch {summary.BestEpoch}, validation {summary.BestValidationLoss:G8} vs {validation:G8} (rel {validationError:G3}), "
                + $"train {reportedTrain:G8} vs {train:G8} (rel {trainError:G3}), loss / mean ‖t‖² = {validation / targetNorm:G3}";
            TestContext.Current.SendDiagnosticMessage(line);
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            if (!(validationError < Tolerance && trainError < Tolerance))
                failures.Add(line);
        }
        failures.Should().BeEmpty();
    }

    /// <summary>Bound: |D_torch − D_double| ≤ 1e-3·|D_double|, or ≤ 1e-6 absolute where |D_double| &lt; 1e-3.</summary>
    [Fact]
    public void Scorer_D_m_equals_the_double_direct_computation()
    {
        var rows = trained.Rows;
        var scores = JumpScorer.Score(rows, trained.Result.Levels, chunkRows: 128, cancellation: TestContext.Current.CancellationToken);
        var failures = new List<string>();
        for (int m = 0; m < scores.D.Count; m++)
        {
            double expected = MassiveActivationData.D(rows, trained.Result.Levels[m]);
            double error = Math.Abs(scores.D[m] - expected);
            bool ok = Math.Abs(expected) < 1e-3 ? error <= 1e-6 : error <= Tolerance * Math.Abs(expected);
            string line = $"jump {m}: D torch {scores.D[m]:G10} vs double {expected:G10} (abs {error:G3}, rel {error / Math.Abs(expected):G3})";
            TestContext.Current.SendDiagnosticMessage(line);
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            if (!ok)
                failures.Add(line);
        }
        failures.Should().BeEmpty();
    }

    /// <summary>One full-batch training run on the massive-activation rows, shared by the tests, with every epoch's
    /// report kept. Where a level's best epoch is the last, the run is repeated one epoch longer for the reports, so
    /// epoch e*+1's train loss exists for every level.</summary>
    public sealed class Trained : IJumpTrainingObserver
    {
        private readonly List<JumpEpochReport> _reports = [];

        public Trained()
        {
            TorchRuntime.ConfigureThreads(1);
            Rows = MassiveActivationData.Rows(layers: 4, hidden: 512, latent: 6, count: 600, clean: 1);
            var options = new JumpTrainingOptions
            {
                Rank = 8, Epochs = Epochs, BatchSize = 4096, LearningRate = 0.1, Patience = Epochs, Seed = 7, TrainJoint = false,
            };
            Holdout = JumpHoldout.Create(Rows.Count, options.ValidationFraction, options.Seed, Rows.Name);
            Result = JumpTrainer.Train(Rows, options, this);
            if (Result.LevelSummaries.Any(s => s.BestEpoch == s.EpochsRun))
            {
                _reports.Clear(); // the same run one epoch longer (training is deterministic): only its reports are used
                JumpTrainer.Train(Rows, options with { Epochs = Epochs + 1 }, this);
            }
        }

        public const int Epochs = 400;

        public InMemoryJumpRows Rows { get; }
        public JumpHoldout Holdout { get; }
        public JumpTrainingResult Result { get; }

        /// <summary>The train loss reported for level <paramref name="level"/> in epoch <paramref name="epoch"/>.</summary>
        public double TrainLoss(int epoch, int level) => _reports.Single(r => r.Epoch == epoch).TrainLoss[level];

        public void EpochDone(JumpEpochReport report) => _reports.Add(report);

        public void StepDone(long step)
        {
        }
    }
}
