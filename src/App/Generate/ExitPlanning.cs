using System.Globalization;
using LlamaJump.App.Bench;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Reports;

namespace LlamaJump.App.Generate;

/// <summary>
/// How generate, chat and bench choose exit mode's candidate blocks when <c>--levels</c> does not name them: with
/// <c>--plan results.json</c>, <see cref="ExitPlanner.Plan"/> on the OJFA jump's exit samples eval wrote beside it
/// (exit-samples.safetensors) at the user's λ; without, <see cref="ExitPlanner.Guarded"/>. The check's cost in blocks
/// is the jump's and the head's weight bytes over one block's (<see cref="ExitCostModel"/>), a skipped block's fill
/// cost its K and V projections' bytes under propagation (0 under recompute, where instead the token after an
/// exit runs to full depth).
/// </summary>
public static class ExitPlanning
{
    /// <summary>A check (the jump, then the head) in blocks.</summary>
    public static double CheckBlocks(ExitCostModel cost) => (cost.Jump + cost.Head) / cost.Block;

    /// <summary>What filling one skipped block costs, in blocks.</summary>
    public static double SkippedBlockCost(ExitCostModel cost, KvFill fill) => fill == KvFill.Propagate ? cost.KvProjections / cost.Block : 0;

    /// <summary>The default candidates of <paramref name="modelPath"/> with a jump of <paramref name="rank"/>.</summary>
    public static IReadOnlyList<int> Guarded(string modelPath, int nLayer, int rank) =>
        ExitPlanner.Guarded(nLayer, CheckBlocks(ExitCostModel.Read(modelPath, rank)));

    /// <summary>The plan for <paramref name="lambda"/> from an evaluation of this model and this jump file
    /// (<see cref="Load"/>, then <see cref="ExitPlanSource.At"/>).</summary>
    public static ExitPlan FromResults(string resultsPath, string modelPath, ModelInfo info, JumpSet set, float lambda, KvFill fill,
        ExitPlanGoal goal = ExitPlanGoal.Cost) =>
        Load(resultsPath, modelPath, info, set, fill, goal).At(lambda);

    /// <summary>An evaluation's exit samples, checked once against this model and jump file, ready to plan at any λ;
    /// one-line <see cref="UserInputException"/> when the results are of another model or jump file, or lack the
    /// samples.</summary>
    public static ExitPlanSource Load(string resultsPath, string modelPath, ModelInfo info, JumpSet set, KvFill fill,
        ExitPlanGoal goal = ExitPlanGoal.Cost)
    {
        if (!File.Exists(resultsPath))
            throw new UserInputException($"--plan {resultsPath}: no such file (llamajump eval writes results.json)");
        EvalReport report;
        try
        {
            report = ResultsJson.Parse(File.ReadAllText(resultsPath));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new UserInputException($"--plan {resultsPath} is not a results.json of llamajump eval ({e.Message})");
        }
        string sha = ModelHash.Sha256(modelPath);
        if (!string.Equals(report.Model.Sha256, sha, StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"--plan {resultsPath} evaluates {report.Model.File} (sha256 {JumpFile.Short(report.Model.Sha256)}), not {info.FileName} (sha256 {JumpFile.Short(sha)})");
        if (!SameJumps(report.Jumps, set))
            throw new UserInputException(
                $"--plan {resultsPath} evaluates another jump file ({report.Jumps.File}: OJFA jump {report.Jumps.Ojfa}, rank {report.Jumps.Rank}) than {Path.GetFileName(set.Source)} (OJFA jump {set.Ojfa}, rank {set.OjfaJump.Rank})");
        var samples = SamplesBeside(resultsPath, sha, set.Ojfa, info.BlockCount - 1, out string? problem)
            ?? throw new UserInputException($"--plan: {problem}");
        var cost = ExitCostModel.Read(modelPath, set.OjfaJump.Rank);
        return new ExitPlanSource(samples, CheckBlocks(cost), SkippedBlockCost(cost, fill), goal, fill == KvFill.Recompute) { Dump = report.Dump, ModelSha256 = sha };
    }

    /// <summary>The exit samples beside <paramref name="resultsPath"/> when they were recorded for this model, OJFA jump
    /// and depth; otherwise null and the <paramref name="problem"/> in one line.</summary>
    public static ExitSamples? SamplesBeside(string resultsPath, string modelSha256, int ojfa, int levels, out string? problem)
    {
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(resultsPath))!, ExitSamplesFile.FileName);
        problem = null;
        if (!File.Exists(path))
        {
            problem = $"{path} is missing; rerun llamajump eval (it writes it beside results.json)";
            return null;
        }
        var (samples, sha, samplesOjfa) = ExitSamplesFile.Read(path);
        if (string.Equals(sha, modelSha256, StringComparison.OrdinalIgnoreCase) && samplesOjfa == ojfa && samples.Levels == levels)
            return samples;
        problem = $"{path} was recorded for another model or OJFA jump than this one (jump {ojfa}, {levels} exit levels)";
        return null;
    }

    /// <summary>One line for the log: the plan, what it expects, and the paper's rule beside it.</summary>
    public static string Describe(ExitPlan plan)
    {
        var inv = CultureInfo.InvariantCulture;
        var o = plan.Outcome;
        string candidates = plan.Candidates.Count == 0
            ? "no candidate (no exit pays at this λ: full depth)"
            : plan.Candidates.Count == 1 ? $"candidate {plan.Candidates[0]}" : $"candidates {string.Join(",", plan.Candidates)} ({plan.First}:{plan.Stride})";
        string goal = plan.Goal == ExitPlanGoal.Blocks ? " (fewest blocks)" : "";
        return string.Create(inv,
            $"plan at λ {plan.Lambda:0.###}{goal}: {candidates}; expected {o.BlocksPerToken:0.00} blocks/token of {plan.NLayer}, {o.ChecksPerToken:0.00} checks/token (a check {plan.CheckBlocks:0.00} blocks), cost {o.CostPerToken:0.00} blocks ({plan.ExpectedSpeedup:0.00}× full), agreement {o.Agreement:0.000}; the paper's rule: {plan.PaperRule.BlocksPerToken:0.00} blocks/token, cost {plan.PaperRule.CostPerToken:0.00}, agreement {plan.PaperRule.Agreement:0.000}");
    }

    /// <summary>A second line for the log when the plan's expected agreement overstates what <paramref name="fill"/>
    /// gives (null otherwise): the exit samples hold states decoded with the full model's context, and under
    /// propagation the tokens after an exit read the K/V propagated from its exit state instead.</summary>
    public static string? AgreementCaveat(ExitPlan plan, KvFill fill) =>
        fill == KvFill.Propagate && plan.Candidates.Count > 0
            ? "the plan's agreement assumes the full model's K/V for the tokens before; under --fill propagate the tokens after an exit read the K/V propagated from its exit state, which can lower it (bench exit --plan R --dump D measures by how much)"
            : null;

    private static bool SameJumps(ReportJumps report, JumpSet set) =>
        report.Ojfa == set.Ojfa && report.Rank == set.OjfaJump.Rank && report.DScores.Count == set.DScores.Count
        && report.DScores.Zip(set.DScores).All(p => Math.Abs(p.First - p.Second) <= 1e-9 * Math.Max(1, Math.Abs(p.Second)));
}

/// <summary>Exit samples checked against a model and jump file, with that model's check and fill costs in blocks:
/// plans exit mode at any λ (<see cref="ExitPlanning.Load"/>).</summary>
/// <param name="FullDepthAfterExit">the fill is recompute: the token after an exit runs to full depth
/// (<see cref="ExitRuleReplay"/>)</param>
public sealed record ExitPlanSource(ExitSamples Samples, double CheckBlocks, double SkippedBlockCost, ExitPlanGoal Goal = ExitPlanGoal.Cost,
    bool FullDepthAfterExit = false)
{
    /// <summary>The dump whose test split the samples were recorded on, as results.json names it (null: not known).</summary>
    public ReportDump? Dump { get; init; }

    /// <summary>The SHA-256 of the model the samples were recorded on (null: not known).</summary>
    public string? ModelSha256 { get; init; }

    public ExitPlan At(double lambda) =>
        ExitPlanner.Plan(Samples.TopProbability, Samples.Agrees, Samples.Levels, lambda, CheckBlocks, SkippedBlockCost, Goal, FullDepthAfterExit);

    /// <summary>The paper's rule (every block from ⌊L/4⌋) replayed on these samples at <paramref name="lambda"/>: what
    /// the offline curve predicts for the online sweep.</summary>
    public ExitOutcome PaperRuleAt(double lambda) =>
        ExitPlanner.Replay(Samples.TopProbability, Samples.Agrees, Samples.Levels, ExitCandidates.Default(Samples.Levels + 1), lambda, CheckBlocks,
            SkippedBlockCost, FullDepthAfterExit);
}
